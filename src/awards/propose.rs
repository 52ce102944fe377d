//! The award proposal (`POST /challenges/{id}/award`), the challenge's awards
//! (`GET /challenges/{id}/awards`) and the withdrawal by the admin
//! (`POST /challenges/{id}/award/withdraw`), with [`withdraw`] shared by upheld objections.

use std::collections::HashSet;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::calendar::queries::count_working_days;
use super::calendar::rules::{Counted, beijing_date, end_of_beijing_day};
use super::confirm::ConfirmAward;
use super::models::{Award, AwardStatus, ObjectionStatus};
use super::{
    AwardView, CheckContext, award_view, blocked_errors, credit_parties, live_award, load_bid,
    notices_url, objections_url, organization_solvers, other_bidders, run_checks,
};
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::awards::notices::{AwardProposed, AwardWithdrawn, ObjectionResolved};
use crate::bids::models::{Bid, BidStatus};
use crate::challenges::lifecycle::{self, Action, Actor, Party};
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::credit::Purpose;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::ValidJson;
use crate::jobs::BackgroundJob;
use crate::notifications::beijing_time;
use crate::notifications::{Recipient, notify};
use crate::schema::{awards, bids, objections, organizations, rankings, users};
use crate::state::AppState;

/// `POST /challenges/{id}/award`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "bid_id": "0192f0c4-5b6a-7c3d-8e9f-0a1b2c3d4e5f",
    "reason": "排名第一的方案团队负责人已调离，经评审专家组复议改选排名第二的方案。"
}))]
pub struct ProposeRequest {
    /// An eligible bid of the stored ranking.
    pub bid_id: Uuid,
    /// Required when the bid is not the best-ranked eligible one.
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
}

/// `POST /challenges/{id}/award/withdraw`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "挂帅确认时信用复核未通过（项目负责人列入严重失信名单）。"}))]
pub struct WithdrawRequest {
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
}

/// The awards of a challenge, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwardList {
    pub items: Vec<AwardView>,
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn review_not_closed() -> AppError {
    AppError::conflict(ErrorCode::ReviewNotClosed)
        .field(FieldError::new("review", FieldCode::NotClosed))
}

