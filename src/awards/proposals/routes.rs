//! `POST /challenges/{id}/award`, `GET /challenges/{id}/awards`,
//! `POST /challenges/{id}/award/withdraw` (admins).

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::input::{ProposeRequest, WithdrawRequest, required_reason, trimmed};
use super::lifecycle::{self, Withdrawal};
use super::models::Award;
use super::queries;
use super::rules;
use super::views::{AwardList, AwardView};
use crate::audit::RequestMeta;
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::awards::objections::queries::tally;
use crate::awards::responses::NoSuchChallenge;
use crate::challenges::lifecycle::{self as challenge_lifecycle, Action, Party};
use crate::challenges::queries::{self as challenge_queries, Viewer, organization_name};
use crate::db;
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::{Created, ValidJson};
use crate::state::AppState;

async fn view(conn: &mut AsyncPgConnection, award: Award) -> AppResult<AwardView> {
    let organization = organization_name(conn, award.organization_id).await?;
    let objections = tally(conn, award.id).await?;
    Ok(AwardView::new(award, organization, objections))
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
        AdminsOnly,
        NoSuchChallenge,
        (status = 409, description = "Not `under_review` (`invalid_transition`, naming the state), the review is not closed (`review_not_closed`), or the notice would run through a year whose holiday calendar is not maintained (`calendar_not_maintained`, naming the years)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not a ranked bid (`not_ranked`) or not eligible (`not_eligible`); a reason `required` for another than the top-ranked bid, `tied` when several bids share the first place, `previously_withdrawn` for a bid proposed before and withdrawn; `award_credit_refused` when a party is barred by its credit standing, with one `credit_blocked` error per blocked party (`organization`, `team[i].id_number`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<Created<AwardView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let req = body.into_inner();
    let reason = trimmed(req.reason);
    let mut conn = state.conn().await?;
    // A first look at the rules, then the credit re-check, committed before anything is decided.
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, id).await?;
    let check_ids = rules::cleared(
        &mut conn,
        &state,
        &meta,
        user.id,
        &challenge,
        req.bid_id,
        reason.as_deref(),
    )
    .await?;
    let award = db::transaction(&mut conn, async |conn| {
        // Again with the challenge locked: another admin may have been first.
        let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
        let now = state.clock.now();
        let proposal = rules::proposal(
            conn,
            &challenge,
            req.bid_id,
            reason.as_deref(),
            user.id,
            now,
        )
        .await?;
        lifecycle::propose(conn, &state, &meta, &user, &challenge, proposal, &check_ids).await
    })
    .await?;
    let location = format!("/api/v1/challenges/{id}/awards");
    Ok(Created::at(location, view(&mut conn, award).await?))
}

/// Withdraw the award in publicity (admins), e.g. after the confirmation's credit re-check
/// blocked; the challenge goes back to `under_review`, pending objections are closed as `moot`.
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = WithdrawRequest,
    responses(
        (status = 200, description = "Withdrawn", body = AwardView),
        AdminsOnly,
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
) -> AppResult<Json<AwardView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let reason = required_reason(body.into_inner().reason)?;
    let mut conn = state.conn().await?;
    let award = db::transaction(&mut conn, async |conn| {
        let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
        challenge_lifecycle::check(Action::WithdrawAward, challenge.status, Some(Party::Admin))?;
        let award = queries::live_award(conn, id, true)
            .await?
            .ok_or(AppError::NotFound)?;
        let what = Withdrawal {
            challenge: &challenge,
            award: &award,
            reason: &reason,
            except: None,
        };
        lifecycle::withdraw(conn, &state, &meta, &user, what).await
    })
    .await?;
    Ok(Json(view(&mut conn, award).await?))
}

/// The awards of a challenge, newest first, with their notice, credit checks and objection counts
/// (admins).
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Every award of the challenge, withdrawn ones included", body = AwardList),
        AdminsOnly,
        NoSuchChallenge,
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/awards")]
pub async fn list_awards(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<AwardList>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, *id).await?;
    let mut items = Vec::new();
    for award in queries::of_challenge(&mut conn, challenge.id).await? {
        items.push(view(&mut conn, award).await?);
    }
    Ok(Json(AwardList { items }))
}
