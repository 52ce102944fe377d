//! Drawing the acceptance panel (`POST /challenges/{id}/acceptance`), reading the acceptance
//! (`GET /challenges/{id}/acceptance`), invitations, and the reminder before the deadline.
//!
//! The draw is the review's ([`crate::reviews::panel::eligible_order`]): the experts whose fields
//! contain the challenge's field, avoiding (回避) the issuer's organisation, every bidder's
//! (the awardee's included), every member of a bid's team, declared conflicts with any of them,
//! experts with `review.max_open_assignments` open invitations (review and acceptance together),
//! and experts whose credit check (purpose `panel_draw`, context `stage: acceptance`) blocks.
//! The seed and the shuffled order are stored and can be verified.

use std::collections::HashSet;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::models::AcceptanceAssignment;
use super::views::{AcceptanceView, Reader, acceptance_view, find_panel, find_visible};
use crate::accounts::models::User;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::bids::models::{Bid, BidStatus};
use crate::challenges::models::{Challenge, Status};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::ValidJson;
use crate::i18n::{self, Args};
use crate::jobs::BackgroundJob;
use crate::notifications::beijing_time;
use crate::notifications::{Recipient, notify};
use crate::projects::acceptance::notices::{
    AcceptanceInvitation, AcceptanceReminder, AcceptanceStarted,
};
use crate::reviews::models::AssignmentStatus;
use crate::reviews::panel::{ExclusionView, Stage, eligible_order, next_eligible};
use crate::schema::{acceptance_assignments, acceptance_panels, bids, users};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(draw_acceptance)
        .service(get_acceptance)
        .service(extend_acceptance);
}

/// Queues the reminder `review.reminder_hours_before` the deadline (at once if that is past),
/// once per panel and deadline.
async fn schedule_reminder(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge_id: Uuid,
    deadline: DateTime<Utc>,
) -> AppResult<()> {
    let hours = state.settings.review.reminder_hours_before;
    let remind_at = deadline - chrono::Duration::hours(hours);
    RemindAcceptanceExperts {
        challenge_id,
        deadline: Some(deadline),
    }
    .enqueue_at(conn, remind_at.max(state.clock.now()))
    .await
}

/// `POST /challenges/{id}/acceptance/deadline`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_deadline": "2028-07-15T09:00:00Z"}))]
pub struct DeadlineRequest {
    /// The new deadline for the experts' verdicts; in the future.
    pub review_deadline: DateTime<Utc>,
}

