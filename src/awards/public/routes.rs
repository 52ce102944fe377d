//! `GET /notices` and `GET /notices/feed`, without login.

use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::input::NoticeQuery;
use super::queries::{self, Listed};
use super::views::{NoticePage, NoticeView, feed};
use crate::awards::objections::queries::counts;
use crate::error::AppResult;
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::problem::locale_of;
use crate::http::{BadListQuery, ValidQuery};
use crate::state::AppState;

/// The notices of these awards at `now`, with how many objections each has had.
async fn views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Listed>,
    now: DateTime<Utc>,
) -> AppResult<Vec<NoticeView>> {
    let award_ids: Vec<Uuid> = rows.iter().map(|(a, _, _)| a.id).collect();
    let objections = counts(conn, &award_ids).await?;
    Ok(rows
        .into_iter()
        .map(|(award, title, organization)| {
            let count = objections.get(&award.id).copied().unwrap_or(0);
            NoticeView::new(award, title, organization, count, now)
        })
        .collect())
}

/// The public notices of award proposals (公示), current and past, newest first; no login needed.
#[utoipa::path(
    tag = "award",
    params(NoticeQuery, PageParams),
    responses(
        (status = 200, description = "A page of notices", body = NoticePage),
        BadListQuery,
    ),
    security(())
)]
#[get("/notices")]
pub async fn list_notices(
    state: Data<AppState>,
    query: ValidQuery<NoticeQuery>,
    page: PageRequest,
) -> AppResult<Json<NoticePage>> {
    let mut conn = state.conn().await?;
    let (rows, total) = queries::newest(&mut conn, query.into_inner().status, Some(page)).await?;
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
    let (rows, _) = queries::newest(&mut conn, None, None).await?;
    let now = state.clock.now();
    let notices = views(&mut conn, rows, now).await?;
    let body = feed(&state, &notices, now, locale_of(&req))
        .write_to(Vec::new())
        .map_err(|e| anyhow::anyhow!("atom feed: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(body))
}
