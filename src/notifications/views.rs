//! Notifications as their reader sees them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::Page;
use crate::schema::notifications;

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

impl NotificationPage {
    pub fn new(page: Page<NotificationView>, unread: i64) -> Self {
        NotificationPage {
            items: page.items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            unread,
        }
    }
}