/// The working days of a notice proposed at `now`, refused when the count runs through a year
/// whose holidays nobody has entered: only weekends would be rest days there, and a notice
/// counted over 元旦 or 春节 as working days would be shorter than the law asks.
async fn notice_period(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(chrono::NaiveDate, u32, Counted)> {
    let proposal_day = beijing_date(now);
    let days = u32::try_from(challenge.publicity_days.max(1)).unwrap_or(1);
    let counted = count_working_days(conn, proposal_day, days).await?;
    if !counted.missing_years.is_empty() {
        let years = counted
            .missing_years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(AppError::conflict(ErrorCode::CalendarNotMaintained)
            .arg("years", &years)
            .field(
                FieldError::new("calendar", FieldCode::CalendarNotMaintained)
                    .with_param("years", years),
            ));
    }
    Ok((proposal_day, days, counted))
}

/// The chosen bid, its rank and whether it is the best-ranked eligible bid; checks the review is
/// closed with a ranking, the bid is an eligible bid of it, and a reason is given for another
/// than the top choice.
async fn choose(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    bid_id: Uuid,
    reason: Option<&str>,
) -> AppResult<(Bid, i32, bool)> {
    let closed = crate::reviews::panel::find_draw(conn, challenge.id, false)
        .await?
        .is_some_and(|d| d.closed_at.is_some());
    let ranked: Vec<(Uuid, i32, BidStatus)> = rankings::table
        .inner_join(bids::table)
        .filter(rankings::challenge_id.eq(challenge.id))
        .select((rankings::bid_id, rankings::rank, bids::status))
        .load(conn)
        .await?;
    if !closed || ranked.is_empty() {
        return Err(review_not_closed());
    }
    let Some((_, rank, status)) = ranked.iter().find(|(id, _, _)| *id == bid_id).copied() else {
        return Err(AppError::validation("bid_id", FieldCode::NotRanked));
    };
    if status != BidStatus::Eligible {
        return Err(AppError::Validation(vec![
            FieldError::new("bid_id", FieldCode::NotEligible)
                .with_param("current", status.as_str()),
        ]));
    }
    let top = ranked
        .iter()
        .filter(|(_, _, s)| *s == BidStatus::Eligible)
        .map(|(_, r, _)| *r)
        .min()
        .unwrap_or(rank);
    let top_ranked = rank <= top;
    if reason.is_none() {
        if !top_ranked {
            return Err(AppError::Validation(vec![
                FieldError::new("reason", FieldCode::Required).with_param("rank", rank),
            ]));
        }
        // A choice between bids sharing the first place is the admin's: it is written down.
        let tied = ranked
            .iter()
            .filter(|(_, r, s)| *s == BidStatus::Eligible && *r == top)
            .count();
        if tied > 1 {
            return Err(AppError::Validation(vec![
                FieldError::new("reason", FieldCode::Tied).with_param("tied", tied),
            ]));
        }
        // Proposed before and withdrawn (an upheld objection, or a credit block): again only
        // with a reason.
        let withdrawn: i64 = awards::table
            .filter(awards::challenge_id.eq(challenge.id))
            .filter(awards::bid_id.eq(bid_id))
            .filter(awards::status.eq(AwardStatus::Withdrawn))
            .count()
            .get_result(conn)
            .await?;
        if withdrawn > 0 {
            return Err(AppError::validation(
                "reason",
                FieldCode::PreviouslyWithdrawn,
            ));
        }
    }
    let bid = load_bid(conn, bid_id).await?;
    Ok((bid, rank, top_ranked))
}

/// Propose the awardee of a challenge whose review is closed (admins) and open the public notice
/// (公示) for the challenge's `publicity_days` working days. The top-ranked eligible bid needs no
/// reason; any other does. The credit check (purpose `award`) is run again on the organisation,
/// the leader and every member; a block refuses the proposal (the checks stay on record).
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = ProposeRequest,
    responses(
        (status = 201, description = "Proposed; the notice is open (see `ends_on`, `ends_at`, `calendar_maintained`)", body = AwardView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `under_review` (`invalid_transition`, naming the state), the review is not closed (`review_not_closed`), or the notice would run through a year whose holiday calendar is not maintained (`calendar_not_maintained`, naming the years)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not a ranked bid (`not_ranked`) or not eligible (`not_eligible`); a reason `required` for another than the top-ranked bid, `tied` when several bids share the first place, `previously_withdrawn` for a bid proposed before and withdrawn; `credit_blocked` per blocked party (`organization`, `team[i].id_number`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/award")]
#[tracing::instrument(skip_all)]
pub async fn propose_award(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ProposeRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let req = body.into_inner();
    let reason = trimmed(req.reason);
    let mut conn = state.conn().await?;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, id).await?;
    lifecycle::check(Action::ProposeAward, challenge.status, Some(Party::Admin))?;
    let (bid, _, _) = choose(&mut conn, &challenge, req.bid_id, reason.as_deref()).await?;
    notice_period(&mut conn, &challenge, state.clock.now()).await?;

    // The credit re-check, committed before anything is decided.
    let parties = credit_parties(&mut conn, &bid).await?;
    let checks = run_checks(
        &mut conn,
        &state,
        &meta,
        &parties,
        CheckContext {
            purpose: Purpose::Award,
            general_blocks: challenge.general_credit_blocks,
            requested_by: Some(user.id),
            context: json!({"challenge_id": challenge.id, "bid_id": bid.id}),
        },
    )
    .await?;
    let blocked = blocked_errors(&parties, &checks, "award");
    if !blocked.is_empty() {
        return Err(AppError::Validation(blocked));
    }
    let check_ids: Vec<Option<Uuid>> = checks.iter().map(|c| Some(c.id)).collect();

    let award = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
            lifecycle::check(Action::ProposeAward, challenge.status, Some(Party::Admin))?;
            let (bid, rank, top_ranked) =
                choose(conn, &challenge, req.bid_id, reason.as_deref()).await?;
            let amount_fen = bid
                .requested_fen
                .ok_or_else(|| anyhow::anyhow!("eligible bid {} has no amount", bid.id))?;
            let now = state.clock.now();
            let (proposal_day, days, counted) = notice_period(conn, &challenge, now).await?;
            let award = Award {
                id: Uuid::now_v7(),
                challenge_id: challenge.id,
                bid_id: bid.id,
                organization_id: bid.organization_id,
                amount_fen,
                rank,
                top_ranked,
                reason: reason.clone(),
                proposed_by: user.id,
                proposed_at: now,
                proposal_check_ids: check_ids.clone(),
                working_days: i32::try_from(days).unwrap_or(1),
                starts_on: proposal_day + chrono::Duration::days(1),
                ends_on: counted.end,
                ends_at: end_of_beijing_day(counted.end),
                calendar_maintained: counted.missing_years.is_empty(),
                status: AwardStatus::Publicity,
                blocked_at: None,
                confirm_check_ids: None,
                withdrawn_at: None,
                withdrawn_by: None,
                withdrawal_reason: None,
                confirmed_at: None,
            };
            diesel::insert_into(awards::table)
                .values(&award)
                .execute(conn)
                .await?;
            let updated = lifecycle::apply(
                conn,
                &state,
                &meta,
                &Actor::User(&user),
                &challenge,
                Action::ProposeAward,
                reason.as_deref(),
            )
            .await?;
            ConfirmAward {
                award_id: award.id,
                after_objection: None,
            }
            .enqueue_at(conn, award.ends_at)
            .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "award.propose",
                    object_type: "award",
                    object_id: Some(award.id.to_string()),
                    summary: json!({
                        "challenge_id": challenge.id,
                        "bid_id": bid.id,
                        "amount_fen": amount_fen,
                        "rank": rank,
                        "top_ranked": top_ranked,
                        "reason": reason,
                        "credit_checks": check_ids,
                        "starts_on": award.starts_on,
                        "ends_on": award.ends_on,
                        "ends_at": award.ends_at,
                        "calendar_maintained": award.calendar_maintained,
                        "missing_years": counted.missing_years,
                    }),
                },
            )
            .await?;
            notify_proposed(conn, &state, &updated, &award).await?;
            Ok(award)
        })
        .await?;
    let view = award_view(&mut conn, award).await?;
    Ok(HttpResponse::Created().json(view))
}

