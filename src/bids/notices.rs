//! What bidders are told about their own bids.

use serde::Serialize;

use super::models::ReviewResult;
use crate::notifications::Notice;

/// A bid was submitted (to the solver who submitted it).
#[derive(Debug, Serialize)]
pub struct BidReceived {
    pub display_name: String,
    pub title: String,
    /// Beijing time.
    pub submitted_at: String,
    /// Beijing time.
    pub bid_closes_at: String,
    pub url: String,
}

impl Notice for BidReceived {
    fn template(&self) -> &'static str {
        "bid_received"
    }
}

/// The formal review of a bid is done (to the solver who made it).
#[derive(Debug, Serialize)]
pub struct BidReviewed {
    pub display_name: String,
    pub title: String,
    pub display_code: String,
    pub result: ReviewResult,
    pub reason: Option<String>,
    pub url: String,
}

impl Notice for BidReviewed {
    fn template(&self) -> &'static str {
        "bid_reviewed"
    }
}
