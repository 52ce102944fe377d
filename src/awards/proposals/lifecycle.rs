//! Where an award goes: proposed into `publicity`, then `withdrawn` (an upheld objection, or the
//! admin) or `confirmed` by the job at the end of the notice — unless the confirmation's credit
//! re-check blocks, which leaves it in publicity, marked blocked, until an admin withdraws it.
//! Each step moves the challenge too (`challenges::lifecycle::apply`: `ProposeAward`,
//! `WithdrawAward`, `ConfirmAward`), in the caller's transaction with the challenge locked, and
//! tells the people concerned.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::jobs::ConfirmAward;
use super::models::{Award, AwardChanges, AwardStatus, NewAward};
use super::notices::{AwardBlocked, AwardConfirmed, AwardProposed, AwardWithdrawn};
use super::queries;
use super::rules::{Proposal, Recheck};
use crate::accounts::queries::admin_accounts;
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::awards::calendar::rules::end_of_beijing_day;
use crate::awards::links::{awards_url, challenge_url, notices_url};
use crate::awards::objections::lifecycle::moot_pending;
use crate::awards::stages;
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::models::Challenge;
use crate::challenges::queries::organization_name;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::jobs::BackgroundJob;
use crate::notifications::{Recipient, beijing_time, notify_each, yuan};
use crate::state::AppState;

/// Whether the award is ready to be confirmed at `now` (pending objections aside).
pub fn due(award: &Award, now: DateTime<Utc>) -> bool {
    award.status == AwardStatus::Publicity && award.blocked_at.is_none() && now >= award.ends_at
}

/// Only an award in publicity is withdrawn: a 409 `award_not_in_publicity` naming its state.
pub fn may_withdraw(award: &Award) -> AppResult<()> {
    if award.status != AwardStatus::Publicity {
        return Err(AppError::conflict(ErrorCode::AwardNotInPublicity)
            .arg("current", award.status)
            .field(
                FieldError::new("status", FieldCode::InvalidTransition)
                    .with_param("current", award.status),
            ));
    }
    Ok(())
}

/// Proposes the award of `proposal` on `challenge` (locked by the caller) by `user`, after the
/// credit checks `check_ids`: the award in publicity, the challenge in `publicity`, the
/// confirmation job at the end of the notice, the audit entry, and the notice (拟立项公示) to the
/// awardee's solvers, the issuer and the other bidders.
pub async fn propose(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    challenge: &Challenge,
    proposal: Proposal,
    check_ids: &[Option<Uuid>],
) -> AppResult<Award> {
    let Proposal {
        bid,
        rank,
        top_ranked,
        reason,
        at,
        proposal_day,
        days,
        counted,
    } = proposal;
    let amount_fen = bid
        .requested_fen
        .ok_or_else(|| anyhow::anyhow!("eligible bid {} has no amount", bid.id))?;
    let new = NewAward {
        id: Uuid::now_v7(),
        challenge_id: challenge.id,
        bid_id: bid.id,
        organization_id: bid.organization_id,
        amount_fen,
        rank,
        top_ranked,
        reason: reason.clone(),
        proposed_by: user.id,
        proposed_at: at,
        proposal_check_ids: check_ids.to_vec(),
        working_days: i32::try_from(days).unwrap_or(1),
        starts_on: proposal_day + chrono::Duration::days(1),
        ends_on: counted.end,
        ends_at: end_of_beijing_day(counted.end),
        calendar_maintained: counted.missing_years.is_empty(),
        status: AwardStatus::Publicity,
    };
    let award = queries::insert(conn, &new).await?;
    let updated = lifecycle::apply(
        conn,
        state,
        meta,
        &Actor::User(user),
        challenge,
        Action::ProposeAward,
        reason.as_deref(),
    )
    .await?;
    ConfirmAward {
        award_id: award.id,
        after_objection: None,
    }
    .enqueue_at(conn, award.ends_at)
    .await?;
    Event::new("award.propose", "award", award.id)
        .by(user.id)
        .summary(json!({
            "challenge_id": challenge.id,
            "bid_id": bid.id,
            "amount_fen": amount_fen,
            "rank": rank,
            "top_ranked": top_ranked,
            "reason": reason,
            "credit_checks": check_ids,
            "starts_on": award.starts_on,
            "ends_on": award.ends_on,
            "ends_at": award.ends_at,
            "calendar_maintained": award.calendar_maintained,
            "missing_years": counted.missing_years,
        }))
        .record(conn, state, meta)
        .await?;
    let organization = organization_name(conn, award.organization_id).await?;
    let audience = queries::audience(conn, &updated, &award, false).await?;
    notify_each(conn, state, audience.everyone(), |to| AwardProposed {
        display_name: to.display_name.clone(),
        title: updated.title.clone(),
        organization_name: organization.clone(),
        amount_yuan: yuan(award.amount_fen),
        ends_at: beijing_time(award.ends_at),
        ends_on: award.ends_on.to_string(),
        url: notices_url(state),
    })
    .await?;
    Ok(award)
}

