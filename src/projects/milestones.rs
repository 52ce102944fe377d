//! `/challenges/{id}/milestones` and `/milestones/{id}/report|accept|return`: the project's
//! milestones, the awardee's reports and the issuer's decisions.
//!
//! Every change locks the challenge (`FOR SHARE`, so the project cannot end meanwhile) and then
//! the milestone (`FOR UPDATE`) and asks [`super::lifecycle::check`] again under the lock: of two
//! concurrent accepts, the second finds the milestone `accepted` and gets 409, and the payment
//! ledger's unique milestone backs that up. `If-Match: "v{version}"` is honoured when sent.
//!
//! Accepting runs the payee's credit check (purpose `payment`) first, in a transaction of its own
//! that commits, so the check stays on record whatever follows; a `block` holds the payment, it
//! does not refuse the acceptance.

use std::collections::HashMap;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::input::{AcceptRequest, ReportRequest, ReturnRequest, given};
use super::lifecycle::{self, MilestoneAction};
use super::models::{Milestone, MilestoneStatus, ReportOutcome};
use super::plan::{china_date, end_of_day};
use super::queries::{self, ProjectViewer};
use super::views::{ExtensionView, MilestoneView, PaymentBrief, ProjectView, ReportView};
use super::{overdue, payments};
use crate::accounts::queries as accounts;
use crate::audit::{self, RequestMeta};
use crate::auth::Role;
use crate::auth::{AuthUser, MaybeUser};
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::IfMatch;
use crate::http::{OptionalJson, ValidJson};
use crate::i18n::{self, Args};
use crate::notifications::yuan;
use crate::notifications::{Recipient, notify};
use crate::projects::notices::{
    MilestoneAccepted, MilestoneReported, MilestoneReturned, ProjectReadyForAcceptance,
};
use crate::schema::{challenges, milestone_reports, milestones, users};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_milestones)
        .service(report_milestone)
        .service(accept_milestone)
        .service(return_milestone);
}

/// Where people follow the project.
pub fn url(state: &AppState, challenge_id: Uuid) -> String {
    format!(
        "{}/api/v1/challenges/{challenge_id}/milestones",
        state.settings.mail.public_url.trim_end_matches('/')
    )
}

/// The caller's organisation if they have `role`: 403 for other roles and for accounts without one.
pub(crate) fn org_of(user: &AuthUser, role: Role) -> AppResult<Uuid> {
    user.require(&[role])?;
    user.organization_id.ok_or(AppError::Forbidden)
}

/// The views of these milestones, with their reports and payments.
async fn milestone_views(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    rows: Vec<Milestone>,
) -> AppResult<Vec<MilestoneView>> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let reports = queries::reports(conn, &ids).await?;
    let reporter_ids: Vec<Uuid> = reports.iter().map(|r| r.reported_by).collect();
    let names: HashMap<Uuid, String> = users::table
        .filter(users::id.eq_any(&reporter_ids))
        .select((users::id, users::display_name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let payments = queries::payments_of(conn, &ids).await?;
    let today = china_date(state.clock.now());
    let mut by_milestone: HashMap<Uuid, Vec<ReportView>> = HashMap::new();
    for r in reports {
        let name = names.get(&r.reported_by).cloned().unwrap_or_default();
        by_milestone
            .entry(r.milestone_id)
            .or_default()
            .push(ReportView::new(r, name));
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let payment = payments
                .iter()
                .find(|p| p.milestone_id == m.id)
                .map(PaymentBrief::from);
            let reports = by_milestone.remove(&m.id).unwrap_or_default();
            MilestoneView::new(m, today, reports, payment)
        })
        .collect())
}

