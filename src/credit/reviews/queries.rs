//! Batch reviews' queries (the checks of a review are the checks').

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::CreditReview;
use crate::error::AppResult;
use crate::schema::credit_reviews;

pub async fn insert(conn: &mut AsyncPgConnection, review: &CreditReview) -> AppResult<()> {
    diesel::insert_into(credit_reviews::table)
        .values(review)
        .execute(conn)
        .await?;
    Ok(())
}

/// One review (404 when there is none).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<CreditReview> {
    Ok(credit_reviews::table
        .filter(credit_reviews::id.eq(id))
        .select(CreditReview::as_select())
        .first(conn)
        .await?)
}
