//! `POST /milestones/{id}/report|accept|return`: the awardee's reports and the issuer's
//! decisions. (The project's milestones are read at `GET /challenges/{id}/milestones`, the
//! project's own route.)

use actix_web::post;
use actix_web::web::{Data, Json, Path};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::input::{AcceptRequest, ReportRequest, ReturnRequest};
use super::lifecycle::{self, Decision, MilestoneAction, event};
use super::models::{Milestone, Report, ReportOutcome};
use super::notices::{MilestoneReported, MilestoneReturned};
use super::views::MilestoneView;
use super::{jobs, queries};
use crate::audit::RequestMeta;
use crate::auth::{AuthUser, Role, SolversOnly};
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::db;
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::{IfMatch, OptionalJson, Stale, ValidJson};
use crate::notifications::notify_each;
use crate::projects::acceptance;
use crate::projects::input::given;
use crate::projects::notices::project_url;
use crate::projects::notify::{recipients, tell_solvers};
use crate::projects::payments;
use crate::projects::plan::china_date;
use crate::projects::queries::{self as project, Lock, ProjectViewer};
use crate::projects::responses::IssuerDecision;
use crate::state::AppState;

/// The caller's organisation if they have `role`: 403 for other roles and for accounts without one.
fn org_of(user: &AuthUser, role: Role) -> AppResult<Uuid> {
    user.require(&[role])?;
    user.organization_id.ok_or(AppError::Forbidden)
}

/// Locks the challenge (`FOR SHARE`) and the milestone (`FOR UPDATE`), checks `If-Match` and the
/// rule again under the locks.
async fn lock_for(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    id: Uuid,
    if_match: &IfMatch,
    action: MilestoneAction,
) -> AppResult<(Challenge, Milestone)> {
    let read = queries::find_visible(conn, viewer, id, Lock::No).await?;
    let challenge = project::challenge(conn, read.challenge_id, Lock::Share).await?;
    let current = queries::find_visible(conn, viewer, id, Lock::Update).await?;
    if_match.check(current.version, false)?;
    lifecycle::check(action, current.status, &challenge)?;
    Ok((challenge, current))
}

/// The answer to a change: the milestone as it is now, with its reports and payment.
async fn answer(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    milestone: Milestone,
) -> AppResult<Json<MilestoneView>> {
    let today = china_date(state.clock.now());
    let view = queries::milestone_views(conn, today, vec![milestone])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(Json(view))
}

/// Report a milestone's deliverable (the awardee organisation's solvers), from `pending` or
/// `returned`; each report is kept. The issuer's accounts are told.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Milestone id")),
    request_body = ReportRequest,
    responses(
        (status = 200, description = "Reported", body = MilestoneView),
        SolversOnly,
        (status = 404, description = "No such milestone of the caller's organisation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already reported or accepted (`invalid_milestone_state`), or the project is not running (`project_not_running`)", body = ProblemBody, content_type = "application/problem+json"),
        Stale,
    ),
    security(("bearer" = []))
)]
#[post("/milestones/{id}/report")]
#[tracing::instrument(skip_all)]
pub async fn report_milestone(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<ReportRequest>,
) -> AppResult<Json<MilestoneView>> {
    let viewer = ProjectViewer::Solver(org_of(&user, Role::Solver)?);
    let req = body.into_inner();
    let deliverable = req.deliverable.trim().to_string();
    let action = MilestoneAction::Report;
    let mut conn = state.conn().await?;
    let milestone = db::transaction(&mut conn, async |conn| {
        let (challenge, current) = lock_for(conn, viewer, *id, &if_match, action).await?;
        let report = Report {
            id: Uuid::now_v7(),
            milestone_id: current.id,
            deliverable: deliverable.clone(),
            attachments: json!(req.attachments),
            reported_by: user.id,
            reported_at: state.clock.now(),
            outcome: None,
            reason: None,
            decided_by: None,
            decided_at: None,
        };
        queries::insert_report(conn, &report).await?;
        let updated = lifecycle::apply(conn, &state, user.id, &current, action).await?;
        let final_milestone = queries::is_final(conn, &updated).await?;
        let details = json!({"report_id": report.id, "attachments": req.attachments.len()});
        event(action, user.id, (&current, &updated), details)
            .record(conn, &state, &meta)
            .await?;
        let issuers = issuer_accounts(conn, &challenge).await?;
        notify_each(conn, &state, recipients(&issuers), |to| MilestoneReported {
            display_name: to.display_name.clone(),
            title: challenge.title.clone(),
            milestone_title: updated.title.clone(),
            due_on: updated.due_on.to_string(),
            deliverable: deliverable.clone(),
            final_milestone,
            url: project_url(&state, challenge.id),
        })
        .await?;
        lifecycle::tell_if_ready(conn, &state, &challenge).await?;
        Ok(updated)
    })
    .await?;
    answer(&mut conn, &state, milestone).await
}

