//! The ledger's query parameters.

use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::models::PaymentStatus;
use crate::error::AppResult;
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::spreadsheet::ExportFormat;

/// `GET /payments` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PaymentsQuery {
    /// Only this challenge's entries.
    pub challenge_id: Option<Uuid>,
    /// Only `held` or `released` entries.
    pub status: Option<PaymentStatus>,
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

impl PaymentsQuery {
    /// The page asked for (422 when out of range).
    pub fn page(&self) -> AppResult<PageRequest> {
        PageParams {
            page: self.page,
            per_page: self.per_page,
        }
        .validate()
    }
}
