//! `GET /health` (the process answers) and `GET /ready` (the database answers), for load balancers.

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

/// The process is up and the database answers (within two seconds).
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Status),
        (status = 503, description = "The database does not answer", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn ready(state: Data<AppState>) -> AppResult<Json<Status>> {
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
