//! The filter of the notices' list (the page comes as `PageRequest`).

use serde::Deserialize;
use utoipa::IntoParams;

use crate::awards::proposals::models::AwardStatus;

/// `GET /notices` filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Only notices of this status.
    pub status: Option<AwardStatus>,
}
