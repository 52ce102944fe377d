//! Versions and signatures as stored.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Signature, SignatureRecord, Version};
use super::texts::{default_text, hash, normal};
use super::{Kind, Signed};
use crate::error::AppResult;
use crate::schema::{commitment_signatures as signatures, commitment_versions as versions};

/// How the current version is read: plainly, shared (a signature: a publication waits for the
/// signing transaction, and the reverse), or for update (a publication).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    None,
    Share,
    Update,
}

pub async fn latest(
    conn: &mut AsyncPgConnection,
    kind: Kind,
    lock: Lock,
) -> AppResult<Option<Version>> {
    let query = versions::table
        .filter(versions::kind.eq(kind))
        .order(versions::version.desc())
        .select(Version::as_select());
    Ok(match lock {
        Lock::None => query.first(conn).await.optional()?,
        Lock::Share => query.for_share().first(conn).await.optional()?,
        Lock::Update => query.for_update().first(conn).await.optional()?,
    })
}

/// The current version of `kind`: the highest stored. When none is stored yet, the
/// repository's text is stored as version 1 (published at `now`, by no one) first; two callers
/// doing so at once store it once.
pub async fn current(
    conn: &mut AsyncPgConnection,
    kind: Kind,
    lock: Lock,
    now: DateTime<Utc>,
) -> AppResult<Version> {
    if let Some(found) = latest(conn, kind, lock).await? {
        return Ok(found);
    }
    let (zh, en) = default_text(kind);
    let (text_zh, text_en) = (normal(zh), normal(en));
    let first = Version {
        id: Uuid::now_v7(),
        kind,
        version: 1,
        sha256: hash(&text_zh, &text_en),
        text_zh,
        text_en,
        published_at: now,
        published_by: None,
    };
    diesel::insert_into(versions::table)
        .values(&first)
        .on_conflict((versions::kind, versions::version))
        .do_nothing()
        .execute(conn)
        .await?;
    latest(conn, kind, lock)
        .await?
        .ok_or(crate::error::AppError::NotFound)
}

/// Stores a new version.
pub async fn insert_version(conn: &mut AsyncPgConnection, version: &Version) -> AppResult<()> {
    diesel::insert_into(versions::table)
        .values(version)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a signature.
pub async fn insert_signature(
    conn: &mut AsyncPgConnection,
    signature: &Signature,
) -> AppResult<Signature> {
    Ok(diesel::insert_into(signatures::table)
        .values(signature)
        .returning(Signature::as_returning())
        .get_result(conn)
        .await?)
}

/// The signatures given for these objects (all of one variant of [`Signed`]), by the object's
/// id, with the version number signed.
pub async fn signatures_for(
    conn: &mut AsyncPgConnection,
    signed: &[Signed],
) -> AppResult<HashMap<Uuid, SignatureRecord>> {
    let mut seats = Vec::new();
    let mut acceptance_seats = Vec::new();
    for s in signed {
        match s {
            Signed::Assignment(id) => seats.push(*id),
            Signed::AcceptanceAssignment(id) => acceptance_seats.push(*id),
        }
    }
    if seats.is_empty() && acceptance_seats.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Signature, i32)> = signatures::table
        .inner_join(versions::table.on(versions::id.eq(signatures::version_id)))
        .filter(
            signatures::assignment_id
                .eq_any(&seats)
                .or(signatures::acceptance_assignment_id.eq_any(&acceptance_seats)),
        )
        .select((Signature::as_select(), versions::version))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(signature, version)| {
            let id = signature
                .assignment_id
                .or(signature.acceptance_assignment_id)?;
            Some((id, SignatureRecord { signature, version }))
        })
        .collect())
}
