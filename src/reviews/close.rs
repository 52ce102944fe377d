//! Closing the review (`POST /challenges/{id}/review/close`), the stored ranking
//! (`GET /challenges/{id}/ranking`) and the fee ledger (`GET /fees`).

use std::collections::HashMap;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::models::{Assignment, AssignmentStatus, Fee, Ranking, Score};
use super::panel::{find_draw, not_under_review};
use super::ranking;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::bids::models::{Bid, BidStatus, display_code};
use crate::bids::queries as bid_queries;
use crate::challenges::models::Status;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::ValidQuery;
use crate::http::pagination::PageParams;
use crate::http::spreadsheet::{UTF8_BOM, safe_cell};
use crate::schema::{assignments, bids, challenges, rankings, review_fees, scores, users};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(close_review)
        .service(get_ranking)
        .service(list_fees);
}

/// One expert's total of a bid, as stored at close.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExpertTotal {
    /// The expert; absent for the issuer, who sees totals without identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_name: Option<String>,
    /// "专家 1", "专家 2", ... in panel order.
    #[serde(default)]
    pub label: String,
    pub total: i32,
    /// Dropped as the single highest or lowest (5 or more experts).
    pub dropped: bool,
    /// Differs from the mean of the other experts' totals by more than 20 points.
    pub divergent: bool,
}

/// The mean points of one criterion over the experts who scored the bid.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriterionMean {
    pub name: String,
    pub max_points: i32,
    pub mean: f64,
}

/// One bid in the ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankedBid {
    /// Competition ranking: ties share a rank (1, 1, 3).
    pub rank: i32,
    pub bid_id: Uuid,
    pub anonymous_code: String,
    pub display_code: String,
    pub organization_name: String,
    /// Mean of the experts' totals (without the single highest and lowest from 5 experts on).
    pub score: f64,
    pub criterion_means: Vec<CriterionMean>,
    pub expert_totals: Vec<ExpertTotal>,
    /// Whether any total is flagged as divergent, for the panel chair.
    pub flagged: bool,
}

/// The result of a closed review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankingView {
    pub challenge_id: Uuid,
    pub closed_at: DateTime<Utc>,
    pub items: Vec<RankedBid>,
}

/// The 409 for a close that comes too early: before the deadline every seat must have
/// submitted, after it at least 3.
fn not_ready(after_deadline: bool, submitted: usize, pending: usize) -> AppError {
    AppError::conflict(ErrorCode::ReviewNotReady)
        .arg(
            "case",
            if after_deadline {
                "after_deadline"
            } else {
                "before_deadline"
            },
        )
        .arg("submitted", submitted)
        .arg("pending", pending)
        .field(FieldError::new("assignments", FieldCode::NotSubmitted))
}

