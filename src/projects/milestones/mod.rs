//! The project's milestones (`/milestones/{id}/report|accept|return`): the awardee's reports and
//! the issuer's decisions, the payment on acceptance, and the overdue reminders.
//!
//! Every change locks the challenge (`FOR SHARE`, so the project cannot end meanwhile) and then
//! the milestone (`FOR UPDATE`) and asks [`lifecycle::check`] again under the lock: of two
//! concurrent accepts, the second finds the milestone `accepted` and gets 409, and the payment
//! ledger's unique milestone backs that up. `If-Match: "v{version}"` is honoured when sent.
//!
//! Accepting runs the payee's credit check (purpose `payment`) first, in a transaction of its own
//! that commits, so the check stays on record whatever follows; a `block` holds the payment, it
//! does not refuse the acceptance. The last milestone is accepted by a passed final acceptance
//! ([`accept_final`]), not by the issuer.
//!
//! - [`lifecycle`]: which action from which state by whom, and applying it (with the payment);
//! - [`jobs`]: the overdue reminders ([`jobs::OverdueJob`]);
//! - [`queries`], [`models`], [`input`], [`views`], [`routes`], [`notices`].

pub mod input;
pub mod jobs;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
pub mod views;

pub use lifecycle::{Decision, accept_final, accept_reported};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::report_milestone)
        .service(routes::accept_milestone)
        .service(routes::return_milestone);
}
