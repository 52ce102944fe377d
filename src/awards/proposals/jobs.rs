//! The `confirm_award` job, scheduled at the end of the notice (and again when the last pending
//! objection is dismissed after it). Safe in every instance and on every re-run: it locks the
//! challenge and the award and re-checks everything before it acts.
//!
//! When the notice has ended, the award is still in publicity, not blocked, and no objection is
//! pending: the organisation, the leader and the members are checked again (purpose
//! `award_confirm`, committed first). A block leaves the award in publicity, marked blocked
//! ([`super::lifecycle::block`]); otherwise the award is confirmed
//! ([`super::lifecycle::confirm`]).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::models::Award;
use super::rules::{CheckContext, recheck};
use super::{lifecycle, queries};
use crate::audit::RequestMeta;
use crate::awards::objections::queries::pending;
use crate::bids::queries::{BidViewer, find_visible};
use crate::challenges::models::{Challenge, Status};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::credit::Purpose;
use crate::db;
use crate::error::AppResult;
use crate::jobs::BackgroundJob;
use crate::state::AppState;

/// The job that confirms an award once its notice has ended (at `ends_at`), or once its last
/// pending objection is dismissed.
#[derive(Debug, Serialize, Deserialize)]
pub struct ConfirmAward {
    pub award_id: Uuid,
    /// The dismissed objection that queued this job, if one did: such a job has a key of its
    /// own, since the notice's job may be running right now (seeing the objection still
    /// pending) and would swallow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_objection: Option<Uuid>,
}

impl BackgroundJob for ConfirmAward {
    const KIND: &'static str = "confirm_award";

    fn dedupe_key(&self) -> Option<String> {
        Some(match self.after_objection {
            None => self.award_id.to_string(),
            Some(objection) => format!("{}:{objection}", self.award_id),
        })
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        run(state, self.award_id)
            .await
            .map_err(|e| anyhow::anyhow!("confirm award {}: {e}", self.award_id))
    }
}

/// Whether the award may be confirmed at `now`: its challenge still in publicity, the award due
/// ([`lifecycle::due`]) and no objection to it pending.
async fn ready(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    award: &Award,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(challenge.status == Status::Publicity
        && lifecycle::due(award, now)
        && pending(conn, award.id, None).await? == 0)
}

/// The confirmation: re-checks state, objections, time and credit, then confirms.
async fn run(state: &AppState, award_id: Uuid) -> AppResult<()> {
    let meta = RequestMeta::default();
    let mut conn = state.conn().await?;
    let now = state.clock.now();
    // A first look without locks: most re-runs stop here.
    let Some(award) = queries::find(&mut conn, award_id, false).await? else {
        return Ok(());
    };
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, award.challenge_id).await?;
    if !ready(&mut conn, &challenge, &award, now).await? {
        return Ok(());
    }
    let bid = find_visible(&mut conn, BidViewer::Admin, award.bid_id).await?;
    let context = CheckContext {
        purpose: Purpose::AwardConfirm,
        general_blocks: challenge.general_credit_blocks,
        requested_by: None,
        context: json!({"challenge_id": challenge.id, "bid_id": bid.id, "award_id": award.id}),
    };
    let recheck = recheck(&mut conn, state, &meta, &bid, context).await?;

    db::transaction(&mut conn, async |conn| {
        let challenge =
            challenge_queries::lock_visible(conn, Viewer::Admin, award.challenge_id).await?;
        let Some(award) = queries::find(conn, award_id, true).await? else {
            return Ok(());
        };
        // One instant for everything this confirmation stamps, taken under the locks.
        let now = state.clock.now();
        // Again, under the locks: another instance, an objection or a withdrawal may have come
        // in between.
        if !ready(conn, &challenge, &award, now).await? {
            return Ok(());
        }
        if recheck.blocked.is_empty() {
            lifecycle::confirm(
                conn,
                state,
                &meta,
                &challenge,
                &award,
                &recheck.check_ids,
                now,
            )
            .await
        } else {
            lifecycle::block(conn, state, &meta, &challenge, &award, &recheck, now).await
        }
    })
    .await
}
