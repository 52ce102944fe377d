//! When an objection may be filed and resolved.

use chrono::{DateTime, Utc};

use super::models::{Objection, ObjectionStatus};
use crate::awards::proposals::lifecycle::only_from;
use crate::awards::proposals::models::{Award, AwardStatus};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::notifications::beijing_time;

/// The award whose notice takes objections at `now`, out of the challenge's live award: a 409
/// `notice_closed` when there is none, or its notice has ended (naming when).
pub fn open_notice(award: Option<Award>, now: DateTime<Utc>) -> AppResult<Award> {
    let closed = AppError::conflict(ErrorCode::NoticeClosed)
        .field(FieldError::new("challenge_id", FieldCode::NoticeClosed));
    match award {
        Some(a) if a.notice_open(now) => Ok(a),
        Some(a) if a.status == AwardStatus::Publicity => Err(closed
            .arg("case", "ended")
            .arg("ended_at", beijing_time(a.ends_at))),
        _ => Err(closed.arg("case", "none")),
    }
}

/// One pending objection per person and notice: a second waits until the first is decided
/// (`pending`: the objector's pending objections to the notice).
pub fn none_pending(pending: i64) -> AppResult<()> {
    if pending > 0 {
        return Err(AppError::conflict(ErrorCode::ObjectionPending)
            .field(FieldError::new("challenge_id", FieldCode::ObjectionPending)));
    }
    Ok(())
}

/// An objection is resolved once: a 409 `objection_resolved` naming its state otherwise.
pub fn may_resolve(objection: &Objection) -> AppResult<()> {
    only_from(
        objection.status,
        ObjectionStatus::Pending,
        ErrorCode::ObjectionResolved,
    )
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use uuid::Uuid;

    use super::*;
    use crate::awards::proposals::models::tests::award;

    fn code(result: AppResult<Award>) -> (String, Option<String>) {
        let AppError::Conflict { code, args, .. } = result.unwrap_err() else {
            panic!("not a conflict");
        };
        (code.to_string(), args.get("case").map(str::to_string))
    }

    #[test]
    fn objections_are_taken_while_the_notice_runs() {
        let award = award();
        let before_the_end = award.ends_at - Duration::seconds(1);
        assert!(open_notice(Some(award.clone()), before_the_end).is_ok());
        assert_eq!(
            code(open_notice(Some(award.clone()), award.ends_at)),
            ("notice_closed".into(), Some("ended".into()))
        );
        let confirmed = Award {
            status: AwardStatus::Confirmed,
            ..award.clone()
        };
        assert_eq!(
            code(open_notice(Some(confirmed), before_the_end)),
            ("notice_closed".into(), Some("none".into()))
        );
        assert_eq!(
            code(open_notice(None, before_the_end)),
            ("notice_closed".into(), Some("none".into()))
        );
    }

    #[test]
    fn an_objection_is_resolved_once() {
        let award = award();
        let mut objection = Objection {
            id: Uuid::nil(),
            award_id: award.id,
            challenge_id: award.challenge_id,
            objector_id: Uuid::nil(),
            objector_name: "王五".into(),
            reason: "理由".into(),
            contact: None,
            filed_at: award.proposed_at,
            status: ObjectionStatus::Pending,
            resolved_by: None,
            resolved_at: None,
            resolution: None,
        };
        assert!(may_resolve(&objection).is_ok());
        objection.status = ObjectionStatus::Dismissed;
        assert!(may_resolve(&objection).is_err());
        assert!(none_pending(0).is_ok());
        assert!(none_pending(1).is_err());
    }
}
