//! Running a check: what other modules call, in their own transaction.
//!
//! ```ignore
//! let subject = credit::Subject::person(&state.privacy, &member.id_number, &member.name)?;
//! let outcome = credit::check(conn, &state, &meta, credit::CheckRequest {
//!     subject,
//!     purpose: Purpose::BidSubmit,
//!     general_blocks: challenge.general_credit_blocks,
//!     requested_by: Some(user.id),
//!     context: Some(json!({"challenge_id": challenge.id, "bid_id": bid.id})),
//! }).await?;
//! if outcome.result == CheckResult::Block { … }
//! ```
//!
//! A check is written in the caller's transaction, so it is rolled back with it. A caller that
//! refuses something because of a check (a bid, an award) must therefore commit the checks first,
//! in a transaction of their own, and refuse after: every check is kept, the ones that blocked
//! most of all.

use chrono::{NaiveDate, SubsecRound};
use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};
use uuid::Uuid;

use super::models::CreditCheck;
use super::queries;
use super::rules::{handling, standing_of};
use super::views::CheckView;
use crate::audit::{Event, RequestMeta};
use crate::credit::Subject;
use crate::credit::models::{Purpose, Standing};
use crate::credit::records::models::CreditRecord;
use crate::credit::records::queries as records;
use crate::credit::records::rules::{business_date, counts_on};
use crate::credit::records::views::RecordView;
use crate::error::AppResult;
use crate::state::AppState;

/// A subject's standing on `day` and the records in force behind it (oldest decision first).
pub async fn standing(
    conn: &mut AsyncPgConnection,
    subject_key: &str,
    day: NaiveDate,
) -> AppResult<(Standing, Vec<CreditRecord>)> {
    let in_force: Vec<CreditRecord> = records::of_subject(conn, subject_key)
        .await?
        .into_iter()
        .filter(|r| counts_on(r.decided_on, r.valid_until, r.repaired_on, day))
        .collect();
    Ok((standing_of(in_force.iter().map(|r| r.severity)), in_force))
}

/// A check to run.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    pub subject: Subject,
    pub purpose: Purpose,
    /// Whether a `general` standing blocks here (a challenge's `general_credit_blocks`).
    pub general_blocks: bool,
    /// The account that caused the check; `None` for the system (jobs, the command line).
    pub requested_by: Option<Uuid>,
    /// What the check was for, e.g. `{"challenge_id": …, "bid_id": …}`.
    pub context: Option<Value>,
}

/// Runs a check in the caller's transaction (a savepoint inside one): finds the subject's
/// standing now (`state.clock`), applies [`handling`], stores the check (immutable) and writes the
/// audit entry. Only the masked form of an ID number is stored, logged or returned.
pub async fn check(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    request: CheckRequest,
) -> AppResult<CheckView> {
    check_in_review(conn, state, meta, request, None).await
}

/// [`check`], as part of the batch review `review_id` when there is one.
pub(crate) async fn check_in_review(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    request: CheckRequest,
    review_id: Option<Uuid>,
) -> AppResult<CheckView> {
    let now = state.clock.now().trunc_subsecs(6);
    let today = business_date(now);
    crate::db::transaction(conn, async |conn| {
        let subject = &request.subject;
        let key = subject.key();
        let (standing, records) = standing(conn, &key, today).await?;
        let result = handling(standing, request.general_blocks);
        let matched: Vec<RecordView> = records
            .into_iter()
            .map(|r| RecordView::new(r, today))
            .collect();
        let row = CreditCheck {
            id: Uuid::now_v7(),
            subject_kind: subject.kind(),
            subject_key: key,
            subject_code: subject.code().to_string(),
            subject_name: subject.name().to_string(),
            purpose: request.purpose,
            general_blocks: request.general_blocks,
            standing,
            result,
            matched: serde_json::to_value(&matched).map_err(anyhow::Error::from)?,
            requested_by: request.requested_by,
            review_id,
            context: request.context.clone(),
            checked_at: now,
        };
        queries::insert(conn, &row).await?;
        Event::new("credit.check", "credit_check", row.id)
            .by(request.requested_by)
            .summary(json!({
                "subject_kind": row.subject_kind,
                "subject_code": row.subject_code,
                "subject_name": row.subject_name,
                "purpose": row.purpose,
                "standing": row.standing,
                "result": row.result,
                "matched": matched.iter().map(|r| r.id).collect::<Vec<_>>(),
                "review_id": review_id,
                "context": row.context,
            }))
            .record(conn, state, meta)
            .await?;
        Ok(CheckView::from(row))
    })
    .await
}
