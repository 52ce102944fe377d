//! Credit records as stored.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::credit::models::{Severity, SubjectKind};
use crate::schema::credit_records;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = credit_records, check_for_backend(diesel::pg::Pg))]
pub struct CreditRecord {
    pub id: Uuid,
    pub subject_kind: SubjectKind,
    pub subject_key: String,
    pub subject_code: String,
    pub subject_name: String,
    pub severity: Severity,
    pub category: String,
    pub reason: String,
    pub authority: String,
    pub source: String,
    pub source_record_id: String,
    pub decided_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub repaired_on: Option<NaiveDate>,
    pub repair_note: Option<String>,
    pub repaired_by: Option<Uuid>,
    pub repaired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = credit_records)]
pub struct NewCreditRecord<'a> {
    pub id: Uuid,
    pub subject_kind: SubjectKind,
    pub subject_key: &'a str,
    pub subject_code: &'a str,
    pub subject_name: &'a str,
    pub severity: Severity,
    pub category: &'a str,
    pub reason: &'a str,
    pub authority: &'a str,
    pub source: &'a str,
    pub source_record_id: &'a str,
    pub decided_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A repair (信用修复): from `repaired_on` the record no longer counts.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = credit_records)]
pub struct RepairChanges<'a> {
    pub repaired_on: NaiveDate,
    pub repair_note: &'a str,
    pub repaired_by: Uuid,
    pub repaired_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
