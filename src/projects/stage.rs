//! A project's start and its end: a confirmed award starts its project ([`Project`] is
//! installed at start-up as the awards' [`crate::awards::stages::ProjectStage`], and runs
//! [`start`] in the confirming transaction); the program office may end it ([`terminate`]).

use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::milestones::models::{Milestone, MilestoneStatus};
use super::milestones::{jobs, queries};
use super::notices::ProjectTerminated;
use super::notify::recipients;
use super::{acceptance, plan};
use crate::accounts::queries as accounts;
use crate::audit::{Event, RequestMeta};
use crate::auth::{AuthUser, Role};
use crate::bids::input::Milestone as PlannedMilestone;
use crate::bids::models::Bid;
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::models::Challenge;
use crate::challenges::notify::{issuer_accounts, url};
use crate::error::AppResult;
use crate::i18n::{self, Args};
use crate::notifications::notify_each;
use crate::state::AppState;

/// Installed at start-up as the awards' [`crate::awards::stages::ProjectStage`]: a confirmed award
/// starts its project ([`start`]).
pub struct Project;

impl crate::awards::stages::ProjectStage for Project {
    fn start<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        meta: &'a RequestMeta,
        challenge: &'a Challenge,
        bid: &'a Bid,
        amount_fen: i64,
    ) -> futures_util::future::BoxFuture<'a, AppResult<()>> {
        Box::pin(start(conn, state, meta, challenge, bid, amount_fen))
    }
}

/// Starts the project of a confirmed award, in the confirming transaction: `challenge` is
/// `awarded` (with `awarded_at` set) and `bid` is its awarded bid, for `amount_fen`.
///
/// The bid's milestone plan becomes the `milestones` rows: each milestone's amount is its share
/// of `amount_fen` ([`plan::allocate`]: they add up to exactly `amount_fen`), due `due_month`
/// months after the award day (China calendar), `pending`, with its overdue reminder scheduled
/// for the end of that day. The awardee is told by the award's confirmation mail, not here.
pub async fn start(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    bid: &Bid,
    amount_fen: i64,
) -> AppResult<()> {
    let awarded_at = challenge.awarded_at.ok_or_else(|| {
        anyhow::anyhow!("challenge {} is awarded without awarded_at", challenge.id)
    })?;
    let mut planned: Vec<PlannedMilestone> = serde_json::from_value(bid.milestones.clone())
        .map_err(|e| anyhow::anyhow!("bid {} has an unreadable milestone plan: {e}", bid.id))?;
    // In the order of their due months (stable: the plan's order among equal months), so that
    // the last position is the last milestone, the one the final acceptance decides.
    planned.sort_by_key(|m| m.due_month);
    if planned.is_empty() {
        return Err(anyhow::anyhow!("bid {} has no milestone plan", bid.id).into());
    }
    let shares: Vec<i32> = planned.iter().map(|m| m.share_percent).collect();
    let amounts = plan::allocate(amount_fen, &shares);
    let award_day = plan::china_date(awarded_at);
    let now = state.clock.now();
    let mut created = Vec::with_capacity(planned.len());
    for (position, (m, amount)) in planned.iter().zip(amounts).enumerate() {
        let new = Milestone {
            id: Uuid::now_v7(),
            challenge_id: challenge.id,
            bid_id: bid.id,
            position: position as i32,
            title: m.title.trim().to_string(),
            due_month: m.due_month,
            share_percent: m.share_percent,
            amount_fen: amount,
            due_on: plan::due_on(award_day, m.due_month),
            original_due_on: None,
            status: MilestoneStatus::Pending,
            version: 1,
            accepted_by: None,
            accepted_at: None,
            created_at: now,
            updated_at: now,
        };
        queries::insert(conn, &new).await?;
        jobs::schedule_due(conn, new.id, new.version, new.due_on).await?;
        created.push(json!({
            "id": new.id, "position": position, "title": m.title, "share_percent": m.share_percent,
            "amount_fen": amount, "due_on": new.due_on,
        }));
    }
    Event::new("project.start", "challenge", challenge.id)
        .summary(json!({
            "bid_id": bid.id,
            "organization_id": bid.organization_id,
            "amount_fen": amount_fen,
            "award_day": award_day,
            "milestones": created,
        }))
        .record(conn, state, meta)
        .await
}

/// Terminates the awarded project of `challenge` (locked by the caller) for `reason`: the
/// challenge becomes `failed` (`Fail`), the open seats of an acceptance under way are given up
/// (its experts are free again), and the awardee's solvers and the issuer's accounts are told.
/// Answers the challenge as it is now.
pub async fn terminate(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    challenge: &Challenge,
    reason: &str,
) -> AppResult<Challenge> {
    let updated = lifecycle::apply(
        conn,
        state,
        meta,
        &Actor::User(user),
        challenge,
        Action::Fail,
        Some(reason),
    )
    .await?;
    let released = acceptance::release_open_seats(
        conn,
        updated.id,
        state.clock.now(),
        &i18n::bilingual("record-project_terminated", &Args::new()),
    )
    .await?;
    if !released.is_empty() {
        Event::new("acceptance.release", "challenge", updated.id)
            .by(user.id)
            .summary(json!({"released": released, "reason": "terminated"}))
            .record(conn, state, meta)
            .await?;
    }
    let mut people = issuer_accounts(conn, &updated).await?;
    if let Ok(org) = super::queries::awardee(conn, updated.id).await {
        people.extend(accounts::organization_accounts(conn, org, Role::Solver).await?);
    }
    notify_each(conn, state, recipients(&people), |to| ProjectTerminated {
        display_name: to.display_name.clone(),
        title: updated.title.clone(),
        reason: reason.to_string(),
        url: url(state, &updated),
    })
    .await?;
    Ok(updated)
}
