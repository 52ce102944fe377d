//! `GET /audit`: the audit log for admins, newest first, filtered by actor, object, action and time.

use actix_web::get;
use actix_web::web::{Data, Json};

use super::input::AuditFilter;
use super::queries;
use super::views::AuditEntryView;
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::error::AppResult;
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{Page, ValidQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit);
}

/// The audit log (admin), newest first.
#[utoipa::path(
    tag = "audit",
    params(AuditFilter, PageParams),
    responses(
        (status = 200, description = "One page of entries", body = Page<AuditEntryView>),
        AdminsOnly,
        BadListQuery,
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
    let mut conn = state.conn().await?;
    let entries = queries::list(&mut conn, &filter.into_inner(), page).await?;
    Ok(Json(entries.map(AuditEntryView::from)))
}
