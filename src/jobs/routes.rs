//! `GET /jobs` and `POST /jobs/{id}/retry`: admins see the jobs that failed for good, and put one
//! back in the queue once its cause is fixed.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Job;
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorCode, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{Page, ValidQuery};
use crate::schema::background_jobs;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_jobs).service(retry_job);
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for its time, or for a retry.
    Pending,
    /// Gave up after its last attempt.
    Failed,
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    #[schema(example = "send_email")]
    pub kind: String,
    pub status: JobStatus,
    /// When it runs next (pending), or last ran (failed).
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        JobView {
            id: job.id,
            kind: job.kind,
            status: if job.status == "failed" {
                JobStatus::Failed
            } else {
                JobStatus::Pending
            },
            run_at: job.run_at,
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            last_error: job.last_error,
            created_at: job.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFilter {
    /// `failed` (default) or `pending`.
    pub status: Option<JobStatus>,
    pub kind: Option<String>,
}

/// Background jobs (admin): by default those that failed for good, newest first.
#[utoipa::path(
    tag = "operations",
    params(JobFilter, PageParams),
    responses(
        (status = 200, description = "One page of jobs", body = Page<JobView>),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page parameters", body = ProblemBody, content_type = "application/problem+json"),
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
    let status = filter.status.unwrap_or(JobStatus::Failed).as_str();
    let build = || {
        let mut query = background_jobs::table
            .filter(background_jobs::status.eq(status))
            .into_boxed();
        if let Some(kind) = &filter.kind {
            query = query.filter(background_jobs::kind.eq(kind.clone()));
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = build().count().get_result(&mut conn).await?;
    let jobs: Vec<Job> = build()
        .order((
            background_jobs::updated_at.desc(),
            background_jobs::id.desc(),
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Job::as_select())
        .load(&mut conn)
        .await?;
    Ok(Json(Page::new(
        jobs.into_iter().map(Into::into).collect(),
        total,
        page,
    )))
}

/// Put a failed job back in the queue, due now, with its attempts reset (admin).
#[utoipa::path(
    tag = "operations",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job, pending again", body = JobView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
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
    let job: Option<Job> = diesel::update(
        background_jobs::table
            .filter(background_jobs::id.eq(id))
            .filter(background_jobs::status.eq("failed")),
    )
    .set((
        background_jobs::status.eq("pending"),
        background_jobs::attempts.eq(0),
        background_jobs::run_at.eq(state.clock.now()),
        background_jobs::updated_at.eq(Utc::now()),
    ))
    .returning(Job::as_returning())
    .get_result(&mut conn)
    .await
    .optional()?;
    match job {
        Some(job) => Ok(Json(job.into())),
        None => {
            let exists: bool = diesel::select(diesel::dsl::exists(
                background_jobs::table.filter(background_jobs::id.eq(id)),
            ))
            .get_result(&mut conn)
            .await?;
            Err(if exists {
                AppError::conflict(ErrorCode::JobNotFailed)
            } else {
                AppError::NotFound
            })
        }
    }
}
