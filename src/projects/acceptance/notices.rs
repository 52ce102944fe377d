//! What the parties of a final acceptance and its experts are told.

use serde::Serialize;

use crate::notifications::Notice;
/// The experts' invitation and reminder are sent by the seats both panels share.
pub use crate::reviews::notices::{SeatMessage, SeatNotice};

/// The acceptance panel was drawn (to the issuer's accounts and the awardee's solver accounts).
#[derive(Debug, Serialize)]
pub struct AcceptanceStarted {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for AcceptanceStarted {
    fn template(&self) -> &'static str {
        "acceptance_started"
    }
}

/// The final acceptance passed; the challenge is `accepted` (验收通过).
#[derive(Debug, Serialize)]
pub struct AcceptancePassed {
    pub display_name: String,
    pub title: String,
    /// Verdicts that passed the project.
    pub passes: i32,
    /// Verdicts submitted.
    pub submitted: i32,
    pub url: String,
}

impl Notice for AcceptancePassed {
    fn template(&self) -> &'static str {
        "acceptance_passed"
    }
}

/// The final acceptance failed; the challenge is `failed` (验收未通过).
#[derive(Debug, Serialize)]
pub struct AcceptanceFailed {
    pub display_name: String,
    pub title: String,
    /// Verdicts that passed the project.
    pub passes: i32,
    /// Verdicts submitted.
    pub submitted: i32,
    pub url: String,
}

impl Notice for AcceptanceFailed {
    fn template(&self) -> &'static str {
        "acceptance_failed"
    }
}
