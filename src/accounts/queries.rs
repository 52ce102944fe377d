//! Accounts and organisations in the database: creating an account, finding one, the lists
//! other domains need (who acts for an organisation, the admins), the admin's list and changes,
//! membership approval.

use chrono::Utc;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::input::{OrganizationInput, UserFilter};
use super::models::{Member, NewOrganization, NewUser, Organization, User, UserChanges, UserView};
use crate::auth::Role;
use crate::codes::parse_uscc;
use crate::db;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::http::Page;
use crate::http::pagination::PageRequest;
use crate::i18n::Locale;
use crate::schema::{organizations, users};

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
    db::transaction(conn, async move |conn| {
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

/// The account `id`, locked for the rest of the caller's transaction; with `organization_id`,
/// only if it belongs to that organisation (not found otherwise).
pub async fn lock_account(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    organization_id: Option<Uuid>,
) -> AppResult<User> {
    type Within = Box<dyn BoxableExpression<users::table, Pg, SqlType = Nullable<Bool>>>;
    let within: Within = match organization_id {
        Some(organization_id) => Box::new(users::organization_id.eq(organization_id)),
        None => Box::new(diesel::dsl::sql::<Nullable<Bool>>("TRUE")),
    };
    Ok(users::table
        .filter(users::id.eq(id))
        .filter(within)
        .select(User::as_select())
        .for_update()
        .first(conn)
        .await?)
}

/// Writes an admin's changes to the account `id`.
pub async fn update_account(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &UserChanges,
) -> AppResult<User> {
    Ok(diesel::update(users::table.find(id))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// A new password for the account `id`, enabled again (`seed-demo` run once more).
pub async fn reset_password(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    password_hash: &str,
) -> AppResult<()> {
    let changes = UserChanges {
        password_hash: Some(password_hash.to_string()),
        disabled_at: Some(None),
        updated_at: Some(Utc::now()),
        ..Default::default()
    };
    update_account(conn, id, &changes).await.map(|_| ())
}

/// The account now acts for its organisation.
pub async fn approve_membership(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::membership_pending.eq(false),
            users::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// One page of the accounts `filter` finds, oldest first, each with its organisation.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &UserFilter,
    page: PageRequest,
) -> AppResult<Page<UserView>> {
    let q = filter.q.as_deref().and_then(contains_pattern);
    let filtered = || {
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
    let rows = filtered()
        .order((users::created_at.asc(), users::id.asc()))
        .select((User::as_select(), Option::<Organization>::as_select()));
    let page = page.load(conn, filtered().count(), rows).await?;
    Ok(page.map(|(user, organization)| UserView::new(user, organization)))
}

/// `%text%` for a case-insensitive LIKE on lower-cased columns; `None` for blank text.
fn contains_pattern(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| format!("%{}%", escape_like(&text.to_lowercase())))
}

pub use crate::db::escape_like;

/// An organisation.
pub async fn organization(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Organization> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .await?)
}

/// Whether the organisation `id` exists.
pub async fn organization_exists(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<bool> {
    Ok(
        diesel::select(diesel::dsl::exists(organizations::table.find(id)))
            .get_result(conn)
            .await?,
    )
}

/// Every account of an organisation, pending or not, active or not, in the order they were made.
pub async fn members(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
) -> AppResult<Vec<Member>> {
    Ok(users::table
        .filter(users::organization_id.eq(organization_id))
        .order((users::created_at.asc(), users::id.asc()))
        .select(Member::as_select())
        .load(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_match_the_text_literally() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
        assert_eq!(contains_pattern("  SOLVER3 ").as_deref(), Some("%solver3%"));
        assert_eq!(contains_pattern("   "), None);
    }
}
