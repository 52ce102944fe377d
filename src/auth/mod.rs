//! Authentication: password hashing, access tokens, login sessions with rotating refresh tokens,
//! login rate limits, and the `AuthUser` extractor through which handlers learn who is calling.

pub mod cookie;
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod rate_limit;
mod role;
pub mod sessions;

pub use crate::http::responses::documented::{AdminsOnly, ExpertsOnly, NotForExperts, SolversOnly};
pub use extractor::{AuthUser, MaybeUser};
pub use role::Role;
