//! Objections as stored, and their states.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::objections;

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

/// How an objection was closed: upheld or dismissed by an admin, or moot.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = objections)]
pub struct Resolution<'a> {
    pub status: ObjectionStatus,
    pub resolved_by: Uuid,
    pub resolved_at: DateTime<Utc>,
    pub resolution: &'a str,
}
