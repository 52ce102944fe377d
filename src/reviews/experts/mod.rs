//! The expert pool (专家库): `GET, POST /experts` (admins) and `GET, PATCH /experts/me` (the expert).
//!
//! An expert is an account with the role `expert` (made by an admin with `POST /users`, which
//! gives its organisation) plus a profile made here: the ID number (kept as keyed hash and masked
//! form, to find the expert in bid teams), the fields of expertise, the title and the declared
//! conflicts of interest (USCCs of organisations). The row is [`super::models::Expert`].

pub mod input;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod search;
pub mod views;

pub use routes::configure;
