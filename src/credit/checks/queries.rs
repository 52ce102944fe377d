//! Credit checks' queries: the insert (checks are never changed), one check, the checks of a
//! batch review, and the admins' list.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::input::CheckFilter;
use super::models::CreditCheck;
use crate::credit::rows::{self, page_of};
use crate::error::AppResult;
use crate::http::pagination::PageRequest;
use crate::schema::credit_checks;

pub async fn insert(conn: &mut AsyncPgConnection, check: &CreditCheck) -> AppResult<()> {
    rows::insert(conn, credit_checks::table, check).await
}

/// One check (404 when there is none).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<CreditCheck> {
    rows::find(conn, credit_checks::table, id).await
}

/// The checks a batch review made, organisations first, by code.
pub async fn of_review(
    conn: &mut AsyncPgConnection,
    review_id: Uuid,
) -> AppResult<Vec<CreditCheck>> {
    Ok(credit_checks::table
        .filter(credit_checks::review_id.eq(review_id))
        .order((
            credit_checks::subject_kind.asc(),
            credit_checks::subject_code.asc(),
        ))
        .select(CreditCheck::as_select())
        .load(conn)
        .await?)
}

/// One page of the checks `filter` (with the match keys of its `code`) finds, newest first, and
/// how many it finds in all.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &CheckFilter,
    keys: Option<&[String]>,
    page: PageRequest,
) -> AppResult<(Vec<CreditCheck>, i64)> {
    let found = || {
        let mut query = credit_checks::table.into_boxed();
        if let Some(kind) = filter.subject_kind {
            query = query.filter(credit_checks::subject_kind.eq(kind));
        }
        if let Some(keys) = keys {
            query = query.filter(credit_checks::subject_key.eq_any(keys.to_vec()));
        }
        if let Some(purpose) = filter.purpose {
            query = query.filter(credit_checks::purpose.eq(purpose));
        }
        if let Some(result) = filter.result {
            query = query.filter(credit_checks::result.eq(result));
        }
        if let Some(from) = filter.from {
            query = query.filter(credit_checks::checked_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(credit_checks::checked_at.lt(to));
        }
        if let Some(review) = filter.review_id {
            query = query.filter(credit_checks::review_id.eq(review));
        }
        query
    };
    let newest_first = (credit_checks::checked_at.desc(), credit_checks::id.desc());
    page_of(conn, found, newest_first, page).await
}