/// Accept a reported milestone (the challenge's issuer accounts), with an optional comment. Its
/// amount enters the payment ledger after the awardee's credit check (purpose `payment`): `pass`
/// or `warn` records it `released` (due for payment), `block` records it `held`, with the check,
/// and tells the awardee and the admins. The milestone is accepted either way.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Milestone id")),
    request_body(content = Option<AcceptRequest>, description = "Optional; a comment"),
    responses(
        (status = 200, description = "Accepted; `payment` shows the ledger entry", body = MilestoneView),
        (status = 409, description = "Not reported (`invalid_milestone_state`, naming its state), the project is not running (`project_not_running`), or it is the last milestone, which the final acceptance decides (`final_milestone_by_acceptance`)", body = ProblemBody, content_type = "application/problem+json"),
        IssuerDecision,
        Stale,
    ),
    security(("bearer" = []))
)]
#[post("/milestones/{id}/accept")]
#[tracing::instrument(skip_all)]
pub async fn accept_milestone(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: OptionalJson<AcceptRequest>,
) -> AppResult<Json<MilestoneView>> {
    let viewer = ProjectViewer::Issuer(org_of(&user, Role::Issuer)?);
    let comment = given(body.0.and_then(|b| b.comment).as_deref());
    let action = MilestoneAction::Accept;
    let mut conn = state.conn().await?;
    // Refuse early what the state does not allow, before a credit check is run for nothing.
    let read = queries::find_visible(&mut conn, viewer, *id, Lock::No).await?;
    let challenge = project::challenge(&mut conn, read.challenge_id, Lock::No).await?;
    if_match.check(read.version, false)?;
    lifecycle::check(action, read.status, &challenge)?;
    if queries::is_final(&mut conn, &read).await? {
        return Err(lifecycle::final_by_acceptance());
    }
    let payee = project::awardee(&mut conn, challenge.id).await?;
    let check = payments::credit_check(
        &mut conn,
        &state,
        &meta,
        Some(user.id),
        &challenge,
        payee,
        read.id,
    )
    .await?;
    let milestone = db::transaction(&mut conn, async |conn| {
        let (challenge, current) = lock_for(conn, viewer, *id, &if_match, action).await?;
        let decision = Decision {
            actor: user.id,
            by_acceptance: false,
            comment: comment.as_deref(),
            payee,
            check: &check,
        };
        let accepted =
            lifecycle::accept_reported(conn, &state, &meta, &challenge, &current, decision).await?;
        lifecycle::tell_if_ready(conn, &state, &challenge).await?;
        Ok(accepted)
    })
    .await?;
    answer(&mut conn, &state, milestone).await
}

/// Return a reported milestone with a reason (the challenge's issuer accounts): it is to be
/// reported again. The awardee's solvers are told. A milestone returned after its due day gets
/// overdue reminders again from a week after the return.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Milestone id")),
    request_body = ReturnRequest,
    responses(
        (status = 200, description = "Returned", body = MilestoneView),
        (status = 409, description = "Not reported (`invalid_milestone_state`), the project is not running (`project_not_running`), or it is the last milestone and the final acceptance has started (`acceptance_started`)", body = ProblemBody, content_type = "application/problem+json"),
        IssuerDecision,
        Stale,
    ),
    security(("bearer" = []))
)]
#[post("/milestones/{id}/return")]
#[tracing::instrument(skip_all)]
pub async fn return_milestone(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<ReturnRequest>,
) -> AppResult<Json<MilestoneView>> {
    let viewer = ProjectViewer::Issuer(org_of(&user, Role::Issuer)?);
    let reason = body.into_inner().reason.trim().to_string();
    let action = MilestoneAction::Return;
    let mut conn = state.conn().await?;
    let milestone = db::transaction(&mut conn, async |conn| {
        let (challenge, current) = lock_for(conn, viewer, *id, &if_match, action).await?;
        // The last milestone's deliverable is before the acceptance panel: it stays as
        // reported until the panel decides.
        if queries::is_final(conn, &current).await?
            && acceptance::started(conn, challenge.id).await?
        {
            return Err(acceptance::already_started());
        }
        let outcome = ReportOutcome::Returned;
        let report_id =
            lifecycle::decide_report(conn, &state, &current, outcome, Some(&reason), user.id)
                .await?;
        let updated = lifecycle::apply(conn, &state, user.id, &current, action).await?;
        event(
            action,
            user.id,
            (&current, &updated),
            json!({"report_id": report_id, "reason": reason}),
        )
        .record(conn, &state, &meta)
        .await?;
        jobs::restart(conn, &updated, state.clock.now()).await?;
        let payee = project::awardee(conn, challenge.id).await?;
        tell_solvers(conn, &state, payee, |to| MilestoneReturned {
            display_name: to.display_name.clone(),
            title: challenge.title.clone(),
            milestone_title: updated.title.clone(),
            reason: reason.clone(),
            url: project_url(&state, challenge.id),
        })
        .await?;
        Ok(updated)
    })
    .await?;
    answer(&mut conn, &state, milestone).await
}
