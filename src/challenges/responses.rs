//! How the API document describes the answers several challenge endpoints share (and the bids'
//! endpoints under `/challenges/{id}`): name the type in an endpoint's `responses(…)`.

crate::problem_answers! {
    /// 404: the visibility rule is in the query, so a challenge the caller may not see is not
    /// found.
    ChallengeNotFound { 404 => "No such challenge, or not one the caller may see" }
    /// 403 for anyone but the challenge's issuer and admins ([`super::rules::may_manage`]).
    ManagersOnly { 403 => "Not this challenge's issuer or an admin (`forbidden`)" }
    /// 422 of a transition that needs a reason.
    ReasonRequired { 422 => "No reason given" }
}
