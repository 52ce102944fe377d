//! The awarded project (SPEC §7, 过程管理 and 验收): the winning bid's milestones, the payment
//! ledger, the one extension, and the final acceptance by an expert panel.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::audit::RequestMeta;
use crate::bids::models::Bid;
use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::state::AppState;

pub mod acceptance;

/// The project's routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    acceptance::configure(cfg);
}

/// Starts the project of a confirmed award, in the confirming transaction: `challenge` is
/// `awarded` (with `awarded_at` set) and `bid` is its awarded bid, for `amount_fen`.
pub async fn start(
    _conn: &mut AsyncPgConnection,
    _state: &AppState,
    _meta: &RequestMeta,
    _challenge: &Challenge,
    _bid: &Bid,
    _amount_fen: i64,
) -> AppResult<()> {
    Ok(())
}

/// How many of the project's milestones are not yet accepted.
pub async fn milestones_outstanding(
    _conn: &mut AsyncPgConnection,
    _challenge_id: Uuid,
) -> AppResult<i64> {
    Ok(0)
}
