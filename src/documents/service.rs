//! The document flows, each in the order of a write: load what the caller may see → check the
//! rule → change → record → respond. An upload is received, inspected, scanned and stored before
//! its transaction, so that no database connection is held while a large file arrives; the rule
//! is checked once before the body is read (nothing is received for a refused caller) and again
//! in the transaction.

use actix_web::web::Payload;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;
use uuid::Uuid;

use super::input::{UploadParams, Versions};
use super::inspect::{self, Kind};
use super::links::Copy;
use super::models::{AttachedTo, Document};
use super::queries::{self, DocViewer, Owner};
use super::storage::Storage;
use super::views::{DocumentList, DocumentView};
use super::{clamd, download, rules, upload};
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::config::PerAttachment;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::http::Created;
use crate::schema::challenges;
use crate::state::AppState;

/// The store, installed at start-up.
pub fn storage(state: &AppState) -> AppResult<&std::sync::Arc<Storage>> {
    state.extension::<Storage>()
}

fn per(limits: &PerAttachment, attached_to: AttachedTo) -> u64 {
    match attached_to {
        AttachedTo::Challenge => limits.challenge,
        AttachedTo::Bid => limits.bid,
        AttachedTo::Milestone => limits.milestone,
        AttachedTo::Acceptance => limits.acceptance,
    }
}

