//! `/challenges`: create, read, list and search, edit with `If-Match`, the transitions, history and
//! clarifications.

use actix_web::http::header;
use actix_web::web::{Bytes, Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::cache::ListCache;
use super::input::{
    ClarificationRequest, CreateChallenge, Draft, TransitionRequest, UpdateChallenge,
};
use super::lifecycle::{self, Action, Actor};
use super::models::{Challenge, Status};
use super::queries::{self, ChallengeFilter, Viewer};
use super::views::{ChallengeSummary, ChallengeView, ClarificationView, EventView};
use crate::audit::{self, RequestMeta};
use crate::auth::Role;
use crate::auth::{AuthUser, MaybeUser};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{IfMatch, OptionalJson, Page, ValidJson, ValidQuery};
use crate::i18n::Args;
use crate::schema::{challenge_clarifications, challenge_events, challenges};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_challenges)
        .service(create_challenge)
        .service(get_challenge)
        .service(update_challenge)
        .service(submit_challenge)
        .service(approve_challenge)
        .service(reject_challenge)
        .service(cancel_challenge)
        .service(list_events)
        .service(list_clarifications)
        .service(add_clarification);
}

/// The response for one challenge, with its version as `ETag`.
fn challenge_response(
    mut builder: actix_web::HttpResponseBuilder,
    view: ChallengeView,
) -> HttpResponse {
    builder
        .insert_header((header::ETAG, format!("\"v{}\"", view.version)))
        .json(view)
}

pub(crate) async fn view_of(
    conn: &mut AsyncPgConnection,
    challenge: Challenge,
    viewer: Viewer,
) -> AppResult<ChallengeView> {
    let issuer = queries::organization_name(conn, challenge.issuer_org_id).await?;
    Ok(ChallengeView::new(challenge, issuer, viewer))
}

/// List and search challenges. Anyone sees published ones (and what became of them); issuers also
/// their own organisation's drafts; admins all.
#[utoipa::path(
    tag = "challenges",
    params(ChallengeFilter, PageParams),
    responses(
        (status = 200, description = "One page of challenges", body = Page<ChallengeSummary>),
        (status = 422, description = "Bad filter, sort or page parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges")]
pub async fn list_challenges(
    state: Data<AppState>,
    user: MaybeUser,
    req: HttpRequest,
    filter: ValidQuery<ChallengeFilter>,
    page: PageRequest,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let q = filter.check()?;
    let viewer = Viewer::of(user.0.as_ref());
    let public = viewer == Viewer::Public;
    let cache = ListCache::of(&state)?;
    let totals = public.then_some(cache);
    let compute = async {
        let mut conn = state.conn().await?;
        let (rows, total) =
            queries::list(&mut conn, viewer, &filter, q.as_ref(), page, totals).await?;
        let items: Vec<ChallengeSummary> = rows.into_iter().map(ChallengeSummary::from).collect();
        let body =
            serde_json::to_vec(&Page::new(items, total, page)).map_err(anyhow::Error::from)?;
        Ok(Bytes::from(body))
    };
    // Searches are cached whole (ranking looks at every match); plain lists only by their total,
    // since their pages are cheap.
    let body = if public && q.is_some() {
        cache.get_or_compute(req.query_string(), compute).await?
    } else {
        compute.await?
    };
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

/// Create a draft (issuer). It is visible only to its organisation and admins until published.
#[utoipa::path(
    tag = "challenges",
    request_body = CreateChallenge,
    responses(
        (status = 201, description = "Draft created; `ETag` carries its version", body = ChallengeView),
        (status = 403, description = "Issuers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: window, rubric total, KPIs, bounty range...", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges")]
pub async fn create_challenge(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<CreateChallenge>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Issuer])?;
    let org = user.organization_id.ok_or(AppError::Forbidden)?;
    let req = body.into_inner();
    let now = state.clock.now();
    Draft {
        kpis: &req.kpis,
        bid_opens_at: req.bid_opens_at,
        bid_closes_at: req.bid_closes_at,
        rubric: &req.review.rubric,
        org_kinds: &req.eligibility.org_kinds,
    }
    .rules(Some(now))?;
    let id = Uuid::now_v7();
    let mut conn = state.conn().await?;
    let created = conn
        .transaction::<_, AppError, _>(async |conn| {
            let created: Challenge = diesel::insert_into(challenges::table)
                .values((
                    challenges::id.eq(id),
                    challenges::issuer_org_id.eq(org),
                    challenges::created_by.eq(user.id),
                    challenges::title.eq(req.title.trim()),
                    challenges::category.eq(req.category),
                    challenges::field.eq(req.field),
                    challenges::description.eq(&req.description),
                    challenges::kpis.eq(json!(req.kpis)),
                    challenges::bounty_fen.eq(req.bounty_fen),
                    challenges::bid_opens_at.eq(req.bid_opens_at),
                    challenges::bid_closes_at.eq(req.bid_closes_at),
                    challenges::max_duration_months.eq(req.max_duration_months),
                    challenges::eligible_org_kinds.eq(kinds(&req.eligibility.org_kinds)),
                    challenges::general_credit_blocks.eq(req.eligibility.general_credit_blocks),
                    challenges::panel_size.eq(req.review.panel_size),
                    challenges::blind_review.eq(req.review.blind),
                    challenges::rubric.eq(json!(req.review.rubric)),
                    challenges::publicity_days.eq(req.publicity_days),
                    challenges::created_at.eq(now),
                    challenges::updated_at.eq(now),
                ))
                .returning(Challenge::as_returning())
                .get_result(conn)
                .await?;
            record_event(
                conn,
                &created,
                Some(user.id),
                "create",
                None,
                None,
                json!({}),
            )
            .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "challenge.create",
                    object_type: "challenge",
                    object_id: Some(id.to_string()),
                    summary: json!({"title": created.title, "bounty_fen": created.bounty_fen}),
                },
            )
            .await?;
            Ok(created)
        })
        .await?;
    let view = view_of(&mut conn, created, Viewer::of(Some(&user))).await?;
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, format!("/api/v1/challenges/{id}")));
    Ok(challenge_response(builder, view))
}

