//! Where an award goes: proposed into `publicity`, then `withdrawn` (an upheld objection, or the
//! admin) or `confirmed` by the job at the end of the notice — unless the confirmation's credit
//! re-check blocks, which leaves it in publicity, marked blocked, until an admin withdraws it.
//! Each step moves the challenge too (`challenges::lifecycle::apply`: `ProposeAward`,
//! `WithdrawAward`, `ConfirmAward`), in the caller's transaction with the challenge locked, and
//! tells the people concerned.

use std::fmt::Display;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::jobs::ConfirmAward;
use super::models::{Award, AwardStatus};
use super::notices::{AwardBlocked, AwardConfirmed, AwardProposed, AwardWithdrawn};
use super::queries;
use super::rules::{Proposal, Recheck};
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::awards::audience::{audience, notify_admins};
use crate::awards::links::{awards_url, challenge_url, notices_url};
use crate::awards::objections::lifecycle::moot_pending;
use crate::awards::stages;
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::models::Challenge;
use crate::challenges::queries::organization_name;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::jobs::BackgroundJob;
use crate::notifications::{beijing_time, notify_each, yuan};
use crate::state::AppState;

/// Whether the award is ready to be confirmed at `now` (pending objections aside).
pub fn due(award: &Award, now: DateTime<Utc>) -> bool {
    award.status == AwardStatus::Publicity
        && award.outcome.blocked_at.is_none()
        && now >= award.ends_at
}

/// A step that only the state `wanted` of an award or an objection allows: from any other
/// (`current`), the 409 `code` naming it.
pub fn only_from<S: PartialEq + Display>(current: S, wanted: S, code: ErrorCode) -> AppResult<()> {
    if current == wanted {
        return Ok(());
    }
    let at_fault = FieldError::new("status", FieldCode::InvalidTransition);
    Err(AppError::conflict(code)
        .arg("current", &current)
        .field(at_fault.with_param("current", current)))
}

/// Only an award in publicity is withdrawn: a 409 `award_not_in_publicity` naming its state.
pub fn may_withdraw(award: &Award) -> AppResult<()> {
    only_from(
        award.status,
        AwardStatus::Publicity,
        ErrorCode::AwardNotInPublicity,
    )
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
    let Proposal { award, counted, .. } = proposal;
    let award = Award {
        proposal_check_ids: check_ids.to_vec(),
        ..award
    };
    queries::insert(conn, &award).await?;
    let updated = lifecycle::apply(
        conn,
        state,
        meta,
        &Actor::User(user),
        challenge,
        Action::ProposeAward,
        award.reason.as_deref(),
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
            "bid_id": award.bid_id,
            "amount_fen": award.amount_fen,
            "rank": award.rank,
            "top_ranked": award.top_ranked,
            "reason": award.reason,
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
    let audience = audience(conn, &updated, &award, false).await?;
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
    let outcome = award.outcome.withdrawn(now, user.id, reason);
    let withdrawn = queries::update(conn, award.id, AwardStatus::Withdrawn, &outcome).await?;
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
    let audience = audience(conn, challenge, award, false).await?;
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
    let outcome = award.outcome.checked(now, &recheck.check_ids, true);
    queries::update(conn, award.id, award.status, &outcome).await?;
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
    notify_admins(conn, state, |to| AwardBlocked {
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
    let outcome = award.outcome.checked(now, check_ids, false);
    queries::update(conn, award.id, AwardStatus::Confirmed, &outcome).await?;
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
    let audience = audience(conn, &confirmed, award, true).await?;
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

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::super::models::tests::award;
    use super::*;

    #[test]
    fn an_award_is_due_at_the_end_of_its_notice_unless_blocked_or_settled() {
        let award = award();
        let end = award.ends_at;
        assert!(!due(&award, end - Duration::seconds(1)));
        assert!(due(&award, end));
        let blocked = Award {
            outcome: award.outcome.checked(end, &[], true),
            ..award.clone()
        };
        assert!(!due(&blocked, end));
        for status in [AwardStatus::Withdrawn, AwardStatus::Confirmed] {
            assert!(!due(
                &Award {
                    status,
                    ..award.clone()
                },
                end
            ));
        }
    }

    #[test]
    fn only_an_award_in_publicity_is_withdrawn() {
        let award = award();
        assert!(may_withdraw(&award).is_ok());
        let confirmed = Award {
            status: AwardStatus::Confirmed,
            ..award
        };
        let AppError::Conflict { code, args, errors } = may_withdraw(&confirmed).unwrap_err()
        else {
            panic!("not a conflict");
        };
        assert_eq!(code, ErrorCode::AwardNotInPublicity);
        assert_eq!(args.get("current"), Some("confirmed"));
        assert_eq!(errors[0].param("current"), Some("confirmed"));
    }
}
