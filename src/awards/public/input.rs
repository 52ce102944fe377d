//! The parameters of the notices' list.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::awards::proposals::models::AwardStatus;
use crate::error::AppResult;
use crate::http::pagination::{PageParams, PageRequest};

/// `GET /notices` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Only notices of this status.
    pub status: Option<AwardStatus>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl NoticeQuery {
    pub fn page(&self) -> AppResult<PageRequest> {
        PageParams {
            page: self.page,
            per_page: self.per_page,
        }
        .validate()
    }
}
