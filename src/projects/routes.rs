//! `GET /challenges/{id}/milestones` (the project) and `POST /challenges/{id}/terminate`.
//!
//! Termination: the program office ends an awarded project that cannot go on (项目终止: the team
//! dissolved, the awardee stopped reporting...). The challenge becomes `failed` through the
//! lifecycle (`Fail`, admin, reason required); no further milestone, report or extension is
//! possible, overdue reminders stop by themselves, and the seats of an acceptance under way are
//! given up. A payment held by credit may still be released.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use uuid::Uuid;

use super::input::TerminateRequest;
use super::queries::{self, Lock, ProjectViewer};
use super::responses::NoProject;
use super::stage;
use super::views::ProjectView;
use crate::audit::RequestMeta;
use crate::auth::{AdminsOnly, AuthUser, MaybeUser, Role};
use crate::challenges::queries::{Viewer, organization_name};
use crate::challenges::views::ChallengeView;
use crate::db;
use crate::error::{AppResult, ProblemBody};
use crate::http::ValidJson;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_milestones).service(terminate_project);
}

/// The project of an awarded challenge: its milestones (due days, amounts, shares, every report
/// and its outcome, payment status) and extension requests. Visible to the awardee
/// organisation's solvers, the issuer organisation's issuers and admins; 404 for everyone else.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The project", body = ProjectView),
        NoProject,
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}/milestones")]
pub async fn list_milestones(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<Json<ProjectView>> {
    let viewer = ProjectViewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    Ok(Json(
        queries::project_view(&mut conn, &state, viewer, *id).await?,
    ))
}

/// Terminate an awarded project (admins): the challenge becomes `failed` with the reason, and
/// the awardee's solvers and the issuer's accounts are told (`project_terminated`).
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = TerminateRequest,
    responses(
        (status = 200, description = "Terminated: the challenge is `failed`", body = ChallengeView),
        AdminsOnly,
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `awarded` (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/terminate")]
#[tracing::instrument(skip_all)]
pub async fn terminate_project(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<TerminateRequest>,
) -> AppResult<Json<ChallengeView>> {
    user.require(&[Role::Admin])?;
    let reason = body.into_inner().reason.trim().to_string();
    let mut conn = state.conn().await?;
    let challenge = db::transaction(&mut conn, async |conn| {
        let challenge = queries::challenge(conn, *id, Lock::Update).await?;
        stage::terminate(conn, &state, &meta, &user, &challenge, &reason).await
    })
    .await?;
    let issuer = organization_name(&mut conn, challenge.issuer_org_id).await?;
    Ok(Json(ChallengeView::new(challenge, issuer, Viewer::Admin)))
}
