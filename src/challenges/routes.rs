//! `/challenges`: create, read, list and search, edit with `If-Match`, the transitions, history and
//! clarifications.

use actix_web::web::{Bytes, Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::cache::ListCache;
use super::input::{ClarificationRequest, CreateChallenge, TransitionRequest, UpdateChallenge};
use super::lifecycle::{self, Action, Actor};
use super::models::{Challenge, ChallengeChanges, NewClarification, NewEvent};
use super::queries::{self, ChallengeFilter, Viewer};
use super::responses::{ChallengeNotFound, ManagersOnly, ReasonRequired};
use super::rules::{self, Edit};
use super::search::{ChallengeIndex, Window};
use super::views::{
    ChallengePage, ChallengeSummary, ChallengeView, ClarificationView, EventView, Highlight,
};
use super::{jobs, stages};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, MaybeUser, Role};
use crate::db;
use crate::error::{AppError, AppResult, FieldCode, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{
    Created, IfMatch, OptionalJson, Stale, Tagged, ValidJson, ValidQuery, Versioned,
};
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

/// The challenge as `viewer` sees it, with its issuer's name.
pub(crate) async fn view_of(
    conn: &mut AsyncPgConnection,
    challenge: Challenge,
    viewer: Viewer,
) -> AppResult<ChallengeView> {
    let issuer = queries::organization_name(conn, challenge.issuer_org_id).await?;
    Ok(ChallengeView::new(challenge, issuer, viewer))
}

/// The challenge as `viewer` sees it, with its version as `ETag`.
async fn tagged(
    conn: &mut AsyncPgConnection,
    challenge: Challenge,
    viewer: Viewer,
) -> AppResult<Tagged<ChallengeView>> {
    let version = challenge.version;
    Ok(Tagged::ok(version, view_of(conn, challenge, viewer).await?))
}

/// List and search challenges. Anyone sees published ones (and what became of them); issuers also
/// their own organisation's drafts; admins all. Answered from the text index (docs/search.md):
/// `total` may lag a commit by a second or two, while the items are read from the database as
/// they are now (a challenge hidden meanwhile is left out).
#[utoipa::path(
    tag = "challenges",
    params(ChallengeFilter, PageParams),
    responses(
        (status = 200, description = "One page of challenges", body = ChallengePage),
        BadListQuery,
        (status = 503, description = "`cursor` while the text index is still being built after a start (`Retry-After`)", body = ProblemBody, content_type = "application/problem+json"),
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
    let index = state
        .extensions
        .get::<ChallengeIndex>()
        .filter(|index| index.is_ready());
    let compute = async {
        let sort = filter.sort_or_default(q.as_ref());
        let (ids, total, next_cursor) = match index {
            Some(index) => {
                let window = match &filter.cursor {
                    Some(cursor) => Window::After {
                        cursor: cursor.clone(),
                        limit: page.per_page,
                    },
                    None => Window::Offset {
                        offset: page.offset(),
                        limit: page.per_page,
                    },
                };
                let hits = index
                    .search(viewer, &filter, q.as_ref(), sort, window)
                    .await?;
                (Some(hits.ids), hits.total, hits.next_cursor)
            }
            // Until the index has caught up after a start, PostgreSQL answers (without cursors).
            None if filter.cursor.is_some() => {
                return Err(AppError::Unavailable(
                    "the search index is still being built".into(),
                ));
            }
            None => (None, 0, None),
        };
        let mut conn = state.conn().await?;
        let (rows, total) = match ids {
            Some(ids) => (
                queries::rows_in_order(&mut conn, viewer, &ids).await?,
                total,
            ),
            None => {
                let totals = public.then_some(cache);
                queries::list(&mut conn, viewer, &filter, q.as_ref(), page, totals).await?
            }
        };
        let mut items: Vec<ChallengeSummary> =
            rows.into_iter().map(ChallengeSummary::from).collect();
        if let Some(q) = &q {
            let ids: Vec<Uuid> = items.iter().map(|item| item.id).collect();
            let descriptions = queries::descriptions(&mut conn, &ids).await?;
            let words: Vec<&str> = q.text.split(' ').collect();
            for item in &mut items {
                let description = descriptions.get(&item.id).map_or("", String::as_str);
                item.highlight = Some(Highlight::new(&item.title, description, &words));
            }
        }
        let body = ChallengePage {
            items,
            total,
            page: filter.cursor.is_none().then_some(page.page),
            per_page: page.per_page,
            next_cursor,
        };
        Ok(Bytes::from(
            serde_json::to_vec(&body).map_err(anyhow::Error::from)?,
        ))
    };
    // Public searches may be kept for a moment (`challenges.public_list_cache_ms`); the body is
    // JSON already, possibly from the cache.
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
) -> AppResult<Created<ChallengeView>> {
    user.require(&[Role::Issuer])?;
    let org = user.organization_id.ok_or(AppError::Forbidden)?;
    let req = body.into_inner();
    let now = state.clock.now();
    req.draft().rules(Some(now))?;
    let mut conn = state.conn().await?;
    let created = db::transaction(&mut conn, async |conn| {
        let created = queries::insert(conn, &req.row(Uuid::now_v7(), org, user.id, now)).await?;
        queries::add_event(
            conn,
            &NewEvent::new(&created, "create", None, Some(user.id), now),
        )
        .await?;
        Event::new("challenge.create", "challenge", created.id)
            .by(user.id)
            .summary(json!({"title": created.title, "bounty_fen": created.bounty_fen}))
            .record(conn, &state, &meta)
            .await?;
        Ok(created)
    })
    .await?;
    let (id, version) = (created.id, created.version);
    let view = view_of(&mut conn, created, Viewer::of(Some(&user))).await?;
    Ok(Created::at(format!("/api/v1/challenges/{id}"), view).versioned(version))
}

/// One challenge. Drafts, pending and rejected ones are found only by their issuer and admins.
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The challenge; `ETag` carries its version", body = ChallengeView,
            headers(("ETag" = String, description = "`\"v<version>\"`, for `If-Match`"))),
        ChallengeNotFound,
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}")]
pub async fn get_challenge(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<Tagged<ChallengeView>> {
    let viewer = Viewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    let (challenge, issuer) =
        queries::find_visible_with_issuer(&mut conn, viewer, id.into_inner()).await?;
    let version = challenge.version;
    Ok(Tagged::ok(
        version,
        ChallengeView::new(challenge, issuer, viewer),
    ))
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
        ManagersOnly,
        ChallengeNotFound,
        (status = 409, description = "These fields cannot be changed in the current state (`not_editable`)", body = ProblemBody, content_type = "application/problem+json"),
        Versioned,
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
) -> AppResult<Tagged<ChallengeView>> {
    user.require(&[Role::Issuer, Role::Admin])?;
    let patch = body.into_inner();
    let fields = patch.fields();
    if fields.is_empty() {
        return Err(AppError::validation("body", FieldCode::Empty));
    }
    let viewer = Viewer::of(Some(&user));
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let updated = db::transaction(&mut conn, async |conn| {
        let current = queries::lock_visible(conn, viewer, id.into_inner()).await?;
        rules::may_manage(viewer, &current)?;
        if_match.check(current.version, true)?;
        match rules::edit(&current, patch, now)? {
            Edit::Content(changes) => {
                let updated = queries::update(conn, current.id, &changes, now).await?;
                Event::new("challenge.update", "challenge", current.id)
                    .by(user.id)
                    .summary(json!({"fields": fields, "version": updated.version}))
                    .record(conn, &state, &meta)
                    .await?;
                Ok(updated)
            }
            Edit::Extension(closes_at) => {
                let changes = ChallengeChanges {
                    bid_closes_at: Some(closes_at),
                    ..Default::default()
                };
                let updated = queries::update(conn, current.id, &changes, now).await?;
                let change = json!({"from": current.bid_closes_at, "to": closes_at});
                let event = NewEvent::new(
                    &updated,
                    "extend_deadline",
                    Some(current.status),
                    Some(user.id),
                    now,
                );
                queries::add_event(conn, &event.data(change.clone())).await?;
                Event::new("challenge.extend_deadline", "challenge", current.id)
                    .by(user.id)
                    .summary(change)
                    .record(conn, &state, &meta)
                    .await?;
                jobs::schedule(conn, &updated).await?;
                Ok(updated)
            }
        }
    })
    .await?;
    ListCache::clear_in(&state)?;
    tagged(&mut conn, updated, viewer).await
}

/// What each transition endpoint takes: the caller, the challenge, an optional `If-Match` and an
/// optional reason.
type TransitionCall = (
    Data<AppState>,
    AuthUser,
    RequestMeta,
    IfMatch,
    Path<Uuid>,
    OptionalJson<TransitionRequest>,
);

/// The transitions' shared body: lock the challenge the caller may see, refuse by role, check
/// `If-Match` if given, refuse by state, check the content the target state needs, apply.
async fn transition(call: TransitionCall, action: Action) -> AppResult<Tagged<ChallengeView>> {
    let (state, user, meta, if_match, id, body) = call;
    let viewer = Viewer::of(Some(&user));
    let reason = body.0.and_then(|b| b.reason);
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let updated = db::transaction(&mut conn, async |conn| {
        let current = queries::lock_visible(conn, viewer, id.into_inner()).await?;
        let actor = Actor::User(&user);
        // Refuse by role (403), then a stale version (412), then by state (409), before looking
        // at the content.
        let rule = lifecycle::permitted(action, actor.party(&current))?;
        if_match.check(current.version, false)?;
        rule.allows(current.status)?;
        rules::content_ready(action, &current, now)?;
        let reason = reason.as_deref();
        lifecycle::apply(conn, &state, &meta, &actor, &current, action, reason).await
    })
    .await?;
    ListCache::clear_in(&state)?;
    tagged(&mut conn, updated, viewer).await
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
        ChallengeNotFound,
        (status = 409, description = "Not allowed in the current state (`invalid_transition`, naming it)", body = ProblemBody, content_type = "application/problem+json"),
        Stale,
        (status = 422, description = "The deadline has passed (`bid_closes_at`), or other content rules fail", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/submit")]
pub async fn submit_challenge(call: TransitionCall) -> AppResult<Tagged<ChallengeView>> {
    transition(call, Action::Submit).await
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
        AdminsOnly,
        ChallengeNotFound,
        (status = 409, description = "Not `pending_approval` (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
        Stale,
        (status = 422, description = "The deadline has passed meanwhile: reject it so the issuer can fix it", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/approve")]
pub async fn approve_challenge(call: TransitionCall) -> AppResult<Tagged<ChallengeView>> {
    transition(call, Action::Approve).await
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
        AdminsOnly,
        ChallengeNotFound,
        (status = 409, description = "Not `pending_approval` (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
        Stale,
        ReasonRequired,
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/reject")]
pub async fn reject_challenge(call: TransitionCall) -> AppResult<Tagged<ChallengeView>> {
    transition(call, Action::Reject).await
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
        ManagersOnly,
        ChallengeNotFound,
        (status = 409, description = "Not allowed in the current state (`invalid_transition`, naming it)", body = ProblemBody, content_type = "application/problem+json"),
        Stale,
        ReasonRequired,
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/cancel")]
pub async fn cancel_challenge(call: TransitionCall) -> AppResult<Tagged<ChallengeView>> {
    transition(call, Action::Cancel).await
}

/// A challenge's history: every transition, extension and clarification (its issuer and admins).
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Events, oldest first", body = Vec<EventView>),
        (status = 403, description = "Only the issuer and admins see the history (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        ChallengeNotFound,
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
    rules::may_manage(viewer, &challenge)?;
    let events = queries::events(&mut conn, challenge.id).await?;
    Ok(Json(events.into_iter().map(EventView::from).collect()))
}

/// The clarifications (答疑) of a challenge, oldest first; public like the challenge.
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Clarifications, oldest first", body = Vec<ClarificationView>),
        ChallengeNotFound,
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
        ManagersOnly,
        ChallengeNotFound,
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
) -> AppResult<Created<ClarificationView>> {
    user.require(&[Role::Issuer, Role::Admin])?;
    let req = body.into_inner();
    let viewer = Viewer::of(Some(&user));
    let now = state.clock.now();
    let added = state
        .transaction(async |conn| {
            let challenge = queries::lock_visible(conn, viewer, id.into_inner()).await?;
            rules::may_clarify(viewer, &challenge)?;
            let new = NewClarification {
                id: Uuid::now_v7(),
                challenge_id: challenge.id,
                author_id: user.id,
                question: req.question.as_deref().map(str::trim),
                answer: req.answer.trim(),
                created_at: now,
            };
            let added = queries::add_clarification(conn, &new).await?;
            let data = json!({"clarification_id": added.id});
            let event = NewEvent::new(
                &challenge,
                "clarify",
                Some(challenge.status),
                Some(user.id),
                now,
            );
            queries::add_event(conn, &event.data(data.clone())).await?;
            Event::new("challenge.clarify", "challenge", challenge.id)
                .by(user.id)
                .summary(data)
                .record(conn, &state, &meta)
                .await?;
            // Everyone with a live bid is told.
            stages::bidding(&state)?
                .clarified(conn, &state, &challenge, &added)
                .await?;
            Ok(added)
        })
        .await?;
    let location = format!("/api/v1/challenges/{}/clarifications", added.challenge_id);
    Ok(Created::at(location, ClarificationView::from(added)))
}
