//! The acceptance itself (admins, and the parties who read it): the draw
//! (`POST /challenges/{id}/acceptance`), reading it (`GET /challenges/{id}/acceptance`), a new
//! deadline (`POST /challenges/{id}/acceptance/deadline`), the close
//! (`POST /challenges/{id}/acceptance/close`).

use std::collections::HashMap;

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::input::{AcceptanceRequest, DeadlineRequest};
use super::jobs::schedule_reminder;
use super::models::{AcceptancePanel, AcceptanceResult, Verdict};
use super::notices::{AcceptanceFailed, AcceptancePassed, AcceptanceStarted};
use super::queries::{self, Closing};
use super::rules::{majority, milestones_ready, tallies};
use super::views::{
    AcceptanceAssignmentView, AcceptanceParts, AcceptanceView, PanelCounts, Reader, verdict_views,
};
use crate::accounts::models::User;
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::bids::models::Bid;
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::models::Challenge;
use crate::challenges::notify::{issuer_accounts, url};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, FieldCode, ProblemBody};
use crate::http::{Created, ValidJson};
use crate::i18n::{self, Args};
use crate::notifications::{Recipient, beijing_time, notify};
use crate::reviews::models::AssignmentStatus;
use crate::reviews::pool::{draw_seed, eligible_order};
use crate::reviews::seats::{self, Panel, changes, rules};
use crate::reviews::views::DrawRecord;
use crate::state::AppState;

const PANEL: Panel = Panel::Acceptance;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(draw_acceptance)
        .service(get_acceptance)
        .service(extend_acceptance)
        .service(close_acceptance);
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
        AdminsOnly,
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
) -> AppResult<Json<AcceptanceView>> {
    user.require(&[Role::Admin])?;
    let deadline = body.into_inner().review_deadline;
    if deadline <= state.clock.now() {
        return Err(AppError::validation("review_deadline", FieldCode::InPast));
    }
    let id = id.into_inner();
    let challenge = state
        .transaction(async |conn| {
            let (challenge, draw) = changes::lock_open(conn, PANEL, id).await?;
            // Past the old deadline, whoever has not submitted gives up the seat: it is offered
            // again below, as a decline's would be.
            let now = state.clock.now();
            let released = if now >= draw.review_deadline {
                let reason = i18n::bilingual("record-no_verdict_by_deadline", &Args::new());
                queries::release_open_seats(conn, id, now, &reason).await?
            } else {
                Vec::new()
            };
            let seated = seats::queries::of_challenge(conn, PANEL, id)
                .await?
                .iter()
                .filter(|a| a.status != AssignmentStatus::Declined)
                .count();
            let empty = usize::try_from(draw.panel_size)
                .unwrap_or(0)
                .saturating_sub(seated);
            let invited = changes::fill(
                conn, &state, &meta, user.id, PANEL, &challenge, &draw, empty, deadline,
            )
            .await?;
            queries::set_deadline(conn, id, deadline).await?;
            schedule_reminder(conn, &state, id, deadline).await?;
            let invited: Vec<Uuid> = invited.iter().map(|a| a.expert_id).collect();
            Event::new("acceptance.deadline", "challenge", id)
                .by(user.id)
                .summary(json!({
                    "from": draw.review_deadline,
                    "to": deadline,
                    "released": released,
                    "invited": invited,
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(challenge)
        })
        .await?;
    Ok(Json(admin_view(&state, &challenge).await?))
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
        AdminsOnly,
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
) -> AppResult<Created<AcceptanceView>> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let seed = draw_seed(&state, req.review_deadline, req.seed)?;
    let mut conn = state.conn().await?;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, *id).await?;
    let drawn = seats::queries::find_draw(&mut conn, PANEL, challenge.id).await?;
    rules::may_draw(PANEL, &challenge, drawn)?;
    milestones_ready(crate::projects::milestones_outstanding(&mut conn, challenge.id).await?)?;
    let size = req.panel_size.unwrap_or(challenge.panel_size).max(3);
    let needed = usize::try_from(size).unwrap_or(3);
    let (order, exclusions) = eligible_order(
        &mut conn, &state, &meta, user.id, &challenge, PANEL, needed, seed,
    )
    .await?;
    let challenge = state
        .transaction(async |conn| {
            let challenge =
                challenge_queries::lock_visible(conn, Viewer::Admin, challenge.id).await?;
            let drawn = seats::queries::lock_draw(conn, PANEL, challenge.id).await?;
            rules::may_draw(PANEL, &challenge, drawn)?;
            milestones_ready(crate::projects::milestones_outstanding(conn, challenge.id).await?)?;
            let bid = queries::awarded_bid(conn, challenge.id).await?;
            let deadline = req.review_deadline;
            let panel = AcceptancePanel {
                challenge_id: challenge.id,
                bid_id: bid.id,
                seed: seed as i64,
                panel_size: size,
                candidates: to_json(&order)?,
                exclusions: to_json(&exclusions)?,
                next_position: size,
                review_deadline: deadline,
                drawn_by: user.id,
                drawn_at: state.clock.now(),
                closed_by: None,
                closed_at: None,
                result: None,
                passes: None,
                fails: None,
                kpi_tallies: None,
            };
            queries::insert_panel(conn, &panel).await?;
            changes::invite_drawn(conn, &state, PANEL, &challenge, deadline, &order, needed)
                .await?;
            // The issuer and the awardee: the acceptance is under way (and the last milestone
            // is now the panel's).
            let mut parties = issuer_accounts(conn, &challenge).await?;
            parties.extend(
                crate::accounts::queries::organization_accounts(
                    conn,
                    bid.organization_id,
                    Role::Solver,
                )
                .await?,
            );
            for person in parties {
                let notice = AcceptanceStarted {
                    display_name: person.display_name.clone(),
                    title: challenge.title.clone(),
                    review_deadline: beijing_time(deadline),
                    url: url(&state, &challenge),
                };
                notify(conn, &state, &Recipient::from(&person), &notice).await?;
            }
            schedule_reminder(conn, &state, challenge.id, deadline).await?;
            let mut summary = changes::drawn(seed, size, &order, needed, &exclusions, deadline);
            summary["bid_id"] = json!(bid.id);
            Event::new("acceptance.draw", "challenge", challenge.id)
                .by(user.id)
                .summary(summary)
                .record(conn, &state, &meta)
                .await?;
            Ok(challenge)
        })
        .await?;
    let view = admin_view(&state, &challenge).await?;
    Ok(Created::at(
        format!("/api/v1/challenges/{}/acceptance", challenge.id),
        view,
    ))
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<serde_json::Value> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
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
) -> AppResult<Json<AcceptanceView>> {
    let mut conn = state.conn().await?;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, *id).await?;
    let (panel, bid) = panel_and_bid(&mut conn, challenge.id).await?;
    let reader = reader(&mut conn, &user, &challenge, &bid).await?;
    Ok(Json(
        acceptance_view(&mut conn, &challenge, &panel, &bid, reader).await?,
    ))
}

