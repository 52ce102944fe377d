//! Who is told what about bids (SPEC §8): the solver when its bid is received and when its formal
//! review is done. Bidders are also told of clarifications, the deadline and cancellation, as the
//! bids' part in the challenge's changes ([`super::stage`]).

use diesel_async::AsyncPgConnection;

use super::models::{Bid, ReviewResult, display_code};
use crate::accounts::queries::active_account;
use crate::bids::notices::{BidReceived, BidReviewed};
use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::notifications::beijing_time;
use crate::notifications::{Recipient, notify};
use crate::state::AppState;

/// Where people read the bid.
pub fn url(state: &AppState, bid: &Bid) -> String {
    format!("{}/api/v1/bids/{}", state.settings.public_url(), bid.id)
}

/// To the account that submitted the bid.
pub async fn received(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    bid: &Bid,
    submitted_by: uuid::Uuid,
) -> AppResult<()> {
    let Some(user) = active_account(conn, submitted_by).await? else {
        return Ok(());
    };
    let notice = BidReceived {
        display_name: user.display_name.clone(),
        title: challenge.title.clone(),
        submitted_at: beijing_time(bid.submitted_at.unwrap_or(bid.updated_at)),
        bid_closes_at: beijing_time(challenge.bid_closes_at),
        url: url(state, bid),
    };
    notify(conn, state, &Recipient::from(&user), &notice).await
}

/// To the account that created the bid.
pub async fn reviewed(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    bid: &Bid,
    result: ReviewResult,
    reason: Option<&str>,
) -> AppResult<()> {
    let Some(user) = active_account(conn, bid.created_by).await? else {
        return Ok(());
    };
    let notice = BidReviewed {
        display_name: user.display_name.clone(),
        title: challenge.title.clone(),
        display_code: display_code(bid.anonymous_code.as_deref().unwrap_or("?")),
        result,
        reason: reason.map(str::to_string),
        url: url(state, bid),
    };
    notify(conn, state, &Recipient::from(&user), &notice).await
}
