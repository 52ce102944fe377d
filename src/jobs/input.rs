//! `GET /jobs`: which jobs.

use serde::Deserialize;
use utoipa::IntoParams;

use super::views::JobStatus;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFilter {
    /// `failed` (default), `pending` or `running`.
    pub status: Option<JobStatus>,
    pub kind: Option<String>,
}
