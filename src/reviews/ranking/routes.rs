//! `POST /challenges/{id}/review/close` (admins) and `GET /challenges/{id}/ranking`.

use std::collections::HashMap;

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::queries;
use super::rules::rank_bids;
use super::views::{RankedBid, RankingView};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::bids::queries as bid_queries;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, ProblemBody};
use crate::reviews::assignments::queries::eligible_bids;
use crate::reviews::seats::{self, Panel, changes, rules};
use crate::state::AppState;

const PANEL: Panel = Panel::Review;

/// Close the review and rank the eligible bids (admins). Allowed when every accepted or invited
/// expert has submitted, or once the review deadline has passed with at least 3 submitted.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Closed; the ranking", body = RankingView),
        AdminsOnly,
        (status = 404, description = "No such challenge, or no panel drawn", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not under review (`not_under_review`), already closed (`review_closed`), or experts still to submit (`review_not_ready`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/review/close")]
#[tracing::instrument(skip_all)]
pub async fn close_review(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<RankingView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    state
        .transaction(async |conn| {
            let (challenge, draw) = changes::lock_open(conn, PANEL, id).await?;
            let seats = seats::queries::of_challenge(conn, PANEL, id).await?;
            let now = state.clock.now();
            let (submitted, pending) =
                rules::ready_to_close(PANEL, &seats, draw.review_deadline, now)?;
            let eligible = eligible_bids(conn, id).await?;
            let ids: Vec<Uuid> = submitted.iter().map(|a| a.id).collect();
            let scores = queries::scores_of(conn, &ids).await?;
            let rubric = challenge.rubric_list();
            let ranking = rank_bids(id, &eligible, &submitted, &scores, &rubric)?;
            queries::close(conn, id, &ranking, user.id, now).await?;
            let ranked: Vec<_> = ranking
                .iter()
                .map(|r| json!({"bid_id": r.bid_id, "rank": r.rank, "score": r.score}))
                .collect();
            Event::new("review.close", "challenge", id)
                .by(user.id)
                .summary(json!({
                    "experts_submitted": submitted.len(),
                    "experts_pending": pending,
                    "ranking": ranked,
                }))
                .record(conn, &state, &meta)
                .await
        })
        .await?;
    let mut conn = state.conn().await?;
    Ok(Json(ranking_view(&mut conn, id, true).await?))
}

async fn ranking_view(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    identities: bool,
) -> AppResult<RankingView> {
    let draw = seats::queries::find_draw(conn, PANEL, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(closed_at) = draw.closed_at else {
        return Err(AppError::conflict(ErrorCode::ReviewNotClosed));
    };
    let rows = queries::ranking(conn, id).await?;
    let org_ids: Vec<Uuid> = rows.iter().map(|(_, b)| b.organization_id).collect();
    let orgs: HashMap<Uuid, String> = bid_queries::organization_names(conn, &org_ids)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = queries::panel_names(conn, id).await?.into_iter().collect();
    let items = rows
        .into_iter()
        .map(|(r, bid)| {
            let org = orgs.get(&bid.organization_id).cloned().unwrap_or_default();
            RankedBid::of(r, bid, org, &names, identities)
        })
        .collect();
    Ok(RankingView {
        challenge_id: id,
        closed_at,
        items,
    })
}

/// The ranking of a closed review: admins, and the issuer of the challenge without the experts'
/// identities.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The ranking", body = RankingView),
        (status = 403, description = "Admins and issuers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge of the caller, or no panel drawn", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The review is not closed yet (`review_not_closed`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/ranking")]
pub async fn get_ranking(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<RankingView>> {
    user.require(&[Role::Admin, Role::Issuer])?;
    let mut conn = state.conn().await?;
    let admin = user.role == Role::Admin;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, *id).await?;
    if !admin && user.organization_id != Some(challenge.issuer_org_id) {
        return Err(AppError::NotFound);
    }
    Ok(Json(ranking_view(&mut conn, *id, admin).await?))
}
