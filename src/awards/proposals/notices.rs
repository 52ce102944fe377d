//! What the parties of an award are told.

use serde::Serialize;

use crate::notifications::Notice;

/// An award was proposed and its public notice opened (拟立项公示): to the awardee's solvers, the
/// issuer and the other bidders.
#[derive(Debug, Serialize)]
pub struct AwardProposed {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    /// 元, two decimals.
    pub amount_yuan: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time (24:00 of the last working day shows as the next 00:00).
    pub ends_at: String,
    /// The last day of the notice.
    pub ends_on: String,
    pub url: String,
}

impl Notice for AwardProposed {
    fn template(&self) -> &'static str {
        "award_proposed"
    }
}

/// The proposal was withdrawn (an upheld objection, or by the admin): the challenge is back under
/// review.
#[derive(Debug, Serialize)]
pub struct AwardWithdrawn {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub reason: String,
    pub url: String,
}

impl Notice for AwardWithdrawn {
    fn template(&self) -> &'static str {
        "award_withdrawn"
    }
}

/// The award was confirmed (挂帅). `audience`: `winner` (the awardee's solvers), `bidder` (the
/// other bidders: not selected) or `office` (the issuer and the admins).
#[derive(Debug, Serialize)]
pub struct AwardConfirmed {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub amount_yuan: String,
    pub audience: String,
    pub url: String,
}

impl Notice for AwardConfirmed {
    fn template(&self) -> &'static str {
        "award_confirmed"
    }
}

/// The confirmation's credit re-check blocked (to the admins, who may withdraw the award).
#[derive(Debug, Serialize)]
pub struct AwardBlocked {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub url: String,
}

impl Notice for AwardBlocked {
    fn template(&self) -> &'static str {
        "award_blocked"
    }
}
