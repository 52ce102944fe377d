//! Expert review (专家评审, SPEC §5): the expert pool, the reproducible panel draw with conflict
//! avoidance (回避), invitations and replacements, blind scoring, closing with the ranking, and
//! the fee ledger (专家评审费).
//!
//! Resources, each a module of the one layout (docs/ARCHITECTURE.md):
//! - [`experts`]: `GET, POST /experts`, `PATCH /experts/me`;
//! - [`panel`]: the review's draw, its stored record, the reminder job;
//! - [`assignments`]: the expert's seat on the review panel: accept, decline, the bids, scores,
//!   submission;
//! - [`ranking`]: closing the review, the stored ranking;
//! - [`fees`]: the fee ledger.
//!
//! Shared by the resources, and by the final acceptance's panel (`projects::acceptance`):
//! - [`draw`]: the draw's rules, as pure functions (unit-tested); [`pool`]: the expert pool,
//!   the eligible order of a draw and the walk for a replacement;
//! - [`seats`]: the seats of either panel: invitations, replacements, accept, decline, submit,
//!   the reminder, the close's quorum;
//! - [`models`]: the rows; [`views`]: what several resources show; [`notices`]: what experts
//!   are told; [`responses`]: documented answers.
//!
//! The review happens while the challenge is `under_review`; closing it stores the ranking and
//! leaves the challenge's status to the award (SPEC §6).

pub mod assignments;
pub mod draw;
pub mod experts;
pub mod fees;
pub mod models;
pub mod notices;
pub mod panel;
pub mod pool;
pub mod ranking;
pub mod responses;
pub mod seats;
pub mod views;

/// All the routes of expert review.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    experts::configure(cfg);
    panel::configure(cfg);
    assignments::configure(cfg);
    ranking::configure(cfg);
    fees::configure(cfg);
}
