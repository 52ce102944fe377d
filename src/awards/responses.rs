//! How the API document describes the answers the award's endpoints share: name the type in an
//! endpoint's `responses(…)`. An answer that says something of its own endpoint stays a tuple.

crate::problem_answers! {
    /// 404 of an endpoint on a challenge (`/challenges/{id}/…`): the challenge is not there, or
    /// not one the caller may see.
    NoSuchChallenge { 404 => "No such challenge" }
}
