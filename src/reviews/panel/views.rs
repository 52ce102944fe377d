//! The review's draw as the admins read it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::reviews::models::PanelDraw;
use crate::reviews::views::{AssignmentView, CandidateView, DrawRecord, ExclusionView};

/// A draw as stored, with what is needed to verify it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PanelView {
    pub challenge_id: Uuid,
    /// The seed, a u64 written as a string (JSON numbers lose precision above 2^53 in
    /// JavaScript clients, which could then not reproduce the draw).
    #[schema(example = "14615029876112232711")]
    pub seed: String,
    pub panel_size: i32,
    /// The eligible experts after the shuffle; the panel is the first `panel_size`, replacements
    /// follow in this order.
    pub candidates: Vec<CandidateView>,
    /// Whether shuffling the sorted candidates with `seed` gives `candidates` again.
    pub order_verified: bool,
    pub exclusions: Vec<ExclusionView>,
    /// How far down the order invitations have gone.
    pub next_position: i32,
    pub review_deadline: DateTime<Utc>,
    pub drawn_by: Uuid,
    pub drawn_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub assignments: Vec<AssignmentView>,
}

impl PanelView {
    /// The draw with its record and its invitations.
    pub fn of(draw: PanelDraw, record: DrawRecord, assignments: Vec<AssignmentView>) -> Self {
        PanelView {
            challenge_id: draw.challenge_id,
            seed: record.seed,
            panel_size: draw.panel_size,
            candidates: record.candidates,
            order_verified: record.order_verified,
            exclusions: record.exclusions,
            next_position: record.next_position,
            review_deadline: draw.review_deadline,
            drawn_by: record.drawn_by,
            drawn_at: draw.drawn_at,
            closed_at: draw.closed_at,
            assignments,
        }
    }
}
