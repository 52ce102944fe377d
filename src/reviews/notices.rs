//! What experts are told about their seats on a panel: the review's and the final
//! acceptance's (both sent by [`super::seats`]).

use serde::Serialize;

use crate::notifications::Notice;

/// Which seat message an expert gets: the same variables, a template each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatMessage {
    /// Drawn for a challenge's review panel (评审邀请).
    PanelInvitation,
    /// The review deadline is near and the scores are not in (评审提醒).
    ReviewReminder,
    /// Drawn for a project's final acceptance panel (验收评审邀请).
    AcceptanceInvitation,
    /// The acceptance deadline is near and the verdict is not in (验收评审提醒).
    AcceptanceReminder,
}

impl SeatMessage {
    pub fn template(self) -> &'static str {
        match self {
            SeatMessage::PanelInvitation => "panel_invitation",
            SeatMessage::ReviewReminder => "review_reminder",
            SeatMessage::AcceptanceInvitation => "acceptance_invitation",
            SeatMessage::AcceptanceReminder => "acceptance_reminder",
        }
    }
}

/// What an expert is told about their seat on a panel.
#[derive(Debug, Serialize)]
pub struct SeatNotice {
    #[serde(skip)]
    pub message: SeatMessage,
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for SeatNotice {
    fn template(&self) -> &'static str {
        self.message.template()
    }
}
