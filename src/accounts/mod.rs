//! Accounts and organisations: self-registration of issuers and solvers and signing in
//! (`routes::login`), admin management of accounts and `GET /me` (`routes::users`), organisations
//! and the approval of the accounts that join one (`routes::organizations`).

pub mod input;
pub mod models;
pub mod notices;
pub mod open;
pub mod queries;
pub mod responses;
pub mod routes;
pub mod rules;
pub mod views;

pub use routes::configure;
