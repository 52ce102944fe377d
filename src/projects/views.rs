//! What the API shows of a project as a whole.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::extensions::views::ExtensionView;
use super::milestones::views::MilestoneView;

/// A project: its milestones in order, and its extension requests.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectView {
    pub challenge_id: Uuid,
    pub title: String,
    pub challenge_status: crate::challenges::models::Status,
    pub awarded_at: Option<DateTime<Utc>>,
    /// The awardee organisation.
    pub organization_id: Uuid,
    pub organization_name: String,
    /// The awarded amount: the sum of the milestones' amounts.
    #[schema(example = 250000000)]
    pub amount_fen: i64,
    /// How many milestones are not yet accepted.
    pub outstanding: i64,
    pub milestones: Vec<MilestoneView>,
    pub extensions: Vec<ExtensionView>,
}
