//! The life of a bid, in one place: which action is allowed from which state of the bid, and in
//! which phase of the challenge. Every handler that changes a bid asks [`check`] first, with the
//! challenge row locked in its transaction, so that a submission cannot slip past the deadline
//! while the closing job waits for the lock.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::models::BidStatus::{self, *};
use super::models::{Bid, BidChanges};
use super::queries::{self, BidViewer};
use crate::audit::{Event, RequestMeta};
use crate::challenges::models::{Challenge, Status};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::state::AppState;

/// What can happen to a bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidAction {
    /// Saved as a draft, or submitted at once.
    Create,
    /// Its content changed.
    Edit,
    /// A draft is submitted.
    Submit,
    /// Withdrawn (撤回) by its organisation.
    Withdraw,
    /// Marked eligible or ineligible (形式审查).
    FormalReview,
    /// The award was confirmed for this bid (挂帅).
    Award,
    /// The award was confirmed for another bid (未中标).
    NotSelect,
}

impl BidAction {
    pub fn as_str(self) -> &'static str {
        match self {
            BidAction::Create => "create",
            BidAction::Edit => "update",
            BidAction::Submit => "submit",
            BidAction::Withdraw => "withdraw",
            BidAction::FormalReview => "formal_review",
            BidAction::Award => "award",
            BidAction::NotSelect => "not_select",
        }
    }
}

/// When an action may be taken, relative to the challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// While the challenge is published and its window open: `bid_opens_at <= now < bid_closes_at`.
    Bidding,
    /// After bidding has closed and before expert review starts.
    FormalReview,
    /// When the award is confirmed: the challenge leaves `publicity` for `awarded` in the same
    /// transaction (see `bids::queries::settle_award`).
    Award,
}

pub struct Rule {
    pub action: BidAction,
    /// The bid states it may be taken from (empty for `Create`: there is no bid yet).
    pub from: &'static [BidStatus],
    pub phase: Phase,
}

pub const RULES: &[Rule] = &[
    Rule {
        action: BidAction::Create,
        from: &[],
        phase: Phase::Bidding,
    },
    Rule {
        action: BidAction::Edit,
        from: &[Draft, Submitted],
        phase: Phase::Bidding,
    },
    Rule {
        action: BidAction::Submit,
        from: &[Draft],
        phase: Phase::Bidding,
    },
    Rule {
        action: BidAction::Withdraw,
        from: &[Draft, Submitted],
        phase: Phase::Bidding,
    },
    // Verdicts may be corrected until expert review starts.
    Rule {
        action: BidAction::FormalReview,
        from: &[Submitted, Eligible, Ineligible],
        phase: Phase::FormalReview,
    },
    // A confirmed award settles every opened bid: the eligible winner is awarded, the rest not
    // selected (written by `bids::queries::settle_award`).
    Rule {
        action: BidAction::Award,
        from: &[Eligible],
        phase: Phase::Award,
    },
    Rule {
        action: BidAction::NotSelect,
        from: &[Submitted, Eligible, Ineligible],
        phase: Phase::Award,
    },
];

pub fn rule(action: BidAction) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.action == action)
        .unwrap_or(&RULES[0])
}

/// 409 unless the challenge is open for bids at `now`: published, opened, deadline not reached —
/// whether or not the closing job has run yet.
pub fn bidding_open(challenge: &Challenge, now: DateTime<Utc>) -> AppResult<()> {
    if challenge.status == Status::Published && now < challenge.bid_opens_at {
        let opens_at = challenge.bid_opens_at.to_rfc3339();
        return Err(AppError::conflict(ErrorCode::BiddingNotOpen)
            .arg("opens_at", &opens_at)
            .field(FieldError::new("bid_opens_at", FieldCode::NotYet).with_param("at", opens_at)));
    }
    if challenge.status != Status::Published || now >= challenge.bid_closes_at {
        // Past the deadline the challenge is closed for bids although the closing job may not
        // have moved it yet: the state named is the one it is in for the bidder.
        let current = match challenge.status {
            Status::Published => Status::BiddingClosed,
            other => other,
        };
        return Err(AppError::conflict(ErrorCode::BiddingClosed)
            .arg("current", current)
            .field(
                FieldError::new("status", FieldCode::BiddingClosed).with_param("current", current),
            ));
    }
    Ok(())
}

