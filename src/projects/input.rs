//! Request bodies of the project's endpoints.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::http::validate::not_blank;

/// Each link at most this long.
pub const MAX_LINK: usize = 500;

fn links(values: &[String]) -> Result<(), ValidationError> {
    let ok = values.iter().all(|v| {
        v.len() <= MAX_LINK
            && (v.starts_with("https://") || v.starts_with("http://"))
            && !v.chars().any(char::is_whitespace)
    });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("url"))
    }
}

/// `POST /milestones/{id}/report`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "deliverable": "中试线已建成并连续试运行 72 小时，T800 级原丝合格率 96%。",
    "attachments": ["https://pan.example.edu.cn/s/report-2027-06.pdf"]
}))]
pub struct ReportRequest {
    /// What was delivered.
    #[validate(length(min = 1, max = 5000), custom(function = not_blank))]
    pub deliverable: String,
    /// Links (http or https, each at most 500 characters) to the deliverable's files; at most 20.
    #[serde(default)]
    #[validate(length(max = 20), custom(function = links))]
    pub attachments: Vec<String>,
}

/// `POST /milestones/{id}/accept` (optional body).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "成果符合任务书要求。"}))]
pub struct AcceptRequest {
    #[validate(length(max = 2000))]
    pub comment: Option<String>,
}

/// `POST /milestones/{id}/return`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "缺少第三方检测报告，请补充。"}))]
pub struct ReturnRequest {
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    pub reason: String,
}

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
    pub reason: Option<String>,
}

/// A trimmed, non-empty text, or `None`.
pub fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}
