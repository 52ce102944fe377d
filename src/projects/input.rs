//! Request bodies of the project's own endpoints, and what every resource of it reads alike.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::http::validate::not_blank;

/// `POST /challenges/{id}/terminate`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "揭榜团队解散，项目无法继续实施。"}))]
pub struct TerminateRequest {
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// A trimmed, non-empty text, or `None`.
pub fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}
