//! The rules of a proposal: which bid may be chosen and when a reason is needed, how long the
//! notice runs, and the credit re-check of the organisation, the leader and the members.

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::models::{Award, AwardOutcome, AwardStatus, Ranked};
use super::queries;
use crate::audit::RequestMeta;
use crate::awards::calendar::queries::count_working_days;
use crate::awards::calendar::rules::{Counted, beijing_date, end_of_beijing_day};
use crate::bids::models::{Bid, BidStatus};
use crate::bids::queries::{BidViewer, find_visible};
use crate::challenges::lifecycle::{self, Action, Party};
use crate::challenges::models::Challenge;
use crate::credit::{self, CheckRequest, CheckResult, CheckView, Purpose, Subject};
use crate::db;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::state::AppState;

/// The chosen bid's rank, and whether it is the best-ranked eligible bid. The review must be
/// `closed` with a `ranking`; the bid must be an eligible bid of it; a reason must be given for
/// another than the top choice, for a choice between bids sharing the first place, and for a bid
/// proposed before and `withdrawn_before`.
pub fn choose(
    closed: bool,
    ranking: &[Ranked],
    bid_id: Uuid,
    reason_given: bool,
    withdrawn_before: bool,
) -> AppResult<(i32, bool)> {
    if !closed || ranking.is_empty() {
        return Err(AppError::conflict(ErrorCode::ReviewNotClosed)
            .field(FieldError::new("review", FieldCode::NotClosed)));
    }
    let Some(chosen) = ranking.iter().find(|r| r.bid_id == bid_id) else {
        return Err(AppError::validation("bid_id", FieldCode::NotRanked));
    };
    if chosen.status != BidStatus::Eligible {
        return Err(AppError::Validation(vec![
            FieldError::new("bid_id", FieldCode::NotEligible)
                .with_param("current", chosen.status.as_str()),
        ]));
    }
    let eligible = || ranking.iter().filter(|r| r.status == BidStatus::Eligible);
    let top = eligible().map(|r| r.rank).min().unwrap_or(chosen.rank);
    let top_ranked = chosen.rank <= top;
    if !reason_given {
        if !top_ranked {
            return Err(AppError::Validation(vec![
                FieldError::new("reason", FieldCode::Required).with_param("rank", chosen.rank),
            ]));
        }
        // A choice between bids sharing the first place is the admin's: it is written down.
        let tied = eligible().filter(|r| r.rank == top).count();
        if tied > 1 {
            return Err(AppError::Validation(vec![
                FieldError::new("reason", FieldCode::Tied).with_param("tied", tied),
            ]));
        }
        // Proposed before and withdrawn (an upheld objection, or a credit block): again only
        // with a reason.
        if withdrawn_before {
            return Err(AppError::validation(
                "reason",
                FieldCode::PreviouslyWithdrawn,
            ));
        }
    }
    Ok((chosen.rank, top_ranked))
}

/// How many working days a notice of the challenge runs: its `publicity_days`, at least one.
pub fn working_days(challenge: &Challenge) -> u32 {
    u32::try_from(challenge.publicity_days.max(1)).unwrap_or(1)
}

/// A notice may not run through a year whose holidays nobody has entered: only weekends would be
/// rest days there, and a notice counted over 元旦 or 春节 as working days would be shorter than
/// the law asks (409 `calendar_not_maintained`, naming the years).
pub fn calendar_maintained(counted: &Counted) -> AppResult<()> {
    if counted.missing_years.is_empty() {
        return Ok(());
    }
    let years = counted
        .missing_years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Err(AppError::conflict(ErrorCode::CalendarNotMaintained)
        .arg("years", &years)
        .field(
            FieldError::new("calendar", FieldCode::CalendarNotMaintained)
                .with_param("years", years),
        ))
}

/// A proposal that passed the rules: the bid, the award to store (in publicity, without its
/// credit checks yet), and the count that ends its notice.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub bid: Bid,
    pub award: Award,
    pub counted: Counted,
}

