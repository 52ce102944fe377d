//! The public notices (公示), readable without logging in: `GET /notices` (JSON, paged, newest
//! first) and `GET /notices/feed` (Atom, in the language the request asks for). A notice shows
//! the challenge, the proposed awardee organisation, the amount, the period, the status, the
//! reason of a choice other than the top bid, and how many objections were filed — never who
//! objected, and no person's data.
//!
//! A notice is an award ([`crate::awards::proposals`]) as the public sees it; it has no table of
//! its own.

pub mod input;
pub mod queries;
pub mod routes;
pub mod views;

/// The routes of the public notices.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::list_notices)
        .service(routes::notices_feed);
}
