//! What the expert of a review seat sends.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::reviews::models::CriterionScore;

/// `POST /assignments/{id}/decline`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "评审期间出国访问"}))]
pub struct DeclineRequest {
    #[validate(length(min = 1, max = 1000), custom(function = crate::http::validate::not_blank))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// `PUT /assignments/{id}/scores/{bid_id}`: points for every rubric criterion, and a comment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "criteria": [
        {"name": "技术方案", "points": 35}, {"name": "团队能力", "points": 20},
        {"name": "经费合理性", "points": 12}, {"name": "进度安排", "points": 8},
        {"name": "产业带动", "points": 9}
    ],
    "comment": "技术路线清晰，中试计划可行。"
}))]
pub struct ScoreRequest {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub criteria: Vec<CriterionScore>,
    #[validate(length(min = 1, max = 5000), custom(function = crate::http::validate::not_blank))]
    #[schema(min_length = 1, max_length = 5000)]
    pub comment: String,
}
