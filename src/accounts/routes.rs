//! `GET /me`, `GET /users`, `POST /users`, `PATCH /users/{id}`, `GET /organizations/{id}`.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get, patch, post};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::input::{CreateUserRequest, Password, valid_password};
use super::models::{Organization, OrganizationView, User, UserView};
use super::queries::{self, NewAccount, lower};
use crate::accounts::notices::{AccountDisabled, PasswordChanged, RoleChanged};
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::auth::sessions::{self, RevokeReason};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::validate::not_blank;
use crate::http::{Page, ValidJson, ValidQuery};
use crate::i18n::Locale;
use crate::notifications::{Recipient, notify};
use crate::schema::{organizations, users};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(me)
        .service(list_users)
        .service(create_user)
        .service(update_user)
        .service(get_organization)
        .service(approve_member);
}

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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only accounts of this role.
    pub role: Option<Role>,
    /// `true`: only disabled accounts; `false`: only active ones.
    pub disabled: Option<bool>,
    /// Only members of this organisation.
    pub organization_id: Option<Uuid>,
    /// Part of the email or display name, case-insensitive.
    pub q: Option<String>,
}

/// List accounts (admin), oldest first.
#[utoipa::path(
    tag = "accounts",
    params(UserFilter, PageParams),
    responses(
        (status = 200, description = "One page of accounts", body = Page<UserView>),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page parameters", body = ProblemBody, content_type = "application/problem+json"),
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
    let filter = filter.into_inner();
    let q = filter
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
    let build = || {
        let mut query = users::table.left_join(organizations::table).into_boxed();
        if let Some(role) = filter.role {
            query = query.filter(users::role.eq(role));
        }
        match filter.disabled {
            Some(true) => query = query.filter(users::disabled_at.is_not_null()),
            Some(false) => query = query.filter(users::disabled_at.is_null()),
            None => {}
        }
        if let Some(org) = filter.organization_id {
            query = query.filter(users::organization_id.eq(org));
        }
        if let Some(q) = &q {
            query = query.filter(
                lower(users::email)
                    .like(q.clone())
                    .or(lower(users::display_name).like(q.clone())),
            );
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = build().count().get_result(&mut conn).await?;
    let rows: Vec<(User, Option<Organization>)> = build()
        .order((users::created_at.asc(), users::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select((User::as_select(), Option::<Organization>::as_select()))
        .load(&mut conn)
        .await?;
    let items = rows.into_iter().map(|(u, o)| UserView::new(u, o)).collect();
    Ok(Json(Page::new(items, total, page)))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Create an expert or admin account (admin).
#[utoipa::path(
    tag = "accounts",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Account created", body = UserView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Email already registered (`email_taken`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    req.check_organization()?;
    let password_hash = state.hasher.hash(req.password.into_secret()).await?;
    let mut conn = state.conn().await?;
    let account = NewAccount {
        email: &req.email,
        password_hash: &password_hash,
        display_name: &req.display_name,
        role: req.role,
        locale: req.locale.unwrap_or_default(),
        organization: req.organization.as_ref(),
        self_registered: false,
    };
    let (created, organization) =
        queries::open_account(&mut conn, &state, &meta, Some(user.id), account).await?;
    tracing::info!(user_id = %created.id, role = %created.role, by = %user.id, "account created by admin");
    Ok(HttpResponse::Created().json(UserView::new(created, organization)))
}

/// Changes an admin makes to an account. Absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"disabled": true}))]
pub struct UpdateUserRequest {
    /// `true` disables the account: it cannot log in and its tokens stop working at once.
    pub disabled: Option<bool>,
    #[validate(length(min = 1, max = 100), custom(function = not_blank))]
    pub display_name: Option<String>,
    /// A new role. Admins have no organisation; every other role needs one (give
    /// `organization_id` when the account has none).
    pub role: Option<Role>,
    pub organization_id: Option<Uuid>,
    /// A new password (8 to 128 characters); ends the account's sessions.
    #[validate(custom(function = valid_password))]
    pub password: Option<Password>,
    pub locale: Option<Locale>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
struct UserChanges {
    display_name: Option<String>,
    role: Option<Role>,
    organization_id: Option<Option<Uuid>>,
    password_hash: Option<String>,
    locale: Option<Locale>,
    disabled_at: Option<Option<chrono::DateTime<Utc>>>,
    updated_at: Option<chrono::DateTime<Utc>>,
}

/// Change an account (admin): disable or enable it, its role, name, organisation or password.
#[utoipa::path(
    tag = "accounts",
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The account as changed", body = UserView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = ProblemBody, content_type = "application/problem+json"),
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
    let req = body.into_inner();
    if id == user.id && (req.disabled == Some(true) || req.role.is_some_and(|r| r != Role::Admin)) {
        return Err(AppError::conflict(ErrorCode::CannotDisableSelf));
    }
    let password_hash = match req.password {
        Some(password) => Some(state.hasher.hash(password.into_secret()).await?),
        None => None,
    };
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async move |conn| {
        let current: User = users::table
            .filter(users::id.eq(id))
            .select(User::as_select())
            .for_update()
            .first(conn)
            .await?;
        let role = req.role.unwrap_or(current.role);
        let organization_id = match (role, req.organization_id) {
            (Role::Admin, Some(_)) => {
                return Err(AppError::validation(
                    "organization_id",
                    FieldCode::NotAllowed,
                ));
            }
            (Role::Admin, None) => None,
            (_, Some(org)) => Some(org),
            (_, None) => current.organization_id,
        };
        if role != Role::Admin && organization_id.is_none() {
            return Err(AppError::validation("organization_id", FieldCode::Required));
        }
        if let Some(org) = req.organization_id {
            let exists: bool = diesel::select(diesel::dsl::exists(
                organizations::table.filter(organizations::id.eq(org)),
            ))
            .get_result(conn)
            .await?;
            if !exists {
                return Err(AppError::validation("organization_id", FieldCode::NotFound));
            }
        }
        let now = Utc::now();
        let disabled_at = match req.disabled {
            Some(true) if current.disabled_at.is_none() => Some(Some(now)),
            Some(false) if current.disabled_at.is_some() => Some(None),
            _ => None,
        };
        let changes = UserChanges {
            display_name: req.display_name.map(|n| n.trim().to_string()),
            role: req.role,
            organization_id: (organization_id != current.organization_id)
                .then_some(organization_id),
            password_hash: password_hash.clone(),
            locale: req.locale,
            disabled_at,
            updated_at: Some(now),
        };
        let updated: User = diesel::update(users::table.filter(users::id.eq(id)))
            .set(&changes)
            .returning(User::as_returning())
            .get_result(conn)
            .await?;
        let reason = if matches!(disabled_at, Some(Some(_))) {
            Some(RevokeReason::Disabled)
        } else if password_hash.is_some() {
            Some(RevokeReason::PasswordChanged)
        } else if role != current.role {
            Some(RevokeReason::RoleChanged)
        } else {
            None
        };
        if let Some(reason) = reason {
            sessions::revoke_all(conn, id, reason).await?;
        }
        let event = audit::Event {
            actor_id: Some(user.id),
            action: "user.update",
            object_type: "user",
            object_id: Some(id.to_string()),
            summary: change_summary(&current, &updated, password_hash.is_some()),
        };
        audit::record(conn, &state, &meta, event).await?;
        tell_about_changes(conn, &state, &current, &updated, password_hash.is_some()).await
    })
    .await?;
    tracing::info!(by = %user.id, "account changed by admin");
    Ok(Json(queries::user_view(&mut conn, id).await?))
}

/// Before and after of what an admin changed (never the password itself).
fn change_summary(before: &User, after: &User, password_changed: bool) -> serde_json::Value {
    let mut old = serde_json::Map::new();
    let mut new = serde_json::Map::new();
    let mut compare = |field: &str, a: serde_json::Value, b: serde_json::Value| {
        if a != b {
            old.insert(field.to_string(), a);
            new.insert(field.to_string(), b);
        }
    };
    compare(
        "display_name",
        json!(before.display_name),
        json!(after.display_name),
    );
    compare("role", json!(before.role), json!(after.role));
    compare(
        "organization_id",
        json!(before.organization_id),
        json!(after.organization_id),
    );
    compare("locale", json!(before.locale), json!(after.locale));
    compare(
        "disabled",
        json!(before.disabled_at.is_some()),
        json!(after.disabled_at.is_some()),
    );
    if password_changed {
        new.insert("password".into(), json!("changed"));
    }
    json!({"before": old, "after": new})
}

/// The account's owner hears of a new password, a new role, or being disabled.
async fn tell_about_changes(
    conn: &mut diesel_async::AsyncPgConnection,
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

/// An organisation and, for its own members and admins, its accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetail {
    #[serde(flatten)]
    pub organization: OrganizationView,
    /// Accounts of this organisation; shown to its members and to admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberView>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: Uuid,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Waits for approval (joined by naming the organisation's USCC).
    pub membership_pending: bool,
}

/// An organisation (any logged-in user); its member list for its members and admins.
#[utoipa::path(
    tag = "accounts",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganizationDetail),
        (status = 404, description = "No such organisation", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<OrganizationDetail>> {
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let organization: Organization = organizations::table
        .filter(organizations::id.eq(id))
        .select(Organization::as_select())
        .first(&mut conn)
        .await?;
    let members = if user.is(Role::Admin) || user.organization_id == Some(id) {
        type MemberRow = (Uuid, String, Role, Option<chrono::DateTime<Utc>>, bool);
        let rows: Vec<MemberRow> = users::table
            .filter(users::organization_id.eq(id))
            .order((users::created_at.asc(), users::id.asc()))
            .select((
                users::id,
                users::display_name,
                users::role,
                users::disabled_at,
                users::membership_pending,
            ))
            .load(&mut conn)
            .await?;
        Some(
            rows.into_iter()
                .map(
                    |(id, display_name, role, disabled_at, membership_pending)| MemberView {
                        id,
                        display_name,
                        role,
                        disabled: disabled_at.is_some(),
                        membership_pending,
                    },
                )
                .collect(),
        )
    } else {
        None
    };
    Ok(Json(OrganizationDetail {
        organization: organization.into(),
        members,
    }))
}

/// Approve an account that joined this organisation by naming its USCC (an admin, or an approved
/// account of the organisation). Until approved it acts for no organisation: it cannot bid for it
/// or see its bids and drafts.
#[utoipa::path(
    tag = "accounts",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("user_id" = Uuid, Path, description = "The account waiting for approval"),
    ),
    responses(
        (status = 200, description = "Approved (or already approved)", body = UserView),
        (status = 404, description = "No such member, or not the caller's organisation", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/organizations/{id}/members/{user_id}/approve")]
pub async fn approve_member(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    path: Path<(Uuid, Uuid)>,
) -> AppResult<Json<UserView>> {
    let (organization_id, member_id) = path.into_inner();
    if !(user.is(Role::Admin) || user.organization_id == Some(organization_id)) {
        return Err(AppError::NotFound);
    }
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let member: User = users::table
            .filter(users::id.eq(member_id))
            .filter(users::organization_id.eq(organization_id))
            .select(User::as_select())
            .for_update()
            .first(conn)
            .await?;
        if member.membership_pending {
            diesel::update(users::table.find(member.id))
                .set((
                    users::membership_pending.eq(false),
                    users::updated_at.eq(Utc::now()),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "user.membership_approve",
                    object_type: "user",
                    object_id: Some(member.id.to_string()),
                    summary: json!({"organization_id": organization_id}),
                },
            )
            .await?;
        }
        Ok(())
    })
    .await?;
    Ok(Json(queries::user_view(&mut conn, member_id).await?))
}
