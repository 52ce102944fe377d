//! The life of a ledger entry: recorded `released` (due for payment) when the payee's credit
//! check passes or warns, `held` with the check when it blocks; a held entry is released by an
//! admin once a new check no longer blocks. `released` is final.

use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::models::{Payment, PaymentStatus, ReleaseChanges};
use super::notices::{PaymentHeld, payments_url};
use super::queries;
use crate::accounts::queries as accounts;
use crate::audit::{Event, RequestMeta};
use crate::auth::Role;
use crate::challenges::models::Challenge;
use crate::credit::{CheckResult, CheckView};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::notifications::{notify_each, yuan};
use crate::projects::milestones::models::Milestone;
use crate::projects::notify::recipients;
use crate::state::AppState;

/// The state a new entry starts in: `held` when the check blocks, `released` otherwise.
pub fn recorded(check: &CheckView) -> PaymentStatus {
    if check.result == CheckResult::Block {
        PaymentStatus::Held
    } else {
        PaymentStatus::Released
    }
}

/// 409 `payment_not_held`, naming the state, unless the entry is held.
pub fn may_release(current: PaymentStatus) -> AppResult<()> {
    if current == PaymentStatus::Held {
        return Ok(());
    }
    Err(AppError::conflict(ErrorCode::PaymentNotHeld)
        .arg("current", current)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", current),
        ))
}

/// 409 `payment_blocked`, with the standing and the check, while the payee's check still blocks.
pub fn cleared(check: &CheckView) -> AppResult<()> {
    if check.result != CheckResult::Block {
        return Ok(());
    }
    Err(AppError::conflict(ErrorCode::PaymentBlocked)
        .arg("standing", check.standing)
        .field(
            FieldError::new("organization", FieldCode::PaymentHeld)
                .with_param("standing", check.standing)
                .with_param("check_id", check.id),
        ))
}

/// The audit entry `action` of `actor` on `payment` after `check`: the entry's challenge,
/// milestone and amount, the check and its result, and `more`.
fn event<'a>(
    action: &'a str,
    actor: Uuid,
    payment: &Payment,
    check: &CheckView,
    more: Value,
) -> Event<'a> {
    let mut summary = json!({
        "challenge_id": payment.challenge_id,
        "milestone_id": payment.milestone_id,
        "amount_fen": payment.amount_fen,
        "credit_check_id": check.id,
        "credit_result": check.result,
    });
    if let (Some(summary), Value::Object(more)) = (summary.as_object_mut(), more) {
        summary.extend(more);
    }
    Event::new(action, "payment", payment.id)
        .by(actor)
        .summary(summary)
}

/// Writes the ledger entry of an accepted milestone, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    milestone: &Milestone,
    payee: Uuid,
    check: &CheckView,
) -> AppResult<Payment> {
    let now = state.clock.now();
    let status = recorded(check);
    let released = status == PaymentStatus::Released;
    let payment = queries::insert(
        conn,
        &Payment {
            id: Uuid::now_v7(),
            milestone_id: milestone.id,
            challenge_id: challenge.id,
            organization_id: payee,
            amount_fen: milestone.amount_fen,
            status,
            credit_check_id: check.id,
            held_check_id: (!released).then_some(check.id),
            // Released on acceptance: by the issuer who accepted.
            released_by: released.then_some(actor),
            released_at: released.then_some(now),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    let more = json!({"organization_id": payee, "status": payment.status});
    event("payment.record", actor, &payment, check, more)
        .record(conn, state, meta)
        .await?;
    Ok(payment)
}

/// Releases `current` (locked by the caller) after `check` passed, in the caller's transaction.
pub async fn release(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    current: &Payment,
    check: &CheckView,
) -> AppResult<Payment> {
    may_release(current.status)?;
    let now = state.clock.now();
    let release = ReleaseChanges {
        status: PaymentStatus::Released,
        credit_check_id: check.id,
        released_by: actor,
        released_at: now,
        updated_at: now,
    };
    let updated = queries::update(conn, current.id, &release).await?;
    let more = json!({"from": current.status, "to": updated.status,
                      "held_check_id": current.held_check_id});
    event("payment.release", actor, &updated, check, more)
        .record(conn, state, meta)
        .await?;
    Ok(updated)
}

/// Tells the awardee's solvers, the issuer's accounts and the admins that a payment is held.
pub async fn tell_held(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    milestone: &Milestone,
    payee: Uuid,
    check: &CheckView,
) -> AppResult<()> {
    let (_, _, organization_name) = crate::bids::queries::organization(conn, payee).await?;
    // The payee, the issuer whose bounty it is, and the program office.
    let mut people = accounts::organization_accounts(conn, payee, Role::Solver).await?;
    people.extend(crate::challenges::notify::issuer_accounts(conn, challenge).await?);
    people.extend(accounts::admin_accounts(conn).await?);
    notify_each(conn, state, recipients(&people), |to| PaymentHeld {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        milestone_title: milestone.title.clone(),
        organization_name: organization_name.clone(),
        amount: yuan(milestone.amount_fen),
        standing: check.standing,
        url: payments_url(state),
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_held_entry_is_released() {
        assert!(may_release(PaymentStatus::Held).is_ok());
        assert!(matches!(
            may_release(PaymentStatus::Released),
            Err(AppError::Conflict {
                code: ErrorCode::PaymentNotHeld,
                ..
            })
        ));
    }
}
