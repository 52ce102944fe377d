//! Commitment versions and signatures as stored, and the vocabulary of kinds.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::{commitment_signatures, commitment_versions};

db_enum!(
    /// Which commitment: each kind has its own text and versions, and is signed for one kind of
    /// act. A new kind adds a variant here, its default texts under `commitments/`, and its
    /// value to the CHECK constraints of `commitment_versions` and `commitment_signatures`.
    Kind {
        /// 评审专家保密及回避承诺书: signed when accepting a seat on a review panel.
        ExpertReview => "expert_review",
        /// 验收专家保密及回避承诺书: signed when accepting a seat on an acceptance panel.
        ExpertAcceptance => "expert_acceptance",
    }
);

/// What a signature is for: the id of the object whose act it allows. Each kind is signed for
/// one of these (the table's CHECK constraints say which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// A seat on a review panel (`assignments`), signed with `expert_review`.
    Assignment(Uuid),
    /// A seat on an acceptance panel (`acceptance_assignments`), signed with
    /// `expert_acceptance`.
    AcceptanceAssignment(Uuid),
}

impl Signed {
    /// The kind of commitment this act needs.
    pub fn kind(self) -> Kind {
        match self {
            Signed::Assignment(_) => Kind::ExpertReview,
            Signed::AcceptanceAssignment(_) => Kind::ExpertAcceptance,
        }
    }

    /// The audit log's object type and id of what was signed.
    pub fn object(self) -> (&'static str, Uuid) {
        match self {
            Signed::Assignment(id) => ("assignment", id),
            Signed::AcceptanceAssignment(id) => ("acceptance_assignment", id),
        }
    }
}

/// One version of a commitment's text.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = commitment_versions, check_for_backend(diesel::pg::Pg))]
pub struct Version {
    pub id: Uuid,
    pub kind: Kind,
    pub version: i32,
    pub text_zh: String,
    pub text_en: String,
    /// See [`crate::commitments::texts::hash`].
    pub sha256: String,
    pub published_at: DateTime<Utc>,
    /// `None` for version 1, the repository's text.
    pub published_by: Option<Uuid>,
}

/// One signature.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = commitment_signatures, check_for_backend(diesel::pg::Pg))]
pub struct Signature {
    pub id: Uuid,
    pub version_id: Uuid,
    pub kind: Kind,
    pub signer_id: Uuid,
    pub assignment_id: Option<Uuid>,
    pub acceptance_assignment_id: Option<Uuid>,
    pub sha256: String,
    /// The client's address as the audit log records it.
    pub client_addr: Option<String>,
    pub signed_at: DateTime<Utc>,
}

/// A signature with the version number it signed (for the panels' records).
#[derive(Debug, Clone)]
pub struct SignatureRecord {
    pub signature: Signature,
    pub version: i32,
}
