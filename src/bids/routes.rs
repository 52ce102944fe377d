//! `/challenges/{id}/bids`, `/bids/{id}`: make, read, edit, submit and withdraw bids; the formal
//! review; and starting the expert review once every bid has been reviewed.
//!
//! A submission runs the credit gate ([`super::rules::Submission::gate`]), committed before the
//! bid is saved; the bid is then saved in a second transaction that locks the challenge row and
//! checks the deadline again, so a submission cannot slip past the closing job.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, patch, post};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::input::{CreateBid, FormalReviewRequest, Plan, UpdateBid};
use super::lifecycle::{self, BidAction, Change};
use super::models::{Bid, BidChanges, BidStatus};
use super::notify;
use super::queries::{self, BidViewer};
use super::rules::{self, Submission};
use super::views::BidView;
use crate::audit::RequestMeta;
use crate::auth::{AdminsOnly, AuthUser, MaybeUser, Role, SolversOnly};
use crate::challenges::cache::ListCache;
use crate::challenges::input::TransitionRequest;
use crate::challenges::lifecycle::{self as challenge_lifecycle, Action, Actor};
use crate::challenges::models::Challenge;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::challenges::responses::ChallengeNotFound;
use crate::challenges::views::ChallengeView;
use crate::db;
use crate::error::{AppResult, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{Created, IfMatch, NotFound, OptionalJson, Page, ValidJson};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_bids)
        .service(create_bid)
        .service(get_bid)
        .service(update_bid)
        .service(submit_bid)
        .service(withdraw_bid)
        .service(formal_review)
        .service(start_review);
}

/// The bid as `viewer` sees it, with its team and its organisation's name.
async fn view_of(conn: &mut AsyncPgConnection, bid: Bid, viewer: BidViewer) -> AppResult<BidView> {
    let members = queries::members(conn, &[bid.id]).await?;
    let name = queries::organization_names(conn, &[bid.organization_id])
        .await?
        .into_iter()
        .next()
        .map(|(_, name)| name)
        .unwrap_or_default();
    Ok(BidView::new(bid, name, &members, viewer))
}

/// The bids on a challenge that the caller may see, in the order they were made. 404 when the
/// caller may not see the challenge; otherwise a page, empty when none of its bids is visible to
/// the caller (an issuer before the deadline, other solvers, experts, anonymous callers).
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Challenge id"), PageParams),
    responses(
        (status = 200, description = "One page of the bids the caller may see", body = Page<BidView>),
        ChallengeNotFound,
        BadListQuery,
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}/bids")]
pub async fn list_bids(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
    page: PageRequest,
) -> AppResult<Json<Page<BidView>>> {
    let mut conn = state.conn().await?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::of(user.0.as_ref()), id.into_inner())
            .await?;
    let viewer = BidViewer::of(user.0.as_ref());
    let (rows, total) = queries::list_for_challenge(&mut conn, viewer, challenge.id, page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
    let org_ids: Vec<Uuid> = rows.iter().map(|b| b.organization_id).collect();
    let members = queries::members(&mut conn, &ids).await?;
    let names = queries::organization_names(&mut conn, &org_ids).await?;
    let items: Vec<BidView> = rows
        .into_iter()
        .map(|bid| {
            let name = names
                .iter()
                .find(|(id, _)| *id == bid.organization_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            BidView::new(bid, name, &members, viewer)
        })
        .collect();
    Ok(Json(Page::new(items, total, page)))
}

/// Bid on a published challenge within its window (solvers). `submit: false` saves a draft;
/// `submit: true` submits at once: the rules, the organisation's kind and the credit checks run.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = CreateBid,
    responses(
        (status = 201, description = "Saved as a draft or submitted", body = BidView),
        SolversOnly,
        (status = 404, description = "No such published challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Deadline passed or not published (`bidding_closed`), not open yet (`bidding_not_open`), or the organisation already has a live bid (`bid_exists`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (e.g. an ID number's check character), rules not met (amount, duration, shares, KPIs, leader), the organisation's kind not eligible (`organization`), or `credit_refused`: a party barred by its credit standing (one `credit_blocked` error naming each such party)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/bids")]
#[tracing::instrument(skip_all)]
pub async fn create_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<CreateBid>,
) -> AppResult<Created<BidView>> {
    let org_id = rules::solver_org(&user)?;
    let req = body.into_inner();
    let plan = Plan::from_create(&state.privacy, &req)?;
    plan.draft_rules()?;
    let mut conn = state.conn().await?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Public, id.into_inner()).await?;
    lifecycle::check(BidAction::Create, None, &challenge, state.clock.now())?;
    rules::no_live_bid(queries::has_live_bid(&mut conn, challenge.id, org_id).await?)?;
    let bid_id = Uuid::now_v7();
    let gated = match req.submit {
        true => Some(
            submission(&user, &challenge, org_id, &plan, bid_id)
                .gate(&mut conn, &state, &meta)
                .await?,
        ),
        false => None,
    };
    let bid = db::transaction(&mut conn, async |conn| {
        let challenge = queries::lock_challenge(conn, challenge.id, true).await?;
        let now = state.clock.now();
        lifecycle::check(BidAction::Create, None, &challenge, now)?;
        let draft = plan.row(bid_id, challenge.id, org_id, user.id, now)?;
        let new = match &gated {
            Some(gate) => gate.submitted_bid(draft, now),
            None => draft,
        };
        let bid = queries::insert(conn, &new).await?;
        queries::replace_members(conn, bid.id, &plan.members(bid.id)).await?;
        let details = json!({"team_size": plan.team.len()});
        lifecycle::record(
            conn,
            &state,
            &meta,
            user.id,
            BidAction::Create,
            &bid,
            details,
        )
        .await?;
        if gated.is_some() {
            notify::received(conn, &state, &challenge, &bid, user.id).await?;
        }
        Ok(bid)
    })
    .await?;
    let location = format!("/api/v1/bids/{}", bid.id);
    let view = view_of(&mut conn, bid, BidViewer::Solver(org_id)).await?;
    Ok(Created::at(location, view))
}

