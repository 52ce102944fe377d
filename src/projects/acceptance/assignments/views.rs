//! What the expert of an acceptance seat reads: the project, their own verdict, a decline.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::challenges::models::Field;
use crate::projects::acceptance::models::{KpiVerdict, Verdict};
use crate::projects::acceptance::views::{AcceptanceAssignmentView, KpiView};
use crate::reviews::views::ReviewMemberView;

/// An expert's own verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnVerdictView {
    pub kpis: Vec<KpiVerdict>,
    pub pass: bool,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

impl From<Verdict> for OwnVerdictView {
    fn from(v: Verdict) -> Self {
        OwnVerdictView {
            kpis: v.kpi_list(),
            pass: v.pass,
            comment: v.comment,
            updated_at: v.updated_at,
        }
    }
}

/// The project as the acceptance panel judges it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptanceProjectView {
    pub assignment_id: Uuid,
    pub challenge_id: Uuid,
    pub title: String,
    pub field: Field,
    pub description: String,
    pub awarded_at: Option<DateTime<Utc>>,
    pub bid_id: Uuid,
    pub awardee_organization_name: String,
    pub technical_approach: String,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    /// Each KPI of the challenge with the awardee's commitment (军令状).
    pub kpis: Vec<KpiView>,
    /// The project's milestones with every report (the deliverables) and decision: the last one's
    /// deliverable is the result the panel judges.
    pub milestones: Vec<crate::projects::milestones::views::MilestoneView>,
    pub team: Vec<ReviewMemberView>,
    /// The caller's own verdict, if saved.
    pub my_verdict: Option<OwnVerdictView>,
}

/// What a decline did: the declined assignment and the replacement invited, if any eligible
/// expert was left in the stored order.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceDeclineView {
    pub assignment: AcceptanceAssignmentView,
    pub replacement: Option<AcceptanceAssignmentView>,
}
