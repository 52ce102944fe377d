//! `GET /jobs` and `POST /jobs/{id}/retry`: admins see the jobs that failed for good, and put one
//! back in the queue once its cause is fixed.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};

use super::input::JobFilter;
use super::queries;
use super::views::{JobStatus, JobView};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::error::{AppError, AppResult, ErrorCode, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{Page, ValidQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_jobs).service(retry_job);
}

/// Background jobs (admin): by default those that failed for good, newest first; `running` shows
/// the jobs claimed now, with who holds their lease and until when.
#[utoipa::path(
    tag = "operations",
    params(JobFilter, PageParams),
    responses(
        (status = 200, description = "One page of jobs", body = Page<JobView>),
        AdminsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/jobs")]
pub async fn list_jobs(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<JobFilter>,
    page: PageRequest,
) -> AppResult<Json<Page<JobView>>> {
    user.require(&[Role::Admin])?;
    let filter = filter.into_inner();
    let status = filter.status.unwrap_or(JobStatus::Failed);
    let mut conn = state.conn().await?;
    let jobs = queries::list(&mut conn, status, filter.kind.as_deref(), page).await?;
    Ok(Json(jobs.map(JobView::from)))
}

/// Put a failed job back in the queue, due now, with its attempts reset (admin).
#[utoipa::path(
    tag = "operations",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job, pending again", body = JobView),
        AdminsOnly,
        (status = 404, description = "No such job (done jobs are deleted)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The job has not failed (`job_not_failed`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/jobs/{id}/retry")]
pub async fn retry_job(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<i64>,
) -> AppResult<Json<JobView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    match queries::retry(&mut conn, id, state.clock.now()).await? {
        Some(job) => Ok(Json(job.into())),
        None if queries::exists(&mut conn, id).await? => {
            Err(AppError::conflict(ErrorCode::JobNotFailed))
        }
        None => Err(AppError::NotFound),
    }
}
