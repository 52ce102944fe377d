//! Awards as stored, and their states; the ranking as the proposal reads it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::bids::models::BidStatus;
use crate::db_enum;
use crate::schema::awards;

db_enum!(
    /// Where an award is.
    AwardStatus {
        /// 公示中: proposed; the public notice runs (or has ended and waits for confirmation).
        Publicity => "publicity",
        /// 已撤销: withdrawn (an upheld objection, or the admin after a credit block).
        Withdrawn => "withdrawn",
        /// 已确认 (挂帅): confirmed after the notice.
        Confirmed => "confirmed",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = awards, check_for_backend(diesel::pg::Pg))]
pub struct Award {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub bid_id: Uuid,
    pub organization_id: Uuid,
    pub amount_fen: i64,
    pub rank: i32,
    pub top_ranked: bool,
    pub reason: Option<String>,
    pub proposed_by: Uuid,
    pub proposed_at: DateTime<Utc>,
    pub proposal_check_ids: Vec<Option<Uuid>>,
    pub working_days: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub ends_at: DateTime<Utc>,
    pub calendar_maintained: bool,
    pub status: AwardStatus,
    pub blocked_at: Option<DateTime<Utc>>,
    pub confirm_check_ids: Option<Vec<Option<Uuid>>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl Award {
    /// Whether objections may be filed at `now`.
    pub fn notice_open(&self, now: DateTime<Utc>) -> bool {
        self.status == AwardStatus::Publicity && now < self.ends_at
    }
}

/// A proposal: the award in publicity, its notice open.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = awards)]
pub struct NewAward {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub bid_id: Uuid,
    pub organization_id: Uuid,
    pub amount_fen: i64,
    pub rank: i32,
    pub top_ranked: bool,
    pub reason: Option<String>,
    pub proposed_by: Uuid,
    pub proposed_at: DateTime<Utc>,
    pub proposal_check_ids: Vec<Option<Uuid>>,
    pub working_days: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub ends_at: DateTime<Utc>,
    pub calendar_maintained: bool,
    pub status: AwardStatus,
}

/// What a withdrawal, a blocked confirmation or a confirmation changes (a field left `None` is
/// left as it is).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = awards)]
pub struct AwardChanges {
    pub status: Option<AwardStatus>,
    pub blocked_at: Option<DateTime<Utc>>,
    pub confirm_check_ids: Option<Vec<Option<Uuid>>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A bid of the review's stored ranking, with its current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct Ranked {
    pub bid_id: Uuid,
    pub rank: i32,
    pub status: BidStatus,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An award in publicity, its notice ending at 24:00 Beijing time of 10 October 2025.
    pub(crate) fn award() -> Award {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        Award {
            id: Uuid::nil(),
            challenge_id: Uuid::nil(),
            bid_id: Uuid::nil(),
            organization_id: Uuid::nil(),
            amount_fen: 250_000_000,
            rank: 1,
            top_ranked: true,
            reason: None,
            proposed_by: Uuid::nil(),
            proposed_at: at("2025-09-26T02:00:00Z"),
            proposal_check_ids: vec![],
            working_days: 5,
            starts_on: "2025-09-27".parse().unwrap(),
            ends_on: "2025-10-10".parse().unwrap(),
            ends_at: at("2025-10-10T16:00:00Z"),
            calendar_maintained: true,
            status: AwardStatus::Publicity,
            blocked_at: None,
            confirm_check_ids: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            confirmed_at: None,
        }
    }
}
