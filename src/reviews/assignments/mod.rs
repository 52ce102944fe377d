//! A review seat as its expert works it (`/assignments`): the list, accept or decline (a decline
//! invites a replacement, [`crate::reviews::seats`]), the bids to score (blind where the
//! challenge says so), scores revisable until submission, which is final and earns the fee.
//!
//! An assignment is found only among the caller's own (404 otherwise); its bids are only the
//! eligible bids of its challenge (404 for any other bid id).

pub mod input;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::list_assignments)
        .service(routes::accept)
        .service(routes::decline)
        .service(routes::panel_bids)
        .service(routes::put_score)
        .service(routes::submit);
}
