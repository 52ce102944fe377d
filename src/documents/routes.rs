//! The document endpoints: upload to and list a challenge, bid, milestone or final acceptance;
//! download (bearer token or signed link), remove, sign a link.

use actix_web::web::{Data, Json, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use uuid::Uuid;

use super::input::{DownloadParams, ListParams, UploadParams};
use super::links::{self, Copy};
use super::models::{AttachedTo, Document};
use super::queries::{self, DocViewer};
use super::responses::UploadRefused;
use super::views::{DocumentLink, DocumentList, DocumentView};
use super::{bundle, service};
use crate::audit::RequestMeta;
use crate::auth::{AuthUser, ExpertsOnly, MaybeUser};
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::{Created, NotFound, ValidQuery};
use crate::reviews::responses::NotYourAssignment;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload_challenge_document)
        .service(list_challenge_documents)
        .service(upload_bid_document)
        .service(list_bid_documents)
        .service(upload_milestone_document)
        .service(list_milestone_documents)
        .service(upload_acceptance_document)
        .service(list_acceptance_documents)
        .service(download_document)
        .service(remove_document)
        .service(document_link)
        .service(panel_bundle);
}

/// Upload a document to a challenge (its issuer, while a draft or rejected).
///
/// The file as a raw body with `?name=` (or a `Content-Disposition` header), or as the file part
/// of a `multipart/form-data` form; `?replaces=` uploads a new version of a document. The type is
/// decided by the content (PDF, DOCX, XLSX, PPTX, ZIP, PNG, JPEG, OFD); the SHA-256 is computed
/// while the file streams to storage.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Challenge id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file (or multipart/form-data with a file part)"),
    responses(
        (status = 201, description = "Stored", body = DocumentView),
        UploadRefused,
        (status = 403, description = "Not the issuer of this challenge", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "The challenge no longer takes documents (`documents_closed`), or the replaced document is not current (`document_not_current`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/documents")]
pub async fn upload_challenge_document(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    req: HttpRequest,
    id: Path<Uuid>,
    params: ValidQuery<UploadParams>,
    payload: Payload,
) -> AppResult<Created<DocumentView>> {
    let params = params.into_inner();
    service::upload(
        &state,
        &user,
        &meta,
        &req,
        AttachedTo::Challenge,
        *id,
        params,
        payload,
    )
    .await
}

/// Upload a document to a bid (its team, while the bid may be edited: before the deadline).
/// Sealed like the bid. As for challenge documents otherwise.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Bid id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file (or multipart/form-data with a file part)"),
    responses(
        (status = 201, description = "Stored", body = DocumentView),
        UploadRefused,
        (status = 403, description = "Not the bidding team", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "Bidding closed (`bidding_closed`), the bid is not editable (`invalid_bid_state`), or the replaced document is not current", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/documents")]
pub async fn upload_bid_document(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    req: HttpRequest,
    id: Path<Uuid>,
    params: ValidQuery<UploadParams>,
    payload: Payload,
) -> AppResult<Created<DocumentView>> {
    let params = params.into_inner();
    service::upload(
        &state,
        &user,
        &meta,
        &req,
        AttachedTo::Bid,
        *id,
        params,
        payload,
    )
    .await
}

/// Upload a milestone report's material (the awarded team, before the milestone is reported, and
/// again after the issuer returned it: never while the issuer is deciding on it).
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Milestone id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file (or multipart/form-data with a file part)"),
    responses(
        (status = 201, description = "Stored", body = DocumentView),
        UploadRefused,
        (status = 403, description = "Not the awarded team", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "The milestone is reported (being decided) or accepted, or the project is not running (`documents_closed`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/milestones/{id}/documents")]
pub async fn upload_milestone_document(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    req: HttpRequest,
    id: Path<Uuid>,
    params: ValidQuery<UploadParams>,
    payload: Payload,
) -> AppResult<Created<DocumentView>> {
    let params = params.into_inner();
    service::upload(
        &state,
        &user,
        &meta,
        &req,
        AttachedTo::Milestone,
        *id,
        params,
        payload,
    )
    .await
}

/// Upload a final acceptance material (验收材料; the awarded team, until the acceptance closes).
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Challenge id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file (or multipart/form-data with a file part)"),
    responses(
        (status = 201, description = "Stored", body = DocumentView),
        UploadRefused,
        (status = 403, description = "Not the awarded team", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "The project is not running or its acceptance is closed (`documents_closed`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/acceptance/documents")]
pub async fn upload_acceptance_document(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    req: HttpRequest,
    id: Path<Uuid>,
    params: ValidQuery<UploadParams>,
    payload: Payload,
) -> AppResult<Created<DocumentView>> {
    let params = params.into_inner();
    service::upload(
        &state,
        &user,
        &meta,
        &req,
        AttachedTo::Acceptance,
        *id,
        params,
        payload,
    )
    .await
}

/// A challenge's documents (anyone, once it is published; its issuer and admins before).
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Challenge id"), ListParams),
    responses((status = 200, description = "The documents", body = DocumentList), NotFound),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}/documents")]
pub async fn list_challenge_documents(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
    params: ValidQuery<ListParams>,
) -> AppResult<Json<DocumentList>> {
    service::list(
        &state,
        user.0.as_ref(),
        AttachedTo::Challenge,
        *id,
        params.into_inner().versions,
    )
    .await
}

/// A bid's documents: its team; admins; the issuer after the opening; the experts of its panel
/// (a blind review's get the blind copies, under the bid's code).
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Bid id"), ListParams),
    responses((status = 200, description = "The documents", body = DocumentList), NotFound),
    security(("bearer" = []))
)]
#[get("/bids/{id}/documents")]
pub async fn list_bid_documents(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
    params: ValidQuery<ListParams>,
) -> AppResult<Json<DocumentList>> {
    service::list(
        &state,
        user.0.as_ref(),
        AttachedTo::Bid,
        *id,
        params.into_inner().versions,
    )
    .await
}