/// Close the review and rank the eligible bids (admins). Allowed when every accepted or invited
/// expert has submitted, or once the review deadline has passed with at least 3 submitted.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Closed; the ranking", body = RankingView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
        let draw = find_draw(conn, id, true).await?.ok_or(AppError::NotFound)?;
        if draw.closed_at.is_some() {
            return Err(AppError::conflict(ErrorCode::ReviewClosed));
        }
        if challenge.status != Status::UnderReview {
            return Err(not_under_review(&challenge));
        }
        let panel: Vec<Assignment> = assignments::table
            .filter(assignments::challenge_id.eq(id))
            .order(assignments::position.asc())
            .select(Assignment::as_select())
            .load(conn)
            .await?;
        let submitted: Vec<&Assignment> = panel.iter().filter(|a| a.status == AssignmentStatus::Submitted).collect();
        let pending = panel.iter().filter(|a| AssignmentStatus::OPEN.contains(&a.status)).count();
        let now = state.clock.now();
        if now < draw.review_deadline {
            if pending > 0 || submitted.is_empty() {
                return Err(not_ready(false, submitted.len(), pending));
            }
        } else if submitted.len() < 3 {
            return Err(not_ready(true, submitted.len(), pending));
        }
        let eligible: Vec<Bid> = bids::table
            .filter(bids::challenge_id.eq(id))
            .filter(bids::status.eq(BidStatus::Eligible))
            .order(bids::anonymous_code.asc())
            .select(Bid::as_select())
            .load(conn)
            .await?;
        let assignment_ids: Vec<Uuid> = submitted.iter().map(|a| a.id).collect();
        let all: Vec<Score> = scores::table
            .filter(scores::assignment_id.eq_any(&assignment_ids))
            .select(Score::as_select())
            .load(conn)
            .await?;
        let by_key: HashMap<(Uuid, Uuid), &Score> = all.iter().map(|s| ((s.assignment_id, s.bid_id), s)).collect();
        let rubric = challenge.rubric_list();
        let mut rows = Vec::new();
        for bid in &eligible {
            let sheets: Vec<(&Assignment, &Score)> = submitted
                .iter()
                .filter_map(|a| by_key.get(&(a.id, bid.id)).map(|s| (*a, *s)))
                .collect();
            let totals: Vec<i32> = sheets.iter().map(|(_, s)| s.total).collect();
            let (score, dropped) = ranking::score(&totals);
            let divergent = ranking::divergent(&totals);
            let expert_totals: Vec<ExpertTotal> = sheets
                .iter()
                .enumerate()
                .map(|(i, (a, s))| ExpertTotal {
                    expert_id: Some(a.expert_id),
                    expert_name: None,
                    label: String::new(),
                    total: s.total,
                    dropped: dropped[i],
                    divergent: divergent[i],
                })
                .collect();
            let means: Vec<CriterionMean> = rubric
                .iter()
                .map(|c| {
                    let points: Vec<i32> = sheets
                        .iter()
                        .filter_map(|(_, s)| s.criterion_list().into_iter().find(|x| x.name == c.name).map(|x| x.points))
                        .collect();
                    let mean = if points.is_empty() {
                        0.0
                    } else {
                        ranking::round2(points.iter().map(|p| f64::from(*p)).sum::<f64>() / points.len() as f64)
                    };
                    CriterionMean { name: c.name.clone(), max_points: c.max_points, mean }
                })
                .collect();
            rows.push((bid.id, score, expert_totals, means));
        }
        let scores_only: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let ranks = ranking::ranks(&scores_only);
        let mut stored = Vec::new();
        for ((bid_id, score, totals, means), rank) in rows.into_iter().zip(ranks) {
            stored.push(Ranking {
                challenge_id: id,
                bid_id,
                rank,
                score,
                expert_totals: serde_json::to_value(&totals).map_err(anyhow::Error::from)?,
                criterion_means: serde_json::to_value(&means).map_err(anyhow::Error::from)?,
            });
        }
        if !stored.is_empty() {
            diesel::insert_into(rankings::table).values(&stored).execute(conn).await?;
        }
        diesel::update(crate::schema::panel_draws::table.find(id))
            .set((
                crate::schema::panel_draws::closed_at.eq(now),
                crate::schema::panel_draws::closed_by.eq(user.id),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            &state,
            &meta,
            audit::Event {
                actor_id: Some(user.id),
                action: "review.close",
                object_type: "challenge",
                object_id: Some(id.to_string()),
                summary: json!({
                    "experts_submitted": submitted.len(),
                    "experts_pending": pending,
                    "ranking": stored.iter().map(|r| json!({"bid_id": r.bid_id, "rank": r.rank, "score": r.score})).collect::<Vec<_>>(),
                }),
            },
        )
        .await
    })
    .await?;
    let view = ranking_view(&mut conn, id, true).await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn ranking_view(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    identities: bool,
) -> AppResult<RankingView> {
    let draw = find_draw(conn, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(closed_at) = draw.closed_at else {
        return Err(AppError::conflict(ErrorCode::ReviewNotClosed));
    };
    let rows: Vec<(Ranking, Bid)> = rankings::table
        .inner_join(bids::table)
        .filter(rankings::challenge_id.eq(id))
        .order((rankings::rank.asc(), bids::anonymous_code.asc()))
        .select((Ranking::as_select(), Bid::as_select()))
        .load(conn)
        .await?;
    let org_ids: Vec<Uuid> = rows.iter().map(|(_, b)| b.organization_id).collect();
    let orgs: HashMap<Uuid, String> = bid_queries::organization_names(conn, &org_ids)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = users::table
        .inner_join(assignments::table.on(assignments::expert_id.eq(users::id)))
        .filter(assignments::challenge_id.eq(id))
        .select((users::id, users::display_name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|(r, bid)| {
            let totals: Vec<ExpertTotal> =
                serde_json::from_value::<Vec<ExpertTotal>>(r.expert_totals)
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut t)| {
                        t.label = format!("专家 {}", i + 1);
                        if identities {
                            t.expert_name = t.expert_id.and_then(|e| names.get(&e).cloned());
                        } else {
                            t.expert_id = None;
                            t.expert_name = None;
                        }
                        t
                    })
                    .collect();
            RankedBid {
                rank: r.rank,
                bid_id: bid.id,
                display_code: display_code(bid.anonymous_code.as_deref().unwrap_or_default()),
                anonymous_code: bid.anonymous_code.unwrap_or_default(),
                organization_name: orgs.get(&bid.organization_id).cloned().unwrap_or_default(),
                score: r.score,
                criterion_means: serde_json::from_value(r.criterion_means).unwrap_or_default(),
                flagged: totals.iter().any(|t| t.divergent),
                expert_totals: totals,
            }
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin, Role::Issuer])?;
    let mut conn = state.conn().await?;
    let id = id.into_inner();
    let admin = user.role == Role::Admin;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, id).await?;
    if !admin && user.organization_id != Some(challenge.issuer_org_id) {
        return Err(AppError::NotFound);
    }
    let view = ranking_view(&mut conn, id, admin).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `GET /fees` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeesQuery {
    /// `csv` for a CSV export of every entry (no paging); JSON otherwise.
    pub format: Option<FeeFormat>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FeeFormat {
    Json,
    Csv,
}

/// One entry of the fee ledger (专家评审费).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeView {
    pub id: Uuid,
    pub expert_id: Uuid,
    pub expert_name: String,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub assignment_id: Uuid,
    pub bids_reviewed: i32,
    #[schema(example = 160000)]
    pub amount_fen: i64,
    pub created_at: DateTime<Utc>,
}

