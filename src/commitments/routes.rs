//! `GET /commitments/{kind}` (anyone signed in) and `PUT /commitments/{kind}` (admins).

use actix_web::web::{Data, Json, Path};
use actix_web::{get, put};
use serde_json::json;
use uuid::Uuid;

use super::Kind;
use super::input::PublishRequest;
use super::models::Version;
use super::queries::{self, Lock};
use super::rules;
use super::texts::hash;
use super::views::CommitmentView;
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::ValidJson;
use crate::http::responses::documented::{Invalid, NotFound};
use crate::state::AppState;

/// The kind named in the path; an unknown one is not found.
fn kind(path: &str) -> AppResult<Kind> {
    path.parse().map_err(|_| AppError::NotFound)
}

/// The current version of a commitment (anyone signed in): the texts to show and the version
/// and hash to send back when signing. Version 1 is the repository's text.
#[utoipa::path(
    tag = "commitments",
    params(("kind" = Kind, Path, description = "Which commitment")),
    responses(
        (status = 200, description = "The current version", body = CommitmentView),
        (status = 401, description = "Not signed in", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
    ),
    security(("bearer" = []))
)]
#[get("/commitments/{kind}")]
pub async fn get_commitment(
    state: Data<AppState>,
    _user: AuthUser,
    path: Path<String>,
) -> AppResult<Json<CommitmentView>> {
    let kind = kind(&path)?;
    let current = state
        .transaction(async |conn| queries::current(conn, kind, Lock::None, state.clock.now()).await)
        .await?;
    Ok(Json(current.into()))
}

/// Publish a new version of a commitment (admins): it becomes the current one at once, and the
/// next signatures must name it. Seats accepted earlier keep what they signed.
#[utoipa::path(
    tag = "commitments",
    params(("kind" = Kind, Path, description = "Which commitment")),
    request_body = PublishRequest,
    responses(
        (status = 200, description = "Published; the new current version", body = CommitmentView),
        AdminsOnly,
        NotFound,
        (status = 409, description = "The texts are those of the current version (`commitment_unchanged`)", body = ProblemBody, content_type = "application/problem+json"),
        Invalid,
    ),
    security(("bearer" = []))
)]
#[put("/commitments/{kind}")]
#[tracing::instrument(skip_all)]
pub async fn publish_commitment(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    path: Path<String>,
    body: ValidJson<PublishRequest>,
) -> AppResult<Json<CommitmentView>> {
    user.require(&[Role::Admin])?;
    let kind = kind(&path)?;
    let (text_zh, text_en) = rules::texts(&body.into_inner());
    let sha256 = hash(&text_zh, &text_en);
    let published = state
        .transaction(async |conn| {
            let now = state.clock.now();
            let current = queries::current(conn, kind, Lock::Update, now).await?;
            rules::changes_text(&current, &sha256)?;
            let next = Version {
                id: Uuid::now_v7(),
                kind,
                version: current.version + 1,
                text_zh,
                text_en,
                sha256,
                published_at: now,
                published_by: Some(user.id),
            };
            queries::insert_version(conn, &next).await?;
            Event::new("commitment.publish", "commitment", kind)
                .by(user.id)
                .summary(json!({
                    "version": next.version,
                    "sha256": next.sha256,
                    "before": {"version": current.version, "sha256": current.sha256},
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(next)
        })
        .await?;
    Ok(Json(published.into()))
}
