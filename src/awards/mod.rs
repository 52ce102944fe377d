//! Award, public notice and objections (挂帅, 公示, 异议; SPEC §6).
//!
//! - [`calendar`]: the working-day calendar (`GET, PUT /calendar/{year}`) and the count of
//!   working days that ends a notice;
//! - [`proposals`]: the award: `POST /challenges/{id}/award` (the proposal, with the credit
//!   re-check), `GET /challenges/{id}/awards` and `POST /challenges/{id}/award/withdraw`
//!   (admins), and the `confirm_award` job at the end of the notice;
//! - [`public`]: the public notices, `GET /notices` and the Atom feed `GET /notices/feed`,
//!   without login;
//! - [`objections`]: `POST /challenges/{id}/objections`, `GET /objections`,
//!   `POST /objections/{id}/resolve`;
//! - [`links`]: where emails and the feed send people;
//! - [`stages`]: what a confirmed award starts in the next stage (the project).
//!
//! The challenge's own status moves only through `challenges::lifecycle::apply` (`ProposeAward`,
//! `WithdrawAward`, `ConfirmAward`).

pub mod audience;
pub mod calendar;
pub mod links;
pub mod objections;
pub mod proposals;
pub mod public;
pub mod responses;
pub mod stages;

/// All the routes of the award.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    calendar::configure(cfg);
    proposals::configure(cfg);
    public::configure(cfg);
    objections::configure(cfg);
}
