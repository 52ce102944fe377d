//! Credit (信用审查), SPEC §4: the registry of dishonesty records, their import from the credit
//! centre's files, a subject's standing, the handling policy, and the checks other modules run.
//!
//! Resources: [`records`] (entered by hand, listed, repaired), [`imports`] (the CSV/GBK files),
//! [`checks`] (what other modules call, and admins by hand), [`reviews`] (the batch review; its
//! endpoints are `reports::credit_review`'s). Shared by them: the vocabularies ([`models`]) and
//! whom credit is about ([`subject`]).
//!
//! Other modules call [`check`] in their own transaction (see [`checks::run`]). The rules live in
//! one place each: which records count at a given day ([`counts_on`]), the standing they add up to
//! ([`standing_of`]) and what a standing means ([`handling`]).

pub mod checks;
pub mod imports;
pub mod models;
pub mod records;
pub mod reviews;
pub mod rows;
pub mod subject;

pub use checks::rules::{handling, standing_of};
pub use checks::run::{CheckRequest, check, standing};
pub use checks::views::CheckView;
pub use models::{
    CheckResult, CreditCheck, CreditRecord, Purpose, RecordView, Severity, Standing, SubjectKind,
};
pub use records::rules::{business_date, counts_on};
pub use subject::{Subject, lookup_keys};

/// The `/credit/…` endpoints of records, imports and checks (admins only).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    records::configure(cfg);
    imports::configure(cfg);
    checks::configure(cfg);
}
