//! Which panel a seat is on, and what that decides.

use chrono::{DateTime, Utc};

use crate::challenges::models::{Challenge, Status};
use crate::error::{AppError, ErrorCode, FieldCode, FieldError};
use crate::state::AppState;

/// Which panel. Both are drawn with the same rules; the name is stored with the credit checks
/// (purpose `panel_draw`, context `stage`) so that they can be told apart, and begins the audit
/// actions of the panel (`review.accept`, `acceptance.accept`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// The expert review of the bids (SPEC §5): `panel_draws`, `assignments`.
    Review,
    /// The final acceptance of the awarded project (SPEC §7): `acceptance_panels`,
    /// `acceptance_assignments`.
    Acceptance,
}

impl Panel {
    pub fn as_str(self) -> &'static str {
        match self {
            Panel::Review => "review",
            Panel::Acceptance => "acceptance",
        }
    }

    /// The audit action `verb` on this panel, e.g. `review.accept`.
    pub fn action(self, verb: &str) -> String {
        format!("{}.{verb}", self.as_str())
    }

    /// What a signature given for the seat `id` is for.
    pub fn signed(self, id: uuid::Uuid) -> crate::commitments::Signed {
        match self {
            Panel::Review => crate::commitments::Signed::Assignment(id),
            Panel::Acceptance => crate::commitments::Signed::AcceptanceAssignment(id),
        }
    }

    /// The audit log's object type of a seat.
    pub fn seat_object(self) -> &'static str {
        match self {
            Panel::Review => "assignment",
            Panel::Acceptance => "acceptance_assignment",
        }
    }

    /// Where the experts find their seats of this panel (in notices).
    pub fn seats_url(self, state: &AppState) -> String {
        let path = match self {
            Panel::Review => "assignments",
            Panel::Acceptance => "acceptance-assignments",
        };
        format!("{}/api/v1/{path}", state.settings.public_url())
    }

    /// The challenge state the panel works in.
    pub fn works_in(self) -> Status {
        match self {
            Panel::Review => Status::UnderReview,
            Panel::Acceptance => Status::Awarded,
        }
    }

    /// The 409 for a challenge not in [`Panel::works_in`], naming its state.
    pub fn wrong_challenge_state(self, challenge: &Challenge) -> AppError {
        let code = match self {
            Panel::Review => ErrorCode::NotUnderReview,
            Panel::Acceptance => ErrorCode::NotAwarded,
        };
        AppError::conflict(code)
            .arg("current", challenge.status)
            .field(
                FieldError::new("status", FieldCode::InvalidTransition)
                    .with_param("current", challenge.status),
            )
    }

    /// The 409 for a second draw.
    pub fn drawn_already(self) -> AppError {
        AppError::conflict(match self {
            Panel::Review => ErrorCode::PanelExists,
            Panel::Acceptance => ErrorCode::AcceptanceExists,
        })
    }

    /// The 409 for a change to a closed panel.
    pub fn closed(self) -> AppError {
        AppError::conflict(match self {
            Panel::Review => ErrorCode::ReviewClosed,
            Panel::Acceptance => ErrorCode::AcceptanceClosed,
        })
    }

    /// Whether the reminder still goes out for `challenge`, the panel being open: the
    /// review's as long as its draw is open, the acceptance's only while the challenge is
    /// still awarded.
    pub fn reminds(self, challenge: &Challenge) -> bool {
        match self {
            Panel::Review => true,
            Panel::Acceptance => challenge.status == Status::Awarded,
        }
    }

    /// Whether a decline at `now` is replaced: always in the review; in the acceptance only
    /// before the deadline (after it the admin sets a new one, which fills the seat).
    pub fn replaces(self, now: DateTime<Utc>, deadline: DateTime<Utc>) -> bool {
        match self {
            Panel::Review => true,
            Panel::Acceptance => now < deadline,
        }
    }

    /// How many seats must have submitted for a close before the deadline (every open seat
    /// must have, too); after the deadline it takes 3 in both panels.
    pub fn quorum_before_deadline(self) -> usize {
        match self {
            Panel::Review => 1,
            Panel::Acceptance => 3,
        }
    }

    /// The 409 for a close that comes too early.
    pub fn not_ready(self, after_deadline: bool, submitted: usize, pending: usize) -> AppError {
        let (code, field) = match self {
            Panel::Review => (ErrorCode::ReviewNotReady, FieldCode::NotSubmitted),
            Panel::Acceptance => (
                ErrorCode::AcceptanceNotReady,
                FieldCode::VerdictsNotSubmitted,
            ),
        };
        let case = if after_deadline {
            "after_deadline"
        } else {
            "before_deadline"
        };
        AppError::conflict(code)
            .arg("case", case)
            .arg("submitted", submitted)
            .arg("pending", pending)
            .field(FieldError::new("assignments", field))
    }
}
