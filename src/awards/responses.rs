//! How the API document describes the answers the award's endpoints share: name the type in an
//! endpoint's `responses(…)`. An answer that says something of its own endpoint stays a tuple.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 404 of an endpoint on a challenge (`/challenges/{id}/…`): the challenge is not there, or not
/// one the caller may see.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such challenge",
    content_type = "application/problem+json"
)]
pub struct NoSuchChallenge(pub ProblemBody);
