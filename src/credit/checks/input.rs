//! What admins send about checks: a check to run now, the list's filter.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::run::CheckRequest;
use crate::credit::Subject;
use crate::credit::models::{CheckResult, Purpose, SubjectKind};
use crate::http::validate::line;

/// A check an admin asks for.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject_kind": "person",
    "subject_code": "34052419800101001X",
    "subject_name": "张三",
    "purpose": "manual",
    "general_blocks": false
}))]
pub struct CreateCheckRequest {
    pub subject_kind: SubjectKind,
    /// USCC or ID number; only the masked form of an ID number is stored or returned.
    pub subject_code: String,
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200)]
    pub subject_name: String,
    /// Default `manual`.
    pub purpose: Option<Purpose>,
    /// Whether a `general` standing blocks (default false: it warns).
    #[serde(default)]
    pub general_blocks: bool,
    /// Free-form facts kept with the check, e.g. `{"challenge_id": "…"}`.
    pub context: Option<serde_json::Value>,
}

impl CreateCheckRequest {
    /// The check to run on `subject` (this request's, validated), asked for by `requested_by`.
    pub fn check(self, subject: Subject, requested_by: Uuid) -> CheckRequest {
        CheckRequest {
            subject,
            purpose: self.purpose.unwrap_or(Purpose::Manual),
            general_blocks: self.general_blocks,
            requested_by: Some(requested_by),
            context: self.context,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckFilter {
    pub subject_kind: Option<SubjectKind>,
    /// A USCC or an ID number (matched by its keyed hash; the access log shows the hash, never
    /// the number). An 18-digit code valid as both matches both, unless `subject_kind` says which.
    pub code: Option<String>,
    pub purpose: Option<Purpose>,
    pub result: Option<CheckResult>,
    /// Checks made at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Checks made before this time.
    pub to: Option<DateTime<Utc>>,
    pub review_id: Option<Uuid>,
}
