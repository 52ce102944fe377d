//! How the API document describes the answers the project's endpoints share: name the type in an
//! endpoint's `responses(…)`. An answer that says something of its own endpoint stays a tuple.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 404 of an endpoint on a project (`/challenges/{id}/…`): the challenge has no project, or
/// not one the caller may see.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No project on this challenge, or not one the caller may see",
    content_type = "application/problem+json"
)]
pub struct NoProject(pub ProblemBody);

/// The refusals a milestone decision of the issuer (accept, return) shares.
#[derive(IntoResponses)]
pub enum IssuerDecision {
    #[response(
        status = 403,
        description = "Issuers only (`forbidden`)",
        content_type = "application/problem+json"
    )]
    Forbidden(ProblemBody),
    #[response(
        status = 404,
        description = "No such milestone on the caller's organisation's challenges",
        content_type = "application/problem+json"
    )]
    NotFound(ProblemBody),
}

/// 412 of a change based on another version than the current one (`If-Match` is optional: no
/// 428).
#[derive(IntoResponses)]
#[response(
    status = 412,
    description = "`If-Match` names another version (`stale_version`)",
    content_type = "application/problem+json"
)]
pub struct StaleVersion(pub ProblemBody);
