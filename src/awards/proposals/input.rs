//! What an admin sends to propose and to withdraw an award.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{AppError, AppResult, FieldCode};

/// `POST /challenges/{id}/award`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "bid_id": "0192f0c4-5b6a-7c3d-8e9f-0a1b2c3d4e5f",
    "reason": "排名第一的方案团队负责人已调离，经评审专家组复议改选排名第二的方案。"
}))]
pub struct ProposeRequest {
    /// An eligible bid of the stored ranking.
    pub bid_id: Uuid,
    /// Required when the bid is not the best-ranked eligible one.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// `POST /challenges/{id}/award/withdraw`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "挂帅确认时信用复核未通过（项目负责人列入严重失信名单）。"}))]
pub struct WithdrawRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// A text without its surrounding blanks; `None` when nothing is left.
pub fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// A reason that must be given: 422 `required` on `reason` when missing or blank.
pub fn required_reason(text: Option<String>) -> AppResult<String> {
    trimmed(text).ok_or_else(|| AppError::validation("reason", FieldCode::Required))
}
