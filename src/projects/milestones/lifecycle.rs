//! The life of a milestone, in one place: which action is allowed from which state, by whom, and
//! into which state; and applying it. Every handler that changes a milestone asks [`check`] with
//! the milestone row locked in its transaction, so that two concurrent decisions cannot both
//! pass. Accepting ([`accept_reported`]) also decides the open report, records the payment and
//! tells the awardee, for the issuer's accept and for a passed final acceptance alike.

use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::models::MilestoneStatus::{self, *};
use super::models::{DecisionChanges, Milestone, ReportOutcome, StatusChanges};
use super::notices::MilestoneAccepted;
use super::queries;
use crate::audit::{Event, RequestMeta};
use crate::challenges::models::{Challenge, Status};
use crate::credit::CheckView;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::i18n::{self, Args};
use crate::notifications::yuan;
use crate::projects::notices::{ProjectReadyForAcceptance, project_url};
use crate::projects::notify::{tell_admins, tell_solvers};
use crate::projects::payments::{self, models::PaymentStatus};
use crate::projects::queries::{Lock, awardee};
use crate::state::AppState;

/// What can happen to a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneAction {
    /// The awardee's solver reports the deliverable.
    Report,
    /// The issuer accepts the reported deliverable; its payment enters the ledger.
    Accept,
    /// The issuer returns it with a reason, to be reported again.
    Return,
}

impl MilestoneAction {
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneAction::Report => "report",
            MilestoneAction::Accept => "accept",
            MilestoneAction::Return => "return",
        }
    }

    /// Its entry in the audit log.
    pub fn audit_action(self) -> &'static str {
        match self {
            MilestoneAction::Report => "milestone.report",
            MilestoneAction::Accept => "milestone.accept",
            MilestoneAction::Return => "milestone.return",
        }
    }
}

/// Who may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// A solver account of the awardee organisation.
    Awardee,
    /// An issuer account of the challenge's organisation.
    Issuer,
}

pub struct Rule {
    pub action: MilestoneAction,
    pub by: Party,
    pub from: &'static [MilestoneStatus],
    pub to: MilestoneStatus,
}

pub const RULES: &[Rule] = &[
    Rule {
        action: MilestoneAction::Report,
        by: Party::Awardee,
        from: &[Pending, Returned],
        to: Reported,
    },
    Rule {
        action: MilestoneAction::Accept,
        by: Party::Issuer,
        from: &[Reported],
        to: Accepted,
    },
    Rule {
        action: MilestoneAction::Return,
        by: Party::Issuer,
        from: &[Reported],
        to: Returned,
    },
];

pub fn rule(action: MilestoneAction) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.action == action)
        .unwrap_or(&RULES[0])
}

/// 409 unless the project is running: the challenge is `awarded`.
pub fn running(challenge: &Challenge) -> AppResult<()> {
    if challenge.status == Status::Awarded {
        return Ok(());
    }
    Err(AppError::conflict(ErrorCode::ProjectNotRunning)
        .arg("current", challenge.status)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition)
                .with_param("current", challenge.status),
        ))
}

/// Whether `action` may be taken on a milestone in `from` of `challenge`: 409
/// `project_not_running` unless the challenge is `awarded`, 409 `invalid_milestone_state` naming
/// the milestone's state. Answers the rule (and so the state it leads to).
pub fn check(
    action: MilestoneAction,
    from: MilestoneStatus,
    challenge: &Challenge,
) -> AppResult<&'static Rule> {
    running(challenge)?;
    let rule = rule(action);
    if !rule.from.contains(&from) {
        return Err(refused(from));
    }
    Ok(rule)
}

/// The 409 for an action the milestone's state does not allow.
pub fn refused(current: MilestoneStatus) -> AppError {
    AppError::conflict(ErrorCode::InvalidMilestoneState)
        .arg("current", current)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", current),
        )
}

/// The 409 for the issuer accepting the last milestone: the final acceptance decides it.
pub fn final_by_acceptance() -> AppError {
    AppError::conflict(ErrorCode::FinalMilestoneByAcceptance).field(FieldError::new(
        "milestone",
        FieldCode::FinalMilestoneByAcceptance,
    ))
}

/// Takes `action` on `current` (locked by the caller, [`check`]ed): the state its rule leads to,
/// the version bumped, `accepted_by` for an acceptance. Answers the milestone as it is now; the
/// caller records it ([`event`]).
pub async fn apply(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    actor: Uuid,
    current: &Milestone,
    action: MilestoneAction,
) -> AppResult<Milestone> {
    let now = state.clock.now();
    let accepted = action == MilestoneAction::Accept;
    let changes = StatusChanges {
        status: rule(action).to,
        updated_at: now,
        accepted_by: accepted.then_some(actor),
        accepted_at: accepted.then_some(now),
    };
    queries::set_status(conn, current.id, &changes).await
}

/// The audit entry of `action` taken on a milestone by `actor`: before and after, and `details`.
pub fn event(
    action: MilestoneAction,
    actor: Uuid,
    (before, after): (&Milestone, &Milestone),
    details: Value,
) -> Event<'static> {
    Event::new(action.audit_action(), "milestone", after.id)
        .by(actor)
        .summary(json!({
            "challenge_id": after.challenge_id,
            "position": after.position,
            "title": after.title,
            "from": before.status,
            "to": after.status,
            "version": after.version,
            "details": details,
        }))
}

