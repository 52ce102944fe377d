//! The expert's side: `GET /assignments`, accept or decline (a decline draws a replacement),
//! `GET /assignments/{id}/bids` (blind where the challenge says so), scores revisable until
//! `POST /assignments/{id}/submit`, which is final and earns the fee.
//!
//! An assignment is found only among the caller's own (404 otherwise); its bids are only the
//! eligible bids of its challenge (404 for any other bid id).

use std::collections::HashMap;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post, put};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::models::{Assignment, AssignmentStatus, CriterionScore, Score};
use super::panel::{find_draw, not_under_review, replace};
use super::views::{
    AssignmentView, ReviewBidView, ReviewBidsView, ReviewMemberView, ScoreView, assignment_views,
};
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::bids::models::{Bid, BidStatus, display_code};
use crate::bids::queries as bid_queries;
use crate::challenges::models::{Challenge, Criterion, Status};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{Page, ValidJson};
use crate::schema::{assignments, bids, review_fees, scores};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_assignments)
        .service(accept)
        .service(decline)
        .service(panel_bids)
        .service(put_score)
        .service(submit);
}

/// `POST /assignments/{id}/decline`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "评审期间出国访问"}))]
pub struct DeclineRequest {
    #[validate(length(min = 1, max = 1000), custom(function = crate::http::validate::not_blank))]
    pub reason: String,
}

/// `PUT /assignments/{id}/scores/{bid_id}`: points for every rubric criterion, and a comment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "criteria": [
        {"name": "技术方案", "points": 35}, {"name": "团队能力", "points": 20},
        {"name": "经费合理性", "points": 12}, {"name": "进度安排", "points": 8},
        {"name": "产业带动", "points": 9}
    ],
    "comment": "技术路线清晰，中试计划可行。"
}))]
pub struct ScoreRequest {
    #[validate(length(min = 1, max = 50))]
    pub criteria: Vec<CriterionScore>,
    #[validate(length(min = 1, max = 5000), custom(function = crate::http::validate::not_blank))]
    pub comment: String,
}

