//! The payment ledger (SPEC §7): one entry per accepted milestone, for its amount, recorded as due
//! for payment (the system pays nothing). Before each entry the payee's credit is checked again
//! (purpose `payment`): `pass` or `warn` records the entry `released`, `block` records it `held`
//! with the check. `POST /payments/{id}/release` (admins) checks again and releases a held entry
//! once the check passes. `GET /payments` lists the ledger by role, with totals, also as CSV.
//!
//! - [`rules`]: the payee's credit check before a payment;
//! - [`lifecycle`]: recorded `released` or `held`, a held entry released; the notices of a hold;
//! - [`queries`], [`models`], [`input`], [`views`] (with the CSV export), [`routes`], [`notices`].

pub mod input;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

pub use rules::credit_check;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::list_payments)
        .service(routes::release_payment);
}
