//! The rules of a challenge other than its transitions ([`super::lifecycle`]): who manages it,
//! what an edit may change in each state, when its content is checked again, when a
//! clarification may be added.

use chrono::{DateTime, Utc};

use super::input::{Draft, UpdateChallenge};
use super::lifecycle::{self, Action};
use super::models::{Challenge, ChallengeChanges, Status};
use super::queries::Viewer;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::i18n::Args;

/// 403 unless the viewer is the challenge's issuer or an admin: they edit it, see its history and
/// add clarifications.
pub fn may_manage(viewer: Viewer, challenge: &Challenge) -> AppResult<()> {
    if viewer.manages(challenge) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Clarifications are added by the issuer or an admin while the challenge is published.
pub fn may_clarify(viewer: Viewer, challenge: &Challenge) -> AppResult<()> {
    may_manage(viewer, challenge)?;
    if challenge.status != Status::Published {
        return Err(lifecycle::refused(challenge.status));
    }
    Ok(())
}

/// Submitting and approving check the content again: the deadline must still lie ahead.
pub fn content_ready(action: Action, challenge: &Challenge, now: DateTime<Utc>) -> AppResult<()> {
    if matches!(action, Action::Submit | Action::Approve) {
        Draft::of(challenge, None).rules(Some(now))?;
    }
    Ok(())
}

/// What an edit does.
pub enum Edit {
    /// A draft's or a rejected challenge's fields.
    Content(ChallengeChanges),
    /// A published challenge's later deadline.
    Extension(DateTime<Utc>),
}

/// What `patch` may change of `current` at `now`: any field of a draft or a rejected challenge
/// (the rules across fields checked on the result), only a later deadline of a published one,
/// nothing in other states (409 naming the fields).
pub fn edit(current: &Challenge, patch: UpdateChallenge, now: DateTime<Utc>) -> AppResult<Edit> {
    let fields = patch.fields();
    match current.status {
        Status::Draft | Status::Rejected => {
            Draft::of(current, Some(&patch)).rules(patch.bid_closes_at.map(|_| now))?;
            Ok(Edit::Content(patch.changes()))
        }
        Status::Published => extension(current, &patch, &fields, now).map(Edit::Extension),
        other => Err(not_editable(other, &fields)),
    }
}

/// A published challenge: only a later deadline, while the current one lies ahead.
fn extension(
    current: &Challenge,
    patch: &UpdateChallenge,
    fields: &[&str],
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let locked: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| *f != "bid_closes_at")
        .collect();
    if !locked.is_empty() {
        return Err(not_editable(current.status, &locked));
    }
    let Some(closes_at) = patch.bid_closes_at else {
        return Err(not_editable(current.status, fields));
    };
    if current.bid_closes_at <= now {
        // The deadline has passed; the closing job is about to run.
        return Err(lifecycle::refused(Status::BiddingClosed));
    }
    if closes_at <= current.bid_closes_at {
        return Err(AppError::Validation(vec![
            FieldError::new("bid_closes_at", FieldCode::NotLater)
                .with_param("than", current.bid_closes_at.to_rfc3339()),
        ]));
    }
    Ok(closes_at)
}

fn not_editable(status: Status, fields: &[&str]) -> AppError {
    AppError::Conflict {
        code: ErrorCode::NotEditable,
        args: Args::new().with("current", status),
        errors: fields
            .iter()
            .map(|f| FieldError::new(*f, FieldCode::NotEditable).with_param("current", status))
            .collect(),
    }
}
