//! The ledger's query parameters.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::models::PaymentStatus;
use crate::error::AppResult;
use crate::http::pagination::{PageParams, PageRequest};

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
    pub format: Option<LedgerFormat>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The ledger's formats: JSON pages, or the CSV export of every entry.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LedgerFormat {
    Json,
    Csv,
}

impl PaymentsQuery {
    /// Whether the answer is the CSV export: `format=csv`, or an `Accept` naming `text/csv`
    /// (a `format` other than `csv` or `json` is refused with a 422 when the query is parsed).
    pub fn wants_csv(&self, accept: Option<&str>) -> AppResult<bool> {
        match self.format {
            None | Some(LedgerFormat::Json) => Ok(accept.is_some_and(|v| v.contains("text/csv"))),
            Some(LedgerFormat::Csv) => Ok(true),
        }
    }

    /// The page asked for (422 when out of range).
    pub fn page(&self) -> AppResult<PageRequest> {
        PageParams {
            page: self.page,
            per_page: self.per_page,
        }
        .validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AppError, FieldCode};

    fn query(format: Option<&str>) -> PaymentsQuery {
        PaymentsQuery {
            challenge_id: None,
            status: None,
            format: format.map(|f| match f {
                "csv" => LedgerFormat::Csv,
                _ => LedgerFormat::Json,
            }),
            page: None,
            per_page: None,
        }
    }

    #[test]
    fn csv_by_format_or_by_accept_and_no_other_format() {
        assert!(query(Some("csv")).wants_csv(None).unwrap());
        assert!(query(None).wants_csv(Some("text/csv")).unwrap());
        assert!(
            !query(Some("json"))
                .wants_csv(Some("application/json"))
                .unwrap()
        );
        assert!(!query(None).wants_csv(None).unwrap());
        assert!(matches!(
            crate::http::query::parse::<PaymentsQuery>("format=xml"),
            Err(AppError::Validation(e)) if e[0].field == "format" && e[0].code == FieldCode::InvalidChoice
        ));
    }
}
