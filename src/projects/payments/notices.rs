//! What the ledger tells people.

use serde::Serialize;

use crate::credit::models::Standing;
use crate::notifications::Notice;
use crate::state::AppState;

/// Where people read the ledger.
pub fn payments_url(state: &AppState) -> String {
    format!("{}/api/v1/payments", state.settings.public_url())
}

/// A payment was held by the credit check (to the awardee's solver accounts, the issuer's
/// accounts and the admins).
#[derive(Debug, Serialize)]
pub struct PaymentHeld {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    pub organization_name: String,
    pub amount: String,
    /// The payee's credit standing.
    pub standing: Standing,
    pub url: String,
}

impl Notice for PaymentHeld {
    fn template(&self) -> &'static str {
        "payment_held"
    }
}
