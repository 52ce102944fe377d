//! Bids (揭榜申报, SPEC §3): a solver organisation's bid on a published challenge, its team, the
//! credit gate at submission, sealed bids until the deadline, and the formal review.
//!
//! - [`models`]: the rows and vocabularies;
//! - [`input`]: request bodies, per-field validation and the rules a submission must meet;
//! - [`lifecycle`]: which action is allowed from which state and when — the only place that
//!   decides whether a bid may change — and applying a change;
//! - [`rules`]: the other rules: one live bid per organisation, the credit gate at submission;
//! - [`queries`]: reading bids, always through the visibility rule, and saving them;
//! - [`routes`]: the HTTP handlers; [`notify`]: who is told.

pub mod input;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod notify;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod stage;
pub mod stages;
pub mod views;
