//! Batch reviews' queries (the checks of a review are the checks').

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::models::CreditReview;
use crate::credit::rows;
use crate::error::AppResult;
use crate::schema::credit_reviews;

pub async fn insert(conn: &mut AsyncPgConnection, review: &CreditReview) -> AppResult<()> {
    rows::insert(conn, credit_reviews::table, review).await
}

/// One review (404 when there is none).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<CreditReview> {
    rows::find(conn, credit_reviews::table, id).await
}
