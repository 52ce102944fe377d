//! Seats on an expert panel (an expert's invitation, `assignment`): the review's panel (SPEC §5,
//! under `/assignments`) and the final acceptance's (SPEC §7, under `/acceptance-assignments`).
//! Both panels are drawn with the same rules ([`super::draw`], [`super::panel::rules`]) and
//! treat their seats the same way: invite, remind, accept, decline with a replacement from the
//! stored order, submit, close once enough have submitted. [`Panel`] names the panel and says
//! what differs between the two: the tables, the notices, the audit names, the challenge state
//! the panel works in, the 409s.
//!
//! - [`models`]: the [`Panel`] enum;
//! - [`queries`]: the seats and the draw of either panel, as stored;
//! - [`rules`]: which seat may do what, and when a panel may close;
//! - [`changes`]: inviting, filling empty seats, accepting, declining, submitting, in the
//!   caller's transaction;
//! - [`views`]: a seat as the API shows it; [`handlers`]: the experts' endpoints of both panels;
//!   [`jobs`]: the reminder before the deadline.

pub mod changes;
pub mod handlers;
pub mod jobs;
pub mod models;
pub mod queries;
pub mod rules;
pub mod views;

pub use models::Panel;
