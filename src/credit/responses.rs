//! Answers that every credit endpoint documents alike (the batch review's too), as utoipa
//! `IntoResponses` types named in each handler's `responses(...)`.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// The 403 of an endpoint for admins only.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Admins only (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct AdminsOnly(pub ProblemBody);
