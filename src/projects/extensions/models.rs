//! The extension requests as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
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

// Inserted whole (`pending`, or `approved` at once when an admin makes it), and shown as stored
// but for its challenge, which the project around it names ([`super::views::ExtensionView`]).
/// An extension request.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = project_extensions, check_for_backend(diesel::pg::Pg))]
#[schema(as = ExtensionView)]
pub struct Extension {
    pub id: Uuid,
    #[serde(skip)]
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

/// The admin's decision on a pending request.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = project_extensions, treat_none_as_null = true)]
pub struct DecisionChanges<'a> {
    pub status: ExtensionStatus,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
    pub decision_reason: Option<&'a str>,
}