fn kinds(kinds: &[crate::accounts::models::OrganizationKind]) -> Vec<Option<String>> {
    kinds.iter().map(|k| Some(k.as_str().to_string())).collect()
}

async fn record_event(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    actor_id: Option<Uuid>,
    action: &str,
    from: Option<Status>,
    reason: Option<&str>,
    data: serde_json::Value,
) -> AppResult<()> {
    diesel::insert_into(challenge_events::table)
        .values((
            challenge_events::challenge_id.eq(challenge.id),
            challenge_events::actor_id.eq(actor_id),
            challenge_events::action.eq(action),
            challenge_events::from_status.eq(from.map(|s| s.as_str())),
            challenge_events::to_status.eq(challenge.status.as_str()),
            challenge_events::reason.eq(reason),
            challenge_events::data.eq(data),
            challenge_events::at.eq(challenge.updated_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One challenge. Drafts, pending and rejected ones are found only by their issuer and admins.
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The challenge; `ETag` carries its version", body = ChallengeView,
            headers(("ETag" = String, description = "`\"v<version>\"`, for `If-Match`"))),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}")]
pub async fn get_challenge(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    let viewer = Viewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    let challenge = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let view = view_of(&mut conn, challenge, viewer).await?;
    Ok(challenge_response(HttpResponse::Ok(), view))
}

/// Edit a challenge (its issuer, or an admin), with `If-Match: "v<version>"` from the last read.
/// Drafts and rejected challenges: any field. Published ones: only `bid_closes_at`, later than
/// before (an extension). Other states: nothing.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The `ETag` of the version this edit is based on, e.g. `\"v3\"`"),
    ),
    request_body = UpdateChallenge,
    responses(
        (status = 200, description = "The edited challenge, with its new `ETag`", body = ChallengeView),
        (status = 403, description = "Not the issuer of this challenge or an admin (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "These fields cannot be changed in the current state (`not_editable`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match` header (`if_match_required`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/challenges/{id}")]
pub async fn update_challenge(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    id: Path<Uuid>,
    body: ValidJson<UpdateChallenge>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Issuer, Role::Admin])?;
    let patch = body.into_inner();
    let fields = patch.fields();
    if fields.is_empty() {
        return Err(AppError::validation("body", FieldCode::Empty));
    }
    let viewer = Viewer::of(Some(&user));
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let current = queries::lock_visible(conn, viewer, id.into_inner()).await?;
            if !viewer.manages(&current) {
                return Err(AppError::Forbidden);
            }
            if_match.check(current.version, true)?;
            match current.status {
                Status::Draft | Status::Rejected => {
                    edit(conn, &state, &meta, &user, &current, patch, now).await
                }
                Status::Published => {
                    extend(conn, &state, &meta, &user, &current, patch, &fields, now).await
                }
                other => Err(not_editable(other, &fields)),
            }
        })
        .await?;
    ListCache::clear_in(&state)?;
    let view = view_of(&mut conn, updated, viewer).await?;
    Ok(challenge_response(HttpResponse::Ok(), view))
}

fn not_editable(status: Status, fields: &[&str]) -> AppError {
    AppError::Conflict {
        code: ErrorCode::NotEditable,
        args: Args::new().with("current", status),
        errors: fields
            .iter()
            .map(|f| FieldError::new(*f, FieldCode::NotEditable).with_param("current", status))
            .collect(),
    }
}

/// Any field of a draft or a rejected challenge.
async fn edit(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    current: &Challenge,
    patch: UpdateChallenge,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Challenge> {
    let kpis = patch.kpis.clone().unwrap_or_else(|| current.kpi_list());
    let rubric = patch
        .review
        .as_ref()
        .map(|r| r.rubric.clone())
        .unwrap_or_else(|| current.rubric_list());
    let org_kinds = patch
        .eligibility
        .as_ref()
        .map(|e| e.org_kinds.clone())
        .unwrap_or_else(|| current.eligible_kinds());
    Draft {
        kpis: &kpis,
        bid_opens_at: patch.bid_opens_at.unwrap_or(current.bid_opens_at),
        bid_closes_at: patch.bid_closes_at.unwrap_or(current.bid_closes_at),
        rubric: &rubric,
        org_kinds: &org_kinds,
    }
    .rules(patch.bid_closes_at.map(|_| now))?;
    let fields = patch.fields();
    let updated: Challenge = diesel::update(challenges::table.find(current.id))
        .set((
            patch
                .title
                .as_deref()
                .map(|t| challenges::title.eq(t.trim().to_string())),
            patch.category.map(|v| challenges::category.eq(v)),
            patch.field.map(|v| challenges::field.eq(v)),
            patch.description.map(|v| challenges::description.eq(v)),
            patch.kpis.map(|v| challenges::kpis.eq(json!(v))),
            patch.bounty_fen.map(|v| challenges::bounty_fen.eq(v)),
            patch.bid_opens_at.map(|v| challenges::bid_opens_at.eq(v)),
            patch.bid_closes_at.map(|v| challenges::bid_closes_at.eq(v)),
            patch
                .max_duration_months
                .map(|v| challenges::max_duration_months.eq(v)),
            patch
                .eligibility
                .as_ref()
                .map(|e| challenges::eligible_org_kinds.eq(kinds(&e.org_kinds))),
            patch
                .eligibility
                .as_ref()
                .map(|e| challenges::general_credit_blocks.eq(e.general_credit_blocks)),
            patch
                .review
                .as_ref()
                .map(|r| challenges::panel_size.eq(r.panel_size)),
            patch
                .review
                .as_ref()
                .map(|r| challenges::blind_review.eq(r.blind)),
            patch
                .review
                .as_ref()
                .map(|r| challenges::rubric.eq(json!(r.rubric))),
            patch
                .publicity_days
                .map(|v| challenges::publicity_days.eq(v)),
            challenges::version.eq(challenges::version + 1),
            challenges::updated_at.eq(now),
        ))
        .returning(Challenge::as_returning())
        .get_result(conn)
        .await?;
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(user.id),
            action: "challenge.update",
            object_type: "challenge",
            object_id: Some(current.id.to_string()),
            summary: json!({"fields": fields, "version": updated.version}),
        },
    )
    .await?;
    Ok(updated)
}

/// A published challenge: only a later deadline. Reschedules the closing job.
#[allow(clippy::too_many_arguments)]
async fn extend(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    current: &Challenge,
    patch: UpdateChallenge,
    fields: &[&str],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Challenge> {
    let locked: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| *f != "bid_closes_at")
        .collect();
    if !locked.is_empty() {
        return Err(not_editable(current.status, &locked));
    }
    let Some(closes_at) = patch.bid_closes_at else {
        return Err(not_editable(current.status, fields));
    };
    if current.bid_closes_at <= now {
        // The deadline has passed; the closing job is about to run.
        return Err(lifecycle::refused(Status::BiddingClosed));
    }
    if closes_at <= current.bid_closes_at {
        return Err(AppError::Validation(vec![
            FieldError::new("bid_closes_at", FieldCode::NotLater)
                .with_param("than", current.bid_closes_at.to_rfc3339()),
        ]));
    }
    let updated: Challenge = diesel::update(challenges::table.find(current.id))
        .set((
            challenges::bid_closes_at.eq(closes_at),
            challenges::version.eq(challenges::version + 1),
            challenges::updated_at.eq(now),
        ))
        .returning(Challenge::as_returning())
        .get_result(conn)
        .await?;
    let change = json!({"from": current.bid_closes_at, "to": closes_at});
    record_event(
        conn,
        &updated,
        Some(user.id),
        "extend_deadline",
        Some(current.status),
        None,
        change.clone(),
    )
    .await?;
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(user.id),
            action: "challenge.extend_deadline",
            object_type: "challenge",
            object_id: Some(current.id.to_string()),
            summary: change,
        },
    )
    .await?;
    super::deadline::schedule(conn, &updated).await?;
    Ok(updated)
}

/// The transitions' shared body: lock the challenge the caller may see, check `If-Match` if
/// given, check the rules the target state needs, apply.
async fn transition(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    id: Uuid,
    action: Action,
    body: Option<TransitionRequest>,
) -> AppResult<HttpResponse> {
    let viewer = Viewer::of(Some(&user));
    let reason = body.and_then(|b| b.reason);
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let current = queries::lock_visible(conn, viewer, id).await?;
            if_match.check(current.version, false)?;
            let actor = Actor::User(&user);
            // Refuse by role and state before looking at the content.
            lifecycle::check(action, current.status, actor.party(&current))?;
            if matches!(action, Action::Submit | Action::Approve) {
                Draft {
                    kpis: &current.kpi_list(),
                    bid_opens_at: current.bid_opens_at,
                    bid_closes_at: current.bid_closes_at,
                    rubric: &current.rubric_list(),
                    org_kinds: &current.eligible_kinds(),
                }
                .rules(Some(now))?;
            }
            lifecycle::apply(
                conn,
                &state,
                &meta,
                &actor,
                &current,
                action,
                reason.as_deref(),
            )
            .await
        })
        .await?;
    ListCache::clear_in(&state)?;
    let view = view_of(&mut conn, updated, viewer).await?;
    Ok(challenge_response(HttpResponse::Ok(), view))
}

/// Submit a draft or a rejected challenge for approval (its issuer). The deadline must still lie ahead.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the `ETag` this action is based on; a stale one gets 412"),
    ),
    request_body(content = Option<TransitionRequest>, description = "Optional; a note"),
    responses(
        (status = 200, description = "Now `pending_approval`", body = ChallengeView),
        (status = 403, description = "Not this challenge's issuer (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the current state (`invalid_transition`, naming it)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` given and stale (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The deadline has passed (`bid_closes_at`), or other content rules fail", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/submit")]
pub async fn submit_challenge(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    id: Path<Uuid>,
    body: OptionalJson<TransitionRequest>,
) -> AppResult<HttpResponse> {
    transition(
        state,
        user,
        meta,
        if_match,
        id.into_inner(),
        Action::Submit,
        body.0,
    )
    .await
}

/// Approve and publish (admin). The issuer is told; bidding closes by itself at the deadline.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the `ETag` this action is based on; a stale one gets 412"),
    ),
    request_body(content = Option<TransitionRequest>, description = "Optional; a note to the issuer"),
    responses(
        (status = 200, description = "Now `published`", body = ChallengeView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `pending_approval` (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` given and stale (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The deadline has passed meanwhile: reject it so the issuer can fix it", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/approve")]
pub async fn approve_challenge(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    id: Path<Uuid>,
    body: OptionalJson<TransitionRequest>,
) -> AppResult<HttpResponse> {
    transition(
        state,
        user,
        meta,
        if_match,
        id.into_inner(),
        Action::Approve,
        body.0,
    )
    .await
}

/// Send back to the issuer with a reason (admin). The issuer may edit and resubmit.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the `ETag` this action is based on; a stale one gets 412"),
    ),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Now `rejected`", body = ChallengeView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `pending_approval` (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` given and stale (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/reject")]
pub async fn reject_challenge(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    id: Path<Uuid>,
    body: OptionalJson<TransitionRequest>,
) -> AppResult<HttpResponse> {
    transition(
        state,
        user,
        meta,
        if_match,
        id.into_inner(),
        Action::Reject,
        body.0,
    )
    .await
}

/// Cancel (撤榜) with a reason: the issuer until bidding closes, an admin until the review ends.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = Option<String>, Header, description = "Optional: the `ETag` this action is based on; a stale one gets 412"),
    ),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Now `cancelled`", body = ChallengeView),
        (status = 403, description = "Not this challenge's issuer or an admin (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the current state (`invalid_transition`, naming it)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` given and stale (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/cancel")]
pub async fn cancel_challenge(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    if_match: IfMatch,
    id: Path<Uuid>,
    body: OptionalJson<TransitionRequest>,
) -> AppResult<HttpResponse> {
    transition(
        state,
        user,
        meta,
        if_match,
        id.into_inner(),
        Action::Cancel,
        body.0,
    )
    .await
}

/// A challenge's history: every transition, extension and clarification (its issuer and admins).
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Events, oldest first", body = Vec<EventView>),
        (status = 403, description = "Only the issuer and admins see the history (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/events")]
pub async fn list_events(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<Vec<EventView>>> {
    let viewer = Viewer::of(Some(&user));
    let mut conn = state.conn().await?;
    let challenge = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    if !viewer.manages(&challenge) {
        return Err(AppError::Forbidden);
    }
    let events = queries::events(&mut conn, challenge.id).await?;
    Ok(Json(events.into_iter().map(EventView::from).collect()))
}

/// The clarifications (答疑) of a challenge, oldest first; public like the challenge.
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Clarifications, oldest first", body = Vec<ClarificationView>),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}/clarifications")]
pub async fn list_clarifications(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<Json<Vec<ClarificationView>>> {
    let viewer = Viewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    let challenge = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let items = queries::clarifications(&mut conn, challenge.id).await?;
    Ok(Json(
        items.into_iter().map(ClarificationView::from).collect(),
    ))
}

/// Add a clarification to a published challenge (its issuer or an admin); everyone who bid is told.
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = ClarificationRequest,
    responses(
        (status = 201, description = "Clarification added", body = ClarificationView),
        (status = 403, description = "Not this challenge's issuer or an admin (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Only while published (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/clarifications")]
pub async fn add_clarification(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ClarificationRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Issuer, Role::Admin])?;
    let req = body.into_inner();
    let viewer = Viewer::of(Some(&user));
    let now = state.clock.now();
    let added = state
        .transaction(async |conn| {
            let challenge = queries::lock_visible(conn, viewer, id.into_inner()).await?;
            if !viewer.manages(&challenge) {
                return Err(AppError::Forbidden);
            }
            if challenge.status != Status::Published {
                return Err(lifecycle::refused(challenge.status));
            }
            let clarification_id = Uuid::now_v7();
            let added = diesel::insert_into(challenge_clarifications::table)
                .values((
                    challenge_clarifications::id.eq(clarification_id),
                    challenge_clarifications::challenge_id.eq(challenge.id),
                    challenge_clarifications::author_id.eq(user.id),
                    challenge_clarifications::question.eq(req.question.as_deref().map(str::trim)),
                    challenge_clarifications::answer.eq(req.answer.trim()),
                    challenge_clarifications::created_at.eq(now),
                ))
                .returning(super::models::Clarification::as_returning())
                .get_result(conn)
                .await?;
            let data = json!({"clarification_id": clarification_id});
            diesel::insert_into(challenge_events::table)
                .values((
                    challenge_events::challenge_id.eq(challenge.id),
                    challenge_events::actor_id.eq(user.id),
                    challenge_events::action.eq("clarify"),
                    challenge_events::from_status.eq(challenge.status.as_str()),
                    challenge_events::to_status.eq(challenge.status.as_str()),
                    challenge_events::data.eq(&data),
                    challenge_events::at.eq(now),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "challenge.clarify",
                    object_type: "challenge",
                    object_id: Some(challenge.id.to_string()),
                    summary: data,
                },
            )
            .await?;
            // Everyone with a live bid is told.
            super::stages::bidding(&state)?
                .clarified(conn, &state, &challenge, &added)
                .await?;
            Ok(added)
        })
        .await?;
    Ok(HttpResponse::Created().json(ClarificationView::from(added)))
}
