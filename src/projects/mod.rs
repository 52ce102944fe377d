//! The awarded project (SPEC §7, 过程管理 and 验收): the winning bid's milestones, the payment
//! ledger, the one extension, and the final acceptance by an expert panel.
//!
//! The project as a whole is this folder's root; each resource of it is a module of its own:
//!
//! - [`stage`]: a confirmed award starts the project ([`Project`], [`stage::start`]);
//! - [`routes`]: the project (`GET /challenges/{id}/milestones`) and its termination
//!   (`POST /challenges/{id}/terminate`); [`queries`]: who may see a project, its awardee, what
//!   keeps its final acceptance waiting; [`rules`], [`input`], [`views`], [`notices`], and
//!   [`notify`]: who is told (the admins, the awardee's solvers);
//! - [`plan`]: the arithmetic of the plan: amounts and China calendar days;
//! - [`milestones`]: reports, the issuer's decisions, the payment on acceptance, the overdue
//!   reminders; their state machine is [`lifecycle`];
//! - [`payments`]: the ledger, held payments and their release, the CSV export;
//! - [`extensions`]: the one extension;
//! - [`acceptance`]: the final acceptance.

pub mod acceptance;
pub mod extensions;
pub mod input;
pub mod milestones;
pub mod notices;
pub mod notify;
pub mod payments;
pub mod plan;
pub mod queries;
pub mod responses;
pub mod routes;
pub mod rules;
pub mod stage;
pub mod views;

/// The project's life is that of its milestones (and it runs while its challenge is `awarded`).
pub use milestones::lifecycle;
pub use queries::milestones_outstanding;
pub use stage::Project;

/// The project's routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    acceptance::configure(cfg);
    cfg.configure(routes::configure)
        .configure(milestones::configure)
        .configure(payments::configure)
        .configure(extensions::configure);
}