/// A bid the caller may see: its own organisation's solvers, admins, and the challenge's issuer
/// once bidding has closed (submitted bids only). Anyone else: 404.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    responses(
        (status = 200, description = "The bid", body = BidView),
        NotFound,
    ),
    security((), ("bearer" = []))
)]
#[get("/bids/{id}")]
pub async fn get_bid(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<Json<BidView>> {
    let viewer = BidViewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    let bid = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    Ok(Json(view_of(&mut conn, bid, viewer).await?))
}

/// A submission of `plan` as bid `bid_id` of `org_id` on `challenge`, by `user`.
fn submission<'a>(
    user: &'a AuthUser,
    challenge: &'a Challenge,
    org_id: Uuid,
    plan: &'a Plan,
    bid_id: Uuid,
) -> Submission<'a> {
    Submission {
        user,
        challenge,
        org_id,
        plan,
        bid_id,
    }
}

/// Loads the caller's own bid and its challenge, checks `If-Match` (when the action takes one)
/// and then `action` (early, to refuse before any credit check), and answers them with the
/// stored plan.
async fn own_bid(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    org_id: Uuid,
    id: Uuid,
    action: BidAction,
    if_match: Option<&IfMatch>,
) -> AppResult<(Bid, Challenge, Plan)> {
    let bid = queries::find_visible(conn, BidViewer::Solver(org_id), id).await?;
    if let Some(if_match) = if_match {
        if_match.check(bid.version, false)?;
    }
    let challenge = challenge_queries::find_visible(conn, Viewer::Admin, bid.challenge_id).await?;
    lifecycle::check(action, Some(bid.status), &challenge, state.clock.now())?;
    let members = queries::members(conn, &[bid.id]).await?;
    let plan = Plan::stored(&bid, &members);
    Ok((bid, challenge, plan))
}

/// A solver's own change to a bid it read as `read`, which must be unchanged meanwhile.
fn own_change<'a>(action: BidAction, read: &'a Bid, user: &AuthUser, org_id: Uuid) -> Change<'a> {
    let by = user.id;
    Change {
        action,
        read,
        viewer: BidViewer::Solver(org_id),
        by,
        as_read: true,
    }
}

