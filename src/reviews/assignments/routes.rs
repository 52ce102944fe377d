//! The expert's side of a review seat, under `/assignments`.

use std::collections::HashMap;

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post, put};
use serde_json::json;
use uuid::Uuid;

use super::input::{DeclineRequest, ScoreRequest};
use super::queries::{self, NewScore};
use super::rules::{all_scored, check_scores};
use super::views::{DeclineView, ReviewBidView, ReviewBidsView, ScoreView};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AuthUser, ExpertsOnly, Role};
use crate::bids::queries as bid_queries;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::commitments::input::SigningRequest;
use crate::error::{AppResult, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{OptionalJson, Page, ValidJson};
use crate::reviews::models::{AssignmentStatus, Fee, Score};
use crate::reviews::responses::NotYourAssignment;
use crate::reviews::seats::{self, Panel, changes, handlers, rules};
use crate::reviews::views::AssignmentView;
use crate::state::AppState;

const PANEL: Panel = Panel::Review;

/// The caller's assignments (experts), newest first.
#[utoipa::path(
    tag = "review",
    params(PageParams),
    responses(
        (status = 200, description = "One page of the caller's assignments", body = Page<AssignmentView>),
        ExpertsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/assignments")]
pub async fn list_assignments(
    state: Data<AppState>,
    user: AuthUser,
    page: PageRequest,
) -> AppResult<Json<Page<AssignmentView>>> {
    Ok(Json(handlers::list(&state, &user, PANEL, page).await?))
}

/// Accept an invitation (the invited expert), signing the review's commitment
/// (保密及回避承诺书, `GET /commitments/expert_review`): the body names the version read and
/// its hash; the signature is stored with the time and the client's address.
#[utoipa::path(
    operation_id = "accept_assignment",
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    request_body = SigningRequest,
    responses(
        (status = 200, description = "Accepted", body = AssignmentView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Not `invited` (`invalid_assignment_state`), the review is closed (`review_closed`), or the commitment named is not the current version (`commitment_outdated`: read it again)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No commitment signed (`commitment_required`), or a malformed one", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assignments/{id}/accept")]
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: OptionalJson<SigningRequest>,
) -> AppResult<Json<AssignmentView>> {
    Ok(Json(
        handlers::accept(&state, &user, &meta, PANEL, *id, body.0).await?,
    ))
}

/// Decline an invitation or an accepted assignment not yet submitted, with a reason. The next
/// eligible expert of the stored order is invited.
#[utoipa::path(
    operation_id = "decline_assignment",
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    request_body = DeclineRequest,
    responses(
        (status = 200, description = "Declined; `replacement` is the expert invited instead", body = DeclineView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Already declined or submitted (`invalid_assignment_state`), or the review is closed (`review_closed`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assignments/{id}/decline")]
#[tracing::instrument(skip_all)]
pub async fn decline(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<DeclineRequest>,
) -> AppResult<Json<DeclineView>> {
    let (assignment, replacement) =
        handlers::decline(&state, &user, &meta, PANEL, *id, &body.into_inner().reason).await?;
    Ok(Json(DeclineView {
        assignment,
        replacement,
    }))
}

/// The eligible bids of the assignment's panel, with the rubric and the caller's own scores. In
/// a blind review no organisation or person name appears: bids go by their code ("方案 A").
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "The bids to score", body = ReviewBidsView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Not accepted yet, or declined (`invalid_assignment_state`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignments/{id}/bids")]
pub async fn panel_bids(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<ReviewBidsView>> {
    user.require(&[Role::Expert])?;
    let mut conn = state.conn().await?;
    let a = seats::queries::find_own(&mut conn, PANEL, user.id, *id).await?;
    rules::may_read(&a)?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, a.challenge_id).await?;
    let blind = challenge.blind_review;
    let rows = queries::eligible_bids(&mut conn, challenge.id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
    let members = bid_queries::members(&mut conn, &ids).await?;
    let names: HashMap<Uuid, String> = if blind {
        HashMap::new()
    } else {
        let org_ids: Vec<Uuid> = rows.iter().map(|b| b.organization_id).collect();
        bid_queries::organization_names(&mut conn, &org_ids)
            .await?
            .into_iter()
            .collect()
    };
    let mine: HashMap<Uuid, Score> = queries::scores_of(&mut conn, a.id)
        .await?
        .into_iter()
        .map(|s| (s.bid_id, s))
        .collect();
    let items = rows
        .into_iter()
        .map(|bid| {
            let score = mine.get(&bid.id);
            ReviewBidView::of(bid, &members, &names, score, blind)
        })
        .collect();
    Ok(Json(ReviewBidsView {
        assignment_id: a.id,
        challenge_id: challenge.id,
        blind_review: blind,
        rubric: challenge.rubric_list(),
        items,
    }))
}

/// Score one bid of the panel (the expert of an accepted assignment): every rubric criterion
/// within its range and a comment. Revisable until the assignment is submitted.
#[utoipa::path(
    tag = "review",
    params(
        ("id" = Uuid, Path, description = "Assignment id"),
        ("bid_id" = Uuid, Path, description = "Bid id"),
    ),
    request_body = ScoreRequest,
    responses(
        (status = 200, description = "Saved", body = ScoreView),
        ExpertsOnly,
        (status = 404, description = "No such assignment of the caller, or the bid is not an eligible bid of its panel", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not accepted, or already submitted (`invalid_assignment_state`); review closed (`review_closed`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A criterion out of its range (`range`), unknown or repeated, or missing (`missing_criterion`); no comment", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/assignments/{id}/scores/{bid_id}")]
#[tracing::instrument(skip_all)]
pub async fn put_score(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    path: Path<(Uuid, Uuid)>,
    body: ValidJson<ScoreRequest>,
) -> AppResult<Json<ScoreView>> {
    user.require(&[Role::Expert])?;
    let (id, bid_id) = path.into_inner();
    let req = body.into_inner();
    let score = state
        .transaction(async |conn| {
            let read = seats::queries::find_own(conn, PANEL, user.id, id).await?;
            let bid = queries::eligible_bid(conn, read.challenge_id, bid_id).await?;
            let accepted = [AssignmentStatus::Accepted];
            let (challenge, _, a) =
                changes::own_open_seat(conn, PANEL, user.id, id, false, &accepted, "accepted")
                    .await?;
            let (criteria, total) = check_scores(&challenge.rubric_list(), &req.criteria)?;
            let before = queries::find_score(conn, a.id, bid.id).await?;
            let now = state.clock.now();
            let criteria = serde_json::to_value(&criteria).map_err(anyhow::Error::from)?;
            let sheet = NewScore {
                assignment_id: a.id,
                bid_id: bid.id,
                criteria: &criteria,
                total,
                comment: req.comment.trim(),
                created_at: now,
                updated_at: now,
            };
            let saved = queries::save_score(conn, &sheet).await?;
            Event::new("review.score", PANEL.seat_object(), a.id)
                .by(user.id)
                .summary(json!({
                    "challenge_id": a.challenge_id,
                    "bid_id": bid.id,
                    "code": bid.anonymous_code,
                    "before": before.map(|b| json!({"criteria": b.criteria, "total": b.total})),
                    "after": {"criteria": criteria, "total": total},
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(saved)
        })
        .await?;
    Ok(Json(ScoreView::from(score)))
}

/// Submit the scores as final (the expert of an accepted assignment): every eligible bid of the
/// panel must be scored. The fee of the schedule is entered in the ledger.
#[utoipa::path(
    operation_id = "submit_assignment",
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "Submitted", body = AssignmentView),
        ExpertsOnly,
        NotYourAssignment,
        (status = 409, description = "Bids not scored yet (`scores_incomplete`, with their number), not accepted or already submitted (`invalid_assignment_state`), review closed (`review_closed`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assignments/{id}/submit")]
#[tracing::instrument(skip_all)]
pub async fn submit(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<AssignmentView>> {
    user.require(&[Role::Expert])?;
    let submitted = state
        .transaction(async |conn| {
            let accepted = [AssignmentStatus::Accepted];
            let (_, _, a) =
                changes::own_open_seat(conn, PANEL, user.id, *id, true, &accepted, "accepted")
                    .await?;
            let eligible = queries::eligible_bids(conn, a.challenge_id).await?;
            let ids: Vec<Uuid> = eligible.iter().map(|b| b.id).collect();
            let scored = queries::scored(conn, a.id, &ids).await?;
            all_scored(ids.len() as i64 - scored)?;
            let schedule = &state.settings.review;
            let amount = schedule.fee_per_review_fen + schedule.fee_per_bid_fen * ids.len() as i64;
            let summary =
                json!({"challenge_id": a.challenge_id, "bids": ids.len(), "fee_fen": amount});
            let a = changes::submit(conn, &state, &meta, PANEL, &a, summary).await?;
            let fee = Fee {
                id: Uuid::now_v7(),
                assignment_id: a.id,
                expert_id: a.expert_id,
                challenge_id: a.challenge_id,
                bids_reviewed: ids.len() as i32,
                amount_fen: amount,
                created_at: a.submitted_at.unwrap_or_else(|| state.clock.now()),
            };
            queries::insert_fee(conn, &fee).await?;
            Ok(a)
        })
        .await?;
    let mut conn = state.conn().await?;
    Ok(Json(
        seats::views::seat_view(&mut conn, PANEL, submitted, false).await?,
    ))
}