/// A new deadline for an open acceptance (admins), for a panel that could not finish. When the
/// old deadline has passed, the experts who have not submitted give up their seats (recorded as
/// declined: "no verdict by the deadline"); every empty seat is offered again down the stored
/// order (the same walk as a replacement), and the reminder is scheduled for the new deadline.
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = DeadlineRequest,
    responses(
        (status = 200, description = "The new deadline; `counts.invited` shows the experts newly invited", body = AcceptanceView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No acceptance drawn for this challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The acceptance is closed (`acceptance_closed`) or the challenge is no longer awarded (`not_awarded`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Deadline not in the future", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/acceptance/deadline")]
#[tracing::instrument(skip_all)]
pub async fn extend_acceptance(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<DeadlineRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let deadline = body.into_inner().review_deadline;
    if deadline <= state.clock.now() {
        return Err(AppError::validation("review_deadline", FieldCode::InPast));
    }
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let (challenge, panel, bid) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
            let panel = find_panel(conn, id, true)
                .await?
                .ok_or(AppError::NotFound)?;
            if panel.closed_at.is_some() {
                return Err(super::expert::acceptance_closed());
            }
            if challenge.status != Status::Awarded {
                return Err(not_awarded(&challenge));
            }
            // Past the old deadline, whoever has not submitted gives up the seat: it is offered
            // again below, as a decline's would be.
            let now = state.clock.now();
            let released: Vec<Uuid> = if now >= panel.review_deadline {
                diesel::update(
                    acceptance_assignments::table
                        .filter(acceptance_assignments::challenge_id.eq(id))
                        .filter(acceptance_assignments::status.eq_any(AssignmentStatus::OPEN)),
                )
                .set((
                    acceptance_assignments::status.eq(AssignmentStatus::Declined),
                    acceptance_assignments::decline_reason.eq(i18n::bilingual(
                        "record-no_verdict_by_deadline",
                        &Args::new(),
                    )),
                    acceptance_assignments::responded_at.eq(now),
                ))
                .returning(acceptance_assignments::expert_id)
                .get_results(conn)
                .await?
            } else {
                Vec::new()
            };
            let rows: Vec<AcceptanceAssignment> = acceptance_assignments::table
                .filter(acceptance_assignments::challenge_id.eq(id))
                .select(AcceptanceAssignment::as_select())
                .load(conn)
                .await?;
            let seated = rows
                .iter()
                .filter(|a| a.status != AssignmentStatus::Declined)
                .count();
            let mut on_panel: HashSet<Uuid> = rows.iter().map(|a| a.expert_id).collect();
            let mut exclusions: Vec<ExclusionView> =
                serde_json::from_value(panel.exclusions.clone()).unwrap_or_default();
            let mut next_position = panel.next_position;
            let mut invited = Vec::new();
            let empty = usize::try_from(panel.panel_size)
                .unwrap_or(0)
                .saturating_sub(seated);
            for _ in 0..empty {
                let walk = next_eligible(
                    conn,
                    &state,
                    &meta,
                    user.id,
                    &challenge,
                    Stage::Acceptance,
                    &panel.candidate_list(),
                    &on_panel,
                    next_position,
                    exclusions,
                )
                .await?;
                next_position = walk.next_position;
                exclusions = walk.exclusions;
                let Some((expert_id, position)) = walk.chosen else {
                    break;
                };
                invite(conn, &state, &challenge, deadline, expert_id, position).await?;
                on_panel.insert(expert_id);
                invited.push(expert_id);
            }
            diesel::update(acceptance_panels::table.find(id))
                .set((
                    acceptance_panels::review_deadline.eq(deadline),
                    acceptance_panels::next_position.eq(next_position),
                    acceptance_panels::exclusions.eq(to_json(&exclusions)?),
                ))
                .execute(conn)
                .await?;
            schedule_reminder(conn, &state, id, deadline).await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "acceptance.deadline",
                    object_type: "challenge",
                    object_id: Some(id.to_string()),
                    summary: json!({
                        "from": panel.review_deadline,
                        "to": deadline,
                        "released": released,
                        "invited": invited,
                    }),
                },
            )
            .await?;
            let panel = find_panel(conn, id, false)
                .await?
                .ok_or(AppError::NotFound)?;
            let bid = awarded_bid(conn, challenge.id).await?;
            Ok((challenge, panel, bid))
        })
        .await?;
    let view = acceptance_view(&mut conn, &challenge, &panel, &bid, Reader::Admin).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /challenges/{id}/acceptance`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_deadline": "2028-06-30T09:00:00Z", "panel_size": 5}))]
pub struct AcceptanceRequest {
    /// When the experts' verdicts are due; a reminder goes out `review.reminder_hours_before`.
    pub review_deadline: DateTime<Utc>,
    /// Experts on the panel, 3 to 25; the challenge's review panel size by default.
    #[validate(range(min = 3, max = 25))]
    #[schema(example = 5, minimum = 3, maximum = 25)]
    pub panel_size: Option<i32>,
    /// Tests only (`review.allow_chosen_seed`): the seed. Otherwise the server draws it from the
    /// operating system's randomness, and it is stored and shown for verification.
    pub seed: Option<u64>,
}

/// The 409 for an acceptance action on a challenge that is not `awarded`.
pub(crate) fn not_awarded(challenge: &Challenge) -> AppError {
    AppError::conflict(ErrorCode::NotAwarded)
        .arg("current", challenge.status)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition)
                .with_param("current", challenge.status),
        )
}

fn acceptance_exists() -> AppError {
    AppError::conflict(ErrorCode::AcceptanceExists)
}

async fn refuse_outstanding(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<()> {
    let count = crate::projects::milestones_outstanding(conn, challenge_id).await?;
    if count > 0 {
        return Err(AppError::conflict(ErrorCode::MilestonesOutstanding)
            .arg("count", count)
            .field(
                FieldError::new("milestones", FieldCode::MilestonesOutstanding)
                    .with_param("count", count),
            ));
    }
    Ok(())
}

/// The awarded bid of an awarded challenge.
pub(crate) async fn awarded_bid(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Bid> {
    bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Awarded))
        .select(Bid::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| {
            AppError::from(anyhow::anyhow!(
                "the awarded challenge {challenge_id} has no awarded bid"
            ))
        })
}

pub(crate) fn assignments_url(state: &AppState) -> String {
    format!(
        "{}/api/v1/acceptance-assignments",
        state.settings.mail.public_url.trim_end_matches('/')
    )
}

fn to_json<T: Serialize>(value: &T) -> AppResult<Value> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

/// Invites an expert at `position` of the order to the acceptance panel, and tells them
/// (验收评审邀请).
pub(crate) async fn invite(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    deadline: DateTime<Utc>,
    expert_id: Uuid,
    position: i32,
) -> AppResult<AcceptanceAssignment> {
    let assignment: AcceptanceAssignment = diesel::insert_into(acceptance_assignments::table)
        .values((
            acceptance_assignments::id.eq(Uuid::now_v7()),
            acceptance_assignments::challenge_id.eq(challenge.id),
            acceptance_assignments::expert_id.eq(expert_id),
            acceptance_assignments::position.eq(position),
            acceptance_assignments::status.eq(AssignmentStatus::Invited),
            acceptance_assignments::invited_at.eq(state.clock.now()),
        ))
        .returning(AcceptanceAssignment::as_returning())
        .get_result(conn)
        .await?;
    let user: User = users::table
        .find(expert_id)
        .select(User::as_select())
        .first(conn)
        .await?;
    let notice = AcceptanceInvitation {
        display_name: user.display_name.clone(),
        title: challenge.title.clone(),
        review_deadline: beijing_time(deadline),
        url: assignments_url(state),
    };
    notify(conn, state, &Recipient::from(&user), &notice).await?;
    Ok(assignment)
}

/// Draw the final acceptance panel of an awarded project (admins), once every milestone but the
/// last is accepted and the last reported (its deliverable is what the panel judges). The experts are drawn with the review's rules (see the module documentation);
/// every expert left out is stored with the reasons, and the panel is invited.
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = AcceptanceRequest,
    responses(
        (status = 201, description = "Drawn; the experts are invited", body = AcceptanceView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `awarded` (`not_awarded`, naming the state), milestones not ready (`milestones_outstanding`, with their number: the last must be reported, the others accepted), already drawn (`acceptance_exists`), or too few eligible experts (`not_enough_experts`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Deadline not in the future, panel size out of range, or a seed where not allowed", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/acceptance")]
#[tracing::instrument(skip_all)]
pub async fn draw_acceptance(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<AcceptanceRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let seed = crate::reviews::panel::draw_seed(&state, req.review_deadline, req.seed)?;
    let mut conn = state.conn().await?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, id.into_inner()).await?;
    if challenge.status != Status::Awarded {
        return Err(not_awarded(&challenge));
    }
    if find_panel(&mut conn, challenge.id, false).await?.is_some() {
        return Err(acceptance_exists());
    }
    refuse_outstanding(&mut conn, challenge.id).await?;
    let size = req.panel_size.unwrap_or(challenge.panel_size).max(3);
    let needed = usize::try_from(size).unwrap_or(3);
    let (order, exclusions) = eligible_order(
        &mut conn,
        &state,
        &meta,
        user.id,
        &challenge,
        Stage::Acceptance,
        needed,
        seed,
    )
    .await?;
    let (challenge, panel, bid) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge =
                challenge_queries::lock_visible(conn, Viewer::Admin, challenge.id).await?;
            if challenge.status != Status::Awarded {
                return Err(not_awarded(&challenge));
            }
            if find_panel(conn, challenge.id, true).await?.is_some() {
                return Err(acceptance_exists());
            }
            refuse_outstanding(conn, challenge.id).await?;
            let bid = awarded_bid(conn, challenge.id).await?;
            let now = state.clock.now();
            diesel::insert_into(acceptance_panels::table)
                .values((
                    acceptance_panels::challenge_id.eq(challenge.id),
                    acceptance_panels::bid_id.eq(bid.id),
                    acceptance_panels::seed.eq(seed as i64),
                    acceptance_panels::panel_size.eq(size),
                    acceptance_panels::candidates.eq(to_json(&order)?),
                    acceptance_panels::exclusions.eq(to_json(&exclusions)?),
                    acceptance_panels::next_position.eq(size),
                    acceptance_panels::review_deadline.eq(req.review_deadline),
                    acceptance_panels::drawn_by.eq(user.id),
                    acceptance_panels::drawn_at.eq(now),
                ))
                .execute(conn)
                .await?;
            for (position, expert_id) in order.iter().take(needed).enumerate() {
                invite(
                    conn,
                    &state,
                    &challenge,
                    req.review_deadline,
                    *expert_id,
                    i32::try_from(position).map_err(anyhow::Error::from)?,
                )
                .await?;
            }
            // The issuer and the awardee: the acceptance is under way (and the last milestone
            // is now the panel's).
            let mut parties = crate::challenges::notify::issuer_accounts(conn, &challenge).await?;
            parties.extend(
                crate::accounts::queries::organization_accounts(conn, bid.organization_id, Role::Solver)
                    .await?,
            );
            for person in parties {
                let notice = AcceptanceStarted {
                    display_name: person.display_name.clone(),
                    title: challenge.title.clone(),
                    review_deadline: beijing_time(req.review_deadline),
                    url: crate::challenges::notify::url(&state, &challenge),
                };
                notify(conn, &state, &Recipient::from(&person), &notice).await?;
            }
            schedule_reminder(conn, &state, challenge.id, req.review_deadline).await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "acceptance.draw",
                    object_type: "challenge",
                    object_id: Some(challenge.id.to_string()),
                    summary: json!({
                        "bid_id": bid.id,
                        "seed": seed.to_string(),
                        "panel_size": size,
                        "candidates": order,
                        "panel": order.iter().take(needed).collect::<Vec<_>>(),
                        "exclusions": exclusions.iter().map(|e| json!({"expert_id": e.expert_id, "reasons": e.reasons})).collect::<Vec<_>>(),
                        "review_deadline": req.review_deadline,
                    }),
                },
            )
            .await?;
            let panel = find_panel(conn, challenge.id, false)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((challenge, panel, bid))
        })
        .await?;
    let view = acceptance_view(&mut conn, &challenge, &panel, &bid, Reader::Admin).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The final acceptance of a project: its state, each KPI with the awardee's commitment, and
/// after closing the result, the per-KPI tallies and the verdicts. Readable by admins (with the
/// draw and the experts' identities), the issuer, the awardee and the panel's experts (without
/// identities); 404 for anyone else.
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The acceptance", body = AcceptanceView),
        (status = 404, description = "No such challenge, no acceptance drawn, or not one the caller may read", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/acceptance")]
pub async fn get_acceptance(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let (challenge, panel, bid, reader) = find_visible(&mut conn, &user, id.into_inner()).await?;
    let view = acceptance_view(&mut conn, &challenge, &panel, &bid, reader).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The reminder before an acceptance panel's deadline: tells every expert of the panel who has
/// not submitted. Does nothing once the acceptance is closed or the challenge is no longer
/// awarded; a rerun after a crash tells them again, which does no harm.
#[derive(Debug, Serialize, Deserialize)]
pub struct RemindAcceptanceExperts {
    pub challenge_id: Uuid,
    /// The deadline it reminds of (its dedupe key: one reminder per panel and deadline). Absent
    /// in jobs queued before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
}

impl BackgroundJob for RemindAcceptanceExperts {
    const KIND: &'static str = "acceptance_reminder";

    fn dedupe_key(&self) -> Option<String> {
        let at = self.deadline.map(|at| at.timestamp()).unwrap_or_default();
        Some(format!("{}:{at}", self.challenge_id))
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        remind(state, self).await
    }
}

async fn remind(state: &AppState, job: RemindAcceptanceExperts) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(panel) = find_panel(conn, job.challenge_id, false).await? else {
            return Ok(());
        };
        if panel.closed_at.is_some() {
            return Ok(());
        }
        let challenge =
            challenge_queries::find_visible(conn, Viewer::Admin, job.challenge_id).await?;
        if challenge.status != Status::Awarded {
            return Ok(());
        }
        let experts: Vec<User> = acceptance_assignments::table
            .inner_join(users::table.on(users::id.eq(acceptance_assignments::expert_id)))
            .filter(acceptance_assignments::challenge_id.eq(job.challenge_id))
            .filter(acceptance_assignments::status.eq_any(AssignmentStatus::OPEN))
            .filter(users::disabled_at.is_null())
            .select(User::as_select())
            .load(conn)
            .await?;
        for user in experts {
            let notice = AcceptanceReminder {
                display_name: user.display_name.clone(),
                title: challenge.title.clone(),
                review_deadline: beijing_time(panel.review_deadline),
                url: assignments_url(state),
            };
            notify(conn, state, &Recipient::from(&user), &notice).await?;
        }
        Ok(())
    })
    .await
    .map_err(|e| anyhow::anyhow!("acceptance reminder: {e}"))
}
