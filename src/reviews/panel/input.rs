//! What an admin sends to draw the panel.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

/// `POST /challenges/{id}/panel/draw`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_deadline": "2027-02-01T09:00:00Z"}))]
pub struct DrawRequest {
    /// When the experts' scores are due; a reminder goes out `review.reminder_hours_before`.
    pub review_deadline: DateTime<Utc>,
    /// Tests only (`review.allow_chosen_seed`): the seed. Otherwise the server draws it from the
    /// operating system's randomness, and it is stored and shown for verification.
    pub seed: Option<u64>,
}