async fn milestone_view(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    milestone: Milestone,
) -> AppResult<MilestoneView> {
    milestone_views(conn, state, vec![milestone])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The project as the viewer sees it (404 when they may not).
pub(crate) async fn project_view(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    viewer: ProjectViewer,
    challenge_id: Uuid,
) -> AppResult<ProjectView> {
    let rows = queries::list_visible(conn, viewer, challenge_id).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let challenge: Challenge = challenges::table
        .find(challenge_id)
        .select(Challenge::as_select())
        .first(conn)
        .await?;
    let org = queries::awardee(conn, challenge_id).await?;
    let (_, _, organization_name) = crate::bids::queries::organization(conn, org).await?;
    let amount_fen = rows.iter().map(|m| m.amount_fen).sum();
    let outstanding = rows
        .iter()
        .filter(|m| m.status != MilestoneStatus::Accepted)
        .count() as i64;
    let milestones = milestone_views(conn, state, rows).await?;
    let extensions = queries::extensions(conn, challenge_id)
        .await?
        .into_iter()
        .map(ExtensionView::from)
        .collect();
    Ok(ProjectView {
        challenge_id,
        title: challenge.title,
        challenge_status: challenge.status,
        awarded_at: challenge.awarded_at,
        organization_id: org,
        organization_name,
        amount_fen,
        outstanding,
        milestones,
        extensions,
    })
}

/// After a report or an acceptance: when that made the project ready for the final acceptance
/// (every milestone but the last accepted, the last reported), the admins are told to draw the
/// panel.
async fn tell_if_ready(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
) -> AppResult<()> {
    if super::milestones_outstanding(conn, challenge.id).await? > 0
        || super::acceptance::started(conn, challenge.id).await?
    {
        return Ok(());
    }
    let org = queries::awardee(conn, challenge.id).await?;
    let (_, _, organization_name) = crate::bids::queries::organization(conn, org).await?;
    for admin in accounts::admin_accounts(conn).await? {
        let notice = ProjectReadyForAcceptance {
            display_name: admin.display_name.clone(),
            title: challenge.title.clone(),
            organization_name: organization_name.clone(),
            url: url(state, challenge.id),
        };
        notify(conn, state, &Recipient::from(&admin), &notice).await?;
    }
    Ok(())
}

/// The 409 for the issuer accepting the last milestone.
fn final_by_acceptance() -> AppError {
    AppError::conflict(ErrorCode::FinalMilestoneByAcceptance).field(FieldError::new(
        "milestone",
        FieldCode::FinalMilestoneByAcceptance,
    ))
}

/// Who accepts a reported milestone, and the payee's credit check already on record.
pub(crate) struct Decision<'a> {
    pub actor: Uuid,
    /// A passed final acceptance, not the issuer, accepts.
    pub by_acceptance: bool,
    pub comment: Option<&'a str>,
    pub payee: Uuid,
    pub check: &'a crate::credit::CheckView,
}

/// Accepts `current` (reported, locked by the caller) in the caller's transaction: the open
/// report decided, the milestone accepted, its payment in the ledger (held if the check
/// blocks), the audit entry and the notices. The issuer's accept and a passed final acceptance
/// both come here.
pub(crate) async fn accept_reported(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    current: &Milestone,
    decision: Decision<'_>,
) -> AppResult<Milestone> {
    let Decision {
        actor,
        by_acceptance,
        comment,
        payee,
        check,
    } = decision;
    let rule = lifecycle::rule(MilestoneAction::Accept);
    let report = queries::open_report(conn, current.id).await?;
    let now = state.clock.now();
    diesel::update(milestone_reports::table.find(report.id))
        .set((
            milestone_reports::outcome.eq(ReportOutcome::Accepted),
            milestone_reports::reason.eq(comment),
            milestone_reports::decided_by.eq(actor),
            milestone_reports::decided_at.eq(now),
        ))
        .execute(conn)
        .await?;
    let updated = set_status(conn, state, current, rule.to, Some(actor)).await?;
    let payment =
        payments::record(conn, state, meta, actor, challenge, &updated, payee, check).await?;
    record(
        conn,
        state,
        meta,
        actor,
        MilestoneAction::Accept,
        (current, &updated),
        json!({"report_id": report.id, "comment": comment, "payment_id": payment.id,
               "payment_status": payment.status, "credit_check_id": check.id}),
    )
    .await?;
    let held = payment.status == super::models::PaymentStatus::Held;
    for solver in accounts::organization_accounts(conn, payee, Role::Solver).await? {
        let notice = MilestoneAccepted {
            display_name: solver.display_name.clone(),
            title: challenge.title.clone(),
            milestone_title: updated.title.clone(),
            amount: yuan(updated.amount_fen),
            payment_held: held,
            by_acceptance,
            comment: comment.map(str::to_string),
            url: url(state, challenge.id),
        };
        notify(conn, state, &Recipient::from(&solver), &notice).await?;
    }
    if held {
        payments::notify_held(conn, state, challenge, &updated, payee, check).await?;
    }
    Ok(updated)
}

