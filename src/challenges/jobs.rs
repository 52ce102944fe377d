//! Bidding closes by itself at the deadline (SPEC §2): publishing schedules a `close_bidding` job
//! at `bid_closes_at`. A job left over from before an extension finds the deadline not yet reached
//! and does nothing; the job of the new deadline closes it. Jobs live in the database, so a
//! deadline that passed while every server was down is closed as soon as one starts, and
//! [`catch_up`], run at start, gives a job to any published challenge that lost its own.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cache::ListCache;
use super::lifecycle::{self, Action, Actor};
use super::models::{Challenge, Status};
use super::queries::{self, Viewer};
use crate::audit::RequestMeta;
use crate::error::{AppError, AppResult};
use crate::jobs::{self, BackgroundJob};
use crate::state::AppState;

/// The job that closes bidding at a challenge's deadline.
#[derive(Debug, Serialize, Deserialize)]
pub struct CloseBidding {
    pub challenge_id: Uuid,
    /// The deadline the job was scheduled for (part of its dedupe key only: the job reads the
    /// challenge's current deadline). Absent in jobs queued before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
}

impl CloseBidding {
    /// The job of the challenge `challenge_id` whose deadline is `deadline`.
    fn at(challenge_id: Uuid, deadline: DateTime<Utc>) -> (Self, DateTime<Utc>) {
        let job = CloseBidding {
            challenge_id,
            deadline: Some(deadline),
        };
        (job, deadline)
    }
}

impl BackgroundJob for CloseBidding {
    const KIND: &'static str = "close_bidding";

    /// One job per challenge and deadline.
    fn dedupe_key(&self) -> Option<String> {
        let at = self.deadline.map(|at| at.timestamp()).unwrap_or_default();
        Some(format!("{}:{at}", self.challenge_id))
    }

    /// Closes bidding if the challenge is still published and its deadline has passed.
    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        state
            .transaction(async |conn| {
                let challenge =
                    match queries::lock_visible(conn, Viewer::Admin, self.challenge_id).await {
                        Err(AppError::NotFound) => return Ok(()),
                        found => found?,
                    };
                if challenge.status != Status::Published
                    || challenge.bid_closes_at > state.clock.now()
                {
                    return Ok(());
                }
                lifecycle::apply(
                    conn,
                    state,
                    &RequestMeta::default(),
                    &Actor::System,
                    &challenge,
                    Action::CloseBidding,
                    None,
                )
                .await?;
                tracing::info!(challenge_id = %challenge.id, "bidding closed at the deadline");
                Ok(())
            })
            .await?;
        ListCache::clear_in(state)?;
        Ok(())
    }
}

/// Schedules the closing job for the challenge's current deadline, in the caller's transaction.
pub async fn schedule(conn: &mut AsyncPgConnection, challenge: &Challenge) -> AppResult<()> {
    let (job, at) = CloseBidding::at(challenge.id, challenge.bid_closes_at);
    job.enqueue_at(conn, at).await
}

/// Makes sure every published challenge has its closing job (run when the job runner starts, and
/// after bulk loads): a deadline whose job was lost is closed at once, the others at their time.
/// Answers how many jobs were added.
pub async fn catch_up(state: &AppState) -> AppResult<usize> {
    let mut conn = state.conn().await?;
    let jobs: Vec<(CloseBidding, DateTime<Utc>)> = queries::published_deadlines(&mut conn)
        .await?
        .into_iter()
        .map(|(challenge_id, deadline)| CloseBidding::at(challenge_id, deadline))
        .collect();
    jobs::enqueue_many(&mut conn, &jobs).await
}