/// A page of the ledger with the total over all pages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeesPage {
    pub items: Vec<FeeView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The sum of `amount_fen` over every entry the caller may see.
    pub total_amount_fen: i64,
}

/// The fee ledger: admins see every entry, experts their own; `?format=csv` exports it.
#[utoipa::path(
    tag = "review",
    params(FeesQuery),
    responses(
        (status = 200, description = "The ledger (JSON page, or `text/csv` with `format=csv`)", body = FeesPage),
        (status = 403, description = "Admins and experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/fees")]
pub async fn list_fees(
    state: Data<AppState>,
    user: AuthUser,
    query: ValidQuery<FeesQuery>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin, Role::Expert])?;
    let q = query.into_inner();
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .validate()?;
    let only: Option<Uuid> = (user.role == Role::Expert).then_some(user.id);
    let mut conn = state.conn().await?;
    let base = || {
        let mut query = review_fees::table.into_boxed();
        if let Some(expert) = only {
            query = query.filter(review_fees::expert_id.eq(expert));
        }
        query
    };
    let total: i64 = base().count().get_result(&mut conn).await?;
    let amount: Option<i64> = base()
        .select(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        >("sum(amount_fen)::bigint"))
        .first(&mut conn)
        .await?;
    let csv = q.format == Some(FeeFormat::Csv);
    let mut rows = base().order((review_fees::created_at.asc(), review_fees::id.asc()));
    if !csv {
        rows = rows.limit(page.per_page).offset(page.offset());
    }
    let fees: Vec<Fee> = rows.select(Fee::as_select()).load(&mut conn).await?;
    let items = fee_views(&mut conn, fees).await?;
    if csv {
        return csv_response(&items, amount.unwrap_or(0));
    }
    Ok(HttpResponse::Ok().json(FeesPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
        total_amount_fen: amount.unwrap_or(0),
    }))
}

async fn fee_views(conn: &mut AsyncPgConnection, fees: Vec<Fee>) -> AppResult<Vec<FeeView>> {
    let expert_ids: Vec<Uuid> = fees.iter().map(|f| f.expert_id).collect();
    let challenge_ids: Vec<Uuid> = fees.iter().map(|f| f.challenge_id).collect();
    let names: HashMap<Uuid, String> = users::table
        .filter(users::id.eq_any(&expert_ids))
        .select((users::id, users::display_name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let titles: HashMap<Uuid, String> = challenges::table
        .filter(challenges::id.eq_any(&challenge_ids))
        .select((challenges::id, challenges::title))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    Ok(fees
        .into_iter()
        .map(|f| FeeView {
            id: f.id,
            expert_name: names.get(&f.expert_id).cloned().unwrap_or_default(),
            expert_id: f.expert_id,
            challenge_title: titles.get(&f.challenge_id).cloned().unwrap_or_default(),
            challenge_id: f.challenge_id,
            assignment_id: f.assignment_id,
            bids_reviewed: f.bids_reviewed,
            amount_fen: f.amount_fen,
            created_at: f.created_at,
        })
        .collect())
}

fn csv_response(items: &[FeeView], total: i64) -> AppResult<HttpResponse> {
    let mut w = csv::Writer::from_writer(UTF8_BOM.to_vec());
    let io = |e: csv::Error| AppError::from(anyhow::Error::from(e));
    w.write_record([
        "id",
        "expert_id",
        "expert_name",
        "challenge_id",
        "challenge_title",
        "assignment_id",
        "bids_reviewed",
        "amount_fen",
        "created_at",
    ])
    .map_err(io)?;
    for f in items {
        w.write_record([
            f.id.to_string(),
            f.expert_id.to_string(),
            safe_cell(&f.expert_name).into_owned(),
            f.challenge_id.to_string(),
            safe_cell(&f.challenge_title).into_owned(),
            f.assignment_id.to_string(),
            f.bids_reviewed.to_string(),
            f.amount_fen.to_string(),
            f.created_at.to_rfc3339(),
        ])
        .map_err(io)?;
    }
    w.write_record(["total", "", "", "", "", "", "", &total.to_string(), ""])
        .map_err(io)?;
    let body = w
        .into_inner()
        .map_err(|e| AppError::from(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"review-fees.csv\"",
        ))
        .body(body))
}
