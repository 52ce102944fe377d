//! Expert review as stored: profiles, draws, assignments, scores, rankings, fees.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::challenges::models::Field;
use crate::db_enum;
use crate::schema::{assignments, experts, panel_draws, rankings, review_fees, scores};

db_enum!(
    /// Where an invitation to a panel stands.
    AssignmentStatus {
        /// 已邀请: drawn, waiting for the expert's answer.
        Invited => "invited",
        /// 已接受: scoring.
        Accepted => "accepted",
        /// 已拒绝 (with a reason); a replacement was drawn.
        Declined => "declined",
        /// 已提交: the scores are final.
        Submitted => "submitted",
    }
);

impl AssignmentStatus {
    /// Open assignments count against `review.max_open_assignments`.
    pub const OPEN: &'static [AssignmentStatus] =
        &[AssignmentStatus::Invited, AssignmentStatus::Accepted];
}

/// An expert's profile, as stored and as inserted.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = experts, primary_key(user_id), check_for_backend(diesel::pg::Pg))]
pub struct Expert {
    pub user_id: Uuid,
    pub id_hash: Vec<u8>,
    pub id_masked: String,
    pub fields: Vec<Option<String>>,
    pub title: String,
    pub conflict_usccs: Vec<Option<String>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an edit of a profile sets.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = experts)]
pub struct ExpertChanges {
    pub fields: Vec<String>,
    pub title: String,
    pub conflict_usccs: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

impl Expert {
    pub fn field_list(&self) -> Vec<Field> {
        self.fields
            .iter()
            .filter_map(|f| f.as_deref()?.parse().ok())
            .collect()
    }

    pub fn conflicts(&self) -> Vec<String> {
        self.conflict_usccs.iter().flatten().cloned().collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = panel_draws, primary_key(challenge_id), check_for_backend(diesel::pg::Pg))]
pub struct PanelDraw {
    pub challenge_id: Uuid,
    pub seed: i64,
    pub panel_size: i32,
    pub candidates: serde_json::Value,
    pub exclusions: serde_json::Value,
    pub next_position: i32,
    pub review_deadline: DateTime<Utc>,
    pub drawn_by: Uuid,
    pub drawn_at: DateTime<Utc>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl PanelDraw {
    /// The seed as drawn (stored bit for bit in a signed column).
    pub fn seed(&self) -> u64 {
        self.seed as u64
    }

    pub fn candidate_list(&self) -> Vec<Uuid> {
        serde_json::from_value(self.candidates.clone()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = assignments, check_for_backend(diesel::pg::Pg))]
pub struct Assignment {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub expert_id: Uuid,
    pub position: i32,
    pub status: AssignmentStatus,
    pub decline_reason: Option<String>,
    pub invited_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Points given for one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionScore {
    #[schema(example = "技术方案")]
    pub name: String,
    #[schema(example = 35)]
    pub points: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scores, check_for_backend(diesel::pg::Pg))]
pub struct Score {
    pub assignment_id: Uuid,
    pub bid_id: Uuid,
    pub criteria: serde_json::Value,
    pub total: i32,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Score {
    pub fn criterion_list(&self) -> Vec<CriterionScore> {
        serde_json::from_value(self.criteria.clone()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rankings, check_for_backend(diesel::pg::Pg))]
pub struct Ranking {
    pub challenge_id: Uuid,
    pub bid_id: Uuid,
    pub rank: i32,
    pub score: f64,
    pub expert_totals: serde_json::Value,
    pub criterion_means: serde_json::Value,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = review_fees, check_for_backend(diesel::pg::Pg))]
pub struct Fee {
    pub id: Uuid,
    pub assignment_id: Uuid,
    pub expert_id: Uuid,
    pub challenge_id: Uuid,
    pub bids_reviewed: i32,
    pub amount_fen: i64,
    pub created_at: DateTime<Utc>,
}
