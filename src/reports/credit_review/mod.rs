//! The batch credit review (`POST /credit/reviews`, `GET /credit/reviews/{id}`, SPEC §4): every
//! organisation and person involved in a set of challenges — issuers, bidders, team members,
//! the experts drawn — is checked once by [`crate::credit::reviews`], and the totals by subject
//! kind and result go into the annual report ("974 legal entities and 257 natural persons").
//! Finding who is involved ([`queries::involved_subjects`]) reads across the workflow, so it
//! lives here and not in `credit`.

pub mod input;
pub mod queries;
pub mod routes;

pub use queries::involved_subjects;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::create_review)
        .service(routes::get_review);
}