/// Change a draft or a submitted bid before the deadline (its organisation's solvers). The fields
/// given replace the stored ones; a submitted bid is checked again (rules and credit). An
/// `If-Match: "v<version>"` header, when given, must name the current version.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    request_body = UpdateBid,
    responses(
        (status = 200, description = "Changed", body = BidView),
        SolversOnly,
        NotFound,
        (status = 409, description = "Deadline passed (`bidding_closed`) or withdrawn (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version, or the bid changed meanwhile (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a submitted bid no longer meets the rules, or the credit gate (`credit_refused`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/bids/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<UpdateBid>,
) -> AppResult<Json<BidView>> {
    let org_id = rules::solver_org(&user)?;
    let req = body.into_inner();
    let mut conn = state.conn().await?;
    let (read, challenge, plan) = own_bid(
        &mut conn,
        &state,
        org_id,
        id.into_inner(),
        BidAction::Edit,
        Some(&if_match),
    )
    .await?;
    let plan = plan.updated(&state.privacy, &req)?;
    plan.draft_rules()?;
    // A submitted bid is checked again.
    let gated = match read.status {
        BidStatus::Submitted => Some(
            submission(&user, &challenge, org_id, &plan, read.id)
                .gate(&mut conn, &state, &meta)
                .await?,
        ),
        _ => None,
    };
    let changes = match &gated {
        Some(gate) => gate.recorded(plan.changes()?),
        None => plan.changes()?,
    };
    let changed: Vec<&str> = [
        ("technical_approach", req.technical_approach.is_some()),
        ("kpi_commitments", req.kpi_commitments.is_some()),
        ("requested_fen", req.requested_fen.is_some()),
        ("duration_months", req.duration_months.is_some()),
        ("milestones", req.milestones.is_some()),
        ("team", req.team.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect();
    let details = json!({"changed": changed, "rechecked": gated.is_some()});
    let change = own_change(BidAction::Edit, &read, &user, org_id);
    let bid = db::transaction(&mut conn, async |conn| {
        let (bid, _) = change
            .apply(conn, &state, &meta, changes, |_| details)
            .await?;
        if req.team.is_some() {
            queries::replace_members(conn, bid.id, &plan.members(bid.id)).await?;
        }
        Ok(bid)
    })
    .await?;
    Ok(Json(
        view_of(&mut conn, bid, BidViewer::Solver(org_id)).await?,
    ))
}

/// Submit a draft before the deadline (its organisation's solvers): the rules, the organisation's
/// kind and the credit checks run.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    responses(
        (status = 200, description = "Submitted", body = BidView),
        SolversOnly,
        NotFound,
        (status = 409, description = "Deadline passed (`bidding_closed`) or not a draft (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Rules not met, organisation not eligible, or `credit_refused`: a party barred by its credit standing (one `credit_blocked` error per party)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/submit")]
#[tracing::instrument(skip_all)]
pub async fn submit_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<BidView>> {
    let org_id = rules::solver_org(&user)?;
    let mut conn = state.conn().await?;
    let (read, challenge, plan) = own_bid(
        &mut conn,
        &state,
        org_id,
        id.into_inner(),
        BidAction::Submit,
        None,
    )
    .await?;
    let gated = submission(&user, &challenge, org_id, &plan, read.id)
        .gate(&mut conn, &state, &meta)
        .await?;
    let change = own_change(BidAction::Submit, &read, &user, org_id);
    let bid = db::transaction(&mut conn, async |conn| {
        let changes = gated.submitted(state.clock.now());
        let from = |current: &Bid| json!({"from": current.status});
        let (bid, challenge) = change.apply(conn, &state, &meta, changes, from).await?;
        notify::received(conn, &state, &challenge, &bid, user.id).await?;
        Ok(bid)
    })
    .await?;
    Ok(Json(
        view_of(&mut conn, bid, BidViewer::Solver(org_id)).await?,
    ))
}

/// Withdraw a draft or a submitted bid before the deadline (its organisation's solvers). The
/// organisation may then bid again.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    responses(
        (status = 200, description = "Withdrawn", body = BidView),
        SolversOnly,
        NotFound,
        (status = 409, description = "Deadline passed (`bidding_closed`) or already withdrawn (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/withdraw")]
#[tracing::instrument(skip_all)]
pub async fn withdraw_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<BidView>> {
    let org_id = rules::solver_org(&user)?;
    let viewer = BidViewer::Solver(org_id);
    let mut conn = state.conn().await?;
    let read = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let change = own_change(BidAction::Withdraw, &read, &user, org_id);
    let bid = db::transaction(&mut conn, async |conn| {
        let changes = BidChanges {
            status: Some(BidStatus::Withdrawn),
            withdrawn_at: Some(state.clock.now()),
            ..BidChanges::default()
        };
        let from = |current: &Bid| json!({"from": current.status});
        let (bid, _) = change.apply(conn, &state, &meta, changes, from).await?;
        Ok(bid)
    })
    .await?;
    Ok(Json(view_of(&mut conn, bid, viewer).await?))
}

/// Formal review (形式审查, admins): once bidding has closed and until expert review starts, mark a
/// submitted bid eligible or ineligible (with a reason). The bid's `prefill` shows what the system
/// found at submission. The solver is told.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    request_body = FormalReviewRequest,
    responses(
        (status = 200, description = "Reviewed", body = BidView),
        AdminsOnly,
        NotFound,
        (status = 409, description = "Bidding not closed, or review started (`formal_review_closed`); a draft or withdrawn bid (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason given for `ineligible`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/formal-review")]
#[tracing::instrument(skip_all)]
pub async fn formal_review(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<FormalReviewRequest>,
) -> AppResult<Json<BidView>> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let result = req.result;
    let reason = rules::review_reason(result, req.reason.as_deref())?;
    let viewer = BidViewer::Admin;
    let mut conn = state.conn().await?;
    let read = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let change = Change {
        action: BidAction::FormalReview,
        read: &read,
        viewer,
        by: user.id,
        as_read: false,
    };
    let bid = db::transaction(&mut conn, async |conn| {
        let changes = BidChanges {
            status: Some(result.status()),
            review_result: Some(result),
            review_reason: Some(reason.clone()),
            reviewed_by: Some(user.id),
            reviewed_at: Some(state.clock.now()),
            ..BidChanges::default()
        };
        let details =
            |current: &Bid| json!({"from": current.status, "result": result, "reason": reason});
        let (bid, challenge) = change.apply(conn, &state, &meta, changes, details).await?;
        notify::reviewed(conn, &state, &challenge, &bid, result, reason.as_deref()).await?;
        Ok(bid)
    })
    .await?;
    Ok(Json(view_of(&mut conn, bid, viewer).await?))
}

