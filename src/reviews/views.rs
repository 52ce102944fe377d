//! What the API returns for assignments, the bids experts score, and scores.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Assignment, AssignmentStatus, CriterionScore, Score};
use crate::bids::input::{KpiCommitment, Milestone};
use crate::bids::models::MemberRole;
use crate::error::AppResult;
use crate::schema::{challenges, panel_draws, users};

/// An invitation to a panel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub expert_id: Uuid,
    pub expert_name: String,
    /// The expert's place in the draw's candidate order.
    pub position: i32,
    pub status: AssignmentStatus,
    pub decline_reason: Option<String>,
    pub blind_review: bool,
    pub review_deadline: DateTime<Utc>,
    pub invited_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

pub async fn assignment_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Assignment>,
) -> AppResult<Vec<AssignmentView>> {
    let challenge_ids: Vec<Uuid> = rows.iter().map(|a| a.challenge_id).collect();
    let expert_ids: Vec<Uuid> = rows.iter().map(|a| a.expert_id).collect();
    let challenges: HashMap<Uuid, (String, bool, DateTime<Utc>)> = challenges::table
        .inner_join(panel_draws::table)
        .filter(challenges::id.eq_any(&challenge_ids))
        .select((
            challenges::id,
            challenges::title,
            challenges::blind_review,
            panel_draws::review_deadline,
        ))
        .load::<(Uuid, String, bool, DateTime<Utc>)>(conn)
        .await?
        .into_iter()
        .map(|(id, t, b, d)| (id, (t, b, d)))
        .collect();
    let names: HashMap<Uuid, String> = users::table
        .filter(users::id.eq_any(&expert_ids))
        .select((users::id, users::display_name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let (title, blind, deadline) = challenges.get(&a.challenge_id)?.clone();
            Some(AssignmentView {
                id: a.id,
                challenge_id: a.challenge_id,
                challenge_title: title,
                expert_id: a.expert_id,
                expert_name: names.get(&a.expert_id).cloned().unwrap_or_default(),
                position: a.position,
                status: a.status,
                decline_reason: a.decline_reason,
                blind_review: blind,
                review_deadline: deadline,
                invited_at: a.invited_at,
                responded_at: a.responded_at,
                submitted_at: a.submitted_at,
            })
        })
        .collect())
}

/// One expert's score of one bid. Only that expert sees it before the review closes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreView {
    pub bid_id: Uuid,
    pub criteria: Vec<CriterionScore>,
    #[schema(example = 86)]
    pub total: i32,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

impl From<Score> for ScoreView {
    fn from(s: Score) -> Self {
        ScoreView {
            bid_id: s.bid_id,
            criteria: s.criterion_list(),
            total: s.total,
            comment: s.comment,
            updated_at: s.updated_at,
        }
    }
}

/// A team member as an expert sees them; the name only when the review is not blind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewMemberView {
    pub role: MemberRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub title: String,
    pub duty: String,
}

/// A bid as the panel scores it. In a blind review it carries no organisation and no person
/// names: only its code ("方案 A").
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewBidView {
    pub id: Uuid,
    #[schema(example = "A")]
    pub anonymous_code: String,
    #[schema(example = "方案 A")]
    pub display_code: String,
    /// The bidding organisation's name; absent in a blind review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    pub technical_approach: String,
    pub kpi_commitments: Vec<KpiCommitment>,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    pub milestones: Vec<Milestone>,
    pub team: Vec<ReviewMemberView>,
    /// The caller's own score, if given.
    pub my_score: Option<ScoreView>,
}

/// The bids of an assignment's panel, with the rubric.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewBidsView {
    pub assignment_id: Uuid,
    pub challenge_id: Uuid,
    pub blind_review: bool,
    pub rubric: Vec<crate::challenges::models::Criterion>,
    pub items: Vec<ReviewBidView>,
}
