//! The life of an extension request: `pending` until an admin approves or refuses it, or
//! `approved` at once when an admin makes it. One approved extension per project; one request
//! pending at a time; only while the project runs and its final acceptance has not started.
//! Approving moves the due days of the milestones not yet accepted.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::models::{Extension, ExtensionStatus};
use super::notices::ExtensionDecided;
use crate::accounts::queries as accounts;
use crate::audit::{Event, RequestMeta};
use crate::auth::Role;
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::notifications::notify_each;
use crate::projects::acceptance;
use crate::projects::lifecycle::running;
use crate::projects::milestones::models::DueDayChanges;
use crate::projects::milestones::{jobs, queries as milestones};
use crate::projects::notices::project_url;
use crate::projects::notify::recipients;
use crate::projects::plan::{china_date, due_on};
use crate::projects::queries::awardee;
use crate::state::AppState;

/// 409 unless the project may still be extended, given the states of its live requests
/// (pending or approved): `extension_used` after an approved one, `extension_pending` while
/// one waits.
pub fn may_request(live: &[ExtensionStatus]) -> AppResult<()> {
    if live.contains(&ExtensionStatus::Approved) {
        return Err(AppError::conflict(ErrorCode::ExtensionUsed));
    }
    if live.contains(&ExtensionStatus::Pending) {
        return Err(AppError::conflict(ErrorCode::ExtensionPending));
    }
    Ok(())
}

/// The state a decision leaves the request in.
pub fn decided(approve: bool) -> ExtensionStatus {
    if approve {
        ExtensionStatus::Approved
    } else {
        ExtensionStatus::Refused
    }
}

/// 409 unless the project's due days may still move: it is running (`project_not_running`) and
/// its final acceptance has not started (`acceptance_started`: once the panel sits, the
/// project's time is up).
pub async fn may_move(conn: &mut AsyncPgConnection, challenge: &Challenge) -> AppResult<()> {
    running(challenge)?;
    if acceptance::started(conn, challenge.id).await? {
        return Err(acceptance::already_started());
    }
    Ok(())
}

/// 409 unless a pending request may be decided: an approval moves the due days
/// ([`may_move`]); a refusal needs only the project running (once the acceptance panel sits, a
/// pending request may still be refused).
pub async fn may_decide(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    approve: bool,
) -> AppResult<()> {
    if approve {
        may_move(conn, challenge).await
    } else {
        running(challenge)
    }
}

/// A milestone whose due day an extension moved.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub milestone_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Approving: moves the due day of every milestone not yet accepted by `months`, and schedules
/// the reminders of the new days. Answers the milestones moved.
pub async fn approve(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    months: i32,
) -> AppResult<Vec<Moved>> {
    let awarded_at = challenge
        .awarded_at
        .ok_or_else(|| anyhow::anyhow!("awarded challenge {} has no awarded_at", challenge.id))?;
    let award_day = china_date(awarded_at);
    let rows = milestones::lock_remaining(conn, challenge.id).await?;
    let now = state.clock.now();
    let mut moved = Vec::with_capacity(rows.len());
    for m in rows {
        let changes = DueDayChanges {
            original_due_on: m.original_due_on.unwrap_or(m.due_on),
            due_on: due_on(award_day, m.due_month + months),
            updated_at: now,
        };
        milestones::move_due_day(conn, m.id, &changes).await?;
        jobs::schedule_due(conn, m.id, m.version + 1, changes.due_on).await?;
        moved.push(Moved {
            milestone_id: m.id,
            from: m.due_on,
            to: changes.due_on,
        });
    }
    Ok(moved)
}

/// The audit entry `action` (`project.extension_request`, `…_approve`, `…_refuse`) of `actor` on
/// the request, with the milestones it moved.
pub fn event<'a>(
    action: &'a str,
    actor: Uuid,
    extension: &Extension,
    moved: &[Moved],
) -> Event<'a> {
    Event::new(action, "challenge", extension.challenge_id)
        .by(actor)
        .summary(json!({
            "extension_id": extension.id,
            "months": extension.months,
            "reason": extension.reason,
            "status": extension.status,
            "decision_reason": extension.decision_reason,
            "moved": moved,
        }))
}

/// Carries out the decision on `extension` (approved or refused, by `actor`: an admin deciding a
/// request, or making one of their own): an approval moves the due days ([`approve`]); the
/// decision is recorded and told ([`tell_decision`]).
pub async fn carry_out(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    extension: &Extension,
) -> AppResult<()> {
    let (action, moved) = if extension.status == ExtensionStatus::Approved {
        let moved = approve(conn, state, challenge, extension.months).await?;
        ("project.extension_approve", moved)
    } else {
        ("project.extension_refuse", Vec::new())
    };
    event(action, actor, extension, &moved)
        .record(conn, state, meta)
        .await?;
    tell_decision(conn, state, challenge, extension).await
}

/// Tells the awardee's solvers and the issuer's accounts (and the requester) of a decision.
pub async fn tell_decision(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    extension: &Extension,
) -> AppResult<()> {
    let payee = awardee(conn, challenge.id).await?;
    let mut people = accounts::organization_accounts(conn, payee, Role::Solver).await?;
    people.extend(issuer_accounts(conn, challenge).await?);
    if !people.iter().any(|u| u.id == extension.requested_by) {
        let requester = accounts::account(conn, extension.requested_by).await?;
        if requester.role != Role::Admin {
            people.push(requester);
        }
    }
    notify_each(conn, state, recipients(&people), |to| ExtensionDecided {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        months: extension.months,
        approved: extension.status == ExtensionStatus::Approved,
        reason: extension.decision_reason.clone(),
        url: project_url(state, challenge.id),
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExtensionStatus::*;

    fn refused_with(live: &[ExtensionStatus]) -> Option<ErrorCode> {
        match may_request(live) {
            Ok(()) => None,
            Err(AppError::Conflict { code, .. }) => Some(code),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn one_approved_extension_and_one_pending_request_at_a_time() {
        assert_eq!(refused_with(&[]), None);
        assert_eq!(refused_with(&[Pending]), Some(ErrorCode::ExtensionPending));
        assert_eq!(refused_with(&[Approved]), Some(ErrorCode::ExtensionUsed));
        assert_eq!(
            refused_with(&[Pending, Approved]),
            Some(ErrorCode::ExtensionUsed)
        );
        assert_eq!(decided(true), Approved);
        assert_eq!(decided(false), Refused);
    }
}
