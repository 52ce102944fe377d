//! What the expert of a review seat reads: the bids to score, their own scores, a decline.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::bids::input::{KpiCommitment, Milestone};
use crate::bids::models::{Bid, Member, display_code};
use crate::reviews::models::{CriterionScore, Score};
use crate::reviews::views::{AssignmentView, ReviewMemberView};

/// What a decline did: the declined assignment and the replacement invited, if any eligible
/// expert was left in the stored order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeclineView {
    pub assignment: AssignmentView,
    pub replacement: Option<AssignmentView>,
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

impl ReviewBidView {
    /// The bid as the expert scores it: without names in a blind review (`names` is then
    /// empty), with its team and the expert's own score.
    pub fn of(
        bid: Bid,
        members: &[Member],
        names: &HashMap<Uuid, String>,
        mine: Option<&Score>,
        blind: bool,
    ) -> Self {
        ReviewBidView {
            id: bid.id,
            display_code: display_code(bid.anonymous_code.as_deref().unwrap_or_default()),
            organization_name: names.get(&bid.organization_id).cloned(),
            technical_approach: bid.technical_approach,
            kpi_commitments: serde_json::from_value(bid.kpi_commitments).unwrap_or_default(),
            requested_fen: bid.requested_fen,
            duration_months: bid.duration_months,
            milestones: serde_json::from_value(bid.milestones).unwrap_or_default(),
            team: members
                .iter()
                .filter(|m| m.bid_id == bid.id)
                .map(|m| ReviewMemberView {
                    role: m.role,
                    name: (!blind).then(|| m.name.clone()),
                    title: m.title.clone(),
                    duty: m.duty.clone(),
                })
                .collect(),
            my_score: mine.cloned().map(ScoreView::from),
            anonymous_code: bid.anonymous_code.unwrap_or_default(),
        }
    }
}
