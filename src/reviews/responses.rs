//! How the API document describes the answers the endpoints of both panels share.

crate::problem_answers! {
    /// 404 of an expert's seat (`/assignments/{id}/…`, `/acceptance-assignments/{id}/…`): it is
    /// found only among the caller's own.
    NotYourAssignment { 404 => "No such assignment of the caller" }
}