async fn organization_name(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<String> {
    Ok(organizations::table
        .find(id)
        .select(organizations::name)
        .first(conn)
        .await?)
}

/// 拟立项公示: the awardee's solvers, the issuer and the other bidders.
async fn notify_proposed(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    award: &Award,
) -> AppResult<()> {
    let org = organization_name(conn, award.organization_id).await?;
    let mut told = HashSet::new();
    let mut people = organization_solvers(conn, award.organization_id).await?;
    people.extend(issuer_accounts(conn, challenge).await?);
    people.retain(|u| told.insert(u.id));
    let others = other_bidders(conn, challenge.id, award.bid_id, &told).await?;
    people.extend(others);
    for user in people {
        let notice = AwardProposed {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            organization_name: org.clone(),
            amount_yuan: crate::notifications::yuan(award.amount_fen),
            ends_at: beijing_time(award.ends_at),
            ends_on: award.ends_on.to_string(),
            url: notices_url(state),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    Ok(())
}

/// A withdrawal: the award (in publicity) of the challenge (locked by the caller), why, and the
/// objection the caller resolves itself, if any.
pub(crate) struct Withdrawal<'a> {
    pub challenge: &'a Challenge,
    pub award: &'a Award,
    pub reason: &'a str,
    pub except: Option<Uuid>,
}

/// Withdraws the award: it becomes `withdrawn`, the challenge goes back to `under_review`
/// (`WithdrawAward`), the other pending objections on it are closed as `moot` (their objectors
/// told), and the awardee, the issuer and the other bidders are told.
pub(crate) async fn withdraw(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    what: Withdrawal<'_>,
) -> AppResult<Award> {
    let Withdrawal {
        challenge,
        award,
        reason,
        except,
    } = what;
    if award.status != AwardStatus::Publicity {
        return Err(AppError::conflict(ErrorCode::AwardNotInPublicity)
            .arg("current", award.status)
            .field(
                FieldError::new("status", FieldCode::InvalidTransition)
                    .with_param("current", award.status),
            ));
    }
    let now = state.clock.now();
    lifecycle::apply(
        conn,
        state,
        meta,
        &Actor::User(user),
        challenge,
        Action::WithdrawAward,
        Some(reason),
    )
    .await?;
    let updated: Award = diesel::update(awards::table.find(award.id))
        .set((
            awards::status.eq(AwardStatus::Withdrawn),
            awards::withdrawn_at.eq(now),
            awards::withdrawn_by.eq(user.id),
            awards::withdrawal_reason.eq(reason),
        ))
        .returning(Award::as_returning())
        .get_result(conn)
        .await?;
    let mut moot = objections::table
        .filter(objections::award_id.eq(award.id))
        .filter(objections::status.eq(ObjectionStatus::Pending))
        .into_boxed();
    if let Some(except) = except {
        moot = moot.filter(objections::id.ne(except));
    }
    let moot: Vec<(Uuid, Uuid)> = moot
        .select((objections::id, objections::objector_id))
        .load(conn)
        .await?;
    let moot_ids: Vec<Uuid> = moot.iter().map(|(id, _)| *id).collect();
    if !moot_ids.is_empty() {
        diesel::update(objections::table.filter(objections::id.eq_any(&moot_ids)))
            .set((
                objections::status.eq(ObjectionStatus::Moot),
                objections::resolved_by.eq(user.id),
                objections::resolved_at.eq(now),
                objections::resolution.eq(reason),
            ))
            .execute(conn)
            .await?;
    }
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(user.id),
            action: "award.withdraw",
            object_type: "award",
            object_id: Some(award.id.to_string()),
            summary: json!({
                "challenge_id": challenge.id,
                "bid_id": award.bid_id,
                "reason": reason,
                "objections_moot": moot_ids,
            }),
        },
    )
    .await?;
    for (_, objector) in &moot {
        let user: crate::accounts::models::User = users::table
            .find(objector)
            .select(crate::accounts::models::User::as_select())
            .first(conn)
            .await?;
        let notice = ObjectionResolved {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            outcome: ObjectionStatus::Moot.as_str().to_string(),
            reason: reason.to_string(),
            url: objections_url(state),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    let org = organization_name(conn, award.organization_id).await?;
    let mut told = HashSet::new();
    let mut people = organization_solvers(conn, award.organization_id).await?;
    people.extend(issuer_accounts(conn, challenge).await?);
    people.retain(|u| told.insert(u.id));
    let others = other_bidders(conn, challenge.id, award.bid_id, &told).await?;
    people.extend(others);
    for person in people {
        let notice = AwardWithdrawn {
            display_name: person.display_name.clone(),
            title: challenge.title.clone(),
            organization_name: org.clone(),
            reason: reason.to_string(),
            url: notices_url(state),
        };
        notify(conn, state, &Recipient::from(&person), &notice).await?;
    }
    Ok(updated)
}

/// Withdraw the award in publicity (admins), e.g. after the confirmation's credit re-check
/// blocked; the challenge goes back to `under_review`, pending objections are closed as `moot`.
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = WithdrawRequest,
    responses(
        (status = 200, description = "Withdrawn", body = AwardView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or no award to withdraw", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The challenge is not in publicity (`invalid_transition`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The reason is `required`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/award/withdraw")]
#[tracing::instrument(skip_all)]
pub async fn withdraw_award(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<WithdrawRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let reason = trimmed(body.into_inner().reason)
        .ok_or_else(|| AppError::validation("reason", FieldCode::Required))?;
    let mut conn = state.conn().await?;
    let award = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
            lifecycle::check(Action::WithdrawAward, challenge.status, Some(Party::Admin))?;
            let award = live_award(conn, id, true)
                .await?
                .ok_or(AppError::NotFound)?;
            let what = Withdrawal {
                challenge: &challenge,
                award: &award,
                reason: &reason,
                except: None,
            };
            withdraw(conn, &state, &meta, &user, what).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(award_view(&mut conn, award).await?))
}

/// The awards of a challenge, newest first, with their notice, credit checks and objection counts
/// (admins).
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Every award of the challenge, withdrawn ones included", body = AwardList),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/awards")]
pub async fn list_awards(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    challenge_queries::find_visible(&mut conn, Viewer::Admin, id).await?;
    let rows: Vec<Award> = awards::table
        .filter(awards::challenge_id.eq(id))
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .select(Award::as_select())
        .load(&mut conn)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for award in rows {
        items.push(award_view(&mut conn, award).await?);
    }
    Ok(HttpResponse::Ok().json(AwardList { items }))
}
