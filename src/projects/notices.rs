//! What the parties of a project are told about the project as a whole; each of its resources
//! has its own (`milestones::notices`, `payments::notices`, `extensions::notices`,
//! `acceptance::notices`).

use serde::Serialize;
use uuid::Uuid;

use crate::notifications::Notice;
use crate::state::AppState;

/// Where people follow the project.
pub fn project_url(state: &AppState, challenge_id: Uuid) -> String {
    format!(
        "{}/api/v1/challenges/{challenge_id}/milestones",
        state.settings.public_url()
    )
}

/// Every milestone but the last is accepted and the last reported: the admins may draw the
/// acceptance panel.
#[derive(Debug, Serialize)]
pub struct ProjectReadyForAcceptance {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub url: String,
}

impl Notice for ProjectReadyForAcceptance {
    fn template(&self) -> &'static str {
        "project_ready_for_acceptance"
    }
}

/// The program office terminated an awarded project (to the awardee's solver accounts and the
/// issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ProjectTerminated {
    pub display_name: String,
    pub title: String,
    pub reason: String,
    pub url: String,
}

impl Notice for ProjectTerminated {
    fn template(&self) -> &'static str {
        "project_terminated"
    }
}
