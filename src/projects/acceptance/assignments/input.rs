//! What the expert of an acceptance seat sends.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::projects::acceptance::models::KpiVerdict;

/// `POST /acceptance-assignments/{id}/decline`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "与揭榜单位有合作项目，申请回避"}))]
pub struct AcceptanceDeclineRequest {
    #[validate(length(min = 1, max = 1000), custom(function = crate::http::validate::not_blank))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// `PUT /acceptance-assignments/{id}/verdict`: every KPI of the challenge judged met or not,
/// and the overall verdict.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kpis": [{"kpi": "拉伸强度", "met": true, "comment": "第三方检测报告实测 5.9 GPa。"}],
    "pass": true,
    "comment": "各项指标均达到揭榜承诺，同意通过验收。"
}))]
pub struct VerdictRequest {
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub kpis: Vec<KpiVerdict>,
    /// 通过 (`true`) or 不通过 (`false`).
    pub pass: bool,
    #[validate(length(min = 1, max = 5000), custom(function = crate::http::validate::not_blank))]
    #[schema(min_length = 1, max_length = 5000)]
    pub comment: String,
}
