//! The batch credit review (`POST /credit/reviews`, `GET /credit/reviews/{id}`, SPEC §4): every
//! organisation and person involved in a set of challenges — issuers, bidders, team members,
//! the experts drawn — is checked once by [`crate::credit::review`], and the totals by subject
//! kind and result go into the annual report ("974 legal entities and 257 natural persons").
//! Finding who is involved reads across the workflow, so it lives here and not in `credit`.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::audit::RequestMeta;
use crate::auth::{AuthUser, Role};
use crate::bids::models::BidStatus;
use crate::credit::Subject;
use crate::credit::review::{self, ReviewView, Selection};
use crate::error::{AppError, AppResult, FieldCode, ProblemBody};
use crate::http::{ValidJson, ValidQuery};
use crate::schema::{bid_members, bids, challenges, organizations};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_review).service(get_review);
}

/// Every distinct subject involved in the selected challenges, organisations first, by code.
///
/// These are the issuers (发榜方) of the challenges, and for every bid that was submitted (drafts and
/// withdrawn bids are not): the bidding organisation, its team leader and members (persons by
/// ID-number hash and mask, which the bids store), and the experts drawn for the panels (by the
/// ID-number hash and mask of their profiles). Each extends this one function, so that a review checks each subject once.
pub async fn involved_subjects(
    conn: &mut AsyncPgConnection,
    selection: &Selection,
) -> AppResult<Vec<Subject>> {
    let mut query = challenges::table
        .inner_join(organizations::table)
        .select((organizations::uscc, organizations::name))
        .distinct()
        .into_boxed();
    match selection {
        Selection::ChallengeIds(ids) => query = query.filter(challenges::id.eq_any(ids.clone())),
        Selection::CreatedBetween { from, to } => {
            query = query
                .filter(challenges::created_at.ge(*from))
                .filter(challenges::created_at.lt(*to));
        }
    }
    let issuers: Vec<(String, String)> = query.load(conn).await?;
    let mut subjects: Vec<Subject> = issuers
        .into_iter()
        .map(|(uscc, name)| Subject::Organization { uscc, name })
        .collect();
    // The bids on those challenges that were submitted (whatever became of them since).
    let mut chosen = challenges::table.select(challenges::id).into_boxed();
    match selection {
        Selection::ChallengeIds(ids) => chosen = chosen.filter(challenges::id.eq_any(ids.clone())),
        Selection::CreatedBetween { from, to } => {
            chosen = chosen
                .filter(challenges::created_at.ge(*from))
                .filter(challenges::created_at.lt(*to));
        }
    }
    let bid_ids: Vec<uuid::Uuid> = bids::table
        .filter(bids::challenge_id.eq_any(chosen))
        .filter(bids::submitted_at.is_not_null())
        .filter(bids::status.ne(BidStatus::Draft))
        .filter(bids::status.ne(BidStatus::Withdrawn))
        .select(bids::id)
        .load(conn)
        .await?;
    let bidders: Vec<(String, String)> = organizations::table
        .filter(
            organizations::id.eq_any(
                bids::table
                    .filter(bids::id.eq_any(&bid_ids))
                    .select(bids::organization_id),
            ),
        )
        .select((organizations::uscc, organizations::name))
        .load(conn)
        .await?;
    subjects.extend(
        bidders
            .into_iter()
            .map(|(uscc, name)| Subject::Organization { uscc, name }),
    );
    let people: Vec<(Vec<u8>, String, String)> = bid_members::table
        .filter(bid_members::bid_id.eq_any(&bid_ids))
        .select((
            bid_members::id_hash,
            bid_members::id_masked,
            bid_members::name,
        ))
        .load(conn)
        .await?;
    subjects.extend(
        people
            .into_iter()
            .map(|(hash, masked, name)| Subject::Person {
                id: crate::privacy::ProtectedId { hash, masked },
                name,
            }),
    );
    // The experts drawn for the panels of those challenges (whatever they answered).
    let mut drawn = challenges::table.select(challenges::id).into_boxed();
    match selection {
        Selection::ChallengeIds(ids) => drawn = drawn.filter(challenges::id.eq_any(ids.clone())),
        Selection::CreatedBetween { from, to } => {
            drawn = drawn
                .filter(challenges::created_at.ge(*from))
                .filter(challenges::created_at.lt(*to));
        }
    }
    let experts: Vec<(Vec<u8>, String, String)> = crate::schema::assignments::table
        .inner_join(
            crate::schema::experts::table
                .on(crate::schema::experts::user_id.eq(crate::schema::assignments::expert_id)),
        )
        .inner_join(
            crate::schema::users::table
                .on(crate::schema::users::id.eq(crate::schema::assignments::expert_id)),
        )
        .filter(crate::schema::assignments::challenge_id.eq_any(drawn))
        .select((
            crate::schema::experts::id_hash,
            crate::schema::experts::id_masked,
            crate::schema::users::display_name,
        ))
        .load(conn)
        .await?;
    subjects.extend(
        experts
            .into_iter()
            .map(|(hash, masked, name)| Subject::Person {
                id: crate::privacy::ProtectedId { hash, masked },
                name,
            }),
    );
    // Once each, by match key (two people can share a masked form; one person can appear in
    // several challenges), in a stable order.
    let mut seen = std::collections::HashSet::new();
    subjects.retain(|s| seen.insert((s.kind(), s.key())));
    subjects.sort_by(|a, b| (a.kind(), a.code(), a.key()).cmp(&(b.kind(), b.code(), b.key())));
    Ok(subjects)
}

