//! The review's draw as stored (read through [`crate::reviews::seats::queries`]).

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::error::AppResult;
use crate::reviews::models::PanelDraw;
use crate::reviews::seats::{self, Panel};
use crate::schema::panel_draws;

/// A new draw (not closed yet).
pub async fn insert(conn: &mut AsyncPgConnection, draw: &PanelDraw) -> AppResult<()> {
    diesel::insert_into(panel_draws::table)
        .values(draw)
        .execute(conn)
        .await?;
    Ok(())
}

/// The review's draw of a challenge, if drawn (locked with `lock`): the award reads from it
/// whether the review is closed.
pub async fn find_draw(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<PanelDraw>> {
    if lock {
        seats::queries::lock_draw(conn, Panel::Review, challenge_id).await
    } else {
        seats::queries::find_draw(conn, Panel::Review, challenge_id).await
    }
}
