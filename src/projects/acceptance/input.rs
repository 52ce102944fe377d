//! What admins send to draw the acceptance panel and to set a new deadline.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

/// `POST /challenges/{id}/acceptance`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_deadline": "2028-06-30T09:00:00Z", "panel_size": 5}))]
pub struct AcceptanceRequest {
    /// When the experts' verdicts are due; a reminder goes out `review.reminder_hours_before`.
    pub review_deadline: DateTime<Utc>,
    /// Experts on the panel, 3 to 25; the challenge's review panel size by default.
    #[validate(range(min = 3, max = 25))]
    #[schema(example = 5, minimum = 3, maximum = 25)]
    pub panel_size: Option<i32>,
    /// Tests only (`review.allow_chosen_seed`): the seed. Otherwise the server draws it from the
    /// operating system's randomness, and it is stored and shown for verification.
    pub seed: Option<u64>,
}

/// `POST /challenges/{id}/acceptance/deadline`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_deadline": "2028-07-15T09:00:00Z"}))]
pub struct DeadlineRequest {
    /// The new deadline for the experts' verdicts; in the future.
    pub review_deadline: DateTime<Utc>,
}
