//! Final acceptance (验收, SPEC §7): an expert panel, drawn with the review's rules, judges the
//! awarded project against each KPI the bid committed to (军令状); a strict majority of passing
//! verdicts makes the challenge `accepted`, anything else `failed`.
//!
//! The panel is the review's kind of panel ([`crate::reviews::seats`] with
//! [`crate::reviews::seats::Panel::Acceptance`]): drawn by [`crate::reviews::pool::eligible_order`],
//! its seats invited, replaced, accepted, declined and submitted by the same code as the
//! review's; the acceptance keeps its own tables (`acceptance_panels`, `acceptance_assignments`,
//! `acceptance_verdicts`).
//!
//! - [`routes`]: `POST, GET /challenges/{id}/acceptance`, a new deadline
//!   (`POST /challenges/{id}/acceptance/deadline`), the close
//!   (`POST /challenges/{id}/acceptance/close`): the result and the challenge's transition to
//!   `accepted` or `failed`;
//! - [`assignments`]: the expert's side under `/acceptance-assignments`: accept, decline (a
//!   replacement is invited), the project, the verdict, submission;
//! - [`models`]: the rows; [`rules`]: the verdict sheet, the majority, the KPI tallies;
//!   [`queries`], [`input`], [`views`], [`notices`], [`jobs`] (the reminder).

pub mod assignments;
pub mod input;
pub mod jobs;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

pub use queries::{release_open_seats, started};
pub use rules::already_started;

/// The routes of the final acceptance.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    routes::configure(cfg);
    assignments::configure(cfg);
}