/// Records the decision on the open report of `milestone` (reported, locked by the caller).
/// Answers the report's id.
pub async fn decide_report(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    milestone: &Milestone,
    outcome: ReportOutcome,
    reason: Option<&str>,
    actor: Uuid,
) -> AppResult<Uuid> {
    let report = queries::open_report(conn, milestone.id).await?;
    let decision = DecisionChanges {
        outcome,
        reason,
        decided_by: actor,
        decided_at: state.clock.now(),
    };
    queries::decide_report(conn, report.id, &decision).await?;
    Ok(report.id)
}

/// Who accepts a reported milestone, and the payee's credit check already on record.
pub struct Decision<'a> {
    pub actor: Uuid,
    /// A passed final acceptance, not the issuer, accepts.
    pub by_acceptance: bool,
    pub comment: Option<&'a str>,
    pub payee: Uuid,
    pub check: &'a CheckView,
}

/// Accepts `current` (reported, locked by the caller) in the caller's transaction: the open
/// report decided, the milestone accepted, its payment in the ledger (held if the check
/// blocks), the audit entry and the notices. The issuer's accept and a passed final acceptance
/// both come here.
pub async fn accept_reported(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    current: &Milestone,
    decision: Decision<'_>,
) -> AppResult<Milestone> {
    let Decision {
        actor,
        by_acceptance,
        comment,
        payee,
        check,
    } = decision;
    let action = MilestoneAction::Accept;
    let report_id = decide_report(
        conn,
        state,
        current,
        ReportOutcome::Accepted,
        comment,
        actor,
    )
    .await?;
    let updated = apply(conn, state, actor, current, action).await?;
    let payment =
        payments::lifecycle::record(conn, state, meta, actor, challenge, &updated, payee, check)
            .await?;
    let details = json!({"report_id": report_id, "comment": comment, "payment_id": payment.id,
           "payment_status": payment.status, "credit_check_id": check.id});
    event(action, actor, (current, &updated), details)
        .record(conn, state, meta)
        .await?;
    let held = payment.status == PaymentStatus::Held;
    tell_solvers(conn, state, payee, |to| MilestoneAccepted {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        milestone_title: updated.title.clone(),
        amount: yuan(updated.amount_fen),
        payment_held: held,
        by_acceptance,
        comment: comment.map(str::to_string),
        url: project_url(state, challenge.id),
    })
    .await?;
    if held {
        payments::lifecycle::tell_held(conn, state, challenge, &updated, payee, check).await?;
    }
    Ok(updated)
}

/// A passed final acceptance accepts the last milestone, whose deliverable the panel judged, and
/// releases its share (尾款) into the ledger after the payee's credit check (a block holds it).
/// In the closing transaction, by the admin who closed it. Answers the milestone, if it was
/// waiting (reported).
pub async fn accept_final(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    actor: Uuid,
) -> AppResult<Option<Milestone>> {
    let Some(last) = queries::final_milestone(conn, challenge.id, Lock::Update).await? else {
        return Ok(None);
    };
    if last.status == Accepted {
        // Already accepted, and paid, before the rule that leaves it to the acceptance.
        return Ok(None);
    }
    // The draw required it reported and a return is refused since: anything else would close
    // the project without its final share, so the close fails instead.
    if last.status != Reported {
        return Err(anyhow::anyhow!(
            "the last milestone {} of challenge {} is {}, not reported",
            last.id,
            challenge.id,
            last.status
        )
        .into());
    }
    let payee = awardee(conn, challenge.id).await?;
    let check =
        payments::credit_check(conn, state, meta, Some(actor), challenge, payee, last.id).await?;
    let comment = i18n::bilingual("record-final_acceptance_passed", &Args::new());
    let decision = Decision {
        actor,
        by_acceptance: true,
        comment: Some(&comment),
        payee,
        check: &check,
    };
    accept_reported(conn, state, meta, challenge, &last, decision)
        .await
        .map(Some)
}

/// After a report or an acceptance: when that made the project ready for the final acceptance
/// (every milestone but the last accepted, the last reported), the admins are told to draw the
/// panel.
pub async fn tell_if_ready(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
) -> AppResult<()> {
    if crate::projects::milestones_outstanding(conn, challenge.id).await? > 0
        || crate::projects::acceptance::started(conn, challenge.id).await?
    {
        return Ok(());
    }
    let org = awardee(conn, challenge.id).await?;
    let (_, _, organization_name) = crate::bids::queries::organization(conn, org).await?;
    tell_admins(conn, state, |to| ProjectReadyForAcceptance {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        organization_name: organization_name.clone(),
        url: project_url(state, challenge.id),
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_one_rule_and_accepted_is_final() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(RULES[i + 1..].iter().all(|b| b.action != a.action));
        }
        assert!(RULES.iter().all(|r| !r.from.contains(&Accepted)));
        assert_eq!(rule(MilestoneAction::Report).by, Party::Awardee);
        assert_eq!(rule(MilestoneAction::Accept).to, Accepted);
        assert_eq!(rule(MilestoneAction::Return).to, Returned);
        assert!(rule(MilestoneAction::Report).from.contains(&Returned));
        assert!(!rule(MilestoneAction::Report).from.contains(&Reported));
        for action in [
            MilestoneAction::Report,
            MilestoneAction::Accept,
            MilestoneAction::Return,
        ] {
            assert_eq!(
                action.audit_action(),
                format!("milestone.{}", action.as_str())
            );
        }
    }
}
