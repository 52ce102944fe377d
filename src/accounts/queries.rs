//! Account and organisation queries used by several endpoints.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::input::OrganizationInput;
use super::models::{NewOrganization, NewUser, Organization, User, UserView};
use crate::accounts::notices::Welcome;
use crate::audit::{self, RequestMeta};
use crate::auth::Role;
use crate::codes::parse_uscc;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::i18n::Locale;
use crate::notifications::{Recipient, notify};
use crate::schema::{organizations, users};
use crate::state::AppState;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// What a new account is made of; the password is already hashed.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub locale: Locale,
    pub organization: Option<&'a OrganizationInput>,
    /// Self-registration: joining an organisation that already exists then waits for approval.
    pub self_registered: bool,
}

/// Creates an account, with its organisation unless one with the same USCC exists (then it joins
/// it, pending approval when self-registered). A taken email is a 409 naming the field.
pub async fn create_account(
    conn: &mut AsyncPgConnection,
    account: NewAccount<'_>,
) -> AppResult<(User, Option<Organization>)> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let (organization, joined) = match account.organization {
            Some(input) => {
                let (organization, created) = find_or_create_organization(conn, input).await?;
                (Some(organization), !created)
            }
            None => (None, false),
        };
        let new_user = NewUser {
            id: Uuid::now_v7(),
            email: account.email.trim(),
            password_hash: account.password_hash,
            display_name: account.display_name.trim(),
            role: account.role,
            organization_id: organization.as_ref().map(|o| o.id),
            locale: account.locale,
        };
        let user = diesel::insert_into(users::table)
            .values(&new_user)
            .returning(User::as_returning())
            .get_result(conn)
            .await
            .map_err(email_taken)?;
        let user = if joined && account.self_registered {
            diesel::update(users::table.find(user.id))
                .set(users::membership_pending.eq(true))
                .returning(User::as_returning())
                .get_result(conn)
                .await?
        } else {
            user
        };
        Ok((user, organization))
    })
    .await
}

fn email_taken(err: DieselError) -> AppError {
    match &err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info.constraint_name() == Some("users_email_lower_key") =>
        {
            AppError::conflict(ErrorCode::EmailTaken)
                .field(FieldError::new("email", FieldCode::Taken))
        }
        _ => err.into(),
    }
}

/// The organisation with the input's USCC, and whether it was created just now.
async fn find_or_create_organization(
    conn: &mut AsyncPgConnection,
    input: &OrganizationInput,
) -> AppResult<(Organization, bool)> {
    let uscc =
        parse_uscc(&input.uscc).map_err(|e| AppError::validation("organization.uscc", e.code()))?;
    let created = diesel::insert_into(organizations::table)
        .values(&NewOrganization {
            id: Uuid::now_v7(),
            name: input.name.trim(),
            uscc: &uscc,
            kind: input.kind,
        })
        .on_conflict(organizations::uscc)
        .do_nothing()
        .execute(conn)
        .await?
        == 1;
    let organization = organizations::table
        .filter(organizations::uscc.eq(&uscc))
        .select(Organization::as_select())
        .first(conn)
        .await?;
    Ok((organization, created))
}

/// Looks an account up by email, case-insensitively.
pub async fn find_by_email(conn: &mut AsyncPgConnection, email: &str) -> AppResult<Option<User>> {
    Ok(users::table
        .filter(lower(users::email).eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// An account with its organisation, as the API shows it.
pub async fn user_view(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<UserView> {
    let (user, organization): (User, Option<Organization>) = users::table
        .left_join(organizations::table)
        .filter(users::id.eq(id))
        .select((User::as_select(), Option::<Organization>::as_select()))
        .first(conn)
        .await?;
    Ok(UserView::new(user, organization))
}

/// Creates an account and, in the same transaction, what follows it: the welcome notice and the
/// audit entry (`user.register` when self-registered, `user.create` when `created_by` an admin).
pub async fn open_account(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    created_by: Option<Uuid>,
    account: NewAccount<'_>,
) -> AppResult<(User, Option<Organization>)> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let (user, organization) = create_account(conn, account).await?;
        welcome(conn, state, meta, created_by, &user, organization.as_ref()).await?;
        Ok((user, organization))
    })
    .await
}

async fn welcome(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    created_by: Option<Uuid>,
    user: &User,
    organization: Option<&Organization>,
) -> AppResult<()> {
    let notice = Welcome {
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        role: user.role,
        organization_name: organization.map(|o| o.name.clone()),
        login_url: format!(
            "{}/docs/",
            state.settings.mail.public_url.trim_end_matches('/')
        ),
    };
    notify(conn, state, &Recipient::from(user), &notice).await?;
    let event = audit::Event {
        actor_id: created_by.or(Some(user.id)),
        action: if created_by.is_some() {
            "user.create"
        } else {
            "user.register"
        },
        object_type: "user",
        object_id: Some(user.id.to_string()),
        summary: json!({
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "organization_id": user.organization_id,
        }),
    };
    audit::record(conn, state, meta, event).await
}

/// The active accounts of an organisation with `role` that act for it (approved members), in the
/// order they were made: the people told about what the organisation does.
pub async fn organization_accounts(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    role: Role,
) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(users::organization_id.eq(organization_id))
        .filter(users::role.eq(role))
        .filter(users::disabled_at.is_null())
        .filter(users::membership_pending.eq(false))
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}

/// The active admin accounts (the program office), in the order they were made.
pub async fn admin_accounts(conn: &mut AsyncPgConnection) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}

/// An account, active or not.
pub async fn account(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<User> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await?)
}

/// An account that is still active (`None` once disabled or gone).
pub async fn active_account(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Option<User>> {
    Ok(users::table
        .find(id)
        .filter(users::disabled_at.is_null())
        .select(User::as_select())
        .first(conn)
        .await
        .optional()?)
}
