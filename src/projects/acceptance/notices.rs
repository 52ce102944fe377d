//! What the parties of a final acceptance and its experts are told.

use serde::Serialize;

use crate::notifications::Notice;

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
    const TEMPLATE: &'static str = "acceptance_started";
}

/// An expert was drawn for the final acceptance panel of a project (验收评审邀请).
#[derive(Debug, Serialize)]
pub struct AcceptanceInvitation {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for AcceptanceInvitation {
    const TEMPLATE: &'static str = "acceptance_invitation";
}

/// An acceptance expert has not submitted a verdict and the deadline is near (验收评审提醒).
#[derive(Debug, Serialize)]
pub struct AcceptanceReminder {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for AcceptanceReminder {
    const TEMPLATE: &'static str = "acceptance_reminder";
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
    const TEMPLATE: &'static str = "acceptance_passed";
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
    const TEMPLATE: &'static str = "acceptance_failed";
}
