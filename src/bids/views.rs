//! What the API returns for bids.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::input::{KpiCommitment, Milestone};
use super::models::{Bid, BidStatus, Member, MemberRole, ReviewResult, display_code};
use super::queries::BidViewer;
use crate::credit::CheckResult;

/// The bidding organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BidderView {
    pub id: Uuid,
    pub name: String,
}

/// A team member as shown: never more of the ID number than its masked form.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub role: MemberRole,
    pub name: String,
    #[schema(example = "340524********001X")]
    pub id_number_masked: String,
    pub title: String,
    pub duty: String,
}

impl From<&Member> for MemberView {
    fn from(m: &Member) -> Self {
        MemberView {
            role: m.role,
            name: m.name.clone(),
            id_number_masked: m.id_masked.clone(),
            title: m.title.clone(),
            duty: m.duty.clone(),
        }
    }
}

/// The formal review's verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormalReviewView {
    pub result: ReviewResult,
    pub reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: DateTime<Utc>,
}

/// A bid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BidView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub organization: BidderView,
    pub status: BidStatus,
    /// The bid's stable code on its challenge ("A", "B", ..., "AA"), for blind review: given to
    /// submitted bids when bidding closes, absent before.
    #[schema(example = "A")]
    pub anonymous_code: Option<String>,
    #[schema(example = "方案 A")]
    pub display_code: Option<String>,
    pub technical_approach: String,
    pub kpi_commitments: Vec<KpiCommitment>,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    pub milestones: Vec<Milestone>,
    pub team: Vec<MemberView>,
    /// `pass` or `warn` (flagged for formal review) at the last submission. Admins only.
    pub credit_result: Option<String>,
    /// Whether the last submission's credit check warned: a party has a general dishonesty
    /// record in force, which this challenge does not bar but the formal review weighs. Shown to
    /// the bid's own organisation and to admins (absent for others, and `false` before the bid
    /// is submitted).
    pub credit_warning: Option<bool>,
    /// What the system found at the last submission, for the formal review: completeness, the
    /// organisation's kind, the credit result per party (by role and masked code). Admins only.
    pub prefill: Option<serde_json::Value>,
    pub formal_review: Option<FormalReviewView>,
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl BidView {
    pub fn new(bid: Bid, org_name: String, members: &[Member], viewer: BidViewer) -> Self {
        let admin = viewer == BidViewer::Admin;
        let own = matches!(viewer, BidViewer::Solver(org) if org == bid.organization_id);
        let formal_review = match (bid.review_result, bid.reviewed_at) {
            (Some(result), Some(at)) => Some(FormalReviewView {
                result,
                reason: bid.review_reason.clone(),
                reviewed_by: if admin { bid.reviewed_by } else { None },
                reviewed_at: at,
            }),
            _ => None,
        };
        BidView {
            id: bid.id,
            challenge_id: bid.challenge_id,
            organization: BidderView {
                id: bid.organization_id,
                name: org_name,
            },
            status: bid.status,
            display_code: bid.anonymous_code.as_deref().map(display_code),
            anonymous_code: bid.anonymous_code,
            technical_approach: bid.technical_approach,
            kpi_commitments: serde_json::from_value(bid.kpi_commitments).unwrap_or_default(),
            requested_fen: bid.requested_fen,
            duration_months: bid.duration_months,
            milestones: serde_json::from_value(bid.milestones).unwrap_or_default(),
            team: members
                .iter()
                .filter(|m| m.bid_id == bid.id)
                .map(MemberView::from)
                .collect(),
            credit_warning: (admin || own)
                .then(|| bid.credit_result.as_deref() == Some(CheckResult::Warn.as_str())),
            credit_result: if admin { bid.credit_result } else { None },
            prefill: if admin { bid.prefill } else { None },
            formal_review,
            version: bid.version,
            submitted_at: bid.submitted_at,
            withdrawn_at: bid.withdrawn_at,
            created_at: bid.created_at,
            updated_at: bid.updated_at,
        }
    }
}
