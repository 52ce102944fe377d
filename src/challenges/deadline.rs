//! Bidding closes by itself at the deadline (SPEC §2): publishing schedules a `close_bidding` job
//! at `bid_closes_at`. A job left over from before an extension finds the deadline not yet reached
//! and does nothing; the job of the new deadline closes it. Jobs live in the database, so a
//! deadline that passed while every server was down is closed as soon as one starts, and
//! [`catch_up`] re-schedules any published challenge whose deadline passed without a job.

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
    Ok(())
}

/// Schedules a closing job for every published challenge whose deadline has passed (run when the
/// job runner starts). Answers how many were overdue.
pub async fn catch_up(state: &AppState) -> AppResult<usize> {
    let mut conn = state.conn().await?;
    let overdue: Vec<Challenge> = challenges::table
        .filter(challenges::status.eq(Status::Published))
        .filter(challenges::bid_closes_at.le(state.clock.now()))
        .select(Challenge::as_select())
        .load(&mut conn)
        .await?;
    for challenge in &overdue {
        schedule(&mut conn, challenge).await?;
    }
    Ok(overdue.len())
}
