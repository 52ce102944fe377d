//! Imports as stored: the summary of each file and the lines it rejected.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
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
    pub rejected_lines: serde_json::Value,
    pub rejected_truncated: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}
