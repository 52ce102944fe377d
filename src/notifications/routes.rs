//! `GET /notifications` (own, newest first, with the unread count) and
//! `POST /notifications/{id}/read`.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use uuid::Uuid;

use super::input::NotificationFilter;
use super::queries;
use super::views::{NotificationPage, NotificationView};
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{BadListQuery, NotFound, ValidQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_notifications).service(mark_read);
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(
    tag = "notifications",
    params(NotificationFilter, PageParams),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/notifications")]
pub async fn list_notifications(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<NotificationFilter>,
    page: PageRequest,
) -> AppResult<Json<NotificationPage>> {
    let only_unread = filter.into_inner().unread.unwrap_or(false);
    let mut conn = state.conn().await?;
    let notifications = queries::list(&mut conn, user.id, only_unread, page).await?;
    let unread = queries::unread(&mut conn, user.id).await?;
    Ok(Json(NotificationPage::new(notifications, unread)))
}

/// Mark one of the caller's notifications read (again is fine).
#[utoipa::path(
    tag = "notifications",
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 200, description = "The notification, read", body = NotificationView),
        NotFound,
    ),
    security(("bearer" = []))
)]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<NotificationView>> {
    let mut conn = state.conn().await?;
    let read = queries::mark_read(&mut conn, user.id, id.into_inner()).await?;
    Ok(Json(read))
}
