//! The expert's side of the final acceptance, under `/acceptance-assignments` (kept apart from
//! the review's `/assignments`, whose work is scoring bids): the list, accept, decline (the next
//! eligible expert of the stored order is invited), the project to judge, the verdict (revisable
//! until submitted), and submission.
//!
//! An assignment is found only among the caller's own (404 otherwise). An expert sees only their
//! own verdict until the acceptance is closed.

use std::collections::HashSet;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post, put};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::draw::{invite, not_awarded};
use super::models::{AcceptanceAssignment, AcceptancePanel, KpiVerdict, Verdict, check_sheet};
use super::views::{
    AcceptanceAssignmentView, KpiView, assignment_views, find_panel, kpi_views,
    one_assignment_view, panel_bid,
};
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::bids::queries as bid_queries;
use crate::challenges::models::{Challenge, Field, Status};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{Page, ValidJson};
use crate::reviews::models::AssignmentStatus;
use crate::reviews::panel::{ExclusionView, Stage, next_eligible};
use crate::reviews::views::ReviewMemberView;
use crate::schema::{
    acceptance_assignments, acceptance_panels, acceptance_verdicts, organizations,
};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_assignments)
        .service(accept)
        .service(decline)
        .service(project)
        .service(put_verdict)
        .service(submit);
}

/// `POST /acceptance-assignments/{id}/decline`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "与揭榜单位有合作项目，申请回避"}))]
pub struct DeclineRequest {
    #[validate(length(min = 1, max = 1000), custom(function = crate::http::validate::not_blank))]
    pub reason: String,
}

/// `PUT /acceptance-assignments/{id}/verdict`: every KPI of the challenge judged met or not,
/// and the overall verdict.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kpis": [{"kpi": "拉伸强度", "met": true, "comment": "第三方检测报告实测 5.9 GPa。"}],
    "pass": true,
    "comment": "各项指标均达到揭榜承诺，同意通过验收。"
}))]
pub struct VerdictRequest {
    #[validate(length(min = 1, max = 50), nested)]
    pub kpis: Vec<KpiVerdict>,
    /// 通过 (`true`) or 不通过 (`false`).
    pub pass: bool,
    #[validate(length(min = 1, max = 5000), custom(function = crate::http::validate::not_blank))]
    pub comment: String,
}

/// An expert's own verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnVerdictView {
    pub kpis: Vec<KpiVerdict>,
    pub pass: bool,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

impl From<Verdict> for OwnVerdictView {
    fn from(v: Verdict) -> Self {
        OwnVerdictView {
            kpis: v.kpi_list(),
            pass: v.pass,
            comment: v.comment,
            updated_at: v.updated_at,
        }
    }
}

/// The project as the acceptance panel judges it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectView {
    pub assignment_id: Uuid,
    pub challenge_id: Uuid,
    pub title: String,
    pub field: Field,
    pub description: String,
    pub awarded_at: Option<DateTime<Utc>>,
    pub bid_id: Uuid,
    pub awardee_organization_name: String,
    pub technical_approach: String,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    /// Each KPI of the challenge with the awardee's commitment (军令状).
    pub kpis: Vec<KpiView>,
    /// The project's milestones with every report (the deliverables) and decision: the last one's
    /// deliverable is the result the panel judges.
    pub milestones: Vec<crate::projects::milestones::views::MilestoneView>,
    pub team: Vec<ReviewMemberView>,
    /// The caller's own verdict, if saved.
    pub my_verdict: Option<OwnVerdictView>,
}

/// What a decline did: the declined assignment and the replacement invited, if any eligible
/// expert was left in the stored order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeclineView {
    pub assignment: AcceptanceAssignmentView,
    pub replacement: Option<AcceptanceAssignmentView>,
}

fn expert(user: &AuthUser) -> AppResult<()> {
    user.require(&[Role::Expert])
}

/// The caller's own assignment (404 for anyone else's), optionally locked.
async fn own(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    lock: bool,
) -> AppResult<AcceptanceAssignment> {
    let query = acceptance_assignments::table
        .filter(acceptance_assignments::id.eq(id))
        .filter(acceptance_assignments::expert_id.eq(user.id))
        .select(AcceptanceAssignment::as_select());
    let found = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    found.ok_or(AppError::NotFound)
}

