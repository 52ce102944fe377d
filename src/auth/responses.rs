//! How the API document describes the 403 of an endpoint open to one role: name the type in the
//! endpoint's `responses(…)` (`AdminsOnly`, `ExpertsOnly`, …) next to `user.require(&[…])`.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 403 for any caller but an admin (`user.require(&[Role::Admin])`).
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Admins only (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct AdminsOnly(pub ProblemBody);

/// 403 for any caller but an expert.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Experts only (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct ExpertsOnly(pub ProblemBody);

/// 403 for any caller but a solver (a member of a bidding team).
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Solvers only (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct SolversOnly(pub ProblemBody);

/// 403 for experts: what the endpoint shows is not theirs to see.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Not for experts (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct NotForExperts(pub ProblemBody);
