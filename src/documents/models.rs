//! Documents as stored: one row per version, and what they attach to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::documents;

db_enum!(
    /// What a document is attached to; each has its own rules of who may add, see and remove.
    AttachedTo {
        /// A challenge's own documents (需求说明): the issuer's, public once published.
        Challenge => "challenge",
        /// A bid's documents (申报书 and attachments): sealed like the bid.
        Bid => "bid",
        /// A milestone's report materials (阶段报告).
        Milestone => "milestone",
        /// The final acceptance's materials (验收材料).
        Acceptance => "acceptance",
    }
);

/// One version of a document.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = documents, check_for_backend(diesel::pg::Pg))]
pub struct Document {
    pub id: Uuid,
    pub series_id: Uuid,
    pub version: i32,
    pub attached_to: AttachedTo,
    pub challenge_id: Uuid,
    pub bid_id: Option<Uuid>,
    pub milestone_id: Option<Uuid>,
    pub file_name: String,
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub blind_sha256: Option<String>,
    pub blind_size_bytes: Option<i64>,
    pub blind_file_name: Option<String>,
    pub blind_removed: Option<serde_json::Value>,
    pub blind_made_at: Option<DateTime<Utc>>,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
    pub replaced_at: Option<DateTime<Utc>>,
    pub removed_by: Option<Uuid>,
    pub removed_at: Option<DateTime<Utc>>,
}

impl Document {
    /// Whether this is the document's current version, not removed.
    pub fn is_current(&self) -> bool {
        self.replaced_at.is_none() && self.removed_at.is_none()
    }
}

/// The blind copy of a bid document, once made.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = documents)]
pub struct BlindCopy {
    pub blind_sha256: String,
    pub blind_size_bytes: i64,
    pub blind_file_name: String,
    pub blind_removed: serde_json::Value,
    pub blind_made_at: DateTime<Utc>,
}
