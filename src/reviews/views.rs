//! What the API returns for what several resources of the review show: a draw's record (both
//! panels), assignments, the bids experts score, and scores.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::draw::{self, Exclusion};
use super::models::{AssignmentStatus, PanelDraw};
use crate::bids::models::MemberRole;
use crate::challenges::models::{Criterion, Field, Kpi};
use crate::commitments::views::SignatureView;

/// An invitation to a panel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub field: Field,
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
    /// The rubric the panel scores with: each criterion with its points and guidance.
    pub rubric: Vec<Criterion>,
    /// How far the seat's scoring is: bids saved (draft or submitted) of the bids to score.
    pub progress: ScoringProgress,
    /// The commitment (保密及回避承诺书) signed on accepting; the address for admins only.
    pub commitment: Option<SignatureView>,
    /// The challenge's KPIs (shown by the acceptance's seat, not the review's).
    #[serde(skip)]
    pub kpis: Vec<Kpi>,
    /// Whether a verdict is saved (shown by the acceptance's seat, not the review's).
    #[serde(skip)]
    pub verdict_saved: bool,
}

/// A review seat's progress: "3 / 5 scored".
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct ScoringProgress {
    /// The eligible bids of the panel.
    #[schema(example = 5)]
    pub bids_to_score: i32,
    /// Those the expert has saved a score for (a draft until submitted).
    #[schema(example = 3)]
    pub bids_scored: i32,
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

/// An expert in the stored candidate order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateView {
    pub position: i32,
    pub expert_id: Uuid,
    pub display_name: String,
}

/// An expert left out, and why. `stage` is `draw` or `replacement`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExclusionView {
    pub expert_id: Uuid,
    pub display_name: String,
    pub reasons: Vec<Exclusion>,
    pub stage: String,
    /// The credit check that blocked, when `credit_block` is among the reasons.
    pub credit_check_id: Option<Uuid>,
}

/// The stored draw, with what is needed to verify it (admins only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawRecord {
    /// The u64 seed, written as a string (JSON numbers lose precision above 2^53).
    #[schema(example = "14615029876112232711")]
    pub seed: String,
    /// The eligible experts after the shuffle; the panel is the first `panel_size`,
    /// replacements follow in this order.
    pub candidates: Vec<CandidateView>,
    /// Whether shuffling the sorted candidates with `seed` gives `candidates` again.
    pub order_verified: bool,
    pub exclusions: Vec<ExclusionView>,
    /// How far down the order invitations have gone.
    pub next_position: i32,
    pub drawn_by: Uuid,
}

impl DrawRecord {
    /// The draw's record, the candidates named from `names`; `order_verified` re-runs the
    /// shuffle.
    pub fn of(draw: &PanelDraw, names: &HashMap<Uuid, String>) -> Self {
        let order = draw.candidate_list();
        DrawRecord {
            seed: draw.seed().to_string(),
            order_verified: draw::order(order.clone(), draw.seed()) == order,
            candidates: order
                .iter()
                .zip(0..)
                .map(|(id, position)| CandidateView {
                    position,
                    expert_id: *id,
                    display_name: names.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
            exclusions: serde_json::from_value(draw.exclusions.clone()).unwrap_or_default(),
            next_position: draw.next_position,
            drawn_by: draw.drawn_by,
        }
    }
}
