//! What objectors and admins send.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::models::ObjectionStatus;
use crate::awards::proposals::input::{required_reason, trimmed};
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::http::validate::one_line;

/// The shortest reason an objection may give, in characters (after trimming).
pub const MIN_REASON: usize = 10;
/// The longest.
pub const MAX_REASON: usize = 2000;

/// `POST /challenges/{id}/objections`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "reason": "拟挂帅单位的项目负责人同时承担另一同类榜单项目，精力投入难以保证。",
    "contact": "138 0000 0000"
}))]
pub struct ObjectionRequest {
    /// Why, in writing: 10 to 2000 characters.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: String,
    /// How the program office can reach the objector (optional; shown to admins only).
    #[validate(length(max = 200), custom(function = one_line))]
    #[schema(max_length = 200)]
    pub contact: Option<String>,
}

impl ObjectionRequest {
    /// The reason and the contact, trimmed: a reason under 10 characters once trimmed is refused.
    pub fn cleaned(self) -> AppResult<(String, Option<String>)> {
        let reason = self.reason.trim().to_string();
        if reason.chars().count() < MIN_REASON {
            return Err(AppError::Validation(vec![
                FieldError::new("reason", FieldCode::Length)
                    .with_param("min", MIN_REASON)
                    .with_param("max", MAX_REASON),
            ]));
        }
        Ok((reason, trimmed(self.contact)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 异议成立: the award is withdrawn and the challenge goes back under review.
    Upheld,
    /// 异议不成立: the objector is told the reason.
    Dismissed,
}

impl From<Outcome> for ObjectionStatus {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Upheld => ObjectionStatus::Upheld,
            Outcome::Dismissed => ObjectionStatus::Dismissed,
        }
    }
}

/// `POST /objections/{id}/resolve`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "dismissed", "reason": "经核查，该负责人承担的另一项目已于上月结题，所述情况不影响本项目。"}))]
pub struct ResolveRequest {
    pub outcome: Outcome,
    /// Required. Told to the objector; when upheld it is also the withdrawal's reason, told to the
    /// awardee, the issuer and the other bidders and kept on the challenge: write it so that it
    /// does not name the objector.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

impl ResolveRequest {
    /// The outcome and the reason, which is required.
    pub fn cleaned(self) -> AppResult<(Outcome, String)> {
        Ok((self.outcome, required_reason(self.reason)?))
    }
}

/// `GET /objections` filters (admins; others always see their own only). The page comes as
/// `PageRequest`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObjectionQuery {
    pub challenge_id: Option<Uuid>,
    pub status: Option<ObjectionStatus>,
}
