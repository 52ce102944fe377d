//! The `confirm_award` job, scheduled at the end of the notice (and again when the last pending
//! objection is dismissed after it). Safe in every instance and on every re-run: it locks the
//! challenge and the award and re-checks everything before it acts.
//!
//! When the notice has ended, the award is still in publicity, not blocked, and no objection is
//! pending: the organisation, the leader and the members are checked again (purpose
//! `award_confirm`, committed first). A block leaves the award in publicity, marked blocked
//! (`blocked_at`, the check ids), and tells the admins, who withdraw it. Otherwise the challenge
//! is confirmed (`ConfirmAward`, stamping `awarded_at`), the winning bid becomes `awarded` and
//! every other opened bid `not_selected`, the project starts (`projects::start`), and everyone
//! involved is told.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::models::{Award, AwardStatus};
use super::{
    CheckContext, admin_accounts, awards_url, blocked_errors, credit_parties, load_bid,
    organization_solvers, other_bidders, pending_objections, run_checks,
};
use crate::audit::{self, RequestMeta};
use crate::awards::notices::{AwardBlocked, AwardConfirmed};
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::models::Status;
use crate::challenges::notify::{issuer_accounts, url as challenge_url};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::credit::Purpose;
use crate::error::AppError;
use crate::jobs::BackgroundJob;
use crate::notifications::yuan;
use crate::notifications::{Recipient, notify};
use crate::schema::{awards, organizations};
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

/// Whether the award is ready to be confirmed at `now` (pending objections aside).
fn due(award: &Award, now: chrono::DateTime<chrono::Utc>) -> bool {
    award.status == AwardStatus::Publicity && award.blocked_at.is_none() && now >= award.ends_at
}

async fn find(
    conn: &mut diesel_async::AsyncPgConnection,
    id: Uuid,
    lock: bool,
) -> Result<Option<Award>, AppError> {
    let query = awards::table.find(id).select(Award::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The confirmation: re-checks state, objections, time and credit, then confirms.
async fn run(state: &AppState, award_id: Uuid) -> Result<(), AppError> {
    let meta = RequestMeta::default();
    let mut conn = state.conn().await?;
    let now = state.clock.now();
    // A first look without locks: most re-runs stop here.
    let Some(award) = find(&mut conn, award_id, false).await? else {
        return Ok(());
    };
    if !due(&award, now) || pending_objections(&mut conn, award.id).await? > 0 {
        return Ok(());
    }
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, award.challenge_id).await?;
    if challenge.status != Status::Publicity {
        return Ok(());
    }
    let bid = load_bid(&mut conn, award.bid_id).await?;
    let parties = credit_parties(&mut conn, &bid).await?;
    let checks = run_checks(
        &mut conn,
        state,
        &meta,
        &parties,
        CheckContext {
            purpose: Purpose::AwardConfirm,
            general_blocks: challenge.general_credit_blocks,
            requested_by: None,
            context: json!({"challenge_id": challenge.id, "bid_id": bid.id, "award_id": award.id}),
        },
    )
    .await?;
    let check_ids: Vec<Option<Uuid>> = checks.iter().map(|c| Some(c.id)).collect();
    let blocked = blocked_errors(&parties, &checks, "award_confirm");

    conn.transaction::<_, AppError, _>(async |conn| {
        let challenge =
            challenge_queries::lock_visible(conn, Viewer::Admin, award.challenge_id).await?;
        let Some(award) = find(conn, award_id, true).await? else {
            return Ok(());
        };
        // One instant for everything this confirmation stamps, taken under the locks.
        let now = state.clock.now();
        // Again, under the locks: another instance, an objection or a withdrawal may have come
        // in between.
        if challenge.status != Status::Publicity
            || !due(&award, now)
            || pending_objections(conn, award.id).await? > 0
        {
            return Ok(());
        }
        let org: String = organizations::table
            .find(award.organization_id)
            .select(organizations::name)
            .first(conn)
            .await?;
        if !blocked.is_empty() {
            diesel::update(awards::table.find(award.id))
                .set((
                    awards::blocked_at.eq(now),
                    awards::confirm_check_ids.eq(&check_ids),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                state,
                &meta,
                audit::Event {
                    actor_id: None,
                    action: "award.confirm_blocked",
                    object_type: "award",
                    object_id: Some(award.id.to_string()),
                    summary: json!({
                        "challenge_id": challenge.id,
                        "bid_id": award.bid_id,
                        "credit_checks": check_ids,
                        "blocked": blocked.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
                    }),
                },
            )
            .await?;
            for admin in admin_accounts(conn).await? {
                let notice = AwardBlocked {
                    display_name: admin.display_name.clone(),
                    title: challenge.title.clone(),
                    organization_name: org.clone(),
                    url: awards_url(state, challenge.id),
                };
                notify(conn, state, &Recipient::from(&admin), &notice).await?;
            }
            return Ok(());
        }
        let confirmed = lifecycle::apply(
            conn,
            state,
            &meta,
            &Actor::System,
            &challenge,
            Action::ConfirmAward,
            None,
        )
        .await?;
        let (bid, not_selected) =
            crate::bids::queries::settle_award(conn, state, &meta, &challenge, award.bid_id, now)
                .await?;
        diesel::update(awards::table.find(award.id))
            .set((
                awards::status.eq(AwardStatus::Confirmed),
                awards::confirmed_at.eq(now),
                awards::confirm_check_ids.eq(&check_ids),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            state,
            &meta,
            audit::Event {
                actor_id: None,
                action: "award.confirm",
                object_type: "award",
                object_id: Some(award.id.to_string()),
                summary: json!({
                    "challenge_id": challenge.id,
                    "bid_id": bid.id,
                    "amount_fen": award.amount_fen,
                    "not_selected": not_selected,
                    "credit_checks": check_ids,
                }),
            },
        )
        .await?;
        super::stages::project(state)?
            .start(conn, state, &meta, &confirmed, &bid, award.amount_fen)
            .await?;

        // Everyone involved: the winner's people, the other bidders, the issuer, the admins.
        let mut told = HashSet::new();
        let mut groups = Vec::new();
        let winners = organization_solvers(conn, award.organization_id).await?;
        winners.iter().for_each(|u| {
            told.insert(u.id);
        });
        groups.push(("winner", winners));
        let mut office = issuer_accounts(conn, &confirmed).await?;
        office.extend(admin_accounts(conn).await?);
        office.retain(|u| told.insert(u.id));
        let bidders = other_bidders(conn, challenge.id, award.bid_id, &told).await?;
        groups.push(("bidder", bidders));
        groups.push(("office", office));
        let amount = yuan(award.amount_fen);
        for (audience, people) in groups {
            for user in people {
                let notice = AwardConfirmed {
                    display_name: user.display_name.clone(),
                    title: confirmed.title.clone(),
                    organization_name: org.clone(),
                    amount_yuan: amount.clone(),
                    audience: audience.to_string(),
                    url: challenge_url(state, &confirmed),
                };
                notify(conn, state, &Recipient::from(&user), &notice).await?;
            }
        }
        Ok(())
    })
    .await
}