/// The criteria in rubric order and their total, or 422 naming each entry at fault: a criterion
/// out of its range, not in the rubric, given twice, or missing.
pub fn check_scores(
    rubric: &[Criterion],
    given: &[CriterionScore],
) -> AppResult<(Vec<CriterionScore>, i32)> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, i32> = HashMap::new();
    for (i, c) in given.iter().enumerate() {
        match rubric.iter().find(|r| r.name == c.name) {
            None => errors.push(FieldError::new(
                format!("criteria[{i}].name"),
                FieldCode::InvalidChoice,
            )),
            Some(_) if seen.contains_key(c.name.as_str()) => errors.push(FieldError::new(
                format!("criteria[{i}].name"),
                FieldCode::DuplicateEntry,
            )),
            Some(r) => {
                if !(0..=r.max_points).contains(&c.points) {
                    errors.push(
                        FieldError::new(format!("criteria[{i}].points"), FieldCode::Range)
                            .with_param("min", 0)
                            .with_param("max", r.max_points),
                    );
                }
                seen.insert(&c.name, c.points);
            }
        }
    }
    for r in rubric {
        if !seen.contains_key(r.name.as_str()) && !given.iter().any(|c| c.name == r.name) {
            errors.push(
                FieldError::new("criteria", FieldCode::MissingCriterion)
                    .with_param("name", &r.name),
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let ordered: Vec<CriterionScore> = rubric
        .iter()
        .map(|r| CriterionScore {
            name: r.name.clone(),
            points: seen.get(r.name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let total = ordered.iter().map(|c| c.points).sum();
    Ok((ordered, total))
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
) -> AppResult<Assignment> {
    let query = assignments::table
        .filter(assignments::id.eq(id))
        .filter(assignments::expert_id.eq(user.id))
        .select(Assignment::as_select());
    let found = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    found.ok_or(AppError::NotFound)
}

fn wrong_state(a: &Assignment, wanted: &str) -> AppError {
    AppError::conflict(ErrorCode::InvalidAssignmentState)
        .arg("current", a.status)
        .arg("wanted", wanted)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", a.status),
        )
}

fn review_closed() -> AppError {
    AppError::conflict(ErrorCode::ReviewClosed)
}

/// The challenge under review and its open draw, for a change by an expert.
async fn open_review(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock_draw: bool,
) -> AppResult<(Challenge, super::models::PanelDraw)> {
    let challenge = challenge_queries::find_visible(conn, Viewer::Admin, challenge_id).await?;
    let draw = find_draw(conn, challenge_id, lock_draw)
        .await?
        .ok_or(AppError::NotFound)?;
    if draw.closed_at.is_some() {
        return Err(review_closed());
    }
    if challenge.status != Status::UnderReview {
        return Err(not_under_review(&challenge));
    }
    Ok((challenge, draw))
}

async fn one_view(conn: &mut AsyncPgConnection, a: Assignment) -> AppResult<AssignmentView> {
    assignment_views(conn, vec![a])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// The eligible bids of a challenge, in the order they were made.
async fn eligible_bids(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<Vec<Bid>> {
    Ok(bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Eligible))
        .order(bids::anonymous_code.asc())
        .select(Bid::as_select())
        .load(conn)
        .await?)
}

async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    action: &str,
    a: &Assignment,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(actor),
            action,
            object_type: "assignment",
            object_id: Some(a.id.to_string()),
            summary,
        },
    )
    .await
}

/// The caller's assignments (experts), newest first.
#[utoipa::path(
    tag = "review",
    params(PageParams),
    responses(
        (status = 200, description = "One page of the caller's assignments", body = Page<AssignmentView>),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignments")]
pub async fn list_assignments(
    state: Data<AppState>,
    user: AuthUser,
    page: PageRequest,
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let mut conn = state.conn().await?;
    let total: i64 = assignments::table
        .filter(assignments::expert_id.eq(user.id))
        .count()
        .get_result(&mut conn)
        .await?;
    let rows: Vec<Assignment> = assignments::table
        .filter(assignments::expert_id.eq(user.id))
        .order((assignments::invited_at.desc(), assignments::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Assignment::as_select())
        .load(&mut conn)
        .await?;
    let items = assignment_views(&mut conn, rows).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, total, page)))
}

/// Accept an invitation (the invited expert).
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "Accepted", body = AssignmentView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `invited` (`invalid_assignment_state`), or the review is closed (`review_closed`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let mut conn = state.conn().await?;
    let id = id.into_inner();
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            open_review(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if a.status != AssignmentStatus::Invited {
                return Err(wrong_state(&a, "invited"));
            }
            let a: Assignment = diesel::update(assignments::table.find(a.id))
                .set((
                    assignments::status.eq(AssignmentStatus::Accepted),
                    assignments::responded_at.eq(state.clock.now()),
                ))
                .returning(Assignment::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "review.accept",
                &a,
                json!({"challenge_id": a.challenge_id}),
            )
            .await?;
            Ok(a)
        })
        .await?;
    Ok(HttpResponse::Ok().json(one_view(&mut conn, updated).await?))
}

/// What a decline did: the declined assignment and the replacement invited, if any eligible
/// expert was left in the stored order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeclineView {
    pub assignment: AssignmentView,
    pub replacement: Option<AssignmentView>,
}

