//! The awards as the public notices list them, and what a notice shows beside its award.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::awards::proposals::models::{Award, AwardStatus};
use crate::error::AppResult;
use crate::http::pagination::PageRequest;
use crate::schema::{awards, challenges};

/// How many notices the feed carries.
pub const FEED_SIZE: i64 = 50;

/// One page of the awards (of `status`, if given), newest first, and how many there are.
pub async fn page(
    conn: &mut AsyncPgConnection,
    status: Option<AwardStatus>,
    page: PageRequest,
) -> AppResult<(Vec<Award>, i64)> {
    let filtered = || {
        let mut query = awards::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(awards::status.eq(status));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn).await?;
    let rows = filtered()
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Award::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The newest awards of all, for the feed.
pub async fn newest(conn: &mut AsyncPgConnection, limit: i64) -> AppResult<Vec<Award>> {
    Ok(awards::table
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .limit(limit)
        .select(Award::as_select())
        .load(conn)
        .await?)
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
