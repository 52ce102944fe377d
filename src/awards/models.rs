//! Awards and objections as stored, and their vocabularies.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::{awards, objections};

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

db_enum!(
    /// Where an objection is.
    ObjectionStatus {
        /// 待处理
        Pending => "pending",
        /// 异议成立: the award was withdrawn.
        Upheld => "upheld",
        /// 异议不成立 (with the reason told to the objector).
        Dismissed => "dismissed",
        /// 不再处理: the award was withdrawn for another reason while it was pending.
        Moot => "moot",
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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = objections, check_for_backend(diesel::pg::Pg))]
pub struct Objection {
    pub id: Uuid,
    pub award_id: Uuid,
    pub challenge_id: Uuid,
    pub objector_id: Uuid,
    pub objector_name: String,
    pub reason: String,
    pub contact: Option<String>,
    pub filed_at: DateTime<Utc>,
    pub status: ObjectionStatus,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}
