//! The one extension of a project (延期, SPEC §7): at most 12 months, on the admin's approval.
//!
//! - The awardee's solvers or the challenge's issuers ask (`POST /challenges/{id}/extension`,
//!   `{months, reason}`): the request is `pending` and the admins are told.
//! - An admin decides (`POST /challenges/{id}/extension/decision`, `{approve, reason}`; a reason is
//!   required to refuse). A refused request may be followed by another.
//! - An admin may also post the extension directly: it is approved at once.
//!
//! Approval moves the due day of every milestone not yet accepted by that many months (counted
//! from the award day, so month ends clamp once), keeps the first due day in
//! `original_due_on`, and schedules the overdue reminders of the new days; the old reminders find
//! the day moved and do nothing. Once one extension is approved, any further request is 409
//! `extension_used`; while one is pending, 409 `extension_pending`. Only while the challenge is
//! `awarded`.

pub mod input;
pub mod lifecycle;
pub mod models;
pub mod notices;
pub mod queries;
pub mod routes;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::request_extension)
        .service(routes::decide_extension);
}