/// Whether `action` may be taken on a bid in `from` (`None` for a new bid) of `challenge` at
/// `now`: 409 `bidding_closed` / `bidding_not_open` / `formal_review_closed` for the wrong phase,
/// 409 `invalid_bid_state` naming the bid's state.
pub fn check(
    action: BidAction,
    from: Option<BidStatus>,
    challenge: &Challenge,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let rule = rule(action);
    match rule.phase {
        Phase::Bidding => bidding_open(challenge, now)?,
        Phase::FormalReview => {
            if challenge.status != Status::BiddingClosed {
                return Err(AppError::conflict(ErrorCode::FormalReviewClosed)
                    .arg("current", challenge.status)
                    .field(
                        FieldError::new("status", FieldCode::InvalidTransition)
                            .with_param("current", challenge.status),
                    ));
            }
        }
        Phase::Award => {
            if !matches!(challenge.status, Status::Publicity | Status::Awarded) {
                return Err(crate::challenges::lifecycle::refused(challenge.status));
            }
        }
    }
    if let Some(from) = from
        && !rule.from.contains(&from)
    {
        return Err(refused(from));
    }
    Ok(())
}

/// The 409 for an action the bid's state does not allow.
pub fn refused(current: BidStatus) -> AppError {
    AppError::conflict(ErrorCode::InvalidBidState)
        .arg("current", current)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", current),
        )
}

/// A change to a bid that the caller read before its transaction (to refuse early, before any
/// credit check).
pub struct Change<'a> {
    pub action: BidAction,
    pub read: &'a Bid,
    pub viewer: BidViewer,
    /// Who takes the action.
    pub by: Uuid,
    /// Whether the bid must be as it was read (412 otherwise): the solvers' own changes.
    pub as_read: bool,
}

impl Change<'_> {
    /// In the caller's transaction: the challenge locked (the closing job waits), the bid locked,
    /// the action still allowed now and, where asked, the bid unchanged since it was read;
    /// `changes` saved and recorded as `bid.<action>`, with the `details` of the bid as it was.
    /// Answers the bid as it is now, and its challenge.
    pub async fn apply(
        self,
        conn: &mut AsyncPgConnection,
        state: &AppState,
        meta: &RequestMeta,
        changes: BidChanges,
        details: impl FnOnce(&Bid) -> Value,
    ) -> AppResult<(Bid, Challenge)> {
        let challenge = queries::lock_challenge(conn, self.read.challenge_id, false).await?;
        let current = queries::lock_visible(conn, self.viewer, self.read.id).await?;
        let now = state.clock.now();
        check(self.action, Some(current.status), &challenge, now)?;
        if self.as_read && current.version != self.read.version {
            return Err(AppError::PreconditionFailed);
        }
        let bid = queries::update(conn, current.id, &changes, now).await?;
        record(
            conn,
            state,
            meta,
            self.by,
            self.action,
            &bid,
            details(&current),
        )
        .await?;
        Ok((bid, challenge))
    }
}

/// The audit entry `bid.<action>` of a change by `actor`: what the bid is now, and `details`.
pub async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    action: BidAction,
    bid: &Bid,
    details: Value,
) -> AppResult<()> {
    Event::new(&format!("bid.{}", action.as_str()), "bid", bid.id)
        .by(actor)
        .summary(json!({
            "challenge_id": bid.challenge_id,
            "organization_id": bid.organization_id,
            "code": bid.anonymous_code,
            "status": bid.status,
            "version": bid.version,
            "credit_result": bid.credit_result,
            "details": details,
        }))
        .record(conn, state, meta)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_one_rule_and_creation_needs_no_state() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(RULES[i + 1..].iter().all(|b| b.action != a.action));
        }
        assert!(rule(BidAction::Create).from.is_empty());
        assert!(!rule(BidAction::Withdraw).from.contains(&Withdrawn));
        assert!(!rule(BidAction::Submit).from.contains(&Submitted));
        assert_eq!(rule(BidAction::FormalReview).phase, Phase::FormalReview);
    }
}
