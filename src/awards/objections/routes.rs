//! `POST /challenges/{id}/objections`, `GET /objections`, `POST /objections/{id}/resolve`.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use serde_json::json;
use uuid::Uuid;

use super::input::{ObjectionQuery, ObjectionRequest, ResolveRequest};
use super::lifecycle::Resolving;
use super::models::{Objection, ObjectionStatus};
use super::notices::ObjectionFiled;
use super::queries::{self, ObjectionFilter, Shown};
use super::views::{ObjectionPage, ObjectionView};
use super::{lifecycle, rules};
use crate::accounts::queries::account;
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::awards::audience::notify_admins;
use crate::awards::links::objections_url;
use crate::awards::proposals::queries as award_queries;
use crate::awards::responses::NoSuchChallenge;
use crate::challenges::queries::{self as challenge_queries, Viewer, organization_name};
use crate::db;
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{BadListQuery, Created, ValidJson, ValidQuery};
use crate::notifications::beijing_time;
use crate::state::AppState;

/// An objection as an admin (`admin`) or its objector sees it.
fn view((objection, title, email): Shown, admin: bool) -> ObjectionView {
    ObjectionView::new(objection, title, admin.then_some(email))
}

/// File an objection to the challenge's public notice (any logged-in user, in their real name).
/// Only while the notice is open: from the proposal until 24:00 Beijing time of its last working
/// day. The admins are told (without the objector's name).
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = ObjectionRequest,
    responses(
        (status = 201, description = "Filed", body = ObjectionView),
        NoSuchChallenge,
        (status = 409, description = "No notice open on the challenge: not proposed, ended, withdrawn or confirmed (`notice_closed`); or an objection of yours to this notice is still pending (`objection_pending`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Reason shorter than 10 or longer than 2000 characters (`length`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/objections")]
#[tracing::instrument(skip_all)]
pub async fn file_objection(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ObjectionRequest>,
) -> AppResult<Created<ObjectionView>> {
    let id = id.into_inner();
    let (reason, contact) = body.into_inner().cleaned()?;
    let mut conn = state.conn().await?;
    let filed = db::transaction(&mut conn, async |conn| {
        // The challenge lock orders this with the confirmation and the resolutions.
        let challenge = challenge_queries::lock_visible(conn, Viewer::of(Some(&user)), id).await?;
        let now = state.clock.now();
        let award = rules::open_notice(award_queries::live_award(conn, id, false).await?, now)?;
        rules::none_pending(queries::pending(conn, award.id, Some(user.id)).await?)?;
        let objector = account(conn, user.id).await?;
        let objection = Objection {
            id: Uuid::now_v7(),
            award_id: award.id,
            challenge_id: challenge.id,
            objector_id: user.id,
            objector_name: objector.display_name,
            reason: reason.clone(),
            contact: contact.clone(),
            filed_at: now,
            status: ObjectionStatus::Pending,
            resolved_by: None,
            resolved_at: None,
            resolution: None,
        };
        queries::insert(conn, &objection).await?;
        Event::new("objection.file", "objection", objection.id)
            .by(user.id)
            .summary(json!({"challenge_id": challenge.id, "award_id": award.id}))
            .record(conn, &state, &meta)
            .await?;
        let organization = organization_name(conn, award.organization_id).await?;
        notify_admins(conn, &state, |to| ObjectionFiled {
            display_name: to.display_name.clone(),
            title: challenge.title.clone(),
            organization_name: organization.clone(),
            filed_at: beijing_time(now),
            url: objections_url(&state),
        })
        .await?;
        Ok(objection.id)
    })
    .await?;
    let filed = view(queries::shown(&mut conn, filed).await?, false);
    Ok(Created::at("/api/v1/objections", filed))
}

/// Objections: admins see all (filters `challenge_id`, `status`) with the objector's identity;
/// anyone else sees only their own, newest first.
#[utoipa::path(
    tag = "award",
    params(ObjectionQuery, PageParams),
    responses(
        (status = 200, description = "A page of objections", body = ObjectionPage),
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/objections")]
pub async fn list_objections(
    state: Data<AppState>,
    user: AuthUser,
    query: ValidQuery<ObjectionQuery>,
    page: PageRequest,
) -> AppResult<Json<ObjectionPage>> {
    let q = query.into_inner();
    let admin = user.role == Role::Admin;
    let filter = ObjectionFilter {
        objector: (!admin).then_some(user.id),
        challenge_id: q.challenge_id,
        status: q.status,
    };
    let mut conn = state.conn().await?;
    let (rows, total) = queries::page(&mut conn, &filter, page).await?;
    let items = rows.into_iter().map(|row| view(row, admin)).collect();
    Ok(Json(ObjectionPage::new(items, total, page)))
}

/// Resolve an objection (admins), with a reason. `upheld` withdraws the award (the challenge goes
/// back to `under_review`; other pending objections on it are closed as `moot`); `dismissed` tells
/// the objector the reason, and when it was the last pending objection of a notice that has
/// ended, the confirmation runs at once.
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Objection id")),
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "Resolved", body = ObjectionView),
        AdminsOnly,
        (status = 404, description = "No such objection", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already resolved (`objection_resolved`); upheld while the award can no longer be withdrawn (`award_not_in_publicity`, `invalid_transition`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The reason is `required`; `outcome` not `upheld` or `dismissed`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/objections/{id}/resolve")]
#[tracing::instrument(skip_all)]
pub async fn resolve_objection(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ResolveRequest>,
) -> AppResult<Json<ObjectionView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let (outcome, reason) = body.into_inner().cleaned()?;
    let mut conn = state.conn().await?;
    let found = queries::find(&mut conn, id, false).await?;
    let challenge_id = found.ok_or(AppError::NotFound)?.challenge_id;
    db::transaction(&mut conn, async |conn| {
        // The challenge first: its lock orders this with the confirmation and the objections.
        let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, challenge_id).await?;
        let objection = queries::find(conn, id, true)
            .await?
            .ok_or(AppError::NotFound)?;
        rules::may_resolve(&objection)?;
        let award = award_queries::find(conn, objection.award_id, true)
            .await?
            .ok_or(AppError::NotFound)?;
        let what = Resolving {
            challenge: &challenge,
            objection: &objection,
            award: &award,
        };
        lifecycle::resolve(conn, &state, &meta, &user, what, outcome, &reason).await
    })
    .await?;
    Ok(Json(view(queries::shown(&mut conn, id).await?, true)))
}
