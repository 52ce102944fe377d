//! Objections (异议) to a public notice: `POST /challenges/{id}/objections` (any logged-in user,
//! in their real name, while the notice is open), `GET /objections` (admins: all, with the
//! objector; anyone else: their own), `POST /objections/{id}/resolve` (admins).
//!
//! Who objected is shown to admins only: the public notice shows no objector, and a user's list
//! holds only their own objections.
//!
//! An objection is `pending` until an admin upholds it (the award is withdrawn:
//! [`crate::awards::proposals::lifecycle::withdraw`]) or dismisses it; it is `moot` when the award
//! is withdrawn for another reason while it is pending ([`lifecycle`]).

pub mod input;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

/// The routes of the objections.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::file_objection)
        .service(routes::list_objections)
        .service(routes::resolve_objection);
}
