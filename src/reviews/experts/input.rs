//! What an admin sends to add an expert, and what an expert or admin sends to change one.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::challenges::models::Field;
use crate::http::validate::one_line;

/// `POST /experts`: the profile of an existing expert account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "user_id": "0193a5c4-1f2e-7c3d-9a4b-5c6d7e8f9a0b",
    "id_number": "11010519491231002X",
    "fields": ["new_materials", "new_energy"],
    "title": "教授",
    "conflict_usccs": ["91350200776049653A"]
}))]
pub struct CreateExpert {
    /// An account with the role `expert`.
    pub user_id: Uuid,
    /// The expert's resident ID number; only its keyed hash and masked form are kept.
    #[validate(length(min = 1, max = 18))]
    #[schema(min_length = 1, max_length = 18)]
    pub id_number: String,
    #[validate(length(min = 1, max = 9))]
    #[schema(min_items = 1, max_items = 9)]
    pub fields: Vec<Field>,
    #[validate(length(max = 50), custom(function = one_line))]
    #[schema(max_length = 50)]
    #[serde(default)]
    pub title: String,
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    #[serde(default)]
    pub conflict_usccs: Vec<String>,
}

/// `PATCH /experts/me`: what an expert may change of their own profile; absent fields stay.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"fields": ["new_materials"], "conflict_usccs": ["91350200776049653A"]}))]
pub struct UpdateExpert {
    #[validate(length(min = 1, max = 9))]
    #[schema(min_items = 1, max_items = 9)]
    pub fields: Option<Vec<Field>>,
    #[validate(length(max = 50), custom(function = one_line))]
    #[schema(max_length = 50)]
    pub title: Option<String>,
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub conflict_usccs: Option<Vec<String>>,
}
