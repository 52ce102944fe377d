//! The bids a review seat scores, its scores and its fee, as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::bids::models::{Bid, BidStatus};
use crate::error::{AppError, AppResult};
use crate::reviews::models::{Fee, Score};
use crate::schema::{bids, review_fees, scores};

/// The eligible bids of a challenge, in the order of their codes.
pub async fn eligible_bids(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Bid>> {
    Ok(bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Eligible))
        .order(bids::anonymous_code.asc())
        .select(Bid::as_select())
        .load(conn)
        .await?)
}

/// An eligible bid of the challenge (404 for any other).
pub async fn eligible_bid(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    bid_id: Uuid,
) -> AppResult<Bid> {
    bids::table
        .filter(bids::id.eq(bid_id))
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Eligible))
        .select(Bid::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The seat's scores.
pub async fn scores_of(conn: &mut AsyncPgConnection, assignment_id: Uuid) -> AppResult<Vec<Score>> {
    Ok(scores::table
        .filter(scores::assignment_id.eq(assignment_id))
        .select(Score::as_select())
        .load(conn)
        .await?)
}

/// The seat's score of one bid, if given.
pub async fn find_score(
    conn: &mut AsyncPgConnection,
    assignment_id: Uuid,
    bid_id: Uuid,
) -> AppResult<Option<Score>> {
    Ok(scores::table
        .find((assignment_id, bid_id))
        .select(Score::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// A score sheet for one bid.
#[derive(Debug, Insertable)]
#[diesel(table_name = scores)]
pub struct NewScore<'a> {
    pub assignment_id: Uuid,
    pub bid_id: Uuid,
    pub criteria: &'a serde_json::Value,
    pub total: i32,
    pub comment: &'a str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Saves the sheet: a new score, or the revision of the one given (its `created_at` kept).
pub async fn save_score(conn: &mut AsyncPgConnection, sheet: &NewScore<'_>) -> AppResult<Score> {
    Ok(diesel::insert_into(scores::table)
        .values(sheet)
        .on_conflict((scores::assignment_id, scores::bid_id))
        .do_update()
        .set((
            scores::criteria.eq(sheet.criteria),
            scores::total.eq(sheet.total),
            scores::comment.eq(sheet.comment),
            scores::updated_at.eq(sheet.updated_at),
        ))
        .returning(Score::as_returning())
        .get_result(conn)
        .await?)
}

/// How many of `bid_ids` the seat has scored.
pub async fn scored(
    conn: &mut AsyncPgConnection,
    assignment_id: Uuid,
    bid_ids: &[Uuid],
) -> AppResult<i64> {
    Ok(scores::table
        .filter(scores::assignment_id.eq(assignment_id))
        .filter(scores::bid_id.eq_any(bid_ids))
        .count()
        .get_result(conn)
        .await?)
}

/// The fee earned by a submission.
pub async fn insert_fee(conn: &mut AsyncPgConnection, fee: &Fee) -> AppResult<()> {
    diesel::insert_into(review_fees::table)
        .values(fee)
        .execute(conn)
        .await?;
    Ok(())
}
