//! The awards as the public notices list them, each with its challenge's title and the proposed
//! organisation's name.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::awards::proposals::models::{Award, AwardStatus};
use crate::error::AppResult;
use crate::http::pagination::PageRequest;
use crate::schema::{awards, challenges, organizations};

/// How many notices the feed carries.
pub const FEED_SIZE: i64 = 50;

/// An award with its challenge's title and the proposed organisation's name.
pub type Listed = (Award, String, String);

/// One page of the awards (of `status`, if given), newest first, and how many there are; with
/// `page` `None`, the newest [`FEED_SIZE`] of all.
pub async fn newest(
    conn: &mut AsyncPgConnection,
    status: Option<AwardStatus>,
    page: Option<PageRequest>,
) -> AppResult<(Vec<Listed>, i64)> {
    let filtered = || {
        let mut query = awards::table
            .inner_join(challenges::table)
            .inner_join(organizations::table)
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(awards::status.eq(status));
        }
        query
    };
    let (limit, offset) = page.map_or((FEED_SIZE, 0), |p| (p.per_page, p.offset()));
    let rows = filtered()
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((Award::as_select(), challenges::title, organizations::name))
        .load(conn)
        .await?;
    let total = match page {
        Some(_) => filtered().count().get_result(conn).await?,
        None => i64::try_from(rows.len()).unwrap_or(0),
    };
    Ok((rows, total))
}
