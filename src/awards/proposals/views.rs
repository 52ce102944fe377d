//! Awards as the admins see them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Award, AwardStatus};

/// The award of a challenge as the admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwardView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub bid_id: Uuid,
    pub organization_id: Uuid,
    pub organization_name: String,
    #[schema(example = 250000000)]
    pub amount_fen: i64,
    /// The bid's rank in the review's ranking.
    pub rank: i32,
    /// Whether it was the best-ranked eligible bid (otherwise `reason` says why it was chosen).
    pub top_ranked: bool,
    pub reason: Option<String>,
    pub proposed_by: Uuid,
    pub proposed_at: DateTime<Utc>,
    /// The credit checks (purpose `award`) of the organisation, the leader and the members.
    pub proposal_check_ids: Vec<Uuid>,
    /// The notice's length in working days (the challenge's `publicity_days`).
    pub working_days: i32,
    /// The first day of the notice: the day after the proposal, Beijing time.
    pub starts_on: NaiveDate,
    /// The last day of the notice (its `working_days`-th working day).
    pub ends_on: NaiveDate,
    /// 24:00 Beijing time of `ends_on`: objections are accepted until then.
    pub ends_at: DateTime<Utc>,
    /// Whether every year the count ran through had a maintained calendar. Always true since
    /// proposals through an unmaintained year are refused (`calendar_not_maintained`).
    pub calendar_maintained: bool,
    pub status: AwardStatus,
    /// The confirmation's credit re-check blocked: withdraw the award.
    pub blocked: bool,
    pub blocked_at: Option<DateTime<Utc>>,
    /// The credit checks of the confirmation (purpose `award_confirm`).
    pub confirm_check_ids: Vec<Uuid>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub objections_pending: i64,
    pub objections_total: i64,
}

impl AwardView {
    /// `award`, proposing `organization_name`, with `objections` pending and filed in all.
    pub fn new(award: Award, organization_name: String, (pending, total): (i64, i64)) -> Self {
        AwardView {
            id: award.id,
            challenge_id: award.challenge_id,
            bid_id: award.bid_id,
            organization_id: award.organization_id,
            organization_name,
            amount_fen: award.amount_fen,
            rank: award.rank,
            top_ranked: award.top_ranked,
            reason: award.reason,
            proposed_by: award.proposed_by,
            proposed_at: award.proposed_at,
            proposal_check_ids: award.proposal_check_ids.into_iter().flatten().collect(),
            working_days: award.working_days,
            starts_on: award.starts_on,
            ends_on: award.ends_on,
            ends_at: award.ends_at,
            calendar_maintained: award.calendar_maintained,
            status: award.status,
            blocked: award.outcome.blocked_at.is_some(),
            blocked_at: award.outcome.blocked_at,
            confirm_check_ids: award
                .outcome
                .confirm_check_ids
                .unwrap_or_default()
                .into_iter()
                .flatten()
                .collect(),
            withdrawn_at: award.outcome.withdrawn_at,
            withdrawal_reason: award.outcome.withdrawal_reason,
            confirmed_at: award.outcome.confirmed_at,
            objections_pending: pending,
            objections_total: total,
        }
    }
}

/// The awards of a challenge, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardList {
    pub items: Vec<AwardView>,
}
