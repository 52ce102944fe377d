//! What experts are told about their seats on a panel: the review's and the final
//! acceptance's (both sent by [`super::seats`]).

use serde::Serialize;

use crate::notifications::Notice;

/// An expert was drawn for a challenge's review panel (评审邀请).
#[derive(Debug, Serialize)]
pub struct PanelInvitation {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for PanelInvitation {
    const TEMPLATE: &'static str = "panel_invitation";
}

/// An expert has not submitted their scores and the deadline is near (评审提醒).
#[derive(Debug, Serialize)]
pub struct ReviewReminder {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for ReviewReminder {
    const TEMPLATE: &'static str = "review_reminder";
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
