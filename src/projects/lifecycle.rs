//! The life of a milestone, in one place: which action is allowed from which state, by whom, and
//! into which state. Every handler that changes a milestone asks [`check`] with the milestone row
//! locked in its transaction, so that two concurrent decisions cannot both pass.

use super::models::MilestoneStatus::{self, *};
use crate::challenges::models::{Challenge, Status};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};

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
    }
}
