//! Commitments (承诺书): versioned texts that a person reads and signs before an act that binds
//! them, and the signatures. Each [`Kind`] has its own line of versions: version 1 is the
//! repository's default text (`commitments/<kind>.zh-CN.md` and `.en.md`, see [`texts`]),
//! stored the first time it is needed; admins publish later ones (`PUT /commitments/{kind}`).
//! A version never changes once stored.
//!
//! Signing ([`sign::sign`]) is called by the domain whose act needs the signature, in that
//! act's transaction: the expert accepting a review seat (`expert_review`) or an acceptance
//! seat (`expert_acceptance`); the bidder's 科研诚信承诺书 (`bid_integrity`) will follow the same
//! way. The signer names the version and hash they read; anything but the current version is a
//! 409 (`commitment_outdated`) so that the client re-reads and shows the new text.
//!
//! A base domain: it imports no other domain; what is signed is named by [`Signed`], an id of
//! the signing domain's object. The rules are in docs/reviews.md, "Commitments".

pub mod input;
pub mod models;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod sign;
pub mod texts;
pub mod views;

pub use models::{Kind, Signed};

/// The commitments' routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::get_commitment)
        .service(routes::publish_commitment);
}
