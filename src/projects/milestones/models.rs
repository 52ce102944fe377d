//! The milestones and their reports as stored, and their vocabularies.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::{milestone_reports, milestones};

db_enum!(
    /// Where a milestone is. The transitions are in [`super::lifecycle`].
    MilestoneStatus {
        /// 待提交: nothing reported yet.
        Pending => "pending",
        /// 已提交: reported, waiting for the issuer.
        Reported => "reported",
        /// 已退回: the issuer returned it with a reason; to be reported again.
        Returned => "returned",
        /// 已验收: the issuer accepted it; its payment is in the ledger.
        Accepted => "accepted",
    }
);

impl MilestoneStatus {
    /// The states in which the milestone is still owed by the solver (overdue reminders run).
    pub const OWED: &'static [MilestoneStatus] =
        &[MilestoneStatus::Pending, MilestoneStatus::Returned];
}

db_enum!(
    /// What the issuer decided on a report.
    ReportOutcome {
        Accepted => "accepted",
        Returned => "returned",
    }
);

/// A milestone (inserted whole when its project starts).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = milestones, check_for_backend(diesel::pg::Pg))]
pub struct Milestone {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub bid_id: Uuid,
    pub position: i32,
    pub title: String,
    pub due_month: i32,
    pub share_percent: i32,
    pub amount_fen: i64,
    pub due_on: NaiveDate,
    pub original_due_on: Option<NaiveDate>,
    pub status: MilestoneStatus,
    pub version: i32,
    pub accepted_by: Option<Uuid>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A transition: the new state, and who accepted it when it is accepted (the version is bumped
/// with every change).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = milestones)]
pub struct StatusChanges {
    pub status: MilestoneStatus,
    pub updated_at: DateTime<Utc>,
    pub accepted_by: Option<Uuid>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// An extension moves the due day, keeping the first one.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = milestones)]
pub struct DueDayChanges {
    pub original_due_on: NaiveDate,
    pub due_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

/// A report of the awardee (inserted whole, waiting for a decision).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = milestone_reports, check_for_backend(diesel::pg::Pg))]
pub struct Report {
    pub id: Uuid,
    pub milestone_id: Uuid,
    pub deliverable: String,
    pub attachments: serde_json::Value,
    pub reported_by: Uuid,
    pub reported_at: DateTime<Utc>,
    pub outcome: Option<ReportOutcome>,
    pub reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The decision on a report: accepted (with an optional comment) or returned (with a reason).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = milestone_reports, treat_none_as_null = true)]
pub struct DecisionChanges<'a> {
    pub outcome: ReportOutcome,
    pub reason: Option<&'a str>,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
}