/// Decline an invitation or an accepted assignment not yet submitted, with a reason. The next
/// eligible expert of the stored order is invited.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    request_body = DeclineRequest,
    responses(
        (status = 200, description = "Declined; `replacement` is the expert invited instead", body = DeclineView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let reason = body.into_inner().reason.trim().to_string();
    let mut conn = state.conn().await?;
    let id = id.into_inner();
    let (declined, replacement) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            let (challenge, draw) = open_review(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if !AssignmentStatus::OPEN.contains(&a.status) {
                return Err(wrong_state(&a, "invited, accepted"));
            }
            let a: Assignment = diesel::update(assignments::table.find(a.id))
                .set((
                    assignments::status.eq(AssignmentStatus::Declined),
                    assignments::decline_reason.eq(&reason),
                    assignments::responded_at.eq(state.clock.now()),
                ))
                .returning(Assignment::as_returning())
                .get_result(conn)
                .await?;
            diesel::delete(scores::table.filter(scores::assignment_id.eq(a.id)))
                .execute(conn)
                .await?;
            let replacement = replace(conn, &state, &meta, user.id, &challenge, &draw).await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "review.decline",
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
    let assignment = one_view(&mut conn, declined).await?;
    let replacement = match replacement {
        Some(r) => Some(one_view(&mut conn, r).await?),
        None => None,
    };
    Ok(HttpResponse::Ok().json(DeclineView {
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
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not accepted yet, or declined (`invalid_assignment_state`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignments/{id}/bids")]
pub async fn panel_bids(
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
    let blind = challenge.blind_review;
    let rows = eligible_bids(&mut conn, challenge.id).await?;
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
    let mine: HashMap<Uuid, Score> = scores::table
        .filter(scores::assignment_id.eq(a.id))
        .select(Score::as_select())
        .load::<Score>(&mut conn)
        .await?
        .into_iter()
        .map(|s| (s.bid_id, s))
        .collect();
    let items = rows
        .into_iter()
        .map(|bid| ReviewBidView {
            id: bid.id,
            display_code: display_code(bid.anonymous_code.as_deref().unwrap_or_default()),
            anonymous_code: bid.anonymous_code.clone().unwrap_or_default(),
            organization_name: names.get(&bid.organization_id).cloned(),
            technical_approach: bid.technical_approach.clone(),
            kpi_commitments: serde_json::from_value(bid.kpi_commitments.clone())
                .unwrap_or_default(),
            requested_fen: bid.requested_fen,
            duration_months: bid.duration_months,
            milestones: serde_json::from_value(bid.milestones.clone()).unwrap_or_default(),
            team: members
                .iter()
                .filter(|m| m.bid_id == bid.id)
                .map(|m| ReviewMemberView {
                    role: m.role,
                    name: (!blind).then(|| m.name.clone()),
                    title: m.title.clone(),
                    duty: m.duty.clone(),
                })
                .collect(),
            my_score: mine.get(&bid.id).cloned().map(ScoreView::from),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ReviewBidsView {
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
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let (id, bid_id) = path.into_inner();
    let req = body.into_inner();
    let mut conn = state.conn().await?;
    let score = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            let bid: Bid = bids::table
                .filter(bids::id.eq(bid_id))
                .filter(bids::challenge_id.eq(read.challenge_id))
                .filter(bids::status.eq(BidStatus::Eligible))
                .select(Bid::as_select())
                .first(conn)
                .await
                .optional()?
                .ok_or(AppError::NotFound)?;
            let (challenge, _) = open_review(conn, read.challenge_id, false).await?;
            let a = own(conn, &user, id, true).await?;
            if a.status != AssignmentStatus::Accepted {
                return Err(wrong_state(&a, "accepted"));
            }
            let (criteria, total) = check_scores(&challenge.rubric_list(), &req.criteria)?;
            let before: Option<Score> = scores::table
                .find((a.id, bid.id))
                .select(Score::as_select())
                .first(conn)
                .await
                .optional()?;
            let now = state.clock.now();
            let criteria_json = serde_json::to_value(&criteria).map_err(anyhow::Error::from)?;
            let comment = req.comment.trim().to_string();
            let saved: Score = diesel::insert_into(scores::table)
                .values((
                    scores::assignment_id.eq(a.id),
                    scores::bid_id.eq(bid.id),
                    scores::criteria.eq(&criteria_json),
                    scores::total.eq(total),
                    scores::comment.eq(&comment),
                    scores::created_at.eq(now),
                    scores::updated_at.eq(now),
                ))
                .on_conflict((scores::assignment_id, scores::bid_id))
                .do_update()
                .set((
                    scores::criteria.eq(&criteria_json),
                    scores::total.eq(total),
                    scores::comment.eq(&comment),
                    scores::updated_at.eq(now),
                ))
                .returning(Score::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "review.score",
                &a,
                json!({
                    "challenge_id": a.challenge_id,
                    "bid_id": bid.id,
                    "code": bid.anonymous_code,
                    "before": before.map(|b| json!({"criteria": b.criteria, "total": b.total})),
                    "after": {"criteria": criteria_json, "total": total},
                }),
            )
            .await?;
            Ok(saved)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ScoreView::from(score)))
}

/// Submit the scores as final (the expert of an accepted assignment): every eligible bid of the
/// panel must be scored. The fee of the schedule is entered in the ledger.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "Submitted", body = AssignmentView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment of the caller", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    expert(&user)?;
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let submitted = conn
        .transaction::<_, AppError, _>(async |conn| {
            let read = own(conn, &user, id, false).await?;
            open_review(conn, read.challenge_id, true).await?;
            let a = own(conn, &user, id, true).await?;
            if a.status != AssignmentStatus::Accepted {
                return Err(wrong_state(&a, "accepted"));
            }
            let eligible = eligible_bids(conn, a.challenge_id).await?;
            let ids: Vec<Uuid> = eligible.iter().map(|b| b.id).collect();
            let scored: i64 = scores::table
                .filter(scores::assignment_id.eq(a.id))
                .filter(scores::bid_id.eq_any(&ids))
                .count()
                .get_result(conn)
                .await?;
            let missing = ids.len() as i64 - scored;
            if missing > 0 {
                return Err(AppError::conflict(ErrorCode::ScoresIncomplete)
                    .arg("count", missing)
                    .field(
                        FieldError::new("scores", FieldCode::NotScored)
                            .with_param("count", missing),
                    ));
            }
            let now = state.clock.now();
            let a: Assignment = diesel::update(assignments::table.find(a.id))
                .set((
                    assignments::status.eq(AssignmentStatus::Submitted),
                    assignments::submitted_at.eq(now),
                ))
                .returning(Assignment::as_returning())
                .get_result(conn)
                .await?;
            let schedule = &state.settings.review;
            let amount = schedule.fee_per_review_fen + schedule.fee_per_bid_fen * ids.len() as i64;
            diesel::insert_into(review_fees::table)
                .values(super::models::Fee {
                    id: Uuid::now_v7(),
                    assignment_id: a.id,
                    expert_id: a.expert_id,
                    challenge_id: a.challenge_id,
                    bids_reviewed: ids.len() as i32,
                    amount_fen: amount,
                    created_at: now,
                })
                .execute(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                "review.submit",
                &a,
                json!({"challenge_id": a.challenge_id, "bids": ids.len(), "fee_fen": amount}),
            )
            .await?;
            Ok(a)
        })
        .await?;
    Ok(HttpResponse::Ok().json(one_view(&mut conn, submitted).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenges::models::default_rubric;

    fn given(points: [i32; 5]) -> Vec<CriterionScore> {
        default_rubric()
            .into_iter()
            .zip(points)
            .map(|(c, points)| CriterionScore {
                name: c.name,
                points,
            })
            .collect()
    }

    #[test]
    fn a_full_score_sheet_adds_up() {
        let (ordered, total) = check_scores(&default_rubric(), &given([35, 20, 12, 8, 9])).unwrap();
        assert_eq!(total, 84);
        assert_eq!(ordered.len(), 5);
    }

    #[test]
    fn out_of_range_missing_unknown_and_repeated_are_named() {
        let mut sheet = given([41, -1, 12, 8, 9]);
        sheet.pop();
        sheet.push(CriterionScore {
            name: "颜值".into(),
            points: 1,
        });
        sheet.push(CriterionScore {
            name: "技术方案".into(),
            points: 1,
        });
        let Err(AppError::Validation(errors)) = check_scores(&default_rubric(), &sheet) else {
            panic!("refused");
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("criteria[0].points", "range"),
                ("criteria[1].points", "range"),
                ("criteria[4].name", "invalid_choice"),
                ("criteria[5].name", "duplicate_entry"),
                ("criteria", "missing_criterion"),
            ]
        );
    }
}
