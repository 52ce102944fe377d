//! How the API document describes the answers the project's endpoints share: name the type in an
//! endpoint's `responses(…)`. An answer that says something of its own endpoint stays a tuple.

crate::problem_answers! {
    /// 404 of an endpoint on a project (`/challenges/{id}/…`): the challenge has no project, or
    /// not one the caller may see.
    NoProject { 404 => "No project on this challenge, or not one the caller may see" }
    /// The refusals a milestone decision of the issuer (accept, return) shares.
    IssuerDecision {
        403 => "Issuers only (`forbidden`)",
        404 => "No such milestone on the caller's organisation's challenges",
    }
}
