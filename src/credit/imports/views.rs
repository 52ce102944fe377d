//! How an import is shown: its summary and the lines it rejected.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::CreditImport;

/// A rejected line of a file: where, which column, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectedLine {
    /// Line number in the file (the header is line 1).
    #[schema(example = 7)]
    pub line: u64,
    /// The column at fault, as named in the file's header.
    #[schema(example = "严重程度")]
    pub column: Option<String>,
    /// A stable reason code: `missing_field`, `unknown_subject_kind`, `unknown_severity`,
    /// `check_character`, `length`, `invalid_character`, `bad_date`, `validity_before_decision`,
    /// `too_long`, `duplicate_record_id`, `wrong_field_count`, `unreadable`.
    #[schema(example = "unknown_severity")]
    pub code: String,
    /// The reason in words (Chinese). Never repeats an ID number.
    #[schema(example = "严重程度“较重”无法识别，应为 严重失信 或 一般失信")]
    pub message: String,
}

/// An import's summary, as stored and returned.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub id: Uuid,
    #[schema(example = "credit_center")]
    pub source: String,
    pub file_name: Option<String>,
    /// The encoding the file was read in: `utf-8` or `gb18030`.
    #[schema(example = "gb18030")]
    pub encoding: String,
    pub size_bytes: i64,
    /// Data rows read (the header not counted).
    pub read: i32,
    pub inserted: i32,
    pub updated: i32,
    /// Rows identical to their stored record.
    pub unchanged: i32,
    pub rejected: i32,
    /// The rejected lines, the first `credit.import_report_max_lines` of them.
    pub rejected_lines: Vec<RejectedLine>,
    /// Whether more lines were rejected than are listed.
    pub rejected_truncated: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<CreditImport> for ImportReport {
    fn from(i: CreditImport) -> Self {
        ImportReport {
            id: i.id,
            source: i.source,
            file_name: i.file_name,
            encoding: i.encoding,
            size_bytes: i.size_bytes,
            read: i.read_rows,
            inserted: i.inserted,
            updated: i.updated,
            unchanged: i.unchanged,
            rejected: i.rejected,
            rejected_lines: serde_json::from_value(i.rejected_lines).unwrap_or_default(),
            rejected_truncated: i.rejected_truncated,
            created_by: i.created_by,
            created_at: i.created_at,
        }
    }
}
