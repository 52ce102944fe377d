//! Challenges (榜单, SPEC §2): the resource, its state machine ([`lifecycle`]), its other rules
//! ([`rules`]), the deadline job ([`jobs`]), the visibility rule and search ([`queries`]), and the
//! HTTP routes.

pub mod cache;
pub mod input;
pub mod jobs;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod notify;
pub mod queries;
pub mod responses;
pub mod routes;
pub mod rules;
pub mod search;
pub mod stages;
pub mod views;