/// Who `user` is to the acceptance of `challenge` (judging `bid`), or 404: admins; issuer
/// accounts of the challenge's organisation; solver accounts of the awardee's organisation;
/// experts invited to the panel who have not declined.
async fn reader(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    challenge: &Challenge,
    bid: &Bid,
) -> AppResult<Reader> {
    let party = match user.role {
        Role::Admin => return Ok(Reader::Admin),
        Role::Issuer => user.organization_id == Some(challenge.issuer_org_id),
        Role::Solver => user.organization_id == Some(bid.organization_id),
        Role::Expert => queries::on_panel(conn, challenge.id, user.id).await?,
    };
    party.then_some(Reader::Party).ok_or(AppError::NotFound)
}

/// The challenge's acceptance panel (404 when none is drawn) and the bid it judges.
async fn panel_and_bid(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<(AcceptancePanel, Bid)> {
    let panel = queries::find_panel(conn, challenge_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bid = queries::panel_bid(conn, &panel).await?;
    Ok((panel, bid))
}

/// The acceptance as an admin reads it, after a change.
async fn admin_view(state: &AppState, challenge: &Challenge) -> AppResult<AcceptanceView> {
    let mut conn = state.conn().await?;
    let (panel, bid) = panel_and_bid(&mut conn, challenge.id).await?;
    acceptance_view(&mut conn, challenge, &panel, &bid, Reader::Admin).await
}

/// The whole view of an acceptance for `reader`.
async fn acceptance_view(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    panel: &AcceptancePanel,
    bid: &Bid,
    reader: Reader,
) -> AppResult<AcceptanceView> {
    let admin = reader == Reader::Admin;
    let rows = seats::queries::of_challenge(conn, PANEL, challenge.id).await?;
    let counts = PanelCounts::of(&rows);
    let org_name = queries::organization_name(conn, bid.organization_id).await?;
    let verdicts = if panel.closed_at.is_some() {
        let submitted: Vec<&_> = rows
            .iter()
            .filter(|a| a.status == AssignmentStatus::Submitted)
            .collect();
        let ids: Vec<Uuid> = submitted.iter().map(|a| a.id).collect();
        let sheets: HashMap<Uuid, Verdict> = queries::verdicts_of(conn, &ids)
            .await?
            .into_iter()
            .map(|v| (v.assignment_id, v))
            .collect();
        let expert_ids: Vec<Uuid> = submitted.iter().map(|a| a.expert_id).collect();
        let names = seats::queries::display_names(conn, &expert_ids).await?;
        Some(verdict_views(&submitted, &sheets, &names, admin))
    } else {
        None
    };
    let (experts, draw) = if admin {
        let draw = seats::queries::find_draw(conn, PANEL, challenge.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let names = seats::queries::display_names(conn, &draw.candidate_list()).await?;
        let experts = seats::views::seat_views(conn, PANEL, rows, true).await?;
        let experts = experts
            .into_iter()
            .map(AcceptanceAssignmentView::from)
            .collect();
        (Some(experts), Some(DrawRecord::of(&draw, &names)))
    } else {
        (None, None)
    };
    let parts = AcceptanceParts {
        awardee_organization_name: org_name,
        counts,
        experts,
        draw,
        verdicts,
    };
    Ok(AcceptanceView::of(challenge, panel, bid, parts))
}

/// Who is told the result: the awardee's solver accounts, the issuer's accounts, the admins.
async fn recipients(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    awardee_org: Uuid,
) -> AppResult<Vec<User>> {
    let mut people = queries::awardee_accounts(conn, awardee_org).await?;
    people.extend(issuer_accounts(conn, challenge).await?);
    people.extend(crate::accounts::queries::admin_accounts(conn).await?);
    Ok(people)
}

/// Close the final acceptance (admins): the result decides the challenge's state, `accepted`
/// (验收通过) when a strict majority of the submitted verdicts pass, `failed` (验收未通过)
/// otherwise. The awardee, the issuer and the admins are told.
#[utoipa::path(
    tag = "acceptance",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "Closed; the acceptance with its result and verdicts", body = AcceptanceView),
        AdminsOnly,
        (status = 404, description = "No such challenge, or no acceptance drawn", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not awarded (`not_awarded`), already closed (`acceptance_closed`), or experts still to submit (`acceptance_not_ready`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/acceptance/close")]
#[tracing::instrument(skip_all)]
pub async fn close_acceptance(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<AcceptanceView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let challenge = state
        .transaction(async |conn| {
            let (challenge, draw) = changes::lock_open(conn, PANEL, id).await?;
            let rows = seats::queries::of_challenge(conn, PANEL, id).await?;
            let now = state.clock.now();
            let (submitted, pending) =
                rules::ready_to_close(PANEL, &rows, draw.review_deadline, now)?;
            let ids: Vec<Uuid> = submitted.iter().map(|a| a.id).collect();
            let verdicts = queries::verdicts_of(conn, &ids).await?;
            let passes = verdicts.iter().filter(|v| v.pass).count();
            let fails = verdicts.len() - passes;
            let result = majority(passes, fails);
            let sheets: Vec<_> = verdicts.iter().map(Verdict::kpi_list).collect();
            let kpi_tallies = tallies(&challenge.kpi_list(), &sheets);
            let to_i32 = |x: usize| i32::try_from(x).map_err(anyhow::Error::from);
            let closing = Closing {
                closed_at: now,
                closed_by: user.id,
                result,
                passes: to_i32(passes)?,
                fails: to_i32(fails)?,
                kpi_tallies: to_json(&kpi_tallies)?,
            };
            queries::close(conn, id, &closing).await?;
            Event::new("acceptance.close", "challenge", id)
                .by(user.id)
                .summary(json!({
                    "result": result,
                    "passes": passes,
                    "fails": fails,
                    "experts_pending": pending,
                    "kpi_tallies": kpi_tallies,
                }))
                .record(conn, &state, &meta)
                .await?;
            let total = verdicts.len();
            let counts = Args::new().with("passes", passes).with("total", total);
            let (action, reason) = match result {
                AcceptanceResult::Passed => (
                    Action::Accept,
                    i18n::bilingual("record-acceptance_passed", &counts),
                ),
                AcceptanceResult::Failed => (
                    Action::Fail,
                    i18n::bilingual("record-acceptance_failed", &counts),
                ),
            };
            if result == AcceptanceResult::Passed {
                // The last milestone was the panel's to judge: its share (尾款) is paid now.
                crate::projects::milestones::accept_final(conn, &state, &meta, &challenge, user.id)
                    .await?;
            }
            let challenge = lifecycle::apply(
                conn,
                &state,
                &meta,
                &Actor::User(&user),
                &challenge,
                action,
                Some(&reason),
            )
            .await?;
            let (_, bid) = panel_and_bid(conn, id).await?;
            let link = url(&state, &challenge);
            let (passes, submitted) = (to_i32(passes)?, to_i32(total)?);
            for person in recipients(conn, &challenge, bid.organization_id).await? {
                let to = Recipient::from(&person);
                let display_name = person.display_name;
                let title = challenge.title.clone();
                let url = link.clone();
                match result {
                    AcceptanceResult::Passed => {
                        let notice = AcceptancePassed {
                            display_name,
                            title,
                            passes,
                            submitted,
                            url,
                        };
                        notify(conn, &state, &to, &notice).await?
                    }
                    AcceptanceResult::Failed => {
                        let notice = AcceptanceFailed {
                            display_name,
                            title,
                            passes,
                            submitted,
                            url,
                        };
                        notify(conn, &state, &to, &notice).await?
                    }
                }
            }
            Ok(challenge)
        })
        .await?;
    Ok(Json(admin_view(&state, &challenge).await?))
}
