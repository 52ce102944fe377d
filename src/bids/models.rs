//! Bids as stored, and their vocabularies.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::{bid_members, bids};

db_enum!(
    /// Where a bid is in its life. The transitions are in [`super::lifecycle`].
    BidStatus {
        /// 草稿: saved, not submitted; only its own organisation sees it.
        Draft => "draft",
        /// 已申报: submitted and accepted by the credit gate.
        Submitted => "submitted",
        /// 已撤回
        Withdrawn => "withdrawn",
        /// 形式审查合格
        Eligible => "eligible",
        /// 形式审查不合格
        Ineligible => "ineligible",
        /// 中标 (挂帅): the award was confirmed for this bid.
        Awarded => "awarded",
        /// 未中标: the award went to another bid.
        NotSelected => "not_selected",
    }
);

impl BidStatus {
    /// A live bid counts against "one bid per organisation per challenge".
    pub const LIVE: &'static [BidStatus] = &[BidStatus::Draft, BidStatus::Submitted];
    /// The bids the issuer sees once bidding has closed: submitted ones and what became of them.
    pub const OPENED: &'static [BidStatus] = &[
        BidStatus::Submitted,
        BidStatus::Eligible,
        BidStatus::Ineligible,
        BidStatus::Awarded,
        BidStatus::NotSelected,
    ];
}

db_enum!(
    /// A person's part in the team.
    MemberRole {
        /// 项目负责人 (exactly one per bid).
        Leader => "leader",
        /// 团队成员
        Member => "member",
    }
);

db_enum!(
    /// The formal review's verdict.
    ReviewResult {
        Eligible => "eligible",
        Ineligible => "ineligible",
    }
);

impl ReviewResult {
    pub fn status(self) -> BidStatus {
        match self {
            ReviewResult::Eligible => BidStatus::Eligible,
            ReviewResult::Ineligible => BidStatus::Ineligible,
        }
    }
}

/// The `seq`-th code on a challenge: 1 → "A", 26 → "Z", 27 → "AA", 28 → "AB", ...
pub fn anonymous_code(seq: i32) -> String {
    let mut n = seq.max(1) as u32;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// How people read a bid's code: "方案 A".
pub fn display_code(code: &str) -> String {
    format!("方案 {code}")
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = bids, check_for_backend(diesel::pg::Pg))]
pub struct Bid {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub organization_id: Uuid,
    pub created_by: Uuid,
    pub status: BidStatus,
    pub anonymous_code: Option<String>,
    pub technical_approach: String,
    pub kpi_commitments: serde_json::Value,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    pub milestones: serde_json::Value,
    pub credit_result: Option<String>,
    pub prefill: Option<serde_json::Value>,
    pub review_result: Option<ReviewResult>,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new bid, saved as a draft or submitted at once.
#[derive(Debug, Insertable)]
#[diesel(table_name = bids)]
pub struct NewBid<'a> {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub organization_id: Uuid,
    pub created_by: Uuid,
    pub status: BidStatus,
    pub technical_approach: &'a str,
    pub kpi_commitments: serde_json::Value,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    pub milestones: serde_json::Value,
    pub credit_result: Option<&'static str>,
    pub prefill: Option<serde_json::Value>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns a change to a bid sets (`None`: unchanged; `Some(None)`: cleared). The version
/// and `updated_at` are set by [`super::queries::update`].
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = bids)]
pub struct BidChanges {
    pub status: Option<BidStatus>,
    pub technical_approach: Option<String>,
    pub kpi_commitments: Option<serde_json::Value>,
    pub requested_fen: Option<Option<i64>>,
    pub duration_months: Option<Option<i32>>,
    pub milestones: Option<serde_json::Value>,
    pub credit_result: Option<&'static str>,
    pub prefill: Option<serde_json::Value>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub review_result: Option<ReviewResult>,
    pub review_reason: Option<Option<String>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bid_members, check_for_backend(diesel::pg::Pg))]
pub struct Member {
    pub bid_id: Uuid,
    pub position: i32,
    pub role: MemberRole,
    pub name: String,
    /// The keyed hash of the ID number (never the number).
    pub id_hash: Vec<u8>,
    pub id_masked: String,
    pub title: String,
    pub duty: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_run_a_to_z_then_aa() {
        assert_eq!(anonymous_code(1), "A");
        assert_eq!(anonymous_code(2), "B");
        assert_eq!(anonymous_code(26), "Z");
        assert_eq!(anonymous_code(27), "AA");
        assert_eq!(anonymous_code(28), "AB");
        assert_eq!(anonymous_code(52), "AZ");
        assert_eq!(anonymous_code(53), "BA");
        assert_eq!(anonymous_code(702), "ZZ");
        assert_eq!(anonymous_code(703), "AAA");
        assert_eq!(display_code("A"), "方案 A");
    }
}
