//! What experts are told about review panels.

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