/// A passed final acceptance accepts the last milestone, whose deliverable the panel judged, and
/// releases its share (尾款) into the ledger after the payee's credit check (a block holds it).
/// In the closing transaction, by the admin who closed it. Answers the milestone, if it was
/// waiting (reported).
pub(crate) async fn accept_final(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    actor: Uuid,
) -> AppResult<Option<Milestone>> {
    let Some(last) = queries::final_milestone(conn, challenge.id, true).await? else {
        return Ok(None);
    };
    if last.status == MilestoneStatus::Accepted {
        // Already accepted, and paid, before the rule that leaves it to the acceptance.
        return Ok(None);
    }
    // The draw required it reported and a return is refused since: anything else would close
    // the project without its final share, so the close fails instead.
    if last.status != MilestoneStatus::Reported {
        return Err(anyhow::anyhow!(
            "the last milestone {} of challenge {} is {}, not reported",
            last.id,
            challenge.id,
            last.status
        )
        .into());
    }
    let payee = queries::awardee(conn, challenge.id).await?;
    let check =
        payments::credit_check(conn, state, meta, Some(actor), challenge, payee, last.id).await?;
    let comment = i18n::bilingual("record-final_acceptance_passed", &Args::new());
    let decision = Decision {
        actor,
        by_acceptance: true,
        comment: Some(&comment),
        payee,
        check: &check,
    };
    accept_reported(conn, state, meta, challenge, &last, decision)
        .await
        .map(Some)
}

async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    action: MilestoneAction,
    (before, after): (&Milestone, &Milestone),
    details: serde_json::Value,
) -> AppResult<()> {
    let name = format!("milestone.{}", action.as_str());
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(actor),
            action: &name,
            object_type: "milestone",
            object_id: Some(after.id.to_string()),
            summary: json!({
                "challenge_id": after.challenge_id,
                "position": after.position,
                "title": after.title,
                "from": before.status,
                "to": after.status,
                "version": after.version,
                "details": details,
            }),
        },
    )
    .await
}

/// Sets the milestone's new state and bumps its version.
async fn set_status(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    milestone: &Milestone,
    to: MilestoneStatus,
    accepted_by: Option<Uuid>,
) -> AppResult<Milestone> {
    let now = state.clock.now();
    Ok(diesel::update(milestones::table.find(milestone.id))
        .set((
            milestones::status.eq(to),
            milestones::version.eq(milestones::version + 1),
            milestones::updated_at.eq(now),
            accepted_by.map(|by| milestones::accepted_by.eq(by)),
            accepted_by.map(|_| milestones::accepted_at.eq(now)),
        ))
        .returning(Milestone::as_returning())
        .get_result(conn)
        .await?)
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
    let read = queries::find_visible(conn, viewer, id).await?;
    let challenge: Challenge = challenges::table
        .find(read.challenge_id)
        .select(Challenge::as_select())
        .for_share()
        .first(conn)
        .await?;
    let current = queries::lock_visible(conn, viewer, id).await?;
    if_match.check(current.version, false)?;
    lifecycle::check(action, current.status, &challenge)?;
    Ok((challenge, current))
}

/// The project of an awarded challenge: its milestones (due days, amounts, shares, every report
/// and its outcome, payment status) and extension requests. Visible to the awardee
/// organisation's solvers, the issuer organisation's issuers and admins; 404 for everyone else.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The project", body = ProjectView),
        (status = 404, description = "No project on this challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}/milestones")]
