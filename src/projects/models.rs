//! The project's rows as stored, and their vocabularies.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::{milestone_reports, milestones, payments, project_extensions};

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

    pub fn label_zh(self) -> &'static str {
        match self {
            MilestoneStatus::Pending => "待提交",
            MilestoneStatus::Reported => "已提交",
            MilestoneStatus::Returned => "已退回",
            MilestoneStatus::Accepted => "已验收",
        }
    }
}

db_enum!(
    /// What the issuer decided on a report.
    ReportOutcome {
        Accepted => "accepted",
        Returned => "returned",
    }
);

db_enum!(
    /// A payment in the ledger: `released` is recorded as due for payment (the system pays
    /// nothing); `held` waits because the payee's credit check blocked.
    PaymentStatus {
        /// 暂缓支付
        Held => "held",
        /// 已确认应付
        Released => "released",
    }
);

db_enum!(
    /// An extension request.
    ExtensionStatus {
        Pending => "pending",
        Approved => "approved",
        Refused => "refused",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = payments, check_for_backend(diesel::pg::Pg))]
pub struct Payment {
    pub id: Uuid,
    pub milestone_id: Uuid,
    pub challenge_id: Uuid,
    pub organization_id: Uuid,
    pub amount_fen: i64,
    pub status: PaymentStatus,
    pub credit_check_id: Uuid,
    pub held_check_id: Option<Uuid>,
    pub released_by: Option<Uuid>,
    pub released_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = project_extensions, check_for_backend(diesel::pg::Pg))]
pub struct Extension {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub months: i32,
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}
