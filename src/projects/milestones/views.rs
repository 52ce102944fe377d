//! What the API shows of a milestone and its reports.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Milestone, MilestoneStatus, Report, ReportOutcome};
use crate::projects::payments::views::PaymentBrief;

/// One report of a milestone and what became of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    #[schema(example = "中试线已建成并连续试运行 72 小时，检测报告见附件。")]
    pub deliverable: String,
    /// Links to the deliverable's files.
    pub attachments: Vec<String>,
    pub reported_by: Uuid,
    pub reported_by_name: String,
    pub reported_at: DateTime<Utc>,
    /// `null` while the issuer has not decided.
    pub outcome: Option<ReportOutcome>,
    /// The return's reason, or the acceptance's comment.
    pub reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl ReportView {
    pub fn new(r: Report, reporter_name: String) -> Self {
        ReportView {
            id: r.id,
            deliverable: r.deliverable,
            attachments: serde_json::from_value(r.attachments).unwrap_or_default(),
            reported_by: r.reported_by,
            reported_by_name: reporter_name,
            reported_at: r.reported_at,
            outcome: r.outcome,
            reason: r.reason,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
        }
    }
}

/// A milestone of the project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MilestoneView {
    pub id: Uuid,
    pub position: i32,
    #[schema(example = "签约启动")]
    pub title: String,
    /// Months after the award, as the bid planned it.
    pub due_month: i32,
    pub share_percent: i32,
    /// Its share of the awarded amount; the milestones' amounts add up to exactly that amount.
    #[schema(example = 150000000)]
    pub amount_fen: i64,
    /// The China (Beijing) calendar day it is due (by 24:00).
    pub due_on: NaiveDate,
    /// The day it was first due, when an extension moved it; `null` otherwise.
    pub original_due_on: Option<NaiveDate>,
    pub status: MilestoneStatus,
    /// Past its due day and not reported.
    pub overdue: bool,
    /// For `If-Match: "v{version}"` on report, accept and return.
    pub version: i32,
    pub accepted_at: Option<DateTime<Utc>>,
    /// Every report, oldest first.
    pub reports: Vec<ReportView>,
    /// Once accepted.
    pub payment: Option<PaymentBrief>,
}

impl MilestoneView {
    pub fn new(
        m: Milestone,
        today: NaiveDate,
        reports: Vec<ReportView>,
        payment: Option<PaymentBrief>,
    ) -> Self {
        MilestoneView {
            overdue: MilestoneStatus::OWED.contains(&m.status) && today > m.due_on,
            id: m.id,
            position: m.position,
            title: m.title,
            due_month: m.due_month,
            share_percent: m.share_percent,
            amount_fen: m.amount_fen,
            due_on: m.due_on,
            original_due_on: m.original_due_on,
            status: m.status,
            version: m.version,
            accepted_at: m.accepted_at,
            reports,
            payment,
        }
    }
}
