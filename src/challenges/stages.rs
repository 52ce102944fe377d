//! What the later stages of the workflow do when a challenge moves. Challenges come first and
//! import no later domain; the bids on a challenge react through [`BiddingStage`], which the bids
//! module implements and start-up installs (`startup::assemble`).

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use super::lifecycle::{Action, Party};
use super::models::{Challenge, Clarification};
use crate::error::AppResult;
use crate::state::AppState;

/// The bids' part in a challenge's changes, run in the same transaction as the change.
pub trait BiddingStage: Send + Sync {
    /// `challenge` (as it is now) was moved by `action`, taken by `party`: at the deadline the
    /// submitted bids are opened (开标: they get their codes) and their bidders told they are
    /// sealed; at a cancellation every bidder still in the running is told why.
    fn challenge_moved<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        challenge: &'a Challenge,
        action: Action,
        party: Option<Party>,
        reason: Option<&'a str>,
    ) -> BoxFuture<'a, AppResult<()>>;

    /// A clarification (答疑) was added: everyone with a live bid is told.
    fn clarified<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        challenge: &'a Challenge,
        clarification: &'a Clarification,
    ) -> BoxFuture<'a, AppResult<()>>;
}

/// The installed bidding stage.
pub fn bidding(state: &AppState) -> AppResult<&Arc<dyn BiddingStage>> {
    state.extension::<dyn BiddingStage>()
}
