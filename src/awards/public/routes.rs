//! `GET /notices` and `GET /notices/feed`, without login.

use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::input::NoticeQuery;
use super::queries::{self, FEED_SIZE, challenge_titles};
use super::views::{NoticePage, NoticeView, feed};
use crate::awards::objections::queries::counts;
use crate::awards::proposals::models::Award;
use crate::bids::queries::organization_names;
use crate::error::{AppResult, ProblemBody};
use crate::http::ValidQuery;
use crate::http::problem::locale_of;
use crate::state::AppState;

/// The notices of these awards at `now`.
async fn views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Award>,
    now: DateTime<Utc>,
) -> AppResult<Vec<NoticeView>> {
    let challenge_ids: Vec<Uuid> = rows.iter().map(|a| a.challenge_id).collect();
    let org_ids: Vec<Uuid> = rows.iter().map(|a| a.organization_id).collect();
    let award_ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let titles = challenge_titles(conn, &challenge_ids).await?;
    let organizations: std::collections::HashMap<Uuid, String> = organization_names(conn, &org_ids)
        .await?
        .into_iter()
        .collect();
    let objections = counts(conn, &award_ids).await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let title = titles.get(&a.challenge_id).cloned().unwrap_or_default();
            let organization = organizations
                .get(&a.organization_id)
                .cloned()
                .unwrap_or_default();
            let count = objections.get(&a.id).copied().unwrap_or(0);
            NoticeView::new(a, title, organization, count, now)
        })
        .collect())
}

/// The public notices of award proposals (公示), current and past, newest first; no login needed.
#[utoipa::path(
    tag = "award",
    params(NoticeQuery),
    responses(
        (status = 200, description = "A page of notices", body = NoticePage),
        (status = 422, description = "Invalid parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/notices")]
pub async fn list_notices(
    state: Data<AppState>,
    query: ValidQuery<NoticeQuery>,
) -> AppResult<Json<NoticePage>> {
    let q = query.into_inner();
    let page = q.page()?;
    let mut conn = state.conn().await?;
    let (rows, total) = queries::page(&mut conn, q.status, page).await?;
    let items = views(&mut conn, rows, state.clock.now()).await?;
    Ok(Json(NoticePage::new(items, total, page)))
}

/// The public notices as an Atom feed (`application/atom+xml`), the newest 50; no login needed.
#[utoipa::path(
    tag = "award",
    responses(
        (status = 200, description = "Atom 1.0 feed of the notices", body = String, content_type = "application/atom+xml"),
    ),
    security(())
)]
#[get("/notices/feed")]
pub async fn notices_feed(req: HttpRequest, state: Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let rows = queries::newest(&mut conn, FEED_SIZE).await?;
    let now = state.clock.now();
    let notices = views(&mut conn, rows, now).await?;
    let body = feed(&state, &notices, now, locale_of(&req))
        .write_to(Vec::new())
        .map_err(|e| anyhow::anyhow!("atom feed: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(body))
}
