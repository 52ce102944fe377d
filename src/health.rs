//! `GET /health` (the process answers) and `GET /ready` (the database answers and, where this
//! instance runs jobs, its job runner runs), for load balancers.

use std::time::Duration;

use actix_web::get;
use actix_web::web::{Data, Json};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = HealthStatus)]
pub struct Status {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up. Does not touch the database.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Up", body = Status)))]
#[get("/health")]
pub async fn health() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// The process is up, the database answers (within two seconds) and, when `jobs.enabled`, every
/// worker of the job runner is alive (not stopped, as at shutdown, nor ended by a fault).
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Status),
        (status = 503, description = "The database does not answer, or the job runner is not running", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn ready(state: Data<AppState>) -> AppResult<Json<Status>> {
    if state.settings.jobs.enabled && !state.runner_health.is_running() {
        return Err(AppError::Unavailable(format!(
            "job runner not running ({} of {} workers alive)",
            state.runner_health.alive(),
            state.settings.jobs.workers.max(1)
        )));
    }
    let check = async {
        let mut conn = state.conn().await?;
        diesel::sql_query("SELECT 1").execute(&mut conn).await?;
        Ok::<_, AppError>(())
    };
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(())) => Ok(Json(Status { status: "ok" })),
        Ok(Err(AppError::Unavailable(cause))) => Err(AppError::Unavailable(cause)),
        Ok(Err(other)) => Err(AppError::Unavailable(other.to_string())),
        Err(_) => Err(AppError::Unavailable("database check timed out".into())),
    }
}
