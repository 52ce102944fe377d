//! The state machine of a challenge (SPEC §2), in one place: which action leads from which states
//! to which, who may take it, and whether it needs a reason. [`apply`] is the only code that
//! changes a challenge's `status`; every transition writes a challenge event, an audit entry and
//! the notices of SPEC §8, in the caller's transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Challenge, NewEvent, Status};
use super::{notify, queries};
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::schema::challenges;
use crate::state::AppState;

/// What can happen to a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The issuer sends a draft (or a rejected challenge) for approval.
    Submit,
    /// The program office publishes it (张榜).
    Approve,
    /// The program office sends it back with a reason.
    Reject,
    /// Withdrawn (撤榜) with a reason.
    Cancel,
    /// The deadline passed (a background job).
    CloseBidding,
    /// Formal review done; expert review starts.
    StartReview,
    /// An awardee is proposed and the public notice opens.
    ProposeAward,
    /// An upheld objection withdraws the proposal.
    WithdrawAward,
    /// The notice ended cleanly (a background job).
    ConfirmAward,
    /// Final acceptance passed.
    Accept,
    /// Final acceptance failed, or the project was terminated.
    Fail,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Cancel => "cancel",
            Action::CloseBidding => "close_bidding",
            Action::StartReview => "start_review",
            Action::ProposeAward => "propose_award",
            Action::WithdrawAward => "withdraw_award",
            Action::ConfirmAward => "confirm_award",
            Action::Accept => "accept",
            Action::Fail => "fail",
        }
    }
}

/// Who takes an action, relative to the challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// An issuer account of the challenge's own organisation.
    Issuer,
    Admin,
    /// The application itself (deadline and notice jobs).
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonRule {
    Required,
    Optional,
}

pub struct Rule {
    pub action: Action,
    pub by: &'static [Party],
    pub from: &'static [Status],
    pub to: Status,
    pub reason: ReasonRule,
}

use Party::{Admin, Issuer, System};
use Status::*;

/// Every allowed transition. An (action, party) pair has at most one rule.
pub const RULES: &[Rule] = &[
    Rule {
        action: Action::Submit,
        by: &[Issuer],
        from: &[Draft, Rejected],
        to: PendingApproval,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::Approve,
        by: &[Admin],
        from: &[PendingApproval],
        to: Published,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::Reject,
        by: &[Admin],
        from: &[PendingApproval],
        to: Rejected,
        reason: ReasonRule::Required,
    },
    // The issuer may withdraw its challenge until bidding closes; after that, bids have been
    // opened and only the program office may stop the process.
    Rule {
        action: Action::Cancel,
        by: &[Issuer],
        from: &[Draft, PendingApproval, Rejected, Published],
        to: Cancelled,
        reason: ReasonRule::Required,
    },
    Rule {
        action: Action::Cancel,
        by: &[Admin],
        from: &[
            Draft,
            PendingApproval,
            Rejected,
            Published,
            BiddingClosed,
            UnderReview,
        ],
        to: Cancelled,
        reason: ReasonRule::Required,
    },
    Rule {
        action: Action::CloseBidding,
        by: &[System],
        from: &[Published],
        to: BiddingClosed,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::StartReview,
        by: &[Admin],
        from: &[BiddingClosed],
        to: UnderReview,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::ProposeAward,
        by: &[Admin],
        from: &[UnderReview],
        to: Publicity,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::WithdrawAward,
        by: &[Admin],
        from: &[Publicity],
        to: UnderReview,
        reason: ReasonRule::Required,
    },
    Rule {
        action: Action::ConfirmAward,
        by: &[System],
        from: &[Publicity],
        to: Awarded,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::Accept,
        by: &[Admin, System],
        from: &[Awarded],
        to: Accepted,
        reason: ReasonRule::Optional,
    },
    Rule {
        action: Action::Fail,
        by: &[Admin, System],
        from: &[Awarded],
        to: Failed,
        reason: ReasonRule::Required,
    },
];

/// Who is acting.
#[derive(Debug, Clone)]
pub enum Actor<'a> {
    User(&'a AuthUser),
    System,
}

impl Actor<'_> {
    pub fn id(&self) -> Option<Uuid> {
        match self {
            Actor::User(user) => Some(user.id),
            Actor::System => None,
        }
    }

    /// The party this actor is for `challenge`, if any.
    pub fn party(&self, challenge: &Challenge) -> Option<Party> {
        match self {
            Actor::System => Some(System),
            Actor::User(user) => match user.role {
                Role::Admin => Some(Admin),
                Role::Issuer if user.organization_id == Some(challenge.issuer_org_id) => {
                    Some(Issuer)
                }
                _ => None,
            },
        }
    }
}

/// The rule that lets `party` take `action` from `from`: 403 if the party may never take it,
/// 409 naming the current state if not from this state.
pub fn check(action: Action, from: Status, party: Option<Party>) -> AppResult<&'static Rule> {
    permitted(action, party)?.allows(from)
}

