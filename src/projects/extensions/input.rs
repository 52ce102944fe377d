//! Request bodies of the extension's endpoints.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{AppError, AppResult, FieldCode};
use crate::http::validate::not_blank;
use crate::projects::input::given;

/// `POST /challenges/{id}/extension`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"months": 6, "reason": "关键设备进口到货延迟五个月。"}))]
pub struct ExtensionRequest {
    /// 1 to 12.
    #[validate(range(min = 1, max = 12))]
    #[schema(minimum = 1, maximum = 12)]
    pub months: i32,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// `POST /challenges/{id}/extension/decision`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approve": false, "reason": "延期理由不充分。"}))]
pub struct DecisionRequest {
    pub approve: bool,
    /// Required to refuse.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

impl DecisionRequest {
    /// The decision's reason, trimmed; 422 `required` on `reason` for a refusal without one.
    pub fn reason(&self) -> AppResult<Option<String>> {
        let reason = given(self.reason.as_deref());
        if !self.approve && reason.is_none() {
            return Err(AppError::validation("reason", FieldCode::Required));
        }
        Ok(reason)
    }
}
