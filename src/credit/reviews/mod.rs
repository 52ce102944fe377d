//! Batch reviews (批量信用审查): every subject involved in a set of challenges checked once
//! (purpose `batch_review`), with the totals by subject kind and result that go into the annual
//! report. Which subjects are involved reads across the workflow, so the endpoints and that
//! question live in `reports::credit_review`; this is the review itself.

pub mod models;
pub mod queries;
pub mod rules;
pub mod run;
pub mod views;
