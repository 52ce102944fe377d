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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
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
    #[diesel(embed)]
    pub outcome: AwardOutcome,
}

impl Award {
    /// Whether objections may be filed at `now`.
    pub fn notice_open(&self, now: DateTime<Utc>) -> bool {
        self.status == AwardStatus::Publicity && now < self.ends_at
    }
}

/// How the notice ended, so far: nothing yet for a new award; blocked, withdrawn or confirmed
/// later. Written whole with the award's status: each step starts from the locked row's outcome.
#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = awards, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub struct AwardOutcome {
    /// The confirmation's credit re-check blocked: the admin withdraws the award.
    pub blocked_at: Option<DateTime<Utc>>,
    /// The credit checks of the confirmation.
    pub confirm_check_ids: Option<Vec<Option<Uuid>>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl AwardOutcome {
    /// This outcome, withdrawn by `by` at `at` for `reason`.
    pub fn withdrawn(&self, at: DateTime<Utc>, by: Uuid, reason: &str) -> Self {
        AwardOutcome {
            withdrawn_at: Some(at),
            withdrawn_by: Some(by),
            withdrawal_reason: Some(reason.to_string()),
            ..self.clone()
        }
    }

    /// This outcome, the confirmation's credit checks `checks` done at `at`: blocked by them, or
    /// confirmed.
    pub fn checked(&self, at: DateTime<Utc>, checks: &[Option<Uuid>], blocked: bool) -> Self {
        AwardOutcome {
            blocked_at: if blocked { Some(at) } else { self.blocked_at },
            confirmed_at: if blocked { self.confirmed_at } else { Some(at) },
            confirm_check_ids: Some(checks.to_vec()),
            ..self.clone()
        }
    }
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
            outcome: AwardOutcome::default(),
        }
    }

    #[test]
    fn an_outcome_keeps_what_came_before() {
        let award = award();
        let at = award.ends_at;
        let checks = [Some(Uuid::nil())];
        let blocked = award.outcome.checked(at, &checks, true);
        assert_eq!(blocked.blocked_at, Some(at));
        assert_eq!(blocked.confirmed_at, None);
        assert_eq!(blocked.confirm_check_ids, Some(checks.to_vec()));
        let withdrawn = blocked.withdrawn(at, Uuid::nil(), "信用复核未通过");
        assert_eq!(withdrawn.blocked_at, Some(at));
        assert_eq!(withdrawn.withdrawn_at, Some(at));
        assert_eq!(withdrawn.withdrawn_by, Some(Uuid::nil()));
        assert_eq!(
            withdrawn.withdrawal_reason.as_deref(),
            Some("信用复核未通过")
        );
        let confirmed = award.outcome.checked(at, &checks, false);
        assert_eq!(confirmed.confirmed_at, Some(at));
        assert_eq!(confirmed.blocked_at, None);
        assert_eq!(confirmed.withdrawn_at, None);
    }
}
