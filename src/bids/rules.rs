//! The rules of a bid other than its states ([`super::lifecycle`]): who bids for which
//! organisation, one live bid per organisation, the credit gate at submission, the formal
//! review's reason, and when expert review may start.
//!
//! A submission runs the credit checks of every party in a transaction of their own, committed
//! before the bid is saved: the checks stay on record (SPEC §4) also when a `block` refuses the
//! bid.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::input::Plan;
use super::models::{BidChanges, BidStatus, MemberRole, NewBid, ReviewResult};
use super::queries;
use crate::accounts::models::OrganizationKind;
use crate::audit::RequestMeta;
use crate::auth::{AuthUser, Role};
use crate::challenges::models::Challenge;
use crate::credit::{self, CheckRequest, CheckResult, Purpose, Subject};
use crate::db;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::state::AppState;

/// The solver's organisation: 403 for other roles and for a solver without one.
pub fn solver_org(user: &AuthUser) -> AppResult<Uuid> {
    user.require(&[Role::Solver])?;
    user.organization_id.ok_or(AppError::Forbidden)
}

/// The 409 for a second live bid of one organisation on one challenge.
pub fn bid_exists() -> AppError {
    AppError::conflict(ErrorCode::BidExists)
}

/// One live bid per organisation and challenge.
pub fn no_live_bid(has_live_bid: bool) -> AppResult<()> {
    if has_live_bid {
        Err(bid_exists())
    } else {
        Ok(())
    }
}

/// The formal review's reason, trimmed: required for `ineligible`.
pub fn review_reason(result: ReviewResult, reason: Option<&str>) -> AppResult<Option<String>> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if result == ReviewResult::Ineligible && reason.is_none() {
        return Err(AppError::validation("reason", FieldCode::Required));
    }
    Ok(reason.map(str::to_string))
}

/// Expert review starts once no bid is `waiting` for its formal review.
pub fn all_reviewed(waiting: i64) -> AppResult<()> {
    if waiting > 0 {
        return Err(AppError::conflict(ErrorCode::FormalReviewIncomplete)
            .arg("count", waiting)
            .field(FieldError::new("bids", FieldCode::NotReviewed).with_param("count", waiting)));
    }
    Ok(())
}

/// What a successful submission records: the worst credit result and the formal-review pre-fill.
pub struct Gate {
    pub credit_result: CheckResult,
    pub prefill: Value,
}

impl Gate {
    /// `changes` with what the gate found.
    pub fn recorded(&self, changes: BidChanges) -> BidChanges {
        BidChanges {
            credit_result: Some(self.credit_result.as_str()),
            prefill: Some(self.prefill.clone()),
            ..changes
        }
    }

    /// A new bid submitted at once.
    pub fn submitted_bid<'a>(&self, draft: NewBid<'a>, now: DateTime<Utc>) -> NewBid<'a> {
        NewBid {
            status: BidStatus::Submitted,
            credit_result: Some(self.credit_result.as_str()),
            prefill: Some(self.prefill.clone()),
            submitted_at: Some(now),
            ..draft
        }
    }

    /// What submitting a draft sets.
    pub fn submitted(&self, now: DateTime<Utc>) -> BidChanges {
        self.recorded(BidChanges {
            status: Some(BidStatus::Submitted),
            submitted_at: Some(now),
            ..BidChanges::default()
        })
    }
}

/// A bid about to be submitted.
pub struct Submission<'a> {
    pub user: &'a AuthUser,
    pub challenge: &'a Challenge,
    pub org_id: Uuid,
    pub plan: &'a Plan,
    pub bid_id: Uuid,
}

impl Submission<'_> {
    /// The submission rules, the organisation's kind, and the credit checks of the organisation,
    /// the leader and every member. The checks are committed here, before the bid is saved, so
    /// that they stay on record when a `block` refuses the bid (422 `credit_refused` naming each
    /// blocked party, and nothing of the records or of anyone else).
    pub async fn gate(
        self,
        conn: &mut AsyncPgConnection,
        state: &AppState,
        meta: &RequestMeta,
    ) -> AppResult<Gate> {
        let Submission {
            user,
            challenge,
            org_id,
            plan,
            bid_id,
        } = self;
        let mut errors = match plan.rules(challenge) {
            Ok(()) => Vec::new(),
            Err(AppError::Validation(errors)) => errors,
            Err(other) => return Err(other),
        };
        let (kind, uscc, org_name) = queries::organization(conn, org_id).await?;
        let kind_ok = kind
            .parse::<OrganizationKind>()
            .is_ok_and(|k| challenge.eligible_kinds().contains(&k));
        if !kind_ok {
            errors.push(
                FieldError::new("organization", FieldCode::OrgKindNotEligible)
                    .with_param("kind", &kind),
            );
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let org = Subject::organization(&uscc, &org_name)
            .map_err(|e| anyhow::anyhow!("stored USCC is invalid: {e:?}"))?;
        let mut parties: Vec<(String, &'static str, Subject)> =
            vec![("organization".into(), "organization", org)];
        for (i, m) in plan.team.iter().enumerate() {
            let role = match m.role {
                MemberRole::Leader => "leader",
                MemberRole::Member => "member",
            };
            parties.push((
                format!("team[{i}].id_number"),
                role,
                Subject::Person {
                    id: m.id.clone(),
                    name: m.name.clone(),
                },
            ));
        }
        let general_blocks = challenge.general_credit_blocks;
        let context = json!({"challenge_id": challenge.id, "bid_id": bid_id});
        let checks = db::transaction(conn, async |conn| {
            let mut checks = Vec::with_capacity(parties.len());
            for (_, _, subject) in &parties {
                let request = CheckRequest {
                    subject: subject.clone(),
                    purpose: Purpose::BidSubmit,
                    general_blocks,
                    requested_by: Some(user.id),
                    context: Some(context.clone()),
                };
                checks.push(credit::check(conn, state, meta, request).await?);
            }
            Ok(checks)
        })
        .await?;
        let blocked: Vec<FieldError> = parties
            .iter()
            .zip(&checks)
            .filter(|(_, c)| c.result == CheckResult::Block)
            .map(|((field, _, _), check)| {
                // Why, without the records: a serious record always bars; a general one bars
                // only where this challenge says so.
                FieldError::new(field.clone(), FieldCode::CreditBlocked)
                    .with_param("standing", check.standing.as_str())
                    .with_param("purpose", "bid")
            })
            .collect();
        if !blocked.is_empty() {
            // Its own problem type: what happened and what the bidder can do about it.
            let refused =
                AppError::unprocessable(ErrorCode::CreditRefused).arg("parties", blocked.len());
            return Err(blocked.into_iter().fold(refused, AppError::field));
        }
        let warn = checks.iter().any(|c| c.result == CheckResult::Warn);
        let credit_result = if warn {
            CheckResult::Warn
        } else {
            CheckResult::Pass
        };
        let prefill = json!({
            "complete": true,
            "organization_kind": kind,
            "organization_kind_eligible": true,
            "credit_result": credit_result,
            "credit": parties.iter().zip(&checks).map(|((field, role, subject), check)| json!({
                "party": field,
                "role": role,
                "code": subject.code(),
                "result": check.result,
                "check_id": check.id,
            })).collect::<Vec<_>>(),
            "checked_at": state.clock.now(),
        });
        Ok(Gate {
            credit_result,
            prefill,
        })
    }
}
