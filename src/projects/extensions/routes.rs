//! `POST /challenges/{id}/extension` and `POST /challenges/{id}/extension/decision`.

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use actix_web::{CustomizeResponder, Responder, post};
use uuid::Uuid;

use super::input::{DecisionRequest, ExtensionRequest};
use super::lifecycle::{self, event};
use super::models::{DecisionChanges, Extension, ExtensionStatus};
use super::notices::ExtensionRequested;
use super::queries;
use crate::audit::RequestMeta;
use crate::auth::{AdminsOnly, AuthUser, NotForExperts, Role};
use crate::db;
use crate::error::{AppError, AppResult, ErrorCode, ProblemBody};
use crate::http::ValidJson;
use crate::projects::notices::project_url;
use crate::projects::notify::tell_admins;
use crate::projects::queries::{Lock, ProjectViewer, find_project, project_view};
use crate::projects::responses::NoProject;
use crate::projects::views::ProjectView;
use crate::state::AppState;

/// Ask for the project's one extension, 1 to 12 months, with a reason: the awardee's solvers or
/// the challenge's issuers make a `pending` request that an admin decides (the admins are told);
/// an admin's own request is approved at once and moves the due days. Only while the challenge is
/// `awarded`.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = ExtensionRequest,
    responses(
        (status = 201, description = "Requested (or, by an admin, approved); the project with its extension requests", body = ProjectView),
        NotForExperts,
        NoProject,
        (status = 409, description = "Already extended once (`extension_used`), a request is pending (`extension_pending`), the project is not running (`project_not_running`), or its final acceptance has started (`acceptance_started`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`months` not within 1 to 12, or no reason", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/extension")]
#[tracing::instrument(skip_all)]
pub async fn request_extension(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ExtensionRequest>,
) -> AppResult<CustomizeResponder<Json<ProjectView>>> {
    let viewer = ProjectViewer::party(&user)?;
    let req = body.into_inner();
    let reason = req.reason.trim().to_string();
    // An admin's own request is approved at once.
    let direct = viewer == ProjectViewer::Admin;
    let mut conn = state.conn().await?;
    db::transaction(&mut conn, async |conn| {
        let challenge = find_project(conn, viewer, *id, Lock::Update).await?;
        lifecycle::may_move(conn, &challenge).await?;
        lifecycle::may_request(&queries::live(conn, challenge.id).await?)?;
        let now = state.clock.now();
        let new = Extension {
            id: Uuid::now_v7(),
            challenge_id: challenge.id,
            months: req.months,
            reason: reason.clone(),
            status: if direct {
                ExtensionStatus::Approved
            } else {
                ExtensionStatus::Pending
            },
            requested_by: user.id,
            requested_at: now,
            decided_by: direct.then_some(user.id),
            decided_at: direct.then_some(now),
            decision_reason: None,
        };
        let extension = queries::insert(conn, &new).await?;
        if direct {
            return lifecycle::carry_out(conn, &state, &meta, user.id, &challenge, &extension)
                .await;
        }
        event("project.extension_request", user.id, &extension, &[])
            .record(conn, &state, &meta)
            .await?;
        let requested_by = queries::requester_label(conn, user.id).await?;
        tell_admins(conn, &state, |to| ExtensionRequested {
            display_name: to.display_name.clone(),
            title: challenge.title.clone(),
            months: extension.months,
            reason: extension.reason.clone(),
            requested_by: requested_by.clone(),
            url: project_url(&state, challenge.id),
        })
        .await
    })
    .await?;
    let view = project_view(&mut conn, &state, viewer, *id).await?;
    Ok(Json(view).customize().with_status(StatusCode::CREATED))
}

/// Decide the pending extension request (admins): approve (the due days of the milestones not yet
/// accepted move by its months) or refuse with a reason. The awardee's solvers, the issuer's
/// accounts and the requester are told.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided; the project with its new due days", body = ProjectView),
        AdminsOnly,
        NoProject,
        (status = 409, description = "No request pending (`no_extension_pending`), the project is not running (`project_not_running`), or its final acceptance has started (`acceptance_started`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A refusal without a reason", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/extension/decision")]
#[tracing::instrument(skip_all)]
pub async fn decide_extension(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<DecisionRequest>,
) -> AppResult<Json<ProjectView>> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let reason = req.reason()?;
    let mut conn = state.conn().await?;
    db::transaction(&mut conn, async |conn| {
        let challenge = find_project(conn, ProjectViewer::Admin, *id, Lock::Update).await?;
        lifecycle::may_decide(conn, &challenge, req.approve).await?;
        let pending = queries::lock_pending(conn, challenge.id)
            .await?
            .ok_or_else(|| AppError::conflict(ErrorCode::NoExtensionPending))?;
        let decision = DecisionChanges {
            status: lifecycle::decided(req.approve),
            decided_by: user.id,
            decided_at: state.clock.now(),
            decision_reason: reason.as_deref(),
        };
        let extension = queries::decide(conn, pending.id, &decision).await?;
        lifecycle::carry_out(conn, &state, &meta, user.id, &challenge, &extension).await
    })
    .await?;
    let view = project_view(&mut conn, &state, ProjectViewer::Admin, *id).await?;
    Ok(Json(view))
}
