//! The stored ranking of a review, and the close of its draw.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::bids::models::Bid;
use crate::error::AppResult;
use crate::reviews::models::{Ranking, Score};
use crate::schema::{assignments, bids, panel_draws, rankings, scores, users};

/// The scores of these seats.
pub async fn scores_of(
    conn: &mut AsyncPgConnection,
    assignment_ids: &[Uuid],
) -> AppResult<Vec<Score>> {
    Ok(scores::table
        .filter(scores::assignment_id.eq_any(assignment_ids))
        .select(Score::as_select())
        .load(conn)
        .await?)
}

/// Stores the ranking and closes the draw.
pub async fn close(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    ranking: &[Ranking],
    by: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if !ranking.is_empty() {
        diesel::insert_into(rankings::table)
            .values(ranking)
            .execute(conn)
            .await?;
    }
    diesel::update(panel_draws::table.find(challenge_id))
        .set((panel_draws::closed_at.eq(at), panel_draws::closed_by.eq(by)))
        .execute(conn)
        .await?;
    Ok(())
}

/// The stored ranking with its bids, best first.
pub async fn ranking(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<(Ranking, Bid)>> {
    Ok(rankings::table
        .inner_join(bids::table)
        .filter(rankings::challenge_id.eq(challenge_id))
        .order((rankings::rank.asc(), bids::anonymous_code.asc()))
        .select((Ranking::as_select(), Bid::as_select()))
        .load(conn)
        .await?)
}

/// The names of the experts ever invited to the challenge's review panel.
pub async fn panel_names(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<(Uuid, String)>> {
    Ok(users::table
        .inner_join(assignments::table.on(assignments::expert_id.eq(users::id)))
        .filter(assignments::challenge_id.eq(challenge_id))
        .select((users::id, users::display_name))
        .load(conn)
        .await?)
}
