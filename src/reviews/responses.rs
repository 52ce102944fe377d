//! How the API document describes the answers the endpoints of both panels share.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 404 of an expert's seat (`/assignments/{id}/…`, `/acceptance-assignments/{id}/…`): it is
/// found only among the caller's own.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such assignment of the caller",
    content_type = "application/problem+json"
)]
pub struct NotYourAssignment(pub ProblemBody);
