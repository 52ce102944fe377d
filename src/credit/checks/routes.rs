//! `/credit/checks` (admins): check a subject now, list checks, read one.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use uuid::Uuid;

use super::input::{CheckFilter, CreateCheckRequest};
use super::queries;
use super::run::check;
use super::views::CheckView;
use crate::audit::RequestMeta;
use crate::auth::AdminsOnly;
use crate::auth::{AuthUser, Role};
use crate::credit::rows;
use crate::credit::subject::Subject;
use crate::error::AppResult;
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{BadListQuery, Created, Invalid, NotFound, Page, ValidJson, ValidQuery};
use crate::state::AppState;

/// Check a subject now (admin); the check is stored and never changed.
#[utoipa::path(
    tag = "credit",
    request_body = CreateCheckRequest,
    responses(
        (status = 201, description = "The check: standing, result and the records in force", body = CheckView),
        AdminsOnly,
        Invalid,
    ),
    security(("bearer" = []))
)]
#[post("/credit/checks")]
#[tracing::instrument(skip_all)]
pub async fn create_check(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<CreateCheckRequest>,
) -> AppResult<Created<CheckView>> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let subject = Subject::requested(
        &state.privacy,
        req.subject_kind,
        &req.subject_code,
        &req.subject_name,
    )?;
    let mut conn = state.conn().await?;
    let outcome = check(&mut conn, &state, &meta, req.check(subject, user.id)).await?;
    let location = format!("/api/v1/credit/checks/{}", outcome.id);
    Ok(Created::at(location, outcome))
}

/// List checks (admin), newest first.
#[utoipa::path(
    tag = "credit",
    params(CheckFilter, PageParams),
    responses(
        (status = 200, description = "One page of checks", body = Page<CheckView>),
        AdminsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/credit/checks")]
pub async fn list_checks(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<CheckFilter>,
    page: PageRequest,
) -> AppResult<Json<Page<CheckView>>> {
    user.require(&[Role::Admin])?;
    let filter = filter.into_inner();
    let subject = (filter.subject_kind, filter.code.as_deref());
    let find = async |conn: &mut _, keys: Option<&[String]>| {
        queries::list(conn, &filter, keys, page).await
    };
    rows::by_subject(&state, subject, page, find, CheckView::from).await
}

/// One check, as it was made (admin).
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Check id")),
    responses(
        (status = 200, description = "The check", body = CheckView),
        AdminsOnly,
        NotFound,
    ),
    security(("bearer" = []))
)]
#[get("/credit/checks/{id}")]
pub async fn get_check(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<CheckView>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let row = queries::find(&mut conn, id.into_inner()).await?;
    Ok(Json(row.into()))
}
