//! What a challenge's parties are told when it moves (SPEC §8).

use serde::Serialize;

use crate::notifications::Notice;

/// The program office published the challenge (to the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ChallengeApproved {
    pub display_name: String,
    pub title: String,
    /// Beijing time.
    pub bid_closes_at: String,
    pub note: Option<String>,
    pub url: String,
}

impl Notice for ChallengeApproved {
    fn template(&self) -> &'static str {
        "challenge_approved"
    }
}

/// The program office sent the challenge back (to the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ChallengeRejected {
    pub display_name: String,
    pub title: String,
    pub reason: String,
    pub url: String,
}

impl Notice for ChallengeRejected {
    fn template(&self) -> &'static str {
        "challenge_rejected"
    }
}

/// The challenge was withdrawn (to the issuer's accounts; later also to bidders).
#[derive(Debug, Serialize)]
pub struct ChallengeCancelled {
    pub display_name: String,
    pub title: String,
    /// Who cancelled it: `issuer` or `program_office`.
    pub cancelled_by: &'static str,
    pub reason: String,
    pub url: String,
}

impl Notice for ChallengeCancelled {
    fn template(&self) -> &'static str {
        "challenge_cancelled"
    }
}

/// The deadline passed (to the issuer's accounts, and to every bidder).
#[derive(Debug, Serialize)]
pub struct BiddingClosed {
    pub display_name: String,
    pub title: String,
    /// Beijing time.
    pub closed_at: String,
    /// The issuer's version says the bids are now open to it.
    pub for_issuer: bool,
    pub url: String,
}

impl Notice for BiddingClosed {
    fn template(&self) -> &'static str {
        "bidding_closed"
    }
}

/// A clarification (答疑) was added to a challenge (to everyone with a live bid on it).
#[derive(Debug, Serialize)]
pub struct ClarificationAdded {
    pub display_name: String,
    pub title: String,
    pub question: Option<String>,
    pub answer: String,
    pub url: String,
}

impl Notice for ClarificationAdded {
    fn template(&self) -> &'static str {
        "clarification_added"
    }
}