/// Start the expert review (admins): the challenge goes from `bidding_closed` to `under_review`,
/// once every submitted bid has had its formal review.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body(content = Option<TransitionRequest>, description = "Optional; a note"),
    responses(
        (status = 200, description = "Now `under_review`", body = ChallengeView),
        AdminsOnly,
        ChallengeNotFound,
        (status = 409, description = "Not `bidding_closed` (`invalid_transition`), or bids still waiting for their formal review (`formal_review_incomplete`, with their number)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/review/start")]
#[tracing::instrument(skip_all)]
pub async fn start_review(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: OptionalJson<TransitionRequest>,
) -> AppResult<Json<ChallengeView>> {
    user.require(&[Role::Admin])?;
    let reason = body.0.and_then(|b| b.reason);
    let mut conn = state.conn().await?;
    let updated = db::transaction(&mut conn, async |conn| {
        let current = challenge_queries::lock_visible(conn, Viewer::Admin, id.into_inner()).await?;
        let actor = Actor::User(&user);
        challenge_lifecycle::check(Action::StartReview, current.status, actor.party(&current))?;
        rules::all_reviewed(queries::unreviewed(conn, current.id).await?)?;
        let reason = reason.as_deref();
        challenge_lifecycle::apply(
            conn,
            &state,
            &meta,
            &actor,
            &current,
            Action::StartReview,
            reason,
        )
        .await
    })
    .await?;
    ListCache::clear_in(&state)?;
    let issuer = challenge_queries::organization_name(&mut conn, updated.issuer_org_id).await?;
    Ok(Json(ChallengeView::new(updated, issuer, Viewer::Admin)))
}
