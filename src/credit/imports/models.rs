//! Imports as stored: the summary of each file and the lines it rejected.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::schema::credit_imports;

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
    /// [`Rejection`]s.
    pub rejected_lines: serde_json::Value,
    pub rejected_truncated: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A rejected line as stored in an import's `rejected_lines`: where, which column, the reason's
/// code and the arguments of its message (`credit-import-<code>`), which is rendered in the
/// reader's language when the report is shown. Reports stored before that carry the message
/// itself (in Chinese), shown as it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// The column at fault, as named in the file's header.
    pub column: Option<String>,
    pub code: String,
    /// What the message says besides the code: a value from the file (masked and cut short by
    /// the parser: never an ID number), a limit, counts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
    /// The message of a report stored as rendered text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Rejection {
    pub fn new(line: u64, column: Option<String>, code: &str) -> Self {
        Rejection {
            line,
            column,
            code: code.to_string(),
            args: BTreeMap::new(),
            message: None,
        }
    }

    /// Adds an argument of the message.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.args.insert(name.to_string(), value.to_string());
        self
    }
}
