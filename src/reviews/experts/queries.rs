//! The pool's reads and writes.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::views::ExpertView;
use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::http::pagination::PageRequest;
use crate::reviews::models::{Expert, ExpertChanges};
use crate::schema::{experts, organizations, users};

type Row = (Expert, String, String, Option<(Uuid, String, String)>);

/// Experts with their accounts and organisations, by account id: those of `ids`, or one page.
async fn load(
    conn: &mut AsyncPgConnection,
    ids: Option<&[Uuid]>,
    page: Option<PageRequest>,
) -> AppResult<Vec<ExpertView>> {
    let mut query = experts::table
        .inner_join(users::table.on(users::id.eq(experts::user_id)))
        .left_join(organizations::table.on(users::organization_id.eq(organizations::id.nullable())))
        .select((
            Expert::as_select(),
            users::display_name,
            users::email,
            (organizations::id, organizations::name, organizations::uscc).nullable(),
        ))
        .order(experts::user_id.asc())
        .into_boxed();
    if let Some(ids) = ids {
        query = query.filter(experts::user_id.eq_any(ids.to_vec()));
    }
    if let Some(page) = page {
        query = query.limit(page.per_page).offset(page.offset());
    }
    let rows: Vec<Row> = query.load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(expert, name, email, org)| ExpertView::of(expert, name, email, org))
        .collect())
}

/// One page of the pool, and how many experts it has.
pub async fn page(
    conn: &mut AsyncPgConnection,
    page: PageRequest,
) -> AppResult<(Vec<ExpertView>, i64)> {
    let total: i64 = experts::table.count().get_result(conn).await?;
    Ok((load(conn, None, Some(page)).await?, total))
}

/// The expert `id` as the API shows them; 404 when the account has no profile.
pub async fn view(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<ExpertView> {
    load(conn, Some(&[id]), None)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// Whether `id` is an account with the role `expert`.
pub async fn is_expert_account(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<bool> {
    let role: Option<Role> = users::table
        .find(id)
        .select(users::role)
        .first(conn)
        .await
        .optional()?;
    Ok(role == Some(Role::Expert))
}

/// Stores a new profile; 409 `expert_exists` when the account has one or the ID number is
/// another expert's.
pub async fn insert(conn: &mut AsyncPgConnection, expert: &Expert) -> AppResult<()> {
    diesel::insert_into(experts::table)
        .values(expert)
        .execute(conn)
        .await
        .map_err(|e| match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::conflict(ErrorCode::ExpertExists)
            }
            other => AppError::from(other),
        })?;
    Ok(())
}

/// The profile of `id`, locked for the rest of the transaction; 404 when there is none.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Expert> {
    experts::table
        .find(id)
        .select(Expert::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &ExpertChanges,
) -> AppResult<()> {
    diesel::update(experts::table.find(id))
        .set(changes)
        .execute(conn)
        .await?;
    Ok(())
}
