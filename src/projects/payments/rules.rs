//! What a payment waits for: the payee's credit, checked again before each entry and each
//! release.

use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use crate::audit::RequestMeta;
use crate::challenges::models::Challenge;
use crate::credit::{self, CheckRequest, CheckView, Purpose, Subject};
use crate::db;
use crate::error::AppResult;
use crate::state::AppState;

/// The payee's credit check before a payment, committed in a transaction of its own so that it
/// stays on record whatever follows (called inside another transaction, as by the acceptance's
/// close, it is a savepoint and is kept with that transaction). A general record blocks where the challenge says general
/// records block (as for its bids); otherwise it only warns.
pub async fn credit_check(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    requested_by: Option<Uuid>,
    challenge: &Challenge,
    payee: Uuid,
    milestone_id: Uuid,
) -> AppResult<CheckView> {
    let (_, uscc, name) = crate::bids::queries::organization(conn, payee).await?;
    let subject = Subject::organization(&uscc, &name)
        .map_err(|e| anyhow::anyhow!("stored USCC is invalid: {e:?}"))?;
    let request = CheckRequest {
        subject,
        purpose: Purpose::Payment,
        general_blocks: challenge.general_credit_blocks,
        requested_by,
        context: Some(json!({"challenge_id": challenge.id, "milestone_id": milestone_id})),
    };
    db::transaction(conn, async |conn| {
        credit::check(conn, state, meta, request).await
    })
    .await
}
