//! What the API shows of an extension request.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Extension, ExtensionStatus};

/// An extension request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtensionView {
    pub id: Uuid,
    pub months: i32,
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

impl From<Extension> for ExtensionView {
    fn from(e: Extension) -> Self {
        ExtensionView {
            id: e.id,
            months: e.months,
            reason: e.reason,
            status: e.status,
            requested_by: e.requested_by,
            requested_at: e.requested_at,
            decided_by: e.decided_by,
            decided_at: e.decided_at,
            decision_reason: e.decision_reason,
        }
    }
}
