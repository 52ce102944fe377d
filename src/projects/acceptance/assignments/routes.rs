//! The expert's side of an acceptance seat, under `/acceptance-assignments`.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post, put};
use serde_json::json;
use uuid::Uuid;

use super::input::{AcceptanceDeclineRequest, VerdictRequest};
use super::views::{AcceptanceDeclineView, AcceptanceProjectView, OwnVerdictView};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AuthUser, ExpertsOnly, Role};
use crate::bids::queries as bid_queries;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::commitments::input::SigningRequest;
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{OptionalJson, Page, ValidJson};
use crate::projects::acceptance::queries::{self, NewVerdict};
use crate::projects::acceptance::rules::{check_sheet, verdict_saved};
use crate::projects::acceptance::views::{AcceptanceAssignmentView, kpi_views};
use crate::projects::queries::{ProjectViewer, project_view};
use crate::reviews::models::AssignmentStatus;
use crate::reviews::responses::NotYourAssignment;
use crate::reviews::seats::{self, Panel, changes, handlers, rules};
use crate::reviews::views::ReviewMemberView;
use crate::state::AppState;

const PANEL: Panel = Panel::Acceptance;

/// The caller's acceptance assignments (experts), newest first.
#[utoipa::path(
    operation_id = "list_acceptance_assignments",
    tag = "acceptance",
    params(PageParams),
    responses(
        (status = 200, description = "One page of the caller's acceptance assignments", body = Page<AcceptanceAssignmentView>),
        ExpertsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/acceptance-assignments")]
pub async fn list_assignments(
    state: Data<AppState>,
    user: AuthUser,
    page: PageRequest,
) -> AppResult<Json<Page<AcceptanceAssignmentView>>> {
    let page = handlers::list(&state, &user, PANEL, page).await?;
    Ok(Json(page.map(AcceptanceAssignmentView::from)))
}

/// Accept an invitation to an acceptance panel (the invited expert), signing the acceptance's
/// commitment (保密及回避承诺书, `GET /commitments/expert_acceptance`): the body names the
/// version read and its hash; the signature is stored with the time and the client's address.
#[utoipa::path(
    operation_id = "accept_acceptance_assignment",
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    request_body = SigningRequest,
    responses(
        (status = 200, description = "Accepted", body = AcceptanceAssignmentView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Not `invited` (`invalid_assignment_state`), the acceptance is closed (`acceptance_closed`), the challenge is no longer awarded (`not_awarded`), or the commitment named is not the current version (`commitment_outdated`: read it again)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No commitment signed (`commitment_required`), or a malformed one", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/acceptance-assignments/{id}/accept")]
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: OptionalJson<SigningRequest>,
) -> AppResult<Json<AcceptanceAssignmentView>> {
    let accepted = handlers::accept(&state, &user, &meta, PANEL, *id, body.0).await?;
    Ok(Json(accepted.into()))
}

