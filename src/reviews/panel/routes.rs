//! `POST /challenges/{id}/panel/draw` and `GET /challenges/{id}/panel` (admins).

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use uuid::Uuid;

use super::input::DrawRequest;
use super::jobs::RemindReviewers;
use super::queries;
use super::views::PanelView;
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::{Created, ValidJson};
use crate::jobs::BackgroundJob;
use crate::reviews::models::PanelDraw;
use crate::reviews::pool::{draw_seed, eligible_order};
use crate::reviews::seats::{self, Panel, changes, rules};
use crate::reviews::views::DrawRecord;
use crate::state::AppState;

const PANEL: Panel = Panel::Review;

/// Draw the expert panel of a challenge under review (admins). See the module documentation
/// for the rules; every expert left out is stored with the reasons.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = DrawRequest,
    responses(
        (status = 201, description = "Drawn; the experts are invited", body = PanelView),
        AdminsOnly,
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `under_review` (`not_under_review`), already drawn (`panel_exists`), or too few eligible experts (`not_enough_experts`, with how many were found and are needed)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Deadline missing or not in the future", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/panel/draw")]
#[tracing::instrument(skip_all)]
pub async fn draw_panel(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<DrawRequest>,
) -> AppResult<Created<PanelView>> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let seed = draw_seed(&state, req.review_deadline, req.seed)?;
    let mut conn = state.conn().await?;
    let challenge = challenge_queries::find_visible(&mut conn, Viewer::Admin, *id).await?;
    rules::may_draw(
        PANEL,
        &challenge,
        seats::queries::find_draw(&mut conn, PANEL, challenge.id).await?,
    )?;
    let size = challenge.panel_size;
    let needed = usize::try_from(size).unwrap_or(0);
    let (order, exclusions) = eligible_order(
        &mut conn, &state, &meta, user.id, &challenge, PANEL, needed, seed,
    )
    .await?;
    state
        .transaction(async |conn| {
            let challenge =
                challenge_queries::lock_visible(conn, Viewer::Admin, challenge.id).await?;
            rules::may_draw(
                PANEL,
                &challenge,
                seats::queries::lock_draw(conn, PANEL, challenge.id).await?,
            )?;
            let now = state.clock.now();
            let deadline = req.review_deadline;
            let draw = PanelDraw {
                challenge_id: challenge.id,
                seed: seed as i64,
                panel_size: size,
                candidates: to_json(&order)?,
                exclusions: to_json(&exclusions)?,
                next_position: size,
                review_deadline: deadline,
                drawn_by: user.id,
                drawn_at: now,
                closed_by: None,
                closed_at: None,
            };
            queries::insert(conn, &draw).await?;
            changes::invite_drawn(conn, &state, PANEL, &challenge, deadline, &order, needed)
                .await?;
            let hours = state.settings.review.reminder_hours_before;
            let remind_at = deadline - chrono::Duration::hours(hours);
            RemindReviewers {
                challenge_id: challenge.id,
            }
            .enqueue_at(conn, remind_at.max(now))
            .await?;
            Event::new("review.panel_draw", "challenge", challenge.id)
                .by(user.id)
                .summary(changes::drawn(
                    seed,
                    size,
                    &order,
                    needed,
                    &exclusions,
                    deadline,
                ))
                .record(conn, &state, &meta)
                .await
        })
        .await?;
    let view = panel_view(&state, challenge.id).await?;
    Ok(Created::at(
        format!("/api/v1/challenges/{}/panel", challenge.id),
        view,
    ))
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<serde_json::Value> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

async fn panel_view(state: &AppState, challenge_id: Uuid) -> AppResult<PanelView> {
    let mut conn = state.conn().await?;
    let conn = &mut conn;
    let draw = seats::queries::find_draw(conn, PANEL, challenge_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = seats::queries::display_names(conn, &draw.candidate_list()).await?;
    let record = DrawRecord::of(&draw, &names);
    let rows = seats::queries::of_challenge(conn, PANEL, challenge_id).await?;
    let assignments = seats::views::seat_views(conn, PANEL, rows, true).await?;
    Ok(PanelView::of(draw, record, assignments))
}

/// The stored draw of a challenge (admins): seed, candidate order, exclusions with reasons,
/// invitations. `order_verified` re-runs the shuffle.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The draw", body = PanelView),
        AdminsOnly,
        (status = 404, description = "No such challenge, or no panel drawn", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/panel")]
pub async fn get_panel(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<PanelView>> {
    user.require(&[Role::Admin])?;
    Ok(Json(panel_view(&state, *id).await?))
}
