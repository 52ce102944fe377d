//! How the API document describes what an admin-only endpoint answers everyone else.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 403 for any caller but an admin (`user.require(&[Role::Admin])`): list it in an endpoint's
/// `responses(…)` as `AdminsOnly`.
#[derive(IntoResponses)]
pub enum AdminsOnly {
    #[response(
        status = 403,
        description = "Admins only (`forbidden`)",
        content_type = "application/problem+json"
    )]
    Forbidden(ProblemBody),
}
