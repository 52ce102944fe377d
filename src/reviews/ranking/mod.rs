//! The review's result: closing it (`POST /challenges/{id}/review/close`) ranks the eligible bids
//! from the submitted scores ([`rules`], SPEC §5) and stores the ranking
//! (`GET /challenges/{id}/ranking`). Closing leaves the challenge's status to the award (SPEC §6).

pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::close_review)
        .service(routes::get_ranking);
}
