//! Challenges (榜单, SPEC §2): the resource, its state machine ([`lifecycle`]), the deadline job
//! ([`deadline`]), the visibility rule and search ([`queries`]), and the HTTP routes.

pub mod cache;
pub mod deadline;
pub mod input;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod notify;
pub mod queries;
pub mod routes;
pub mod stages;
pub mod views;
