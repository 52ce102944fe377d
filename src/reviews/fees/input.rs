//! `GET /fees` parameters.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

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
