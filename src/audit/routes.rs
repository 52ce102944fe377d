//! `GET /audit`: the audit log for admins, newest first, filtered by actor, object, action and time.

use actix_web::get;
use actix_web::web::{Data, Json};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Entry;
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppResult, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{Page, ValidQuery};
use crate::schema::audit_log;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted; absent for the system or an unknown party.
    pub actor_id: Option<Uuid>,
    #[schema(example = "user.disable")]
    pub action: String,
    #[schema(example = "user")]
    pub object_type: String,
    pub object_id: Option<String>,
    /// Before/after and other facts of the change.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    /// This entry's chain hash (hex).
    pub hash: String,
}

impl From<Entry> for AuditEntryView {
    fn from(e: Entry) -> Self {
        AuditEntryView {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            summary: e.summary,
            client_addr: e.client_addr,
            request_id: e.request_id,
            hash: e.hash.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Entries by this account.
    pub actor_id: Option<Uuid>,
    /// e.g. `user`; with `object_id`, one object's history.
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// e.g. `auth.login_failed`.
    pub action: Option<String>,
    /// From this time on (inclusive, RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive, RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

/// The audit log (admin), newest first.
#[utoipa::path(
    tag = "audit",
    params(AuditFilter, PageParams),
    responses(
        (status = 200, description = "One page of entries", body = Page<AuditEntryView>),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn list_audit(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<AuditFilter>,
    page: PageRequest,
) -> AppResult<Json<Page<AuditEntryView>>> {
    user.require(&[Role::Admin])?;
    let f = filter.into_inner();
    let build = || {
        let mut query = audit_log::table.into_boxed();
        if let Some(actor) = f.actor_id {
            query = query.filter(audit_log::actor_id.eq(actor));
        }
        if let Some(object_type) = &f.object_type {
            query = query.filter(audit_log::object_type.eq(object_type.clone()));
        }
        if let Some(object_id) = &f.object_id {
            query = query.filter(audit_log::object_id.eq(object_id.clone()));
        }
        if let Some(action) = &f.action {
            query = query.filter(audit_log::action.eq(action.clone()));
        }
        if let Some(from) = f.from {
            query = query.filter(audit_log::at.ge(from));
        }
        if let Some(to) = f.to {
            query = query.filter(audit_log::at.lt(to));
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = build().count().get_result(&mut conn).await?;
    let entries: Vec<Entry> = build()
        .order(audit_log::id.desc())
        .limit(page.per_page)
        .offset(page.offset())
        .select(Entry::as_select())
        .load(&mut conn)
        .await?;
    Ok(Json(Page::new(
        entries.into_iter().map(Into::into).collect(),
        total,
        page,
    )))
}
