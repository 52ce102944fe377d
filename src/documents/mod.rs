//! Documents (附件, SPEC §13): the files of a challenge (需求说明), a bid (申报书 and its
//! attachments), a milestone report and the final acceptance (验收材料).
//!
//! Stored write-once under their SHA-256 through `object_store` ([`storage`]); received streamed
//! ([`upload`]), typed and checked by content ([`inspect`]), optionally scanned ([`clamd`]);
//! seen by exactly who may see what they are attached to ([`queries`]); bid documents sealed like
//! the bid, and a blind review's experts get blind copies made at the opening ([`blind`],
//! [`jobs`]); served streamed with `ETag` and `Range` ([`download`]) or through short-lived
//! signed links ([`links`]); a review panel's expert downloads them all in one streamed ZIP
//! ([`bundle`]); `jiebang documents verify` re-hashes the stored objects ([`verify`]).

pub mod blind;
pub mod bundle;
pub mod clamd;
pub mod download;
pub mod input;
pub mod inspect;
pub mod jobs;
pub mod links;
pub mod models;
pub mod notices;
pub mod queries;
pub mod responses;
pub mod routes;
pub mod rules;
pub mod samples;
pub mod service;
pub mod storage;
pub mod upload;
pub mod verify;
pub mod views;

pub use routes::configure;
pub use storage::Storage;

#[cfg(test)]
mod fixtures;
