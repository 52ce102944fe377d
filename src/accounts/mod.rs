//! Accounts and organisations: self-registration of issuers and solvers (in `auth::routes`), admin
//! management of accounts, `GET /me` and `GET /organizations/{id}`.

pub mod input;
pub mod login;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
