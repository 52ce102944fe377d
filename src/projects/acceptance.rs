//! Final acceptance (验收, SPEC §7): an expert panel, drawn with the review's rules, judges the
//! awarded project against each KPI the bid committed to (军令状); a strict majority of passing
//! verdicts makes the challenge `accepted`, anything else `failed`.
//!
//! - [`models`]: the rows and the pure rules (the verdict sheet, the majority, the KPI tallies);
//! - [`views`]: what the API returns;
//! - [`draw`]: `POST, GET /challenges/{id}/acceptance`, invitations, the reminder job;
//! - [`expert`]: the expert's side under `/acceptance-assignments`: accept, decline (a
//!   replacement is invited), the project, the verdict, submission;
//! - [`close`]: `POST /challenges/{id}/acceptance/close`: the result and the challenge's
//!   transition to `accepted` or `failed`.
//!
//! The panel is drawn by [`crate::reviews::panel::eligible_order`] and replacements found by
//! [`crate::reviews::panel::next_eligible`], the same code as the review's; the acceptance keeps
//! its own tables (`acceptance_panels`, `acceptance_assignments`, `acceptance_verdicts`).

pub mod close;
pub mod draw;
pub mod expert;
pub mod models;
pub mod notices;
pub mod views;

use crate::error::{AppError, ErrorCode, FieldCode, FieldError};

/// Whether the acceptance panel of this challenge has been drawn.
pub async fn started(
    conn: &mut diesel_async::AsyncPgConnection,
    challenge_id: uuid::Uuid,
) -> crate::error::AppResult<bool> {
    use crate::schema::acceptance_panels;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    Ok(diesel::select(diesel::dsl::exists(
        acceptance_panels::table.filter(acceptance_panels::challenge_id.eq(challenge_id)),
    ))
    .get_result(conn)
    .await?)
}

/// Gives every open seat of the challenge's acceptance panel up (recorded as declined with
/// `reason`), so that the experts are free again: for a project terminated while its acceptance
/// was open. Answers the experts released.
pub async fn release_open_seats(
    conn: &mut diesel_async::AsyncPgConnection,
    challenge_id: uuid::Uuid,
    now: chrono::DateTime<chrono::Utc>,
    reason: &str,
) -> crate::error::AppResult<Vec<uuid::Uuid>> {
    use crate::reviews::models::AssignmentStatus;
    use crate::schema::acceptance_assignments as seats;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    Ok(diesel::update(
        seats::table
            .filter(seats::challenge_id.eq(challenge_id))
            .filter(seats::status.eq_any(AssignmentStatus::OPEN)),
    )
    .set((
        seats::status.eq(AssignmentStatus::Declined),
        seats::decline_reason.eq(reason),
        seats::responded_at.eq(now),
    ))
    .returning(seats::expert_id)
    .get_results(conn)
    .await?)
}

/// The 409 for what the started final acceptance no longer allows (returning the last
/// milestone, an extension).
pub fn already_started() -> AppError {
    AppError::conflict(ErrorCode::AcceptanceStarted)
        .field(FieldError::new("status", FieldCode::AcceptanceStarted))
}

/// The routes of the final acceptance.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    draw::configure(cfg);
    expert::configure(cfg);
    close::configure(cfg);
}
