//! Credit checks as stored (immutable).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::credit::models::{CheckResult, Purpose, Standing, SubjectKind};
use crate::schema::credit_checks;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_checks, check_for_backend(diesel::pg::Pg))]
pub struct CreditCheck {
    pub id: Uuid,
    pub subject_kind: SubjectKind,
    pub subject_key: String,
    pub subject_code: String,
    pub subject_name: String,
    pub purpose: Purpose,
    pub general_blocks: bool,
    pub standing: Standing,
    pub result: CheckResult,
    pub matched: serde_json::Value,
    pub requested_by: Option<Uuid>,
    pub review_id: Option<Uuid>,
    pub context: Option<serde_json::Value>,
    pub checked_at: DateTime<Utc>,
}
