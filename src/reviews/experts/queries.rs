//! The pool's reads and writes.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::views::ExpertView;
use crate::auth::Role;
use crate::challenges::models::Field;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::http::pagination::PageRequest;
use crate::reviews::models::{Expert, ExpertChanges};
use crate::schema::{experts, organizations, users};
use crate::search::feed::Matches;

type Row = (Expert, String, String, Option<(Uuid, String, String)>);

/// The experts of the pool a list shows: of a field, matching words.
#[derive(Default)]
pub struct PoolFilter<'a> {
    pub field: Option<Field>,
    pub names: Option<&'a Matches>,
}

/// Experts with their accounts and organisations, by account id: those of `ids`, or one page.
async fn load(
    conn: &mut AsyncPgConnection,
    ids: Option<&[Uuid]>,
    page: Option<PageRequest>,
) -> AppResult<Vec<ExpertView>> {
    load_filtered(conn, ids, page, &PoolFilter::default()).await
}

macro_rules! pool_query {
    ($filter:expr) => {{
        let mut query = experts::table
            .inner_join(users::table.on(users::id.eq(experts::user_id)))
            .left_join(
                organizations::table.on(users::organization_id.eq(organizations::id.nullable())),
            )
            .into_boxed();
        if let Some(field) = $filter.field {
            query = query.filter(experts::fields.contains(vec![field.as_str().to_string()]));
        }
        match $filter.names {
            Some(Matches::Ids(ids)) => {
                query = query.filter(experts::user_id.eq_any(ids.clone()));
            }
            Some(Matches::Patterns(patterns)) => {
                for pattern in patterns {
                    query = query.filter(
                        users::display_name
                            .ilike(pattern.clone())
                            .or(experts::title.ilike(pattern.clone()))
                            .or(organizations::name
                                .ilike(pattern.clone())
                                .is_not_distinct_from(true)),
                    );
                }
            }
            None => {}
        }
        query
    }};
}

async fn load_filtered(
    conn: &mut AsyncPgConnection,
    ids: Option<&[Uuid]>,
    page: Option<PageRequest>,
    filter: &PoolFilter<'_>,
) -> AppResult<Vec<ExpertView>> {
    let mut query = pool_query!(filter)
        .select((
            Expert::as_select(),
            users::display_name,
            users::email,
            (organizations::id, organizations::name, organizations::uscc).nullable(),
        ))
        .order(experts::user_id.asc());
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

/// One page of the experts `filter` finds, and how many it finds.
pub async fn page(
    conn: &mut AsyncPgConnection,
    page: PageRequest,
    filter: &PoolFilter<'_>,
) -> AppResult<(Vec<ExpertView>, i64)> {
    let total: i64 = pool_query!(filter).count().get_result(conn).await?;
    Ok((load_filtered(conn, None, Some(page), filter).await?, total))
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
