//! Expert review (专家评审, SPEC §5): the expert pool, the reproducible panel draw with conflict
//! avoidance (回避), invitations and replacements, blind scoring, closing with the ranking, and
//! the fee ledger (专家评审费).
//!
//! - [`draw`] and [`ranking`]: the rules, as pure functions (unit-tested);
//! - [`models`]: the rows; [`views`]: what the API returns;
//! - [`experts`]: `GET, POST /experts`, `PATCH /experts/me`;
//! - [`panel`]: the draw, its stored record, invitations, replacements, the reminder job;
//! - [`scoring`]: the expert's assignments, bids, scores and submission;
//! - [`close`]: closing, the stored ranking and the fees.
//!
//! The review happens while the challenge is `under_review`; closing it stores the ranking and
//! leaves the challenge's status to the award (SPEC §6).

pub mod close;
pub mod draw;
pub mod experts;
pub mod models;
pub mod notices;
pub mod panel;
pub mod ranking;
pub mod scoring;
pub mod views;

/// All the routes of expert review.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    experts::configure(cfg);
    panel::configure(cfg);
    scoring::configure(cfg);
    close::configure(cfg);
}