pub async fn list_milestones(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    let viewer = ProjectViewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    let view = project_view(&mut conn, &state, viewer, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Report a milestone's deliverable (the awardee organisation's solvers), from `pending` or
/// `returned`; each report is kept. The issuer's accounts are told.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Milestone id")),
    request_body = ReportRequest,
    responses(
        (status = 200, description = "Reported", body = MilestoneView),
        (status = 403, description = "Solvers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such milestone of the caller's organisation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already reported or accepted (`invalid_milestone_state`), or the project is not running (`project_not_running`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names another version (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    let org = org_of(&user, Role::Solver)?;
    let req = body.into_inner();
    let deliverable = req.deliverable.trim().to_string();
    let viewer = ProjectViewer::Solver(org);
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let milestone = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (challenge, current) =
                lock_for(conn, viewer, id, &if_match, MilestoneAction::Report).await?;
            let rule = lifecycle::rule(MilestoneAction::Report);
            let now = state.clock.now();
            let report_id = Uuid::now_v7();
            diesel::insert_into(milestone_reports::table)
                .values((
                    milestone_reports::id.eq(report_id),
                    milestone_reports::milestone_id.eq(current.id),
                    milestone_reports::deliverable.eq(&deliverable),
                    milestone_reports::attachments.eq(json!(req.attachments)),
                    milestone_reports::reported_by.eq(user.id),
                    milestone_reports::reported_at.eq(now),
                ))
                .execute(conn)
                .await?;
            let updated = set_status(conn, &state, &current, rule.to, None).await?;
            let final_milestone = queries::is_final(conn, &updated).await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                MilestoneAction::Report,
                (&current, &updated),
                json!({"report_id": report_id, "attachments": req.attachments.len()}),
            )
            .await?;
            for issuer in issuer_accounts(conn, &challenge).await? {
                let notice = MilestoneReported {
                    display_name: issuer.display_name.clone(),
                    title: challenge.title.clone(),
                    milestone_title: updated.title.clone(),
                    due_on: updated.due_on.to_string(),
                    deliverable: deliverable.clone(),
                    final_milestone,
                    url: url(&state, challenge.id),
                };
                notify(conn, &state, &Recipient::from(&issuer), &notice).await?;
            }
            tell_if_ready(conn, &state, &challenge).await?;
            Ok(updated)
        })
        .await?;
    let view = milestone_view(&mut conn, &state, milestone).await?;
    Ok(HttpResponse::Ok().json(view))
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
        (status = 403, description = "Issuers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such milestone on the caller's organisation's challenges", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not reported (`invalid_milestone_state`, naming its state), the project is not running (`project_not_running`), or it is the last milestone, which the final acceptance decides (`final_milestone_by_acceptance`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names another version (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    let org = org_of(&user, Role::Issuer)?;
    let comment = given(body.0.and_then(|b| b.comment).as_deref());
    let viewer = ProjectViewer::Issuer(org);
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    // Refuse early what the state does not allow, before a credit check is run for nothing.
    let read = queries::find_visible(&mut conn, viewer, id).await?;
    let challenge: Challenge = challenges::table
        .find(read.challenge_id)
        .select(Challenge::as_select())
        .first(&mut conn)
        .await?;
    if_match.check(read.version, false)?;
    lifecycle::check(MilestoneAction::Accept, read.status, &challenge)?;
    if queries::is_final(&mut conn, &read).await? {
        return Err(final_by_acceptance());
    }
    let payee = queries::awardee(&mut conn, challenge.id).await?;
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
    let milestone = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (challenge, current) =
                lock_for(conn, viewer, id, &if_match, MilestoneAction::Accept).await?;
            let decision = Decision {
                actor: user.id,
                by_acceptance: false,
                comment: comment.as_deref(),
                payee,
                check: &check,
            };
            let accepted =
                accept_reported(conn, &state, &meta, &challenge, &current, decision).await?;
            tell_if_ready(conn, &state, &challenge).await?;
            Ok(accepted)
        })
        .await?;
    let view = milestone_view(&mut conn, &state, milestone).await?;
    Ok(HttpResponse::Ok().json(view))
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
        (status = 403, description = "Issuers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such milestone on the caller's organisation's challenges", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not reported (`invalid_milestone_state`), the project is not running (`project_not_running`), or it is the last milestone and the final acceptance has started (`acceptance_started`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names another version (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    let org = org_of(&user, Role::Issuer)?;
    let reason = body.into_inner().reason.trim().to_string();
    let viewer = ProjectViewer::Issuer(org);
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let milestone = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (challenge, current) =
                lock_for(conn, viewer, id, &if_match, MilestoneAction::Return).await?;
            // The last milestone's deliverable is before the acceptance panel: it stays as
            // reported until the panel decides.
            if queries::is_final(conn, &current).await?
                && crate::projects::acceptance::started(conn, challenge.id).await?
            {
                return Err(crate::projects::acceptance::already_started());
            }
            let rule = lifecycle::rule(MilestoneAction::Return);
            let report = queries::open_report(conn, current.id).await?;
            let now = state.clock.now();
            diesel::update(milestone_reports::table.find(report.id))
                .set((
                    milestone_reports::outcome.eq(ReportOutcome::Returned),
                    milestone_reports::reason.eq(&reason),
                    milestone_reports::decided_by.eq(user.id),
                    milestone_reports::decided_at.eq(now),
                ))
                .execute(conn)
                .await?;
            let updated = set_status(conn, &state, &current, rule.to, None).await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                MilestoneAction::Return,
                (&current, &updated),
                json!({"report_id": report.id, "reason": reason}),
            )
            .await?;
            // The report ended the reminder chain: a new one, a week from now past the due day,
            // else at the end of the due day.
            if end_of_day(updated.due_on) <= now {
                overdue::schedule(
                    conn,
                    updated.id,
                    updated.version,
                    updated.due_on,
                    now + overdue::interval(),
                )
                .await?;
            } else {
                overdue::schedule_due(conn, updated.id, updated.version, updated.due_on).await?;
            }
            let payee = queries::awardee(conn, challenge.id).await?;
            for solver in accounts::organization_accounts(conn, payee, Role::Solver).await? {
                let notice = MilestoneReturned {
                    display_name: solver.display_name.clone(),
                    title: challenge.title.clone(),
                    milestone_title: updated.title.clone(),
                    reason: reason.clone(),
                    url: url(&state, challenge.id),
                };
                notify(conn, &state, &Recipient::from(&solver), &notice).await?;
            }
            Ok(updated)
        })
        .await?;
    let view = milestone_view(&mut conn, &state, milestone).await?;
    Ok(HttpResponse::Ok().json(view))
}
