//! `/credit/reviews` (admins): run a batch review, read one again; as JSON, or CSV.

use actix_web::http::{StatusCode, header};
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use uuid::Uuid;

use super::input::{CreateReviewRequest, FormatParam};
use super::queries::involved_subjects;
use crate::audit::RequestMeta;
use crate::auth::AdminsOnly;
use crate::auth::{AuthUser, Role};
use crate::credit::reviews::run::{run_review, stored_review};
use crate::credit::reviews::views::{ReviewView, to_csv};
use crate::error::{AppResult, ProblemBody};
use crate::http::problem::locale_of;
use crate::http::spreadsheet::ExportFormat;
use crate::http::{BadListQuery, NotFound, ValidJson, ValidQuery};
use crate::state::AppState;

/// The review as JSON, or as a CSV file (in the request's language) when `format` asks for it.
fn respond(
    req: &HttpRequest,
    format: &FormatParam,
    status: StatusCode,
    review: &ReviewView,
) -> AppResult<HttpResponse> {
    if !ExportFormat::wants_csv(format.format, req) {
        return Ok(HttpResponse::build(status).json(review));
    }
    Ok(HttpResponse::build(status)
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"credit-review-{}.csv\"", review.id),
        ))
        .body(to_csv(review, locale_of(req))?))
}

/// Run a batch review (admin): check each subject involved in the chosen challenges once
/// (purpose `batch_review`) and report totals by subject kind and result with the list; as CSV with
/// `?format=csv` or `Accept: text/csv`. Subjects: the challenges' issuers; the organisation, leader
/// and members of every bid submitted to them; the experts invited to their review panels.
#[utoipa::path(
    tag = "credit",
    params(FormatParam),
    request_body = CreateReviewRequest,
    responses(
        (status = 201, description = "The review", content(
            (ReviewView = "application/json"),
            (String = "text/csv"),
        )),
        AdminsOnly,
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
    let selection = body.into_inner().selection()?;
    let mut conn = state.conn().await?;
    let subjects = involved_subjects(&mut conn, &selection).await?;
    let review = run_review(&mut conn, &state, &meta, selection, subjects, Some(user.id)).await?;
    respond(&req, &format.into_inner(), StatusCode::CREATED, &review)
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
        AdminsOnly,
        NotFound,
        BadListQuery,
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
    let review = stored_review(&mut conn, id.into_inner()).await?;
    respond(&req, &format.into_inner(), StatusCode::OK, &review)
}
