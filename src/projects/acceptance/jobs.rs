//! The reminder before an acceptance panel's deadline.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppResult;
use crate::jobs::BackgroundJob;
use crate::reviews::seats::{Panel, jobs::remind};
use crate::state::AppState;

/// The reminder before an acceptance panel's deadline: tells every expert of the panel who has
/// not submitted. Does nothing once the acceptance is closed or the challenge is no longer
/// awarded; a rerun after a crash tells them again, which does no harm.
#[derive(Debug, Serialize, Deserialize)]
pub struct RemindAcceptanceExperts {
    pub challenge_id: Uuid,
    /// The deadline it reminds of (its dedupe key: one reminder per panel and deadline). Absent
    /// in jobs queued before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
}

impl BackgroundJob for RemindAcceptanceExperts {
    const KIND: &'static str = "acceptance_reminder";

    fn dedupe_key(&self) -> Option<String> {
        let at = self.deadline.map(|at| at.timestamp()).unwrap_or_default();
        Some(format!("{}:{at}", self.challenge_id))
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        remind(state, Panel::Acceptance, self.challenge_id).await
    }
}

/// Queues the reminder `review.reminder_hours_before` the deadline (at once if that is past),
/// once per panel and deadline.
pub async fn schedule_reminder(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge_id: Uuid,
    deadline: DateTime<Utc>,
) -> AppResult<()> {
    let hours = state.settings.review.reminder_hours_before;
    let remind_at = deadline - chrono::Duration::hours(hours);
    RemindAcceptanceExperts {
        challenge_id,
        deadline: Some(deadline),
    }
    .enqueue_at(conn, remind_at.max(state.clock.now()))
    .await
}
