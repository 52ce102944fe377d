//! Request bodies of the milestones' endpoints.

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
    #[schema(min_length = 1, max_length = 5000)]
    pub deliverable: String,
    /// Links (http or https, each at most 500 characters) to the deliverable's files; at most 20.
    #[serde(default)]
    #[validate(length(max = 20), custom(function = links))]
    #[schema(max_items = 20)]
    pub attachments: Vec<String>,
}

/// `POST /milestones/{id}/accept` (optional body).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "成果符合任务书要求。"}))]
pub struct AcceptRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// `POST /milestones/{id}/return`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "缺少第三方检测报告，请补充。"}))]
pub struct ReturnRequest {
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_short_http_links_without_spaces() {
        assert!(
            links(&[
                "https://pan.example.edu.cn/s/a.pdf".into(),
                "http://x.cn/b".into()
            ])
            .is_ok()
        );
        assert!(links(&[]).is_ok());
        assert!(links(&["ftp://x.cn/a".into()]).is_err());
        assert!(links(&["https://x.cn/a b".into()]).is_err());
        assert!(links(&[format!("https://x.cn/{}", "a".repeat(MAX_LINK))]).is_err());
    }
}
