//! An audit entry as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Entry;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted; absent for the system or an unknown party.
    pub actor_id: Option<Uuid>,
    #[schema(example = "user.disable")]
    pub action: String,
    #[schema(example = "user")]
    pub object_type: String,
    pub object_id: Option<String>,
    /// Before/after and other facts of the change.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    /// This entry's chain hash (hex).
    pub hash: String,
}

impl From<Entry> for AuditEntryView {
    fn from(e: Entry) -> Self {
        AuditEntryView {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            summary: e.summary,
            client_addr: e.client_addr,
            request_id: e.request_id,
            hash: super::hex(&e.hash),
        }
    }
}
