//! How a check is shown: what was asked, what was found, what was decided.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::CreditCheck;
use crate::credit::models::{CheckResult, Purpose, Standing, SubjectKind};
use crate::credit::records::views::RecordView;

/// A check as stored and shown: what was asked, what was found, what was decided.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckView {
    pub id: Uuid,
    pub subject_kind: SubjectKind,
    /// The USCC, or the masked ID number.
    #[schema(example = "91350200776049653A")]
    pub subject_code: String,
    pub subject_name: String,
    pub purpose: Purpose,
    pub general_blocks: bool,
    pub standing: Standing,
    pub result: CheckResult,
    /// The records in force at the moment of the check, as they were then.
    pub matched: Vec<RecordView>,
    pub requested_by: Option<Uuid>,
    pub review_id: Option<Uuid>,
    pub context: Option<Value>,
    pub checked_at: DateTime<Utc>,
}

impl From<CreditCheck> for CheckView {
    fn from(c: CreditCheck) -> Self {
        CheckView {
            id: c.id,
            subject_kind: c.subject_kind,
            subject_code: c.subject_code,
            subject_name: c.subject_name,
            purpose: c.purpose,
            general_blocks: c.general_blocks,
            standing: c.standing,
            result: c.result,
            matched: serde_json::from_value(c.matched).unwrap_or_default(),
            requested_by: c.requested_by,
            review_id: c.review_id,
            context: c.context,
            checked_at: c.checked_at,
        }
    }
}