/// A withdrawal: the award (in publicity) of the challenge (locked by the caller), why, and the
/// objection the caller resolves itself, if any.
pub struct Withdrawal<'a> {
    pub challenge: &'a Challenge,
    pub award: &'a Award,
    pub reason: &'a str,
    pub except: Option<Uuid>,
}

/// Withdraws the award: it becomes `withdrawn`, the challenge goes back to `under_review`
/// (`WithdrawAward`), the other pending objections on it are closed as `moot` (their objectors
/// told), and the awardee, the issuer and the other bidders are told.
pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    what: Withdrawal<'_>,
) -> AppResult<Award> {
    let Withdrawal {
        challenge,
        award,
        reason,
        except,
    } = what;
    may_withdraw(award)?;
    let now = state.clock.now();
    lifecycle::apply(
        conn,
        state,
        meta,
        &Actor::User(user),
        challenge,
        Action::WithdrawAward,
        Some(reason),
    )
    .await?;
    let changes = AwardChanges {
        status: Some(AwardStatus::Withdrawn),
        withdrawn_at: Some(now),
        withdrawn_by: Some(user.id),
        withdrawal_reason: Some(reason.to_string()),
        ..AwardChanges::default()
    };
    let withdrawn = queries::update(conn, award.id, &changes).await?;
    let moot = moot_pending(conn, state, challenge, &withdrawn, except).await?;
    Event::new("award.withdraw", "award", award.id)
        .by(user.id)
        .summary(json!({
            "challenge_id": challenge.id,
            "bid_id": award.bid_id,
            "reason": reason,
            "objections_moot": moot,
        }))
        .record(conn, state, meta)
        .await?;
    let organization = organization_name(conn, award.organization_id).await?;
    let audience = queries::audience(conn, challenge, award, false).await?;
    notify_each(conn, state, audience.everyone(), |to| AwardWithdrawn {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        organization_name: organization.clone(),
        reason: reason.to_string(),
        url: notices_url(state),
    })
    .await?;
    Ok(withdrawn)
}

/// The confirmation's credit re-check blocked at `now`: the award stays in publicity, marked
/// blocked with the checks, and the admins are told (they withdraw it).
pub async fn block(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    award: &Award,
    recheck: &Recheck,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let changes = AwardChanges {
        blocked_at: Some(now),
        confirm_check_ids: Some(recheck.check_ids.clone()),
        ..AwardChanges::default()
    };
    queries::update(conn, award.id, &changes).await?;
    Event::new("award.confirm_blocked", "award", award.id)
        .summary(json!({
            "challenge_id": challenge.id,
            "bid_id": award.bid_id,
            "credit_checks": recheck.check_ids,
            "blocked": recheck.blocked.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
        }))
        .record(conn, state, meta)
        .await?;
    let organization = organization_name(conn, award.organization_id).await?;
    let admins: Vec<Recipient> = admin_accounts(conn)
        .await?
        .iter()
        .map(Recipient::from)
        .collect();
    notify_each(conn, state, admins, |to| AwardBlocked {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        organization_name: organization.clone(),
        url: awards_url(state, challenge.id),
    })
    .await
}

/// Confirms the award at `now` after the credit checks `check_ids` passed (挂帅): the challenge
/// `awarded`, the winning bid `awarded` and every other opened bid `not_selected`, the award
/// `confirmed`, the project started, and everyone involved told.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    award: &Award,
    check_ids: &[Option<Uuid>],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let confirmed = lifecycle::apply(
        conn,
        state,
        meta,
        &Actor::System,
        challenge,
        Action::ConfirmAward,
        None,
    )
    .await?;
    let (bid, not_selected) =
        crate::bids::queries::settle_award(conn, state, meta, challenge, award.bid_id, now).await?;
    let changes = AwardChanges {
        status: Some(AwardStatus::Confirmed),
        confirmed_at: Some(now),
        confirm_check_ids: Some(check_ids.to_vec()),
        ..AwardChanges::default()
    };
    queries::update(conn, award.id, &changes).await?;
    Event::new("award.confirm", "award", award.id)
        .summary(json!({
            "challenge_id": challenge.id,
            "bid_id": bid.id,
            "amount_fen": award.amount_fen,
            "not_selected": not_selected,
            "credit_checks": check_ids,
        }))
        .record(conn, state, meta)
        .await?;
    stages::project(state)?
        .start(conn, state, meta, &confirmed, &bid, award.amount_fen)
        .await?;

    // Everyone involved: the winner's people, the other bidders, the issuer and the admins.
    let organization = organization_name(conn, award.organization_id).await?;
    let audience = queries::audience(conn, &confirmed, award, true).await?;
    for (group, people) in [
        ("winner", audience.awardee),
        ("bidder", audience.bidders),
        ("office", audience.office),
    ] {
        notify_each(conn, state, people, |to| AwardConfirmed {
            display_name: to.display_name.clone(),
            title: confirmed.title.clone(),
            organization_name: organization.clone(),
            amount_yuan: yuan(award.amount_fen),
            audience: group.to_string(),
            url: challenge_url(state, confirmed.id),
        })
        .await?;
    }
    Ok(())
}
