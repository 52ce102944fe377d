//! The one extension of a project (延期, SPEC §7): at most 12 months, on the admin's approval.
//!
//! - The awardee's solvers or the challenge's issuers ask (`POST /challenges/{id}/extension`,
//!   `{months, reason}`): the request is `pending` and the admins are told.
//! - An admin decides (`POST /challenges/{id}/extension/decision`, `{approve, reason}`; a reason is
//!   required to refuse). A refused request may be followed by another.
//! - An admin may also post the extension directly: it is approved at once.
//!
//! Approval moves the due day of every milestone not yet accepted by that many months (counted
//! from the award day, so month ends clamp once), keeps the first due day in
//! `original_due_on`, and schedules the overdue reminders of the new days; the old reminders find
//! the day moved and do nothing. Once one extension is approved, any further request is 409
//! `extension_used`; while one is pending, 409 `extension_pending`. Only while the challenge is
//! `awarded`.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, post};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::input::{DecisionRequest, ExtensionRequest, given};
use super::lifecycle::running;
use super::milestones::{project_view, url};
use super::models::{Extension, ExtensionStatus, Milestone, MilestoneStatus};
use super::overdue;
use super::plan::{china_date, due_on};
use super::queries::{self, ProjectViewer};
use super::views::ProjectView;
use crate::accounts::models::User;
use crate::accounts::queries as accounts;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, ProblemBody};
use crate::http::ValidJson;
use crate::notifications::{Recipient, notify};
use crate::projects::notices::{ExtensionDecided, ExtensionRequested};
use crate::schema::{milestones, project_extensions};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(request_extension).service(decide_extension);
}