/// Decline an invitation, or an accepted assignment not yet submitted, with a reason. The next
/// eligible expert of the stored order is invited (the review's replacement rules).
#[utoipa::path(
    operation_id = "decline_acceptance_assignment",
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    request_body = AcceptanceDeclineRequest,
    responses(
        (status = 200, description = "Declined; `replacement` is the expert invited instead", body = AcceptanceDeclineView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Already declined or submitted (`invalid_assignment_state`), the acceptance is closed (`acceptance_closed`), or the challenge is no longer awarded (`not_awarded`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/acceptance-assignments/{id}/decline")]
#[tracing::instrument(skip_all)]
pub async fn decline(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<AcceptanceDeclineRequest>,
) -> AppResult<Json<AcceptanceDeclineView>> {
    let (declined, replacement) =
        handlers::decline(&state, &user, &meta, PANEL, *id, &body.into_inner().reason).await?;
    Ok(Json(AcceptanceDeclineView {
        assignment: declined.into(),
        replacement: replacement.map(AcceptanceAssignmentView::from),
    }))
}

/// The project to judge (the expert of an accepted or submitted assignment): the challenge's
/// KPIs with the awardee's commitments, the approach, the milestone plan, the team, and the
/// caller's own verdict.
#[utoipa::path(
    operation_id = "acceptance_assignment_project",
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    responses(
        (status = 200, description = "The project", body = AcceptanceProjectView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Not accepted yet, or declined (`invalid_assignment_state`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/acceptance-assignments/{id}/project")]
pub async fn project(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<AcceptanceProjectView>> {
    user.require(&[Role::Expert])?;
    let mut conn = state.conn().await?;
    let a = seats::queries::find_own(&mut conn, PANEL, user.id, *id).await?;
    rules::may_read(&a)?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, a.challenge_id).await?;
    let panel = queries::find_panel(&mut conn, a.challenge_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bid = queries::panel_bid(&mut conn, &panel).await?;
    let org_name = queries::organization_name(&mut conn, bid.organization_id).await?;
    let team = bid_queries::members(&mut conn, &[bid.id])
        .await?
        .into_iter()
        .map(|m| ReviewMemberView {
            role: m.role,
            name: Some(m.name),
            title: m.title,
            duty: m.duty,
        })
        .collect();
    let mine = queries::verdict_of(&mut conn, a.id).await?;
    // The expert's accepted assignment is their right to read the project.
    let milestones = project_view(&mut conn, &state, ProjectViewer::Admin, challenge.id)
        .await?
        .milestones;
    Ok(Json(AcceptanceProjectView {
        assignment_id: a.id,
        challenge_id: challenge.id,
        kpis: kpi_views(&challenge, &bid),
        title: challenge.title,
        field: challenge.field,
        description: challenge.description,
        awarded_at: challenge.awarded_at,
        bid_id: bid.id,
        awardee_organization_name: org_name,
        technical_approach: bid.technical_approach,
        requested_fen: bid.requested_fen,
        duration_months: bid.duration_months,
        milestones,
        team,
        my_verdict: mine.map(OwnVerdictView::from),
    }))
}

/// Save the caller's verdict (the expert of an accepted assignment): every KPI of the challenge
/// judged met or not, with a comment, and the overall pass or fail with a comment. Revisable
/// until the assignment is submitted.
#[utoipa::path(
    operation_id = "put_acceptance_verdict",
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    request_body = VerdictRequest,
    responses(
        (status = 200, description = "Saved", body = OwnVerdictView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Not accepted, or already submitted (`invalid_assignment_state`); acceptance closed (`acceptance_closed`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A KPI the challenge does not have (`invalid_choice`), given twice (`duplicate_entry`) or missing (`kpi_not_judged`); no comment", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/acceptance-assignments/{id}/verdict")]
#[tracing::instrument(skip_all)]
pub async fn put_verdict(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<VerdictRequest>,
) -> AppResult<Json<OwnVerdictView>> {
    user.require(&[Role::Expert])?;
    let req = body.into_inner();
    let saved = state
        .transaction(async |conn| {
            // Under the panel lock, like submit and close: no verdict lands after the close.
            let accepted = [AssignmentStatus::Accepted];
            let (challenge, _, a) =
                changes::own_open_seat(conn, PANEL, user.id, *id, true, &accepted, "accepted")
                    .await?;
            let sheet = check_sheet(&challenge.kpi_list(), &req.kpis)?;
            let before = queries::verdict_of(conn, a.id).await?;
            let now = state.clock.now();
            let kpis = serde_json::to_value(&sheet).map_err(anyhow::Error::from)?;
            let verdict = NewVerdict {
                assignment_id: a.id,
                kpis: &kpis,
                pass: req.pass,
                comment: req.comment.trim(),
                created_at: now,
                updated_at: now,
            };
            let saved = queries::save_verdict(conn, &verdict).await?;
            Event::new("acceptance.verdict", PANEL.seat_object(), a.id)
                .by(user.id)
                .summary(json!({
                    "challenge_id": a.challenge_id,
                    "before": before.map(|b| json!({"kpis": b.kpis, "pass": b.pass})),
                    "after": {"kpis": kpis, "pass": req.pass},
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(saved)
        })
        .await?;
    Ok(Json(OwnVerdictView::from(saved)))
}

/// Submit the verdict as final (the expert of an accepted assignment).
#[utoipa::path(
    operation_id = "submit_acceptance_verdict",
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    responses(
        (status = 200, description = "Submitted", body = AcceptanceAssignmentView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "No verdict saved yet (`verdict_missing`), not accepted or already submitted (`invalid_assignment_state`), acceptance closed (`acceptance_closed`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/acceptance-assignments/{id}/submit")]
#[tracing::instrument(skip_all)]
pub async fn submit(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<AcceptanceAssignmentView>> {
    user.require(&[Role::Expert])?;
    let submitted = state
        .transaction(async |conn| {
            let accepted = [AssignmentStatus::Accepted];
            let (challenge, _, a) =
                changes::own_open_seat(conn, PANEL, user.id, *id, true, &accepted, "accepted")
                    .await?;
            let verdict = verdict_saved(queries::verdict_of(conn, a.id).await?)?;
            // The KPIs cannot change while awarded; a sheet saved earlier still covers them all.
            check_sheet(&challenge.kpi_list(), &verdict.kpi_list())?;
            let summary = json!({"challenge_id": a.challenge_id, "pass": verdict.pass});
            changes::submit(conn, &state, &meta, PANEL, &a, summary).await
        })
        .await?;
    let mut conn = state.conn().await?;
    let view = seats::views::seat_view(&mut conn, PANEL, submitted, false).await?;
    Ok(Json(view.into()))
}
