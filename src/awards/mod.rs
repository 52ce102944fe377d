//! Award, public notice and objections (挂帅, 公示, 异议; SPEC §6).
//!
//! - [`calendar`]: the working-day calendar (`GET, PUT /calendar/{year}`) and the count of
//!   working days that ends a notice;
//! - [`propose`]: `POST /challenges/{id}/award` (the proposal, with the credit re-check),
//!   `GET /challenges/{id}/awards` and `POST /challenges/{id}/award/withdraw` (admins);
//! - [`public`]: `GET /notices` and the Atom feed `GET /notices/feed`, without login;
//! - [`objections`]: `POST /challenges/{id}/objections`, `GET /objections`,
//!   `POST /objections/{id}/resolve`;
//! - [`confirm`]: the `confirm_award` job at the end of the notice.
//!
//! An award row lives beside the challenge: `publicity` while the notice runs and until it is
//! confirmed or withdrawn; `withdrawn` rows stay as history; at most one row per challenge is not
//! withdrawn (a unique partial index). The challenge's own status moves only through
//! `challenges::lifecycle::apply` (`ProposeAward`, `WithdrawAward`, `ConfirmAward`).

pub mod calendar;
pub mod confirm;
pub mod models;
pub mod notices;
pub mod objections;
pub mod propose;
pub mod public;
pub mod stages;

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::models::User;
use crate::audit::RequestMeta;
use crate::auth::Role;
use crate::bids::models::{Bid, BidStatus, Member};
use crate::credit::{self, CheckRequest, CheckResult, CheckView, Purpose, Subject};
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::privacy::ProtectedId;
use crate::schema::{awards, bid_members, bids, objections as objections_t, organizations, users};
use crate::state::AppState;
use models::{Award, AwardStatus, ObjectionStatus};

/// All the routes of the award.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    calendar::configure(cfg);
    cfg.service(propose::propose_award)
        .service(propose::list_awards)
        .service(propose::withdraw_award)
        .service(public::list_notices)
        .service(public::notices_feed)
        .service(objections::file_objection)
        .service(objections::list_objections)
        .service(objections::resolve_objection);
}

fn base_url(state: &AppState) -> &str {
    state.settings.mail.public_url.trim_end_matches('/')
}

/// Where the public reads the notices.
pub fn notices_url(state: &AppState) -> String {
    format!("{}/api/v1/notices", base_url(state))
}

pub fn objections_url(state: &AppState) -> String {
    format!("{}/api/v1/objections", base_url(state))
}

pub fn awards_url(state: &AppState, challenge_id: Uuid) -> String {
    format!(
        "{}/api/v1/challenges/{challenge_id}/awards",
        base_url(state)
    )
}

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

pub async fn award_view(conn: &mut AsyncPgConnection, award: Award) -> AppResult<AwardView> {
    let organization_name: String = organizations::table
        .find(award.organization_id)
        .select(organizations::name)
        .first(conn)
        .await?;
    let statuses: Vec<ObjectionStatus> = objections_t::table
        .filter(objections_t::award_id.eq(award.id))
        .select(objections_t::status)
        .load(conn)
        .await?;
    let pending = statuses
        .iter()
        .filter(|s| **s == ObjectionStatus::Pending)
        .count();
    Ok(AwardView {
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
        blocked: award.blocked_at.is_some(),
        blocked_at: award.blocked_at,
        confirm_check_ids: award
            .confirm_check_ids
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .collect(),
        withdrawn_at: award.withdrawn_at,
        withdrawal_reason: award.withdrawal_reason,
        confirmed_at: award.confirmed_at,
        objections_pending: i64::try_from(pending).unwrap_or(0),
        objections_total: i64::try_from(statuses.len()).unwrap_or(0),
    })
}

