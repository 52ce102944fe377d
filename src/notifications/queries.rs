//! A reader's notifications: only ever their own.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::views::NotificationView;
use crate::error::AppResult;
use crate::http::Page;
use crate::http::pagination::PageRequest;
use crate::schema::notifications;

/// One page of `user_id`'s notifications (only the unread ones with `only_unread`), newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    only_unread: bool,
    page: PageRequest,
) -> AppResult<Page<NotificationView>> {
    let filtered = || {
        let mut query = notifications::table
            .filter(notifications::user_id.eq(user_id))
            .into_boxed();
        if only_unread {
            query = query.filter(notifications::read_at.is_null());
        }
        query
    };
    let rows = filtered()
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .select(NotificationView::as_select());
    page.load(conn, filtered().count(), rows).await
}

/// How many of `user_id`'s notifications are unread.
pub async fn unread(conn: &mut AsyncPgConnection, user_id: Uuid) -> AppResult<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
        .await?)
}

/// Marks `user_id`'s notification `id` read (once: a second time keeps the first time); not
/// found when it is someone else's.
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
) -> AppResult<NotificationView> {
    let mine = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id));
    Ok(diesel::update(mine)
        .set(
            notifications::read_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>(
                "coalesce(read_at, now())",
            )),
        )
        .returning(NotificationView::as_returning())
        .get_result(conn)
        .await?)
}
