//! The reminder before a panel's deadline, run by each panel's job
//! ([`crate::reviews::panel::RemindReviewers`], the acceptance's `RemindAcceptanceExperts`).

use uuid::Uuid;

use super::changes::{Told, tell};
use super::{Panel, queries};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::AppError;
use crate::state::AppState;

/// Tells every expert of the challenge's panel who has not submitted that the deadline is near
/// (评审提醒, 验收评审提醒). Does nothing once the panel is closed (or, for the acceptance, the
/// challenge no longer awarded); a rerun after a crash tells them again, which does no harm.
pub async fn remind(state: &AppState, panel: Panel, challenge_id: Uuid) -> anyhow::Result<()> {
    state
        .transaction(async |conn| {
            let Some(draw) = queries::find_draw(conn, panel, challenge_id).await? else {
                return Ok(());
            };
            if draw.closed_at.is_some() {
                return Ok(());
            }
            let challenge =
                challenge_queries::find_visible(conn, Viewer::Admin, challenge_id).await?;
            if !panel.reminds(&challenge) {
                return Ok(());
            }
            for user in queries::open_seat_holders(conn, panel, challenge_id).await? {
                let deadline = draw.review_deadline;
                tell(
                    conn,
                    state,
                    panel,
                    Told::Reminded,
                    &user,
                    &challenge,
                    deadline,
                )
                .await?;
            }
            Ok::<_, AppError>(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{} reminder: {e}", panel.as_str()))
}
