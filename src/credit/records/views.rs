//! How a record is shown: persons by masked ID number only, with whether it counts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::CreditRecord;
use super::rules::counts_on;
use crate::credit::models::{Severity, SubjectKind};

/// A credit record as the API shows it (persons by masked ID number only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordView {
    pub id: Uuid,
    pub subject_kind: SubjectKind,
    /// The USCC, or the masked ID number of a person.
    #[schema(example = "91350200776049653A")]
    pub subject_code: String,
    #[schema(example = "厦门某新材料科技有限公司")]
    pub subject_name: String,
    pub severity: Severity,
    #[schema(example = "拖欠农民工工资")]
    pub category: String,
    pub reason: String,
    /// The deciding authority (认定单位).
    pub authority: String,
    pub source: String,
    pub source_record_id: String,
    pub decided_on: NaiveDate,
    /// Last day the record counts; open-ended when absent.
    pub valid_until: Option<NaiveDate>,
    pub repaired: bool,
    pub repaired_on: Option<NaiveDate>,
    pub repair_note: Option<String>,
    /// Whether the record counted when this view was made.
    pub in_force: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RecordView {
    /// The record as it stands on `today` (China time).
    pub fn new(r: CreditRecord, today: NaiveDate) -> Self {
        let in_force = counts_on(r.decided_on, r.valid_until, r.repaired_on, today);
        RecordView {
            id: r.id,
            subject_kind: r.subject_kind,
            subject_code: r.subject_code,
            subject_name: r.subject_name,
            severity: r.severity,
            category: r.category,
            reason: r.reason,
            authority: r.authority,
            source: r.source,
            source_record_id: r.source_record_id,
            decided_on: r.decided_on,
            valid_until: r.valid_until,
            repaired: r.repaired_on.is_some(),
            repaired_on: r.repaired_on,
            repair_note: r.repair_note,
            in_force,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