/// Whether the viewer gets the blind copies of this challenge's bid documents: an expert with a
/// seat (any) on its blind review panel.
async fn copy_for(
    conn: &mut diesel_async::AsyncPgConnection,
    viewer: DocViewer,
    attached_to: AttachedTo,
    challenge_id: Uuid,
) -> AppResult<Copy> {
    use crate::schema::assignments;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let DocViewer::Expert(expert) = viewer else {
        return Ok(Copy::Original);
    };
    if attached_to != AttachedTo::Bid {
        return Ok(Copy::Original);
    }
    let blind: bool = challenges::table
        .find(challenge_id)
        .select(challenges::blind_review)
        .first(conn)
        .await?;
    if !blind {
        return Ok(Copy::Original);
    }
    // The acceptance panel knows the awardee: the blind copy is the review panel's.
    let reviewing: bool = diesel::select(diesel::dsl::exists(
        assignments::table
            .filter(assignments::challenge_id.eq(challenge_id))
            .filter(assignments::expert_id.eq(expert)),
    ))
    .get_result(conn)
    .await?;
    Ok(if reviewing {
        Copy::Blind
    } else {
        Copy::Original
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn upload(
    state: &AppState,
    user: &AuthUser,
    meta: &RequestMeta,
    req: &HttpRequest,
    attached_to: AttachedTo,
    id: Uuid,
    params: UploadParams,
    payload: Payload,
) -> AppResult<Created<DocumentView>> {
    let viewer = DocViewer::of(Some(user));
    let now = state.clock.now();
    // Who and where, before a byte of the body is read.
    let owner = {
        let mut conn = state.conn().await?;
        let owner = queries::owner_of(&mut conn, attached_to, id).await?;
        queries::check_owner_visible(&mut conn, viewer, owner).await?;
        let place = queries::lock_place(&mut conn, owner).await?;
        let awardee = queries::awardee(&mut conn, owner.challenge_id).await?;
        rules::may_change(user, &place, awardee, now)?;
        if let Some(old) = params.replaces {
            replaced_of(&mut conn, viewer, owner, old).await?;
        }
        owner
    };
    let storage = storage(state)?;
    let limit =
        per(&state.settings.documents.max_file_mib, attached_to).saturating_mul(1024 * 1024);
    let received = upload::receive(
        req,
        payload,
        params.name.as_deref(),
        storage.spool_dir(),
        limit,
    )
    .await?;
    let path = received.path.to_path_buf();
    let kind = tokio::task::spawn_blocking(move || inspect::inspect(&path))
        .await?
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(rules::refused)?;
    if let Some(settings) = &state.settings.documents.clamd {
        match clamd::scan(settings, &received.path).await {
            Ok(clamd::Verdict::Clean) => {}
            Ok(clamd::Verdict::Infected { signature }) => {
                tracing::warn!(%signature, sha256 = %received.sha256, "upload refused: infected");
                return Err(AppError::unprocessable(ErrorCode::DocumentInfected)
                    .arg("signature", signature));
            }
            Err(clamd::ScanError::TooLarge) => {
                // A configuration fault: clamd's StreamMaxLength is below the upload limit.
                tracing::error!("clamd refused a file as too large: raise its StreamMaxLength");
                return Err(AppError::coded(
                    actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::VirusScanUnavailable,
                ));
            }
            Err(e) => {
                tracing::warn!(error = %e, "virus scan unavailable");
                return Err(AppError::coded(
                    actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::VirusScanUnavailable,
                ));
            }
        }
    }
    // The quota before anything is stored (and again under the lock below): a refused upload
    // leaves nothing in the store.
    let total_limit = per(&state.settings.documents.max_total_mib, attached_to);
    {
        let mut conn = state.conn().await?;
        let current = queries::current_total(&mut conn, owner).await?;
        let replacing = match params.replaces {
            Some(old) => {
                queries::find_visible(&mut conn, viewer, old)
                    .await?
                    .size_bytes
            }
            None => 0,
        };
        rules::within_total(current, received.size, replacing, total_limit)?;
    }
    storage.put_file(&received.sha256, &received.path).await?;
    let doc = state
        .transaction(async |conn| {
            let place = queries::lock_place(conn, owner).await?;
            let awardee = queries::awardee(conn, owner.challenge_id).await?;
            rules::may_change(user, &place, awardee, now)?;
            // The total before the replaced version is marked: `within_total` takes it off.
            let current = queries::current_total(conn, owner).await?;
            let (series_id, version, replacing) = match params.replaces {
                Some(old) => {
                    let old = replaced_of(conn, viewer, owner, old).await?;
                    queries::mark_replaced(conn, old.id, now).await?;
                    (old.series_id, old.version + 1, old.size_bytes)
                }
                None => (Uuid::now_v7(), 1, 0),
            };
            rules::within_total(current, received.size, replacing, total_limit)?;
            let new = new_document(&received, kind, owner, series_id, version, user.id, now);
            let doc = queries::insert(conn, &new).await?;
            let action = if version == 1 {
                "document.upload"
            } else {
                "document.version"
            };
            Event::new(action, "document", doc.id)
                .by(user.id)
                .summary(json!({
                    "attached_to": doc.attached_to,
                    "challenge_id": doc.challenge_id,
                    "bid_id": doc.bid_id,
                    "milestone_id": doc.milestone_id,
                    "series_id": doc.series_id,
                    "version": doc.version,
                    "kind": doc.kind,
                    "size_bytes": doc.size_bytes,
                    "sha256": doc.sha256,
                }))
                .record(conn, state, meta)
                .await?;
            Ok(doc)
        })
        .await?;
    let location = format!("/api/v1/documents/{}", doc.id);
    Ok(Created::at(location, DocumentView::of(doc, Copy::Original)))
}

/// The current version `id` of a document of `owner`, which a new upload replaces.
async fn replaced_of(
    conn: &mut diesel_async::AsyncPgConnection,
    viewer: DocViewer,
    owner: Owner,
    id: Uuid,
) -> AppResult<Document> {
    let old = queries::find_visible(conn, viewer, id).await?;
    let same_place = old.attached_to == owner.attached_to
        && old.challenge_id == owner.challenge_id
        && old.bid_id == owner.bid_id
        && old.milestone_id == owner.milestone_id;
    if !same_place {
        return Err(AppError::validation(
            "replaces",
            crate::error::FieldCode::InvalidChoice,
        ));
    }
    if !old.is_current() {
        return Err(AppError::conflict(ErrorCode::DocumentNotCurrent));
    }
    Ok(old)
}

fn new_document(
    received: &upload::Received,
    kind: Kind,
    owner: Owner,
    series_id: Uuid,
    version: i32,
    by: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Document {
    Document {
        id: Uuid::now_v7(),
        series_id,
        version,
        attached_to: owner.attached_to,
        challenge_id: owner.challenge_id,
        bid_id: owner.bid_id,
        milestone_id: owner.milestone_id,
        file_name: received.file_name.clone(),
        kind: kind.as_str().to_string(),
        content_type: kind.mime().to_string(),
        size_bytes: received.size as i64,
        sha256: received.sha256.clone(),
        blind_sha256: None,
        blind_size_bytes: None,
        blind_file_name: None,
        blind_removed: None,
        blind_made_at: None,
        uploaded_by: by,
        uploaded_at: now,
        replaced_at: None,
        removed_by: None,
        removed_at: None,
    }
}

/// The documents of a place the viewer may see (404 when it may not see the place).
pub async fn list(
    state: &AppState,
    user: Option<&AuthUser>,
    attached_to: AttachedTo,
    id: Uuid,
    versions: Versions,
) -> AppResult<actix_web::web::Json<DocumentList>> {
    let viewer = DocViewer::of(user);
    let mut conn = state.conn().await?;
    let owner = queries::owner_of(&mut conn, attached_to, id).await?;
    queries::check_owner_visible(&mut conn, viewer, owner).await?;
    let copy = copy_for(&mut conn, viewer, attached_to, owner.challenge_id).await?;
    let docs = queries::list(&mut conn, viewer, owner, versions == Versions::All).await?;
    let items = docs
        .into_iter()
        // A blind copy is made at the opening, long before a panel reads it; until then the
        // document is not listed for the panel.
        .filter(|d| copy == Copy::Original || d.blind_made_at.is_some())
        .map(|d| DocumentView::of(d, copy))
        .collect();
    Ok(actix_web::web::Json(DocumentList { items }))
}

/// The document the caller may see, and which copy of it.
pub async fn load_for(
    state: &AppState,
    user: Option<&AuthUser>,
    id: Uuid,
) -> AppResult<(Document, Copy)> {
    let viewer = DocViewer::of(user);
    let mut conn = state.conn().await?;
    let doc = queries::find_visible(&mut conn, viewer, id).await?;
    let copy = copy_for(&mut conn, viewer, doc.attached_to, doc.challenge_id).await?;
    Ok((doc, copy))
}

/// Streams the copy; a sealed (bid) document's reading is recorded in the audit log first (once
/// per reading: not a revalidation, not each range after the first).
pub async fn serve(
    state: &AppState,
    meta: &RequestMeta,
    req: &HttpRequest,
    user: Option<&AuthUser>,
    doc: Document,
    copy: Copy,
) -> AppResult<HttpResponse> {
    let kind = Kind::parse(&doc.kind);
    let (sha256, size, file_name) = match copy {
        Copy::Original => (doc.sha256.clone(), doc.size_bytes, doc.file_name.clone()),
        Copy::Blind => match (
            &doc.blind_sha256,
            doc.blind_size_bytes,
            &doc.blind_file_name,
        ) {
            (Some(h), Some(s), Some(n)) => (h.clone(), s, n.clone()),
            _ => {
                return Err(AppError::coded(
                    actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::BlindCopyPending,
                ));
            }
        },
    };
    if doc.attached_to == AttachedTo::Bid && download::starts_a_read(req, &sha256, size as u64) {
        let actor = user.map(|u| u.id);
        let range = req
            .headers()
            .get(actix_web::http::header::RANGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        state
            .transaction(async |conn| {
                Event::new("document.download", "document", doc.id)
                    .by(actor)
                    .summary(json!({
                        "copy": copy.as_str(),
                        "bid_id": doc.bid_id,
                        "sha256": sha256,
                        "signed_link": actor.is_none(),
                        "range": range,
                    }))
                    .record(conn, state, meta)
                    .await
            })
            .await?;
    }
    download::respond(
        req,
        storage(state)?,
        download::Served {
            sha256: &sha256,
            size: size as u64,
            file_name: &file_name,
            content_type: &doc.content_type,
            inline: kind.is_some_and(Kind::inline),
        },
    )
    .await
}

/// Removes a current document (who may add it, while its place takes changes).
pub async fn remove(
    state: &AppState,
    user: &AuthUser,
    meta: &RequestMeta,
    id: Uuid,
) -> AppResult<()> {
    let viewer = DocViewer::of(Some(user));
    let now = state.clock.now();
    state
        .transaction(async |conn| {
            let doc = queries::find_visible(conn, viewer, id).await?;
            let owner = Owner {
                attached_to: doc.attached_to,
                challenge_id: doc.challenge_id,
                bid_id: doc.bid_id,
                milestone_id: doc.milestone_id,
            };
            let place = queries::lock_place(conn, owner).await?;
            let doc = queries::lock_visible(conn, viewer, id).await?;
            let awardee = queries::awardee(conn, owner.challenge_id).await?;
            rules::may_change(user, &place, awardee, now)?;
            if !doc.is_current() {
                return Err(AppError::conflict(ErrorCode::DocumentNotCurrent));
            }
            let removed = queries::mark_removed(conn, doc.id, user.id, now).await?;
            Event::new("document.remove", "document", removed.id)
                .by(user.id)
                .summary(json!({
                    "attached_to": removed.attached_to,
                    "series_id": removed.series_id,
                    "version": removed.version,
                    "sha256": removed.sha256,
                }))
                .record(conn, state, meta)
                .await
        })
        .await
}

/// Stores generated bytes (the demo data's PDFs) as a document of a challenge: written to the
/// spool, typed like any upload, stored under their hash. Not for requests: no rule is checked.
pub async fn attach_generated(
    state: &AppState,
    challenge_id: Uuid,
    uploaded_by: Uuid,
    file_name: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<Document> {
    use sha2::{Digest, Sha256};
    let storage = storage(state).map_err(|e| anyhow::anyhow!("{e}"))?;
    let sha256 = super::storage::hex(&Sha256::digest(&bytes));
    let size = bytes.len() as u64;
    let spool = tempfile::Builder::new()
        .prefix("generated-")
        .tempfile_in(storage.spool_dir())?
        .into_temp_path();
    tokio::fs::write(&spool, &bytes).await?;
    let path = spool.to_path_buf();
    let kind = tokio::task::spawn_blocking(move || inspect::inspect(&path))
        .await??
        .map_err(|refusal| anyhow::anyhow!("generated {file_name} refused: {refusal:?}"))?;
    storage
        .put_file(&sha256, &spool)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let received = upload::Received {
        path: spool,
        sha256,
        size,
        file_name: file_name.to_string(),
    };
    let owner = Owner {
        attached_to: AttachedTo::Challenge,
        challenge_id,
        bid_id: None,
        milestone_id: None,
    };
    let new = new_document(
        &received,
        kind,
        owner,
        Uuid::now_v7(),
        1,
        uploaded_by,
        state.clock.now(),
    );
    let mut conn = state.conn().await?;
    queries::insert(&mut conn, &new)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}
