//! What the later stages of the workflow do when an award is confirmed. Awards come before
//! projects and do not import them; the project starts through [`ProjectStage`], which the
//! projects module implements and start-up installs (`startup::assemble`).

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use crate::audit::RequestMeta;
use crate::bids::models::Bid;
use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::state::AppState;

/// The project's part in a confirmed award, run in the confirming transaction.
pub trait ProjectStage: Send + Sync {
    /// `challenge` is now `awarded` (with `awarded_at`), `bid` is its awarded bid, for
    /// `amount_fen`: the project starts (its milestones, their reminders).
    fn start<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        meta: &'a RequestMeta,
        challenge: &'a Challenge,
        bid: &'a Bid,
        amount_fen: i64,
    ) -> BoxFuture<'a, AppResult<()>>;
}

/// The installed project stage.
pub fn project(state: &AppState) -> AppResult<&Arc<dyn ProjectStage>> {
    state.extension::<dyn ProjectStage>()
}
