//! What the milestones tell people: a report, a decision, a milestone overdue.

use serde::Serialize;

use crate::notifications::Notice;

/// The awardee reported a milestone (to the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct MilestoneReported {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    /// `YYYY-MM-DD`, the China calendar day it is due.
    pub due_on: String,
    pub deliverable: String,
    /// The last milestone: the final acceptance, not the issuer, decides on it.
    pub final_milestone: bool,
    pub url: String,
}

impl Notice for MilestoneReported {
    fn template(&self) -> &'static str {
        "milestone_reported"
    }
}

/// The issuer accepted a milestone (to the awardee's solver accounts).
#[derive(Debug, Serialize)]
pub struct MilestoneAccepted {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    /// The milestone's payment, formatted (see [`crate::notifications::yuan`]).
    pub amount: String,
    /// The payment is held by the credit check.
    pub payment_held: bool,
    /// Accepted by a passed final acceptance (the last milestone), not by the issuer.
    pub by_acceptance: bool,
    pub comment: Option<String>,
    pub url: String,
}

impl Notice for MilestoneAccepted {
    fn template(&self) -> &'static str {
        "milestone_accepted"
    }
}

/// The issuer returned a milestone (to the awardee's solver accounts).
#[derive(Debug, Serialize)]
pub struct MilestoneReturned {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    pub reason: String,
    pub url: String,
}

impl Notice for MilestoneReturned {
    fn template(&self) -> &'static str {
        "milestone_returned"
    }
}

/// A milestone is past its due day and not reported (to the awardee's solver accounts; again
/// each week).
#[derive(Debug, Serialize)]
pub struct MilestoneOverdue {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    /// `YYYY-MM-DD`
    pub due_on: String,
    pub days_overdue: i64,
    pub url: String,
}

impl Notice for MilestoneOverdue {
    fn template(&self) -> &'static str {
        "milestone_overdue"
    }
}

/// The same, for the program office (to the admins).
#[derive(Debug, Serialize)]
pub struct MilestoneOverdueAdmin {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub milestone_title: String,
    /// `YYYY-MM-DD`
    pub due_on: String,
    pub days_overdue: i64,
    pub url: String,
}

impl Notice for MilestoneOverdueAdmin {
    fn template(&self) -> &'static str {
        "milestone_overdue_admin"
    }
}
