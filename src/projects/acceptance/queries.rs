//! The final acceptance as stored: its panel (read as a draw through
//! [`crate::reviews::seats::queries`]), the awarded bid, the verdicts, who reads it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{AcceptancePanel, AcceptanceResult, Verdict};
use crate::accounts::models::User;
use crate::auth::Role;
use crate::bids::models::{Bid, BidStatus};
use crate::error::{AppError, AppResult};
use crate::reviews::models::AssignmentStatus;
use crate::schema::{
    acceptance_assignments as seats, acceptance_panels, acceptance_verdicts, bids, organizations,
    users,
};

/// Whether the acceptance panel of this challenge has been drawn.
pub async fn started(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        acceptance_panels::table.filter(acceptance_panels::challenge_id.eq(challenge_id)),
    ))
    .get_result(conn)
    .await?)
}

/// Gives every open seat of the challenge's acceptance panel up (recorded as declined with
/// `reason`), so that the experts are free again: for a project terminated while its acceptance
/// was open, and for the seats left without a verdict at the deadline. Answers the experts
/// released.
pub async fn release_open_seats(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    now: DateTime<Utc>,
    reason: &str,
) -> AppResult<Vec<Uuid>> {
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

/// The acceptance panel of the challenge, if drawn.
pub async fn find_panel(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Option<AcceptancePanel>> {
    Ok(acceptance_panels::table
        .find(challenge_id)
        .select(AcceptancePanel::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// A new acceptance panel (open, no result yet).
pub async fn insert_panel(conn: &mut AsyncPgConnection, panel: &AcceptancePanel) -> AppResult<()> {
    diesel::insert_into(acceptance_panels::table)
        .values(panel)
        .execute(conn)
        .await?;
    Ok(())
}

/// A new deadline for the panel's verdicts.
pub async fn set_deadline(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    deadline: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(acceptance_panels::table.find(challenge_id))
        .set(acceptance_panels::review_deadline.eq(deadline))
        .execute(conn)
        .await?;
    Ok(())
}

/// What closing stores: when and by whom, the result and its counts.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = acceptance_panels)]
pub struct Closing {
    pub closed_at: DateTime<Utc>,
    pub closed_by: Uuid,
    pub result: AcceptanceResult,
    pub passes: i32,
    pub fails: i32,
    pub kpi_tallies: serde_json::Value,
}

pub async fn close(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    closing: &Closing,
) -> AppResult<()> {
    diesel::update(acceptance_panels::table.find(challenge_id))
        .set(closing)
        .execute(conn)
        .await?;
    Ok(())
}

/// The awarded bid a panel judges.
pub async fn panel_bid(conn: &mut AsyncPgConnection, panel: &AcceptancePanel) -> AppResult<Bid> {
    Ok(bids::table
        .find(panel.bid_id)
        .select(Bid::as_select())
        .first(conn)
        .await?)
}

/// The awarded bid of an awarded challenge.
pub async fn awarded_bid(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<Bid> {
    bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Awarded))
        .select(Bid::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| {
            AppError::from(anyhow::anyhow!(
                "the awarded challenge {challenge_id} has no awarded bid"
            ))
        })
}

/// The name of an organisation.
pub async fn organization_name(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<String> {
    Ok(organizations::table
        .find(id)
        .select(organizations::name)
        .first(conn)
        .await?)
}

/// Whether the expert sits on the challenge's panel (invited, accepted or submitted).
pub async fn on_panel(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    expert_id: Uuid,
) -> AppResult<bool> {
    let seats: i64 = seats::table
        .filter(seats::challenge_id.eq(challenge_id))
        .filter(seats::expert_id.eq(expert_id))
        .filter(seats::status.ne(AssignmentStatus::Declined))
        .count()
        .get_result(conn)
        .await?;
    Ok(seats > 0)
}

/// A seat's verdict, if saved.
pub async fn verdict_of(
    conn: &mut AsyncPgConnection,
    assignment_id: Uuid,
) -> AppResult<Option<Verdict>> {
    Ok(acceptance_verdicts::table
        .find(assignment_id)
        .select(Verdict::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The verdicts of these seats.
pub async fn verdicts_of(
    conn: &mut AsyncPgConnection,
    assignment_ids: &[Uuid],
) -> AppResult<Vec<Verdict>> {
    Ok(acceptance_verdicts::table
        .filter(acceptance_verdicts::assignment_id.eq_any(assignment_ids))
        .select(Verdict::as_select())
        .load(conn)
        .await?)
}

/// A verdict sheet.
#[derive(Debug, Insertable)]
#[diesel(table_name = acceptance_verdicts)]
pub struct NewVerdict<'a> {
    pub assignment_id: Uuid,
    pub kpis: &'a serde_json::Value,
    pub pass: bool,
    pub comment: &'a str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Saves the verdict: a new one, or the revision of the one saved (its `created_at` kept).
pub async fn save_verdict(conn: &mut AsyncPgConnection, v: &NewVerdict<'_>) -> AppResult<Verdict> {
    Ok(diesel::insert_into(acceptance_verdicts::table)
        .values(v)
        .on_conflict(acceptance_verdicts::assignment_id)
        .do_update()
        .set((
            acceptance_verdicts::kpis.eq(v.kpis),
            acceptance_verdicts::pass.eq(v.pass),
            acceptance_verdicts::comment.eq(v.comment),
            acceptance_verdicts::updated_at.eq(v.updated_at),
        ))
        .returning(Verdict::as_returning())
        .get_result(conn)
        .await?)
}

/// The awardee organisation's live solver accounts, oldest first.
pub async fn awardee_accounts(conn: &mut AsyncPgConnection, org: Uuid) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(users::organization_id.eq(org))
        .filter(users::role.eq(Role::Solver))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}