/// A milestone's report materials: the awarded team, the issuer, admins, the acceptance panel.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Milestone id"), ListParams),
    responses((status = 200, description = "The documents", body = DocumentList), NotFound),
    security(("bearer" = []))
)]
#[get("/milestones/{id}/documents")]
pub async fn list_milestone_documents(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
    params: ValidQuery<ListParams>,
) -> AppResult<Json<DocumentList>> {
    service::list(
        &state,
        user.0.as_ref(),
        AttachedTo::Milestone,
        *id,
        params.into_inner().versions,
    )
    .await
}

/// The final acceptance's materials: the awarded team, the issuer, admins, the acceptance panel.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Challenge id"), ListParams),
    responses((status = 200, description = "The documents", body = DocumentList), NotFound),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/acceptance/documents")]
pub async fn list_acceptance_documents(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
    params: ValidQuery<ListParams>,
) -> AppResult<Json<DocumentList>> {
    service::list(
        &state,
        user.0.as_ref(),
        AttachedTo::Acceptance,
        *id,
        params.into_inner().versions,
    )
    .await
}

/// Download a document: with a bearer token (or none, for a published challenge's documents), or
/// through a signed link (`GET /documents/{id}/link`) without one. Streams the file with
/// `ETag` (its SHA-256), `Range` (206/416) and the original file name (RFC 6266); an expert of a
/// blind review gets the blind copy.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), DownloadParams,
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`")),
    responses(
        (status = 200, description = "The file, typed as detected", content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (Vec<u8> = "application/zip"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "application/ofd"))),
        (status = 206, description = "The requested range", content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (Vec<u8> = "application/zip"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "application/ofd"))),
        (status = 304, description = "Not modified (`If-None-Match` names its ETag)"),
        (status = 403, description = "A signed link that is wrong or expired (`link_invalid`)", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 416, description = "The range starts past the end (`range_not_satisfiable`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "The store is unavailable, or the blind copy is still being made (`blind_copy_pending`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/documents/{id}")]
pub async fn download_document(
    state: Data<AppState>,
    user: MaybeUser,
    meta: RequestMeta,
    req: HttpRequest,
    id: Path<Uuid>,
    params: ValidQuery<DownloadParams>,
) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let (doc, copy) = match params.signature.as_deref() {
        Some(signature) => {
            let copy = params
                .copy
                .as_deref()
                .and_then(Copy::parse)
                .ok_or_else(|| {
                    AppError::validation("copy", crate::error::FieldCode::InvalidChoice)
                })?;
            let expires = params.expires.ok_or_else(|| {
                AppError::validation("expires", crate::error::FieldCode::Required)
            })?;
            links::verify(
                &state.settings,
                *id,
                copy,
                expires,
                signature,
                state.clock.now(),
            )?;
            let mut conn = state.conn().await?;
            (
                queries::find_visible(&mut conn, DocViewer::Admin, *id).await?,
                copy,
            )
        }
        None => service::load_for(&state, user.0.as_ref(), *id).await?,
    };
    // Through a signed link the link is the permission, and the audit entry says so (no actor),
    // whether or not the browser also sent a token.
    let reader = if params.signature.is_some() {
        None
    } else {
        user.0.as_ref()
    };
    service::serve(&state, &meta, &req, reader, doc, copy).await
}

/// Remove a document (who may add it, while its place still takes changes). The stored file and
/// its history are kept; lists show it with `?versions=all`.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Document id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not who may change these documents", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "Not the current version (`document_not_current`), or the place no longer takes changes", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/documents/{id}")]
pub async fn remove_document(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    service::remove(&state, &user, &meta, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A short-lived signed link to download the document without the bearer token (to open a PDF
/// in a new tab): valid `documents.link_ttl_secs` (5 minutes by default), for the same copy the
/// caller would get.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, description = "The link", body = DocumentLink), NotFound),
    security((), ("bearer" = []))
)]
#[get("/documents/{id}/link")]
pub async fn document_link(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<Json<DocumentLink>> {
    let (doc, copy): (Document, Copy) = service::load_for(&state, user.0.as_ref(), *id).await?;
    let (url, expires_at) = links::link(&state.settings, doc.id, copy, state.clock.now());
    Ok(Json(DocumentLink { url, expires_at }))
}

/// All the documents of the panel's eligible bids in one ZIP (the expert of an accepted or
/// submitted review seat): a folder per bid's code (`方案A/…`), each file under the name it is
/// downloaded with alone — in a blind review the blind copy and its blind name (documents whose
/// copy is not made yet are left out, and the note at the root says so) — and a note
/// (`说明.txt` / `README.txt`) listing the files with their SHA-256. Streamed; recorded in the
/// audit log (`document.bundle`).
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "Assignment id (review panel)")),
    responses(
        (status = 200, description = "The ZIP, streamed", content((Vec<u8> = "application/zip"))),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Not accepted yet, or declined (`invalid_assignment_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "The store is unavailable", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignments/{id}/documents.zip")]
pub async fn panel_bundle(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    bundle::respond(&state, &user, &meta, *id).await
}