/// The challenge's award that is not withdrawn, if any (`FOR UPDATE` when `lock`).
pub async fn live_award(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<Award>> {
    let query = awards::table
        .filter(awards::challenge_id.eq(challenge_id))
        .filter(awards::status.ne(AwardStatus::Withdrawn))
        .select(Award::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

pub async fn pending_objections(conn: &mut AsyncPgConnection, award_id: Uuid) -> AppResult<i64> {
    Ok(objections_t::table
        .filter(objections_t::award_id.eq(award_id))
        .filter(objections_t::status.eq(ObjectionStatus::Pending))
        .count()
        .get_result(conn)
        .await?)
}

/// The active admin accounts.
pub async fn admin_accounts(conn: &mut AsyncPgConnection) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}

/// The active, approved solver accounts of an organisation (the awardee's people).
pub async fn organization_solvers(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(users::organization_id.eq(organization_id))
        .filter(users::role.eq(Role::Solver))
        .filter(users::membership_pending.eq(false))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}

/// The authors of the challenge's other opened bids (not the awardee's), without the people
/// already in `except`.
pub async fn other_bidders(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    awarded_bid: Uuid,
    except: &HashSet<Uuid>,
) -> AppResult<Vec<User>> {
    let people: Vec<User> = users::table
        .filter(
            users::id.eq_any(
                bids::table
                    .filter(bids::challenge_id.eq(challenge_id))
                    .filter(bids::id.ne(awarded_bid))
                    .filter(bids::status.eq_any(BidStatus::OPENED.to_vec()))
                    .select(bids::created_by),
            ),
        )
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?;
    Ok(people
        .into_iter()
        .filter(|u| !except.contains(&u.id))
        .collect())
}

pub async fn load_bid(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Bid> {
    Ok(bids::table
        .find(id)
        .select(Bid::as_select())
        .first(conn)
        .await?)
}

/// The parties a credit check covers for a bid: its organisation, the leader and every member,
/// each with the field that names it in a refusal (`organization`, `team[0].id_number`, …).
pub async fn credit_parties(
    conn: &mut AsyncPgConnection,
    bid: &Bid,
) -> AppResult<Vec<(String, Subject)>> {
    let (_, uscc, name) = crate::bids::queries::organization(conn, bid.organization_id).await?;
    let org = Subject::organization(&uscc, &name)
        .map_err(|e| anyhow::anyhow!("stored USCC is invalid: {e:?}"))?;
    let mut parties = vec![("organization".to_string(), org)];
    let members: Vec<Member> = bid_members::table
        .filter(bid_members::bid_id.eq(bid.id))
        .order(bid_members::position.asc())
        .select(Member::as_select())
        .load(conn)
        .await?;
    for (i, m) in members.into_iter().enumerate() {
        parties.push((
            format!("team[{i}].id_number"),
            Subject::Person {
                id: ProtectedId {
                    hash: m.id_hash,
                    masked: m.id_masked,
                },
                name: m.name,
            },
        ));
    }
    Ok(parties)
}

/// What the checks of an award step are for.
pub struct CheckContext {
    pub purpose: Purpose,
    /// The challenge's `general_credit_blocks`.
    pub general_blocks: bool,
    /// The admin who asked; `None` for the confirmation job.
    pub requested_by: Option<Uuid>,
    pub context: Value,
}

/// Runs the credit checks of `parties` in a transaction of their own that commits (so a refusal
/// keeps them on record), and answers them in the same order.
pub async fn run_checks(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    parties: &[(String, Subject)],
    ctx: CheckContext,
) -> AppResult<Vec<CheckView>> {
    let CheckContext {
        purpose,
        general_blocks,
        requested_by,
        context,
    } = ctx;
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut checks = Vec::with_capacity(parties.len());
        for (_, subject) in parties {
            checks.push(
                credit::check(
                    conn,
                    state,
                    meta,
                    CheckRequest {
                        subject: subject.clone(),
                        purpose,
                        general_blocks,
                        requested_by,
                        context: Some(context.clone()),
                    },
                )
                .await?,
            );
        }
        Ok(checks)
    })
    .await
}

/// One `credit_blocked` error per blocked party (with `purpose` so the message fits the step).
pub fn blocked_errors(
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