/// The proposal of `bid_id` on `challenge` by the admin `by` at `now`, with or without a
/// `reason`: the challenge must be `under_review` (409 naming its state), the choice must pass
/// [`choose`], and the notice (the challenge's `publicity_days` working days from the day after
/// `now`, Beijing time) must be counted on a maintained calendar.
pub async fn proposal(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    bid_id: Uuid,
    reason: Option<&str>,
    by: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Proposal> {
    lifecycle::check(Action::ProposeAward, challenge.status, Some(Party::Admin))?;
    let closed = queries::review_closed(conn, challenge.id).await?;
    let ranking = queries::ranking(conn, challenge.id).await?;
    let withdrawn = queries::withdrawn_before(conn, challenge.id, bid_id).await?;
    let (rank, top_ranked) = choose(closed, &ranking, bid_id, reason.is_some(), withdrawn)?;
    let bid = find_visible(conn, BidViewer::Admin, bid_id).await?;
    let amount_fen = bid
        .requested_fen
        .ok_or_else(|| anyhow::anyhow!("eligible bid {} has no amount", bid.id))?;
    let proposal_day = beijing_date(now);
    let days = working_days(challenge);
    let counted = count_working_days(conn, proposal_day, days).await?;
    calendar_maintained(&counted)?;
    let award = Award {
        id: Uuid::now_v7(),
        challenge_id: challenge.id,
        bid_id: bid.id,
        organization_id: bid.organization_id,
        amount_fen,
        rank,
        top_ranked,
        reason: reason.map(str::to_string),
        proposed_by: by,
        proposed_at: now,
        proposal_check_ids: Vec::new(),
        working_days: i32::try_from(days).unwrap_or(1),
        starts_on: proposal_day + Duration::days(1),
        ends_on: counted.end,
        ends_at: end_of_beijing_day(counted.end),
        calendar_maintained: counted.missing_years.is_empty(),
        status: AwardStatus::Publicity,
        outcome: AwardOutcome::default(),
    };
    Ok(Proposal {
        bid,
        award,
        counted,
    })
}

/// What the credit checks of an award step are for.
pub struct CheckContext {
    /// `award` for the proposal, `award_confirm` for the confirmation.
    pub purpose: Purpose,
    /// The challenge's `general_credit_blocks`.
    pub general_blocks: bool,
    /// The admin who asked; `None` for the confirmation job.
    pub requested_by: Option<Uuid>,
    pub context: Value,
}

/// What the credit re-check of a bid's parties found.
pub struct Recheck {
    /// The checks, in the order of the parties: the organisation, the leader, the members.
    pub check_ids: Vec<Option<Uuid>>,
    /// One `credit_blocked` error per blocked party (with the purpose, so the message fits the
    /// step).
    pub blocked: Vec<FieldError>,
}

/// The proposal's credit re-check (purpose `award`) of `bid_id` on `challenge` by the admin
/// `admin`, after a first look at the rules ([`proposal`], without locks, so that no check is
/// run for a proposal refused anyway): a block refuses the proposal, a 422 `credit_blocked` per
/// blocked party (the checks stay on record). Answers the ids of the checks.
pub async fn cleared(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    admin: Uuid,
    challenge: &Challenge,
    bid_id: Uuid,
    reason: Option<&str>,
) -> AppResult<Vec<Option<Uuid>>> {
    let now = state.clock.now();
    let first = proposal(conn, challenge, bid_id, reason, admin, now).await?;
    let context = CheckContext {
        purpose: Purpose::Award,
        general_blocks: challenge.general_credit_blocks,
        requested_by: Some(admin),
        context: json!({"challenge_id": challenge.id, "bid_id": first.bid.id}),
    };
    let recheck = recheck(conn, state, meta, &first.bid, context).await?;
    if !recheck.blocked.is_empty() {
        // Its own problem type: what happened and what the office can do about it.
        let refused = AppError::unprocessable(ErrorCode::AwardCreditRefused)
            .arg("parties", recheck.blocked.len());
        return Err(recheck.blocked.into_iter().fold(refused, AppError::field));
    }
    Ok(recheck.check_ids)
}

/// Checks the organisation, the leader and every member of `bid` again, in a transaction of its
/// own that commits (so a refusal keeps the checks on record).
pub async fn recheck(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    bid: &Bid,
    ctx: CheckContext,
) -> AppResult<Recheck> {
    let parties = queries::credit_parties(conn, bid).await?;
    let checks = run_checks(conn, state, meta, &parties, &ctx).await?;
    Ok(Recheck {
        check_ids: checks.iter().map(|c| Some(c.id)).collect(),
        blocked: blocked_errors(&parties, &checks, ctx.purpose.as_str()),
    })
}

async fn run_checks(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    parties: &[(String, Subject)],
    ctx: &CheckContext,
) -> AppResult<Vec<CheckView>> {
    db::transaction(conn, async |conn| {
        let mut checks = Vec::with_capacity(parties.len());
        for (_, subject) in parties {
            let request = CheckRequest {
                subject: subject.clone(),
                purpose: ctx.purpose,
                general_blocks: ctx.general_blocks,
                requested_by: ctx.requested_by,
                context: Some(ctx.context.clone()),
            };
            checks.push(credit::check(conn, state, meta, request).await?);
        }
        Ok(checks)
    })
    .await
}

fn blocked_errors(
    parties: &[(String, Subject)],
    checks: &[CheckView],
    purpose: &str,
) -> Vec<FieldError> {
    parties
        .iter()
        .zip(checks)
        .filter(|(_, c)| c.result == CheckResult::Block)
        .map(|((field, _), check)| {
            FieldError::new(field.clone(), FieldCode::CreditBlocked)
                .with_param("standing", check.standing.as_str())
                .with_param("purpose", purpose)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(rank: i32, status: BidStatus) -> Ranked {
        Ranked {
            bid_id: Uuid::now_v7(),
            rank,
            status,
        }
    }

    /// The review closed, its ranking, the bid chosen, a reason given, the bid withdrawn before;
    /// and what `choose` answers: the rank and top-ranked flag, or the code of the refusal.
    type Case<'a> = (
        bool,
        &'a [Ranked],
        Uuid,
        bool,
        bool,
        Result<(i32, bool), &'static str>,
    );

    /// The rank and top-ranked flag, or the code of the refusal.
    fn decided(result: AppResult<(i32, bool)>) -> Result<(i32, bool), String> {
        result.map_err(|error| match error {
            AppError::Validation(errors) => errors[0].code.to_string(),
            AppError::Conflict { code, .. } => code.to_string(),
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn a_reason_is_needed_for_another_than_the_top_choice_a_tie_or_a_second_proposal() {
        use BidStatus::{Eligible, Ineligible};
        let three = [
            ranked(1, Ineligible),
            ranked(2, Eligible),
            ranked(3, Eligible),
        ];
        let [ineligible, top, second] = three.map(|r| r.bid_id);
        let tied = [ranked(1, Eligible), ranked(1, Eligible)];
        let first = tied[0].bid_id;
        let alone = &tied[..1];
        let unknown = Uuid::now_v7();
        let cases: [Case; 12] = [
            (true, &three, top, false, false, Ok((2, true))),
            (true, &three, second, false, false, Err("required")),
            (true, &three, second, true, false, Ok((3, false))),
            (true, &three, ineligible, true, false, Err("not_eligible")),
            (true, &three, unknown, true, false, Err("not_ranked")),
            (true, &tied, first, false, false, Err("tied")),
            (true, &tied, first, true, false, Ok((1, true))),
            (true, alone, first, false, true, Err("previously_withdrawn")),
            (true, alone, first, true, true, Ok((1, true))),
            (false, alone, first, false, false, Err("review_not_closed")),
            (true, &[], first, false, false, Err("review_not_closed")),
            (false, &[], first, true, false, Err("review_not_closed")),
        ];
        for (i, (closed, ranking, bid, reason, withdrawn, expected)) in
            cases.into_iter().enumerate()
        {
            let got = decided(choose(closed, ranking, bid, reason, withdrawn));
            assert_eq!(got, expected.map_err(str::to_string), "case {i}");
        }
    }

    #[test]
    fn a_notice_through_an_unmaintained_year_is_refused_naming_it() {
        let day = "2026-01-05".parse().unwrap();
        let maintained = Counted {
            end: day,
            missing_years: vec![],
        };
        assert!(calendar_maintained(&maintained).is_ok());
        let missing = Counted {
            end: day,
            missing_years: vec![2025, 2026],
        };
        let AppError::Conflict { code, args, errors } = calendar_maintained(&missing).unwrap_err()
        else {
            panic!("not a conflict");
        };
        assert_eq!(code.to_string(), "calendar_not_maintained");
        assert_eq!(args.get("years"), Some("2025, 2026"));
        assert_eq!(errors[0].field, "calendar");
    }
}