/// What a batch review covers: `challenge_ids`, or a range of the challenges' `created_at`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"created_from": "2026-01-01T00:00:00+08:00", "created_to": "2027-01-01T00:00:00+08:00"}))]
pub struct CreateReviewRequest {
    /// These challenges (1 to 10,000).
    #[validate(length(min = 1, max = 10000))]
    pub challenge_ids: Option<Vec<Uuid>>,
    /// Challenges created at or after this time (with `created_to`).
    pub created_from: Option<DateTime<Utc>>,
    /// Challenges created before this time.
    pub created_to: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatParam {
    /// `csv` for the list as CSV (also with `Accept: text/csv`); JSON otherwise.
    pub format: Option<String>,
}

fn wants_csv(req: &HttpRequest, format: &FormatParam) -> bool {
    format.format.as_deref() == Some("csv")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))
}

fn review_response(
    req: &HttpRequest,
    format: &FormatParam,
    status: actix_web::http::StatusCode,
    review: &ReviewView,
) -> AppResult<HttpResponse> {
    if wants_csv(req, format) {
        Ok(HttpResponse::build(status)
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"credit-review-{}.csv\"", review.id),
            ))
            .body(review::to_csv(review)?))
    } else {
        Ok(HttpResponse::build(status).json(review))
    }
}

/// Run a batch review (admin): check each subject involved in the chosen challenges once
/// (purpose `batch_review`) and report totals by subject kind and result with the list; as CSV with
/// `?format=csv` or `Accept: text/csv`. Subjects so far: the challenges' issuers (bidders, team
/// members and experts join when those modules exist).
#[utoipa::path(
    tag = "credit",
    params(FormatParam),
    request_body = CreateReviewRequest,
    responses(
        (status = 201, description = "The review", content(
            (ReviewView = "application/json"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Give either `challenge_ids` or both `created_from` and `created_to`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/credit/reviews")]
#[tracing::instrument(skip_all)]
pub async fn create_review(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    req: HttpRequest,
    format: ValidQuery<FormatParam>,
    body: ValidJson<CreateReviewRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let body = body.into_inner();
    let selection = match (body.challenge_ids, body.created_from, body.created_to) {
        (Some(ids), None, None) => Selection::ChallengeIds(ids),
        (None, Some(from), Some(to)) if from < to => Selection::CreatedBetween { from, to },
        (None, Some(_), Some(_)) => {
            return Err(AppError::validation("created_to", FieldCode::BeforeStart));
        }
        (None, Some(_), None) => {
            return Err(AppError::validation("created_to", FieldCode::Required));
        }
        (None, None, Some(_)) => {
            return Err(AppError::validation("created_from", FieldCode::Required));
        }
        (None, None, None) => {
            return Err(AppError::validation("challenge_ids", FieldCode::Required));
        }
        (Some(_), _, _) => return Err(AppError::validation("created_from", FieldCode::NotAllowed)),
    };
    let mut conn = state.conn().await?;
    let subjects = involved_subjects(&mut conn, &selection).await?;
    let review =
        review::run_review(&mut conn, &state, &meta, selection, subjects, Some(user.id)).await?;
    review_response(
        &req,
        &format.into_inner(),
        actix_web::http::StatusCode::CREATED,
        &review,
    )
}

/// A stored batch review with its list (admin); as CSV with `?format=csv` or `Accept: text/csv`.
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Review id"), FormatParam),
    responses(
        (status = 200, description = "The review", content(
            (ReviewView = "application/json"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such review", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/credit/reviews/{id}")]
pub async fn get_review(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: Path<Uuid>,
    format: ValidQuery<FormatParam>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let review = review::load_review(&mut conn, id.into_inner()).await?;
    review_response(
        &req,
        &format.into_inner(),
        actix_web::http::StatusCode::OK,
        &review,
    )
}
