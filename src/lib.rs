//! Jiebang: the backend of 揭榜挂帅 (open-competition challenge-bounty) programs.
//! See `SPEC.md` in the shared folder for the product contract, `README.md` for running it and
//! `docs/ARCHITECTURE.md` for how the code is laid out.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod awards;
pub mod bids;
pub mod challenges;
pub mod cli;
pub mod clock;
pub mod codes;
pub mod commitments;
pub mod config;
pub mod credit;
pub mod db;
pub mod documents;
pub mod error;
pub mod health;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod monitoring;
pub mod notifications;
pub mod openapi;
pub mod privacy;
pub mod projects;
pub mod reports;
pub mod reviews;
pub mod schema;
pub mod search;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
