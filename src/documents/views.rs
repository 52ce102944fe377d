//! Documents as the API shows them. An expert of a blind review sees a bid document as its blind
//! copy: the copy's file name (the bid's code), hash and size, and no uploader.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::links::Copy;
use super::models::{AttachedTo, Document};

/// A document (one version).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    /// Shared by every version of the document.
    pub series_id: Uuid,
    pub version: i32,
    pub attached_to: AttachedTo,
    pub challenge_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bid_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_id: Option<Uuid>,
    /// The original file name (a blind copy's: the bid's code and a number).
    pub file_name: String,
    /// The type as decided by the content: pdf, docx, xlsx, pptx, zip, png, jpeg, ofd.
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes served (hex); also the download's `ETag`.
    pub sha256: String,
    /// Whether this is the blind copy of a bid document (what a blind review's experts get).
    pub blind: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<Uuid>,
    pub uploaded_at: DateTime<Utc>,
    /// The current version, not removed.
    pub current: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<DateTime<Utc>>,
    /// The blind copy made of this bid document at the opening, for the uploader and the
    /// office: what the experts of a blind review get instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blind_copy: Option<BlindCopyView>,
    /// Where to download it (with the bearer token; `GET /documents/{id}/link` for a link
    /// without one).
    pub download: String,
}

/// A bid document's blind copy.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlindCopyView {
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub made_at: DateTime<Utc>,
    /// What was stripped from it (e.g. `pdf:/Author`).
    pub removed: Vec<String>,
}

impl DocumentView {
    pub fn of(doc: Document, copy: Copy) -> DocumentView {
        let download = format!("/api/v1/documents/{}", doc.id);
        let current = doc.is_current();
        let blind_copy = BlindCopyView::of(&doc);
        let (file_name, size_bytes, sha256) = match copy {
            Copy::Blind => (
                doc.blind_file_name.unwrap_or_default(),
                doc.blind_size_bytes.unwrap_or(0),
                doc.blind_sha256.unwrap_or_default(),
            ),
            Copy::Original => (doc.file_name, doc.size_bytes, doc.sha256),
        };
        let original = copy == Copy::Original;
        DocumentView {
            id: doc.id,
            series_id: doc.series_id,
            version: doc.version,
            attached_to: doc.attached_to,
            challenge_id: doc.challenge_id,
            bid_id: doc.bid_id,
            milestone_id: doc.milestone_id,
            file_name,
            kind: doc.kind,
            content_type: doc.content_type,
            size_bytes,
            sha256,
            blind: !original,
            // Neither who uploaded it nor the copy's making, for the blind review's experts.
            uploaded_by: original.then_some(doc.uploaded_by),
            uploaded_at: doc.uploaded_at,
            current,
            replaced_at: doc.replaced_at,
            removed_at: doc.removed_at,
            blind_copy: blind_copy.filter(|_| original),
            download,
        }
    }
}

impl BlindCopyView {
    fn of(doc: &Document) -> Option<BlindCopyView> {
        Some(BlindCopyView {
            file_name: doc.blind_file_name.clone()?,
            sha256: doc.blind_sha256.clone()?,
            size_bytes: doc.blind_size_bytes?,
            made_at: doc.blind_made_at?,
            removed: doc
                .blind_removed
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
        })
    }
}

/// The documents of a challenge, bid, milestone or acceptance.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentView>,
}

/// A signed download link.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentLink {
    /// Path and query of the link, to be opened without a token (relative to the server).
    pub url: String,
    pub expires_at: DateTime<Utc>,
}
