//! Reading the audit log.

use diesel::prelude::*;
use diesel_async::AsyncPgConnection;

use super::Entry;
use super::input::AuditFilter;
use crate::error::AppResult;
use crate::http::Page;
use crate::http::pagination::PageRequest;
use crate::schema::audit_log;

/// One page of the entries `filter` finds, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<Page<Entry>> {
    let filtered = || {
        let mut query = audit_log::table.into_boxed();
        if let Some(actor) = filter.actor_id {
            query = query.filter(audit_log::actor_id.eq(actor));
        }
        if let Some(object_type) = &filter.object_type {
            query = query.filter(audit_log::object_type.eq(object_type));
        }
        if let Some(object_id) = &filter.object_id {
            query = query.filter(audit_log::object_id.eq(object_id));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_log::action.eq(action));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(audit_log::at.lt(to));
        }
        query
    };
    let rows = filtered()
        .order(audit_log::id.desc())
        .select(Entry::as_select());
    page.load(conn, filtered().count(), rows).await
}
