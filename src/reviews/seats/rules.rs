//! Which seat may do what, and when a panel may close.

use chrono::{DateTime, Utc};

use super::Panel;
use crate::challenges::models::Challenge;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::reviews::models::{Assignment, AssignmentStatus, PanelDraw};

/// The seat stands in one of `allowed`, or the 409 naming its state and `wanted`.
pub fn require(a: &Assignment, allowed: &[AssignmentStatus], wanted: &str) -> AppResult<()> {
    if allowed.contains(&a.status) {
        return Ok(());
    }
    Err(AppError::conflict(ErrorCode::InvalidAssignmentState)
        .arg("current", a.status)
        .arg("wanted", wanted)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", a.status),
        ))
}

/// An expert reads the panel's work (the bids, the project) once they have accepted.
pub fn may_read(a: &Assignment) -> AppResult<()> {
    require(
        a,
        &[AssignmentStatus::Accepted, AssignmentStatus::Submitted],
        "accepted",
    )
}

/// The seats that have submitted and how many are still open, or the 409 when the panel may
/// not close yet: before the deadline every open seat must have submitted (and
/// [`Panel::quorum_before_deadline`] at least), after it at least 3.
pub fn ready_to_close(
    panel: Panel,
    seats: &[Assignment],
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<(Vec<&Assignment>, usize)> {
    let submitted: Vec<&Assignment> = seats
        .iter()
        .filter(|a| a.status == AssignmentStatus::Submitted)
        .collect();
    let pending = seats
        .iter()
        .filter(|a| AssignmentStatus::OPEN.contains(&a.status))
        .count();
    let n = submitted.len();
    if now < deadline {
        if pending > 0 || n < panel.quorum_before_deadline() {
            return Err(panel.not_ready(false, n, pending));
        }
    } else if n < 3 {
        return Err(panel.not_ready(true, n, pending));
    }
    Ok((submitted, pending))
}

/// The panel takes changes: its draw is not closed and the challenge is still in the state the
/// panel works in.
pub fn still_open(panel: Panel, challenge: &Challenge, draw: &PanelDraw) -> AppResult<()> {
    if draw.closed_at.is_some() {
        return Err(panel.closed());
    }
    if challenge.status != panel.works_in() {
        return Err(panel.wrong_challenge_state(challenge));
    }
    Ok(())
}

/// A panel is drawn once, while the challenge is in the state the panel works in; `drawn` is
/// the draw already stored, if any.
pub fn may_draw(panel: Panel, challenge: &Challenge, drawn: Option<PanelDraw>) -> AppResult<()> {
    if challenge.status != panel.works_in() {
        return Err(panel.wrong_challenge_state(challenge));
    }
    if drawn.is_some() {
        return Err(panel.drawn_already());
    }
    Ok(())
}
