//! `GET /me`, `GET /users`, `POST /users`, `PATCH /users/{id}`.

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use actix_web::{get, patch, post};
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::accounts::input::{AccountRequest, CreateUserRequest, UpdateUserRequest, UserFilter};
use crate::accounts::models::User;
use crate::accounts::notices::{AccountDisabled, PasswordChanged, RoleChanged};
use crate::accounts::open::open_account;
use crate::accounts::responses::EmailTaken;
use crate::accounts::views::{UserView, change_summary};
use crate::accounts::{queries, rules};
use crate::audit::{Event, RequestMeta};
use crate::auth::sessions;
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::error::{AppError, AppResult, FieldCode, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{NotFound, Page, ValidJson, ValidQuery};
use crate::notifications::{Recipient, notify};
use crate::state::AppState;

/// The logged-in account, with its organisation.
#[utoipa::path(
    tag = "accounts",
    responses((status = 200, description = "The caller's account", body = UserView)),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(state: Data<AppState>, user: AuthUser) -> AppResult<Json<UserView>> {
    let mut conn = state.conn().await?;
    Ok(Json(queries::user_view(&mut conn, user.id).await?))
}

/// List accounts (admin), oldest first.
#[utoipa::path(
    tag = "accounts",
    params(UserFilter, PageParams),
    responses(
        (status = 200, description = "One page of accounts", body = Page<UserView>),
        AdminsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list_users(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<UserFilter>,
    page: PageRequest,
) -> AppResult<Json<Page<UserView>>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    Ok(Json(
        queries::list(&mut conn, &filter.into_inner(), page).await?,
    ))
}

/// Create an expert or admin account (admin).
#[utoipa::path(
    tag = "accounts",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Account created", body = UserView),
        AdminsOnly,
        EmailTaken,
        (status = 422, description = "Invalid fields; experts need an organisation, admins have none", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
#[tracing::instrument(skip_all)]
pub async fn create_user(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<CreateUserRequest>,
) -> AppResult<(Json<UserView>, StatusCode)> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    req.check_organization()?;
    let created = open_account(&state, &meta, AccountRequest::ByAdmin(req), Some(user.id)).await?;
    tracing::info!(user_id = %created.id, role = %created.role, by = %user.id, "account created by admin");
    Ok((Json(created), StatusCode::CREATED))
}

/// Change an account (admin): disable or enable it, its role, name, organisation or password.
#[utoipa::path(
    tag = "accounts",
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The account as changed", body = UserView),
        AdminsOnly,
        NotFound,
        (status = 409, description = "An admin cannot disable their own account or take away their own admin role (`cannot_disable_self`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a role that does not fit the organisation", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
#[tracing::instrument(skip_all, fields(target_user = %id))]
pub async fn update_user(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<UpdateUserRequest>,
) -> AppResult<Json<UserView>> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let mut req = body.into_inner();
    rules::may_change(user.id, id, &req)?;
    let password_hash = match req.password.take() {
        Some(password) => Some(state.hasher.hash(password.into_secret()).await?),
        None => None,
    };
    let password_changed = password_hash.is_some();
    let changed = state
        .transaction(async |conn| {
            let current = queries::lock_account(conn, id, None).await?;
            let changes = rules::changes(&current, &req, password_hash, Utc::now())?;
            if let Some(org) = req.organization_id
                && !queries::organization_exists(conn, org).await?
            {
                return Err(AppError::validation("organization_id", FieldCode::NotFound));
            }
            let updated = queries::update_account(conn, id, &changes).await?;
            if let Some(reason) = rules::sessions_end(&current, &updated, password_changed) {
                sessions::revoke_all(conn, id, reason).await?;
            }
            Event::new("user.update", "user", id)
                .by(user.id)
                .summary(change_summary(&current, &updated, password_changed))
                .record(conn, &state, &meta)
                .await?;
            tell_about_changes(conn, &state, &current, &updated, password_changed).await?;
            queries::user_view(conn, id).await
        })
        .await?;
    tracing::info!(by = %user.id, "account changed by admin");
    Ok(Json(changed))
}

/// The account's owner hears of being disabled, a new password, or a new role.
async fn tell_about_changes(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    before: &User,
    after: &User,
    password_changed: bool,
) -> AppResult<()> {
    let to = Recipient::from(after);
    if before.disabled_at.is_none() && after.disabled_at.is_some() {
        let notice = AccountDisabled {
            display_name: after.display_name.clone(),
        };
        notify(conn, state, &to, &notice).await?;
    }
    if password_changed {
        let notice = PasswordChanged {
            display_name: after.display_name.clone(),
            changed_at: after.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        };
        notify(conn, state, &to, &notice).await?;
    }
    if before.role != after.role {
        let notice = RoleChanged {
            display_name: after.display_name.clone(),
            old_role: before.role,
            role: after.role,
        };
        notify(conn, state, &to, &notice).await?;
    }
    Ok(())
}
