//! Credit checks (信用审查): what other modules run before a bid, an award, a panel draw or a
//! payment, and what admins run by hand. A check finds a subject's standing now, applies the
//! handling policy ([`rules::handling`]), and is stored for good (triggers refuse changes).
//! Other modules call [`run::check`] (re-exported as `credit::check`) in their own transaction.

pub mod input;
pub mod models;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod run;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::create_check)
        .service(routes::list_checks)
        .service(routes::get_check);
}
