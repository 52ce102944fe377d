//! The ledger's query parameters.

use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::models::PaymentStatus;
use crate::error::{AppError, AppResult, FieldCode};
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
    pub format: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PaymentsQuery {
    /// Whether the answer is the CSV export: `format=csv`, or an `Accept` naming `text/csv`.
    /// 422 for a `format` other than `csv` or `json`.
    pub fn wants_csv(&self, accept: Option<&str>) -> AppResult<bool> {
        match self.format.as_deref() {
            None | Some("json") => Ok(accept.is_some_and(|v| v.contains("text/csv"))),
            Some("csv") => Ok(true),
            Some(_) => Err(AppError::validation("format", FieldCode::InvalidChoice)),
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

    fn query(format: Option<&str>) -> PaymentsQuery {
        PaymentsQuery {
            challenge_id: None,
            status: None,
            format: format.map(str::to_string),
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
            query(Some("xml")).wants_csv(None),
            Err(AppError::Validation(_))
        ));
    }
}
