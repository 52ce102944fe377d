//! Integration tests: the real server on port 0, over HTTP, on the real PostgreSQL. Each test gets
//! its own database copied from a migrated template, so tests run in parallel. `helpers` has the
//! `TestApp` and the shared assertions; `scenario` the builder that takes a challenge to the stage
//! a test starts from (`app.scenario().with_bids(2).ranked().build().await`).

mod contract;
mod helpers;

mod acceptance;
mod accounts;
mod architecture;
mod audit;
mod auth;
mod awards;
mod bids;
mod calendar;
mod challenges;
pub mod clamd;
mod cli;
mod commitments;
mod credit;
mod demo;
mod documents;
mod documents_bundle;
mod documents_matrix;
mod documents_s3;
mod emails;
mod errors;
mod faults;
mod heads;
mod input;
mod job_lease;
mod job_registry;
mod jobs;
mod mail;
mod metrics;
mod notifications;
mod openapi;
mod operations;
mod private_cluster;
mod projects;
mod reviews;
mod scenario;
mod search;
mod smtp_sink;
mod tokens;
mod web;
