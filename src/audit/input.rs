//! `GET /audit`: which entries.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Entries by this account.
    pub actor_id: Option<Uuid>,
    /// e.g. `user`; with `object_id`, one object's history.
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// e.g. `auth.login_failed`.
    pub action: Option<String>,
    /// From this time on (inclusive, RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive, RFC 3339).
    pub to: Option<DateTime<Utc>>,
}
