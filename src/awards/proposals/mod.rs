//! The award (挂帅): the proposal of a ranked bid by the admins, which opens the public notice
//! (`POST /challenges/{id}/award`), the challenge's awards (`GET /challenges/{id}/awards`), the
//! withdrawal (`POST /challenges/{id}/award/withdraw`, shared with upheld objections), and the
//! confirmation job at the end of the notice ([`jobs::ConfirmAward`]).
//!
//! An award row lives beside the challenge: `publicity` while the notice runs and until it is
//! confirmed or withdrawn; `withdrawn` rows stay as history; at most one row per challenge is not
//! withdrawn (a unique partial index). The proposal and the confirmation check the
//! organisation, the leader and the members again ([`rules::recheck`]); the steps are in
//! [`lifecycle`].

pub mod input;
pub mod jobs;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

/// The routes of the award.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::propose_award)
        .service(routes::list_awards)
        .service(routes::withdraw_award);
}
