//! The fee ledger as stored.

use std::collections::HashMap;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::error::AppResult;
use crate::http::pagination::PageRequest;
use crate::reviews::models::Fee;
use crate::schema::{challenges, review_fees};

/// Which entries: all (admins), or one expert's.
fn entries(only: Option<Uuid>) -> review_fees::BoxedQuery<'static, Pg> {
    let mut query = review_fees::table.into_boxed();
    if let Some(expert) = only {
        query = query.filter(review_fees::expert_id.eq(expert));
    }
    query
}

/// How many entries, and their sum.
pub async fn totals(conn: &mut AsyncPgConnection, only: Option<Uuid>) -> AppResult<(i64, i64)> {
    let count: i64 = entries(only).count().get_result(conn).await?;
    let amount: Option<i64> = entries(only)
        .select(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        >("sum(amount_fen)::bigint"))
        .first(conn)
        .await?;
    Ok((count, amount.unwrap_or(0)))
}

/// The entries in the order they were made: one page, or all of them (`page` none).
pub async fn list(
    conn: &mut AsyncPgConnection,
    only: Option<Uuid>,
    page: Option<PageRequest>,
) -> AppResult<Vec<Fee>> {
    let mut rows = entries(only).order((review_fees::created_at.asc(), review_fees::id.asc()));
    if let Some(page) = page {
        rows = rows.limit(page.per_page).offset(page.offset());
    }
    Ok(rows.select(Fee::as_select()).load(conn).await?)
}

/// The titles of these challenges.
pub async fn challenge_titles(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    Ok(challenges::table
        .filter(challenges::id.eq_any(ids))
        .select((challenges::id, challenges::title))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect())
}
