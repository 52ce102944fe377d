//! What is shown: a version with its texts and hash; a signature in a panel's record.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Kind;
use super::models::{SignatureRecord, Version};

/// A version of a commitment: what the signer reads, and the hash they sign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommitmentView {
    pub kind: Kind,
    #[schema(example = 1)]
    pub version: i32,
    /// The binding text (Markdown).
    pub text_zh: String,
    /// The English text (Markdown).
    pub text_en: String,
    /// Lowercase hex SHA-256 of the zh-CN text's UTF-8 bytes, one NUL byte, and the English
    /// text's UTF-8 bytes.
    #[schema(example = "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138")]
    pub sha256: String,
    pub published_at: DateTime<Utc>,
    /// Who published it; absent for version 1, the repository's text.
    pub published_by: Option<Uuid>,
}

impl From<Version> for CommitmentView {
    fn from(v: Version) -> Self {
        CommitmentView {
            kind: v.kind,
            version: v.version,
            text_zh: v.text_zh,
            text_en: v.text_en,
            sha256: v.sha256,
            published_at: v.published_at,
            published_by: v.published_by,
        }
    }
}

/// The commitment signed for a seat: which version, its hash, when; the address only for
/// admins.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatureView {
    pub kind: Kind,
    #[schema(example = 1)]
    pub version: i32,
    pub sha256: String,
    pub signed_at: DateTime<Utc>,
    /// The client's address as recorded for the audit log (admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_addr: Option<String>,
}

impl SignatureView {
    /// The signature as `admin` or not sees it.
    pub fn of(record: SignatureRecord, admin: bool) -> Self {
        let s = record.signature;
        SignatureView {
            kind: s.kind,
            version: record.version,
            sha256: s.sha256,
            signed_at: s.signed_at,
            client_addr: if admin { s.client_addr } else { None },
        }
    }
}
