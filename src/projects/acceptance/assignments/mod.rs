//! An acceptance seat as its expert works it, under `/acceptance-assignments` (kept apart from
//! the review's `/assignments`, whose work is scoring bids): the list, accept, decline (the next
//! eligible expert of the stored order is invited, [`crate::reviews::seats`]), the project to
//! judge, the verdict (revisable until submitted), and submission.
//!
//! An assignment is found only among the caller's own (404 otherwise). An expert sees only their
//! own verdict until the acceptance is closed.

pub mod input;
pub mod routes;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::list_assignments)
        .service(routes::accept)
        .service(routes::decline)
        .service(routes::project)
        .service(routes::put_verdict)
        .service(routes::submit);
}
