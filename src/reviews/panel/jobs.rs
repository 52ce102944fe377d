//! The reminder before the review's deadline.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::jobs::BackgroundJob;
use crate::reviews::seats::{Panel, jobs::remind};
use crate::state::AppState;

/// The reminder before a review's deadline: tells every expert of the panel who has not
/// submitted (idempotent enough: a rerun after a crash tells them again, which does no harm).
#[derive(Debug, Serialize, Deserialize)]
pub struct RemindReviewers {
    pub challenge_id: Uuid,
}

impl BackgroundJob for RemindReviewers {
    const KIND: &'static str = "review_reminder";

    /// One per panel.
    fn dedupe_key(&self) -> Option<String> {
        Some(self.challenge_id.to_string())
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        remind(state, Panel::Review, self.challenge_id).await
    }
}
