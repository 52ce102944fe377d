//! `GET /notifications` (own, newest first, with the unread count) and
//! `POST /notifications/{id}/read`.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{AppResult, ProblemBody};
use crate::http::ValidQuery;
use crate::http::pagination::{PageParams, PageRequest};
use crate::schema::notifications;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_notifications).service(mark_read);
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
pub struct NotificationView {
    pub id: Uuid,
    /// What it is about, e.g. `welcome`, `account_disabled`.
    #[schema(example = "welcome")]
    pub kind: String,
    #[schema(example = "欢迎使用揭榜挂帅平台，陈思远")]
    pub title: String,
    pub body: String,
    /// The facts behind it, for linking (ids and the like).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Unread notifications of the caller, over all pages.
    pub unread: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// `true`: only unread ones.
    pub unread: Option<bool>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(
    tag = "notifications",
    params(NotificationFilter, PageParams),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        (status = 422, description = "Bad page parameters", body = ProblemBody, content_type = "application/problem+json"),
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
    let filter = filter.into_inner();
    let only_unread = filter.unread.unwrap_or(false);
    let build = || {
        let mut query = notifications::table
            .filter(notifications::user_id.eq(user.id))
            .into_boxed();
        if only_unread {
            query = query.filter(notifications::read_at.is_null());
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = build().count().get_result(&mut conn).await?;
    let unread: i64 = notifications::table
        .filter(notifications::user_id.eq(user.id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(&mut conn)
        .await?;
    let items: Vec<NotificationView> = build()
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(NotificationView::as_select())
        .load(&mut conn)
        .await?;
    Ok(Json(NotificationPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
        unread,
    }))
}

/// Mark one of the caller's notifications read (again is fine).
#[utoipa::path(
    tag = "notifications",
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 200, description = "The notification, read", body = NotificationView),
        (status = 404, description = "No such notification of the caller's", body = ProblemBody, content_type = "application/problem+json"),
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
    // Only the caller's own: anyone else's is "not found".
    let mine = notifications::table
        .filter(notifications::id.eq(id.into_inner()))
        .filter(notifications::user_id.eq(user.id));
    let notification: NotificationView = diesel::update(mine)
        .set(notifications::read_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(read_at, now())")))
        .returning(NotificationView::as_returning())
        .get_result(&mut conn)
        .await?;
    Ok(Json(notification))
}
