//! Closing the acceptance (`POST /challenges/{id}/acceptance/close`): the result, the per-KPI
//! tallies, the challenge's transition to `accepted` or `failed`, and the notices.
//!
//! Allowed when every invited or accepted expert has submitted, or once the deadline has passed
//! with at least 3 submitted (as the review). The result is `passed` when a strict majority of
//! the submitted verdicts pass; a tie fails.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, post};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::draw::not_awarded;
use super::expert::acceptance_closed;
use super::models::{AcceptanceAssignment, AcceptanceResult, Verdict, majority, tallies};
use super::views::{AcceptanceView, Reader, acceptance_view, find_panel, panel_bid};
use crate::accounts::models::User;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::models::{Challenge, Status};
use crate::challenges::notify::{issuer_accounts, url};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::i18n::{self, Args};
use crate::notifications::{Recipient, notify};
use crate::projects::acceptance::notices::{AcceptanceFailed, AcceptancePassed};
use crate::reviews::models::AssignmentStatus;
use crate::schema::{acceptance_assignments, acceptance_panels, acceptance_verdicts, users};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(close_acceptance);
}

/// The 409 for a close that comes too early: before the deadline every seat must have
/// submitted (and at least 3), after it at least 3.
fn not_ready(after_deadline: bool, submitted: usize, pending: usize) -> AppError {
    AppError::conflict(ErrorCode::AcceptanceNotReady)
        .arg(
            "case",
            if after_deadline {
                "after_deadline"
            } else {
                "before_deadline"
            },
        )
        .arg("submitted", submitted)
        .arg("pending", pending)
        .field(FieldError::new(
            "assignments",
            FieldCode::VerdictsNotSubmitted,
        ))
}

/// Who is told the result: the awardee's solver accounts, the issuer's accounts, the admins.
async fn recipients(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    awardee_org: Uuid,
) -> AppResult<Vec<User>> {
    let mut people: Vec<User> = users::table
        .filter(users::organization_id.eq(awardee_org))
        .filter(users::role.eq(Role::Solver))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?;
    people.extend(issuer_accounts(conn, challenge).await?);
    let admins: Vec<User> = users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?;
    people.extend(admins);
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
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let (challenge, panel, bid) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
            let panel = find_panel(conn, id, true)
                .await?
                .ok_or(AppError::NotFound)?;
            if panel.closed_at.is_some() {
                return Err(acceptance_closed());
            }
            if challenge.status != Status::Awarded {
                return Err(not_awarded(&challenge));
            }
            let rows: Vec<AcceptanceAssignment> = acceptance_assignments::table
                .filter(acceptance_assignments::challenge_id.eq(id))
                .order(acceptance_assignments::position.asc())
                .select(AcceptanceAssignment::as_select())
                .load(conn)
                .await?;
            let submitted: Vec<&AcceptanceAssignment> = rows
                .iter()
                .filter(|a| a.status == AssignmentStatus::Submitted)
                .collect();
            let pending = rows
                .iter()
                .filter(|a| AssignmentStatus::OPEN.contains(&a.status))
                .count();
            let n = submitted.len();
            let now = state.clock.now();
            if now < panel.review_deadline {
                if pending > 0 || n < 3 {
                    return Err(not_ready(false, n, pending));
                }
            } else if n < 3 {
                return Err(not_ready(true, n, pending));
            }
            let ids: Vec<Uuid> = submitted.iter().map(|a| a.id).collect();
            let verdicts: Vec<Verdict> = acceptance_verdicts::table
                .filter(acceptance_verdicts::assignment_id.eq_any(&ids))
                .select(Verdict::as_select())
                .load(conn)
                .await?;
            let passes = verdicts.iter().filter(|v| v.pass).count();
            let fails = verdicts.len() - passes;
            let result = majority(passes, fails);
            let kpis = challenge.kpi_list();
            let sheets: Vec<_> = verdicts.iter().map(Verdict::kpi_list).collect();
            let kpi_tallies = tallies(&kpis, &sheets);
            let to_i32 = |x: usize| i32::try_from(x).map_err(anyhow::Error::from);
            diesel::update(acceptance_panels::table.find(id))
                .set((
                    acceptance_panels::closed_at.eq(now),
                    acceptance_panels::closed_by.eq(user.id),
                    acceptance_panels::result.eq(result),
                    acceptance_panels::passes.eq(to_i32(passes)?),
                    acceptance_panels::fails.eq(to_i32(fails)?),
                    acceptance_panels::kpi_tallies
                        .eq(serde_json::to_value(&kpi_tallies).map_err(anyhow::Error::from)?),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "acceptance.close",
                    object_type: "challenge",
                    object_id: Some(id.to_string()),
                    summary: json!({
                        "result": result,
                        "passes": passes,
                        "fails": fails,
                        "experts_pending": pending,
                        "kpi_tallies": kpi_tallies,
                    }),
                },
            )
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
            let bid = panel_bid(conn, &panel).await?;
            let link = url(&state, &challenge);
            for person in recipients(conn, &challenge, bid.organization_id).await? {
                let to = Recipient::from(&person);
                match result {
                    AcceptanceResult::Passed => {
                        let notice = AcceptancePassed {
                            display_name: person.display_name.clone(),
                            title: challenge.title.clone(),
                            passes: to_i32(passes)?,
                            submitted: to_i32(total)?,
                            url: link.clone(),
                        };
                        notify(conn, &state, &to, &notice).await?;
                    }
                    AcceptanceResult::Failed => {
                        let notice = AcceptanceFailed {
                            display_name: person.display_name.clone(),
                            title: challenge.title.clone(),
                            passes: to_i32(passes)?,
                            submitted: to_i32(total)?,
                            url: link.clone(),
                        };
                        notify(conn, &state, &to, &notice).await?;
                    }
                }
            }
            let panel = find_panel(conn, id, false)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((challenge, panel, bid))
        })
        .await?;
    let view = acceptance_view(&mut conn, &challenge, &panel, &bid, Reader::Admin).await?;
    Ok(HttpResponse::Ok().json(view))
}
