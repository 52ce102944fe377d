//! The extension requests as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::project_extensions;

db_enum!(
    /// An extension request.
    ExtensionStatus {
        Pending => "pending",
        Approved => "approved",
        Refused => "refused",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = project_extensions, check_for_backend(diesel::pg::Pg))]
pub struct Extension {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub months: i32,
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

/// A request: `pending`, or `approved` at once when an admin makes it.
#[derive(Debug, Insertable)]
#[diesel(table_name = project_extensions)]
pub struct NewExtension<'a> {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub months: i32,
    pub reason: &'a str,
    pub status: ExtensionStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The admin's decision on a pending request.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = project_extensions, treat_none_as_null = true)]
pub struct ExtensionDecision<'a> {
    pub status: ExtensionStatus,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
    pub decision_reason: Option<&'a str>,
}