fn wrong_state(a: &AcceptanceAssignment, wanted: &str) -> AppError {
    AppError::conflict(ErrorCode::InvalidAssignmentState)
        .arg("current", a.status)
        .arg("wanted", wanted)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", a.status),
        )
}

pub(crate) fn acceptance_closed() -> AppError {
    AppError::conflict(ErrorCode::AcceptanceClosed)
}

/// The awarded challenge and its open acceptance, for a change by an expert.
async fn open_acceptance(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock_panel: bool,
) -> AppResult<(Challenge, AcceptancePanel)> {
    let challenge = challenge_queries::find_visible(conn, Viewer::Admin, challenge_id).await?;
    let panel = find_panel(conn, challenge_id, lock_panel)
        .await?
        .ok_or(AppError::NotFound)?;
    if panel.closed_at.is_some() {
        return Err(acceptance_closed());
    }
    if challenge.status != Status::Awarded {
        return Err(not_awarded(&challenge));
    }
    Ok((challenge, panel))
}

async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    action: &str,
    a: &AcceptanceAssignment,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(actor),
            action,
            object_type: "acceptance_assignment",
            object_id: Some(a.id.to_string()),
            summary,
        },
    )
    .await
}

async fn own_verdict(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Option<Verdict>> {
    Ok(acceptance_verdicts::table
        .find(id)
        .select(Verdict::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The caller's acceptance assignments (experts), newest first.
#[utoipa::path(
    tag = "acceptance",
    params(PageParams),
    responses(
        (status = 200, description = "One page of the caller's acceptance assignments", body = Page<AcceptanceAssignmentView>),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/acceptance-assignments")]
pub async fn list_assignments(
    state: Data<AppState>,
    user: AuthUser,
    page: PageRequest,
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let mut conn = state.conn().await?;
    let total: i64 = acceptance_assignments::table
        .filter(acceptance_assignments::expert_id.eq(user.id))
        .count()
        .get_result(&mut conn)
        .await?;
    let rows: Vec<AcceptanceAssignment> = acceptance_assignments::table
        .filter(acceptance_assignments::expert_id.eq(user.id))
        .order((
            acceptance_assignments::invited_at.desc(),
            acceptance_assignments::id.desc(),
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .select(AcceptanceAssignment::as_select())
        .load(&mut conn)
        .await?;
    let items = assignment_views(&mut conn, rows).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, total, page)))
}

/// Accept an invitation to an acceptance panel (the invited expert).
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    responses(
        (status = 200, description = "Accepted", body = AcceptanceAssignmentView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `invited` (`invalid_assignment_state`), the acceptance is closed (`acceptance_closed`), or the challenge is no longer awarded (`not_awarded`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let mut conn = state.conn().await?;
    let id = id.into_inner();
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            open_acceptance(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if a.status != AssignmentStatus::Invited {
                return Err(wrong_state(&a, "invited"));
            }
            let a: AcceptanceAssignment = diesel::update(acceptance_assignments::table.find(a.id))
                .set((
                    acceptance_assignments::status.eq(AssignmentStatus::Accepted),
                    acceptance_assignments::responded_at.eq(state.clock.now()),
                ))
                .returning(AcceptanceAssignment::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "acceptance.accept",
                &a,
                json!({"challenge_id": a.challenge_id}),
            )
            .await?;
            Ok(a)
        })
        .await?;
    Ok(HttpResponse::Ok().json(one_assignment_view(&mut conn, updated).await?))
}

/// Decline an invitation, or an accepted assignment not yet submitted, with a reason. The next
/// eligible expert of the stored order is invited (the review's replacement rules).
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    request_body = DeclineRequest,
    responses(
        (status = 200, description = "Declined; `replacement` is the expert invited instead", body = DeclineView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
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
    body: ValidJson<DeclineRequest>,
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let reason = body.into_inner().reason.trim().to_string();
    let mut conn = state.conn().await?;
    let id = id.into_inner();
    let (declined, replacement) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            let (challenge, panel) = open_acceptance(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if !AssignmentStatus::OPEN.contains(&a.status) {
                return Err(wrong_state(&a, "invited, accepted"));
            }
            let a: AcceptanceAssignment = diesel::update(acceptance_assignments::table.find(a.id))
                .set((
                    acceptance_assignments::status.eq(AssignmentStatus::Declined),
                    acceptance_assignments::decline_reason.eq(&reason),
                    acceptance_assignments::responded_at.eq(state.clock.now()),
                ))
                .returning(AcceptanceAssignment::as_returning())
                .get_result(conn)
                .await?;
            diesel::delete(acceptance_verdicts::table.find(a.id))
                .execute(conn)
                .await?;
            let on_panel: HashSet<Uuid> = acceptance_assignments::table
                .filter(acceptance_assignments::challenge_id.eq(challenge.id))
                .select(acceptance_assignments::expert_id)
                .load::<Uuid>(conn)
                .await?
                .into_iter()
                .collect();
            let exclusions: Vec<ExclusionView> =
                serde_json::from_value(panel.exclusions.clone()).unwrap_or_default();
            // Past the deadline nobody new is invited to a deadline already gone: the admin sets
            // a new one (`POST /challenges/{id}/acceptance/deadline`), which fills the seat.
            let replacement = if state.clock.now() < panel.review_deadline {
                let walk = next_eligible(
                    conn,
                    &state,
                    &meta,
                    user.id,
                    &challenge,
                    Stage::Acceptance,
                    &panel.candidate_list(),
                    &on_panel,
                    panel.next_position,
                    exclusions,
                )
                .await?;
                let replacement = match walk.chosen {
                    Some((expert_id, position)) => Some(
                        invite(conn, &state, &challenge, panel.review_deadline, expert_id, position)
                            .await?,
                    ),
                    None => None,
                };
                diesel::update(acceptance_panels::table.find(challenge.id))
                    .set((
                        acceptance_panels::next_position.eq(walk.next_position),
                        acceptance_panels::exclusions.eq(
                            serde_json::to_value(&walk.exclusions).map_err(anyhow::Error::from)?,
                        ),
                    ))
                    .execute(conn)
                    .await?;
                replacement
            } else {
                None
            };
            record(
                conn,
                &state,
                &meta,
                user.id,
                "acceptance.decline",
                &a,
                json!({
                    "challenge_id": a.challenge_id,
                    "reason": reason,
                    "replacement": replacement.as_ref().map(|r| json!({"assignment_id": r.id, "expert_id": r.expert_id, "position": r.position})),
                }),
            )
            .await?;
            Ok((a, replacement))
        })
        .await?;
    let assignment = one_assignment_view(&mut conn, declined).await?;
    let replacement = match replacement {
        Some(r) => Some(one_assignment_view(&mut conn, r).await?),
        None => None,
    };
    Ok(HttpResponse::Ok().json(DeclineView {
        assignment,
        replacement,
    }))
}

/// The project to judge (the expert of an accepted or submitted assignment): the challenge's
/// KPIs with the awardee's commitments, the approach, the milestone plan, the team, and the
/// caller's own verdict.
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    responses(
        (status = 200, description = "The project", body = ProjectView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not accepted yet, or declined (`invalid_assignment_state`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/acceptance-assignments/{id}/project")]
pub async fn project(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let mut conn = state.conn().await?;
    let a = own(&mut conn, &user, id.into_inner(), false).await?;
    if !matches!(
        a.status,
        AssignmentStatus::Accepted | AssignmentStatus::Submitted
    ) {
        return Err(wrong_state(&a, "accepted"));
    }
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, a.challenge_id).await?;
    let panel = find_panel(&mut conn, a.challenge_id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let bid = panel_bid(&mut conn, &panel).await?;
    let org_name: String = organizations::table
        .find(bid.organization_id)
        .select(organizations::name)
        .first(&mut conn)
        .await?;
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
    let mine = own_verdict(&mut conn, a.id).await?;
    // The expert's accepted assignment is their right to read the project.
    let milestones = crate::projects::queries::project_view(
        &mut conn,
        &state,
        crate::projects::queries::ProjectViewer::Admin,
        challenge.id,
    )
    .await?
    .milestones;
    Ok(HttpResponse::Ok().json(ProjectView {
        assignment_id: a.id,
        challenge_id: challenge.id,
        title: challenge.title.clone(),
        field: challenge.field,
        description: challenge.description.clone(),
        awarded_at: challenge.awarded_at,
        bid_id: bid.id,
        awardee_organization_name: org_name,
        technical_approach: bid.technical_approach.clone(),
        requested_fen: bid.requested_fen,
        duration_months: bid.duration_months,
        kpis: kpi_views(&challenge, &bid),
        milestones,
        team,
        my_verdict: mine.map(OwnVerdictView::from),
    }))
}

/// Save the caller's verdict (the expert of an accepted assignment): every KPI of the challenge
/// judged met or not, with a comment, and the overall pass or fail with a comment. Revisable
/// until the assignment is submitted.
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    request_body = VerdictRequest,
    responses(
        (status = 200, description = "Saved", body = OwnVerdictView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let id = id.into_inner();
    let req = body.into_inner();
    let mut conn = state.conn().await?;
    let saved = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            // Under the panel lock, like submit and close: no verdict lands after the close.
            let (challenge, _) = open_acceptance(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if a.status != AssignmentStatus::Accepted {
                return Err(wrong_state(&a, "accepted"));
            }
            let sheet = check_sheet(&challenge.kpi_list(), &req.kpis)?;
            let before = own_verdict(conn, a.id).await?;
            let now = state.clock.now();
            let kpis = serde_json::to_value(&sheet).map_err(anyhow::Error::from)?;
            let comment = req.comment.trim().to_string();
            let saved: Verdict = diesel::insert_into(acceptance_verdicts::table)
                .values((
                    acceptance_verdicts::assignment_id.eq(a.id),
                    acceptance_verdicts::kpis.eq(&kpis),
                    acceptance_verdicts::pass.eq(req.pass),
                    acceptance_verdicts::comment.eq(&comment),
                    acceptance_verdicts::created_at.eq(now),
                    acceptance_verdicts::updated_at.eq(now),
                ))
                .on_conflict(acceptance_verdicts::assignment_id)
                .do_update()
                .set((
                    acceptance_verdicts::kpis.eq(&kpis),
                    acceptance_verdicts::pass.eq(req.pass),
                    acceptance_verdicts::comment.eq(&comment),
                    acceptance_verdicts::updated_at.eq(now),
                ))
                .returning(Verdict::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "acceptance.verdict",
                &a,
                json!({
                    "challenge_id": a.challenge_id,
                    "before": before.map(|b| json!({"kpis": b.kpis, "pass": b.pass})),
                    "after": {"kpis": kpis, "pass": req.pass},
                }),
            )
            .await?;
            Ok(saved)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OwnVerdictView::from(saved)))
}

/// Submit the verdict as final (the expert of an accepted assignment).
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Acceptance assignment id")),
    responses(
        (status = 200, description = "Submitted", body = AcceptanceAssignmentView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let submitted = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            let (challenge, _) = open_acceptance(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if a.status != AssignmentStatus::Accepted {
                return Err(wrong_state(&a, "accepted"));
            }
            let Some(verdict) = own_verdict(conn, a.id).await? else {
                return Err(AppError::conflict(ErrorCode::VerdictMissing)
                    .field(FieldError::new("verdict", FieldCode::Required)));
            };
            // The KPIs cannot change while awarded; a sheet saved earlier still covers them all.
            check_sheet(&challenge.kpi_list(), &verdict.kpi_list())?;
            let a: AcceptanceAssignment = diesel::update(acceptance_assignments::table.find(a.id))
                .set((
                    acceptance_assignments::status.eq(AssignmentStatus::Submitted),
                    acceptance_assignments::submitted_at.eq(state.clock.now()),
                ))
                .returning(AcceptanceAssignment::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "acceptance.submit",
                &a,
                json!({"challenge_id": a.challenge_id, "pass": verdict.pass}),
            )
            .await?;
            Ok(a)
        })
        .await?;
    Ok(HttpResponse::Ok().json(one_assignment_view(&mut conn, submitted).await?))
}