/// The rule that lets `party` take `action` from some state: 403 if the party may never take it.
/// Callers check it before `If-Match`, and the state ([`Rule::allows`]) after.
pub fn permitted(action: Action, party: Option<Party>) -> AppResult<&'static Rule> {
    party
        .and_then(|party| {
            RULES
                .iter()
                .find(|r| r.action == action && r.by.contains(&party))
        })
        .ok_or(AppError::Forbidden)
}

impl Rule {
    /// The rule itself if it applies from `from`, else the 409 naming the state.
    pub fn allows(&'static self, from: Status) -> AppResult<&'static Rule> {
        if self.from.contains(&from) {
            Ok(self)
        } else {
            Err(refused(from))
        }
    }
}

/// The 409 for an action that the current state does not allow.
pub fn refused(current: Status) -> AppError {
    AppError::conflict(ErrorCode::InvalidTransition)
        .arg("current", current)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", current),
        )
}

/// Takes `action` on `challenge`, which the caller has loaded `FOR UPDATE` in this transaction
/// (through a query that only finds challenges the actor may see). Returns the updated row.
pub async fn apply(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: &Actor<'_>,
    challenge: &Challenge,
    action: Action,
    reason: Option<&str>,
) -> AppResult<Challenge> {
    let party = actor.party(challenge);
    let rule = check(action, challenge.status, party)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if rule.reason == ReasonRule::Required && reason.is_none() {
        return Err(AppError::validation("reason", FieldCode::Required));
    }
    let now = state.clock.now();
    let to = rule.to;
    let stamp = |status: Status| -> Option<DateTime<Utc>> { (to == status).then_some(now) };
    let updated: Challenge = diesel::update(challenges::table.find(challenge.id))
        .set((
            challenges::status.eq(to),
            challenges::status_reason.eq(match action {
                Action::Reject | Action::Cancel | Action::WithdrawAward | Action::Fail => reason,
                _ => None,
            }),
            challenges::version.eq(challenges::version + 1),
            challenges::updated_at.eq(now),
            stamp(PendingApproval).map(|at| challenges::submitted_at.eq(at)),
            stamp(Published).map(|at| challenges::published_at.eq(at)),
            stamp(BiddingClosed).map(|at| challenges::bidding_closed_at.eq(at)),
            stamp(Awarded).map(|at| challenges::awarded_at.eq(at)),
        ))
        .returning(Challenge::as_returning())
        .get_result(conn)
        .await?;
    let event = NewEvent::new(
        &updated,
        action.as_str(),
        Some(challenge.status),
        actor.id(),
        now,
    );
    queries::add_event(conn, &event.reason(reason)).await?;
    Event::new(
        &format!("challenge.{}", action.as_str()),
        "challenge",
        challenge.id,
    )
    .by(actor.id())
    .summary(json!({
        "from": challenge.status,
        "to": to,
        "reason": reason,
        "version": updated.version,
    }))
    .record(conn, state, meta)
    .await?;
    if let Some(party) = party {
        notify::transition(conn, state, &updated, action, party, reason).await?;
    }
    if to == Published {
        super::jobs::schedule(conn, &updated).await?;
    }
    // The bids' part: opened at the deadline (开标), their bidders told of a cancellation.
    super::stages::bidding(state)?
        .challenge_moved(conn, state, &updated, action, party, reason)
        .await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_and_party_has_at_most_one_rule() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                let shared = a.by.iter().any(|p| b.by.contains(p));
                assert!(
                    !(a.action == b.action && shared),
                    "two rules for {:?}",
                    a.action
                );
            }
        }
    }

    #[test]
    fn the_issuer_cannot_publish_and_nobody_reopens_a_cancelled_challenge() {
        assert!(matches!(
            check(Action::Approve, PendingApproval, Some(Issuer)),
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            check(Action::Approve, PendingApproval, None),
            Err(AppError::Forbidden)
        ));
        for action in [Action::Submit, Action::Approve, Action::Cancel] {
            for party in [Issuer, Admin] {
                let result = check(action, Cancelled, Some(party));
                assert!(result.is_err(), "{action:?} by {party:?} from cancelled");
            }
        }
        assert!(check(Action::Submit, Rejected, Some(Issuer)).is_ok());
        assert!(matches!(
            check(Action::Cancel, BiddingClosed, Some(Issuer)),
            Err(AppError::Conflict { .. })
        ));
        assert!(check(Action::Cancel, BiddingClosed, Some(Admin)).is_ok());
    }

    #[test]
    fn a_refusal_names_the_current_state() {
        let AppError::Conflict { code, errors, .. } = refused(Published) else {
            panic!("not a conflict");
        };
        assert_eq!(code, ErrorCode::InvalidTransition);
        assert_eq!(errors[0].param("current"), Some("published"));
    }
}
