//! Credit records, imports, checks and reviews as stored, and the enums they use.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::{credit_checks, credit_imports, credit_records, credit_reviews};
use crate::db_enum;

db_enum!(
    /// Whom a record or a check is about.
    #[derive(PartialOrd, Ord)]
    SubjectKind {
        /// A legal entity (法人), by its unified social credit code.
        Organization => "organization",
        /// A natural person (自然人), by resident ID number (kept only as a keyed hash and masked).
        Person => "person",
    }
);

db_enum!(
    /// How dishonest a record says its subject was.
    Severity {
        /// 严重失信
        Serious => "serious",
        /// 一般失信
        General => "general",
    }
);

db_enum!(
    /// A subject's standing: the worst severity among its records in force.
    #[derive(PartialOrd, Ord)]
    Standing {
        /// No record in force.
        Good => "good",
        /// Only general (一般失信) records in force.
        General => "general",
        /// At least one serious (严重失信) record in force.
        Serious => "serious",
    }
);

db_enum!(
    /// What a check decided.
    #[derive(PartialOrd, Ord)]
    CheckResult {
        Pass => "pass",
        /// Flag for formal review.
        Warn => "warn",
        /// Keep out: cannot bid, be awarded, sit on a panel or be paid.
        Block => "block",
    }
);

db_enum!(
    /// Why a check was made.
    Purpose {
        /// A bid is submitted (the organisation, the leader and every member).
        BidSubmit => "bid_submit",
        /// An award is proposed.
        Award => "award",
        /// An award is confirmed after the public notice.
        AwardConfirm => "award_confirm",
        /// An expert is drawn for a panel.
        PanelDraw => "panel_draw",
        /// Before a milestone payment.
        Payment => "payment",
        /// An admin asked.
        Manual => "manual",
        /// Part of a batch review.
        BatchReview => "batch_review",
    }
);

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
    pub fn new(r: CreditRecord, today: NaiveDate) -> Self {
        let in_force = super::counts_on(r.decided_on, r.valid_until, r.repaired_on, today);
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_imports, check_for_backend(diesel::pg::Pg))]
pub struct CreditImport {
    pub id: Uuid,
    pub source: String,
    pub file_name: Option<String>,
    pub encoding: String,
    pub size_bytes: i64,
    pub sha256: Vec<u8>,
    pub read_rows: i32,
    pub inserted: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub rejected_lines: serde_json::Value,
    pub rejected_truncated: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

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

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_reviews, check_for_backend(diesel::pg::Pg))]
pub struct CreditReview {
    pub id: Uuid,
    pub selection: serde_json::Value,
    pub totals: serde_json::Value,
    pub subjects: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}