/// 409 unless the project may still be extended: none approved, none pending.
async fn may_extend(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<()> {
    let live: Vec<ExtensionStatus> = project_extensions::table
        .filter(project_extensions::challenge_id.eq(challenge_id))
        .filter(
            project_extensions::status
                .eq_any([ExtensionStatus::Pending, ExtensionStatus::Approved]),
        )
        .select(project_extensions::status)
        .load(conn)
        .await?;
    if live.contains(&ExtensionStatus::Approved) {
        return Err(AppError::conflict(ErrorCode::ExtensionUsed));
    }
    if live.contains(&ExtensionStatus::Pending) {
        return Err(AppError::conflict(ErrorCode::ExtensionPending));
    }
    Ok(())
}

/// Moves the due day of every milestone not yet accepted by `months`, and schedules the
/// reminders of the new days. Answers the milestones moved.
async fn shift(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    months: i32,
) -> AppResult<Vec<(Uuid, String, String)>> {
    let awarded_at = challenge
        .awarded_at
        .ok_or_else(|| anyhow::anyhow!("awarded challenge {} has no awarded_at", challenge.id))?;
    let award_day = china_date(awarded_at);
    let rows: Vec<Milestone> = milestones::table
        .filter(milestones::challenge_id.eq(challenge.id))
        .filter(milestones::status.ne(MilestoneStatus::Accepted))
        .order(milestones::position.asc())
        .select(Milestone::as_select())
        .for_update()
        .load(conn)
        .await?;
    let now = state.clock.now();
    let mut moved = Vec::with_capacity(rows.len());
    for m in rows {
        let new_day = due_on(award_day, m.due_month + months);
        diesel::update(milestones::table.find(m.id))
            .set((
                milestones::original_due_on.eq(m.original_due_on.unwrap_or(m.due_on)),
                milestones::due_on.eq(new_day),
                milestones::version.eq(milestones::version + 1),
                milestones::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        overdue::schedule_due(conn, m.id, m.version + 1, new_day).await?;
        moved.push((m.id, m.due_on.to_string(), new_day.to_string()));
    }
    Ok(moved)
}

/// Tells the awardee's solvers and the issuer's accounts (and the requester) of a decision.
async fn tell_decision(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    extension: &Extension,
) -> AppResult<()> {
    let payee = queries::awardee(conn, challenge.id).await?;
    let mut people: Vec<User> = accounts::organization_accounts(conn, payee, Role::Solver).await?;
    people.extend(issuer_accounts(conn, challenge).await?);
    if !people.iter().any(|u| u.id == extension.requested_by) {
        let requester = accounts::account(conn, extension.requested_by).await?;
        if requester.role != Role::Admin {
            people.push(requester);
        }
    }
    for user in people {
        let notice = ExtensionDecided {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            months: extension.months,
            approved: extension.status == ExtensionStatus::Approved,
            reason: extension.decision_reason.clone(),
            url: url(state, challenge.id),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    Ok(())
}

async fn audit_extension(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    action: &str,
    extension: &Extension,
    moved: &[(Uuid, String, String)],
) -> AppResult<()> {
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(actor),
            action,
            object_type: "challenge",
            object_id: Some(extension.challenge_id.to_string()),
            summary: json!({
                "extension_id": extension.id,
                "months": extension.months,
                "reason": extension.reason,
                "status": extension.status,
                "decision_reason": extension.decision_reason,
                "moved": moved.iter().map(|(id, from, to)| json!({"milestone_id": id, "from": from, "to": to})).collect::<Vec<_>>(),
            }),
        },
    )
    .await
}

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
        (status = 403, description = "Not for experts (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No project on this challenge that the caller may see", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    let viewer = match (user.role, user.organization_id) {
        (Role::Admin, _) => ProjectViewer::Admin,
        (Role::Solver, Some(org)) => ProjectViewer::Solver(org),
        (Role::Issuer, Some(org)) => ProjectViewer::Issuer(org),
        _ => return Err(AppError::Forbidden),
    };
    let req = body.into_inner();
    let reason = req.reason.trim().to_string();
    let direct = viewer == ProjectViewer::Admin;
    let challenge_id = id.into_inner();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let challenge = queries::find_project(conn, viewer, challenge_id, true).await?;
        running(&challenge)?;
        // Once the acceptance panel sits, the project's time is up: nothing left to extend.
        if crate::projects::acceptance::started(conn, challenge.id).await? {
            return Err(crate::projects::acceptance::already_started());
        }
        may_extend(conn, challenge.id).await?;
        let now = state.clock.now();
        let extension: Extension = diesel::insert_into(project_extensions::table)
            .values((
                project_extensions::id.eq(Uuid::now_v7()),
                project_extensions::challenge_id.eq(challenge.id),
                project_extensions::months.eq(req.months),
                project_extensions::reason.eq(&reason),
                project_extensions::status.eq(if direct {
                    ExtensionStatus::Approved
                } else {
                    ExtensionStatus::Pending
                }),
                project_extensions::requested_by.eq(user.id),
                project_extensions::requested_at.eq(now),
                direct.then(|| project_extensions::decided_by.eq(user.id)),
                direct.then(|| project_extensions::decided_at.eq(now)),
            ))
            .returning(Extension::as_returning())
            .get_result(conn)
            .await?;
        if direct {
            let moved = shift(conn, &state, &challenge, req.months).await?;
            audit_extension(
                conn,
                &state,
                &meta,
                user.id,
                "project.extension_approve",
                &extension,
                &moved,
            )
            .await?;
            tell_decision(conn, &state, &challenge, &extension).await?;
        } else {
            audit_extension(
                conn,
                &state,
                &meta,
                user.id,
                "project.extension_request",
                &extension,
                &[],
            )
            .await?;
            let requester = accounts::account(conn, user.id).await?;
            let org_name = match requester.organization_id {
                Some(org) => crate::bids::queries::organization(conn, org).await?.2,
                None => String::new(),
            };
            let requested_by = if org_name.is_empty() {
                requester.display_name.clone()
            } else {
                format!("{}（{}）", requester.display_name, org_name)
            };
            for admin in accounts::admin_accounts(conn).await? {
                let notice = ExtensionRequested {
                    display_name: admin.display_name.clone(),
                    title: challenge.title.clone(),
                    months: extension.months,
                    reason: extension.reason.clone(),
                    requested_by: requested_by.clone(),
                    url: url(&state, challenge.id),
                };
                notify(conn, &state, &Recipient::from(&admin), &notice).await?;
            }
        }
        Ok(())
    })
    .await?;
    let view = project_view(&mut conn, &state, viewer, challenge_id).await?;
    Ok(HttpResponse::Created().json(view))
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
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No project on this challenge", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let reason = given(req.reason.as_deref());
    if !req.approve && reason.is_none() {
        return Err(AppError::validation("reason", FieldCode::Required));
    }
    let challenge_id = id.into_inner();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let challenge =
            queries::find_project(conn, ProjectViewer::Admin, challenge_id, true).await?;
        running(&challenge)?;
        // Once the acceptance panel sits, nothing is left to extend: a pending request may
        // still be refused, not approved.
        if req.approve && crate::projects::acceptance::started(conn, challenge.id).await? {
            return Err(crate::projects::acceptance::already_started());
        }
        let pending: Extension = project_extensions::table
            .filter(project_extensions::challenge_id.eq(challenge.id))
            .filter(project_extensions::status.eq(ExtensionStatus::Pending))
            .select(Extension::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::conflict(ErrorCode::NoExtensionPending))?;
        let now = state.clock.now();
        let status = if req.approve {
            ExtensionStatus::Approved
        } else {
            ExtensionStatus::Refused
        };
        let extension: Extension = diesel::update(project_extensions::table.find(pending.id))
            .set((
                project_extensions::status.eq(status),
                project_extensions::decided_by.eq(user.id),
                project_extensions::decided_at.eq(now),
                project_extensions::decision_reason.eq(reason.as_deref()),
            ))
            .returning(Extension::as_returning())
            .get_result(conn)
            .await?;
        let (action, moved) = if req.approve {
            (
                "project.extension_approve",
                shift(conn, &state, &challenge, extension.months).await?,
            )
        } else {
            ("project.extension_refuse", Vec::new())
        };
        audit_extension(conn, &state, &meta, user.id, action, &extension, &moved).await?;
        tell_decision(conn, &state, &challenge, &extension).await
    })
    .await?;
    let view = project_view(&mut conn, &state, ProjectViewer::Admin, challenge_id).await?;
    Ok(HttpResponse::Ok().json(view))
}
