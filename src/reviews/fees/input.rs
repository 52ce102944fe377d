//! `GET /fees` parameters.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::spreadsheet::ExportFormat;

/// `GET /fees` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeesQuery {
    /// `csv` for a CSV export of every entry (no paging; also with `Accept: text/csv`).
    #[param(inline)]
    pub format: Option<ExportFormat>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}
