//! What admins send about records: a record entered by hand, the list's filter, a repair.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::models::{NewCreditRecord, RepairChanges};
use crate::credit::Subject;
use crate::credit::models::{Severity, SubjectKind};
use crate::http::validate::{line, not_blank, one_line};

/// A credit record entered by hand.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject_kind": "organization",
    "subject_code": "913502000728319549",
    "subject_name": "厦门某新材料科技有限公司",
    "severity": "serious",
    "category": "拒不履行法院判决",
    "reason": "被列入失信被执行人名单",
    "authority": "厦门市中级人民法院",
    "source_record_id": "(2024)闽02执123号",
    "decided_on": "2024-01-02",
    "valid_until": "2027-01-01"
}))]
pub struct CreateRecordRequest {
    pub subject_kind: SubjectKind,
    /// USCC of an organisation, or ID number of a person (stored only hashed and masked).
    #[schema(example = "913502000728319549")]
    pub subject_code: String,
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200)]
    pub subject_name: String,
    pub severity: Severity,
    #[validate(length(max = 500), custom(function = one_line))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub category: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[serde(default)]
    pub reason: String,
    /// The deciding authority (认定单位).
    #[validate(length(max = 500), custom(function = one_line))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub authority: String,
    /// Default `manual`.
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(min_length = 1, max_length = 100)]
    pub source: Option<String>,
    /// The record's id at its source; a new id when absent.
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(min_length = 1, max_length = 100)]
    pub source_record_id: Option<String>,
    pub decided_on: NaiveDate,
    /// Last day the record counts; open-ended when absent.
    pub valid_until: Option<NaiveDate>,
}

/// Where a record entered by hand comes from when the request does not say.
const MANUAL_SOURCE: &str = "manual";

impl CreateRecordRequest {
    /// The record to store about `subject` (whose match key is `key`), texts trimmed; `generated`
    /// is its id at the source when the request gives none.
    pub fn record<'a>(
        &'a self,
        subject: &'a Subject,
        key: &'a str,
        generated: &'a str,
        now: DateTime<Utc>,
    ) -> NewCreditRecord<'a> {
        NewCreditRecord {
            id: Uuid::now_v7(),
            subject_kind: subject.kind(),
            subject_key: key,
            subject_code: subject.code(),
            subject_name: subject.name(),
            severity: self.severity,
            category: self.category.trim(),
            reason: self.reason.trim(),
            authority: self.authority.trim(),
            source: self.source.as_deref().unwrap_or(MANUAL_SOURCE).trim(),
            source_record_id: self.source_record_id.as_deref().unwrap_or(generated).trim(),
            decided_on: self.decided_on,
            valid_until: self.valid_until,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordFilter {
    /// Words of the subject's name (a company's or a person's), Chinese or Latin: every word must
    /// occur in it, as a substring. At most 100 characters and 5 words.
    #[param(max_length = 100, example = "新材料")]
    pub q: Option<String>,
    pub subject_kind: Option<SubjectKind>,
    /// A USCC or an ID number (matched by its keyed hash; the access log shows the hash, never
    /// the number). An 18-digit code valid as both matches both, unless `subject_kind` says which;
    /// a code that is neither is a 422.
    pub code: Option<String>,
    pub severity: Option<Severity>,
    /// `true`: only records counting today; `false`: only expired or repaired ones.
    pub in_force: Option<bool>,
    pub source: Option<String>,
}

/// Credit repair (信用修复): from `repaired_on` the record no longer counts.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"repaired_on": "2025-03-01", "note": "已履行判决义务，经认定单位同意修复"}))]
pub struct RepairRequest {
    /// Default: today (China time). Not in the future, not before the decision.
    pub repaired_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

impl RepairRequest {
    /// The repair an admin (`by`) makes `now`, counting from `day`; the note trimmed.
    pub fn changes(&self, day: NaiveDate, by: Uuid, now: DateTime<Utc>) -> RepairChanges<'_> {
        RepairChanges {
            repaired_on: day,
            repair_note: self.note.trim(),
            repaired_by: by,
            repaired_at: now,
            updated_at: now,
        }
    }
}
