//! How the API document describes the answers several challenge endpoints share (and the bids'
//! endpoints under `/challenges/{id}`): name the type in an endpoint's `responses(…)`.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 404: the visibility rule is in the query, so a challenge the caller may not see is not found.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such challenge, or not one the caller may see",
    content_type = "application/problem+json"
)]
pub struct ChallengeNotFound(pub ProblemBody);

/// 403 for anyone but the challenge's issuer and admins ([`super::rules::may_manage`]).
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Not this challenge's issuer or an admin (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct ManagersOnly(pub ProblemBody);

/// 412 of a transition, whose `If-Match` is optional.
#[derive(IntoResponses)]
#[response(
    status = 412,
    description = "`If-Match` given and stale (`stale_version`)",
    content_type = "application/problem+json"
)]
pub struct StaleIfGiven(pub ProblemBody);

/// 422 of a transition that needs a reason.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "No reason given",
    content_type = "application/problem+json"
)]
pub struct ReasonRequired(pub ProblemBody);
