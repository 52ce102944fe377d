//! Bidding closes by itself at the deadline (SPEC §2): publishing schedules a `close_bidding` job
//! at `bid_closes_at`. A job left over from before an extension finds the deadline not yet reached
//! and does nothing; the job of the new deadline closes it. Jobs live in the database, so a
//! deadline that passed while every server was down is closed as soon as one starts, and
//! [`catch_up`], run at start, gives a job to any published challenge that lost its own.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lifecycle::{self, Action, Actor};
use super::models::{Challenge, Status};
use crate::audit::RequestMeta;
use crate::error::{AppError, AppResult};
use crate::jobs;
use crate::schema::challenges;
use crate::state::AppState;

pub const CLOSE_BIDDING: &str = "close_bidding";

#[derive(Debug, Serialize, Deserialize)]
pub struct CloseBidding {
    pub challenge_id: Uuid,
}

fn dedupe_key(id: Uuid, at: DateTime<Utc>) -> String {
    format!("{CLOSE_BIDDING}:{id}:{}", at.timestamp())
}

/// Schedules the closing job for the challenge's current deadline, in the caller's transaction.
pub async fn schedule(conn: &mut AsyncPgConnection, challenge: &Challenge) -> AppResult<()> {
    jobs::enqueue(
        conn,
        CLOSE_BIDDING,
        &CloseBidding {
            challenge_id: challenge.id,
        },
        Some(challenge.bid_closes_at),
        Some(&dedupe_key(challenge.id, challenge.bid_closes_at)),
    )
    .await
}

/// The job: closes bidding if the challenge is still published and its deadline has passed.
pub async fn perform(state: &AppState, job: CloseBidding) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let challenge: Option<Challenge> = challenges::table
            .find(job.challenge_id)
            .select(Challenge::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?;
        let Some(challenge) = challenge else {
            return Ok(());
        };
        if challenge.status != Status::Published || challenge.bid_closes_at > state.clock.now() {
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
    state.challenge_list_cache.clear();
    Ok(())
}

/// Makes sure every published challenge has its closing job (run when the job runner starts, and
/// after bulk loads): a deadline whose job was lost is closed at once, the others at their time.
/// Answers how many jobs were added.
pub async fn catch_up(state: &AppState) -> AppResult<usize> {
    let mut conn = state.conn().await?;
    // The same payload and dedupe key as `schedule`, for all at once.
    let added = diesel::sql_query(format!(
        "INSERT INTO background_jobs (kind, payload, dedupe_key, run_at)
         SELECT '{CLOSE_BIDDING}', jsonb_build_object('challenge_id', id),
                '{CLOSE_BIDDING}:' || id || ':' || floor(extract(epoch FROM bid_closes_at))::bigint,
                bid_closes_at
         FROM challenges WHERE status = 'published'
         ON CONFLICT DO NOTHING"
    ))
    .execute(&mut conn)
    .await?;
    Ok(added)
}
