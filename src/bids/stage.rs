//! The bids' part in a challenge's changes ([`crate::challenges::stages::BiddingStage`]): opening
//! the bids at the deadline, and telling bidders of the deadline, a cancellation and a
//! clarification.

use diesel_async::AsyncPgConnection;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::models::BidStatus;
use super::queries::{assign_codes, bidder_accounts};
use crate::challenges::lifecycle::{Action, Party};
use crate::challenges::models::{Challenge, Clarification};
use crate::challenges::notices::{BiddingClosed, ChallengeCancelled, ClarificationAdded};
use crate::challenges::notify::{cancelled_by, url};
use crate::challenges::stages::BiddingStage;
use crate::error::AppResult;
use crate::notifications::{Recipient, beijing_time, notify_each};
use crate::state::AppState;

/// Installed at start-up as the challenges' [`BiddingStage`].
pub struct Bids;

impl BiddingStage for Bids {
    fn challenge_moved<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        challenge: &'a Challenge,
        action: Action,
        party: Option<Party>,
        reason: Option<&'a str>,
    ) -> BoxFuture<'a, AppResult<()>> {
        async move {
            match (action, party) {
                (Action::CloseBidding, _) => opened(conn, state, challenge).await,
                (Action::Cancel, Some(party)) => {
                    cancelled(conn, state, challenge, party, reason).await
                }
                _ => Ok(()),
            }
        }
        .boxed()
    }

    fn clarified<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        challenge: &'a Challenge,
        clarification: &'a Clarification,
    ) -> BoxFuture<'a, AppResult<()>> {
        async move {
            let link = url(state, challenge);
            let bidders = bidders(conn, challenge, BidStatus::LIVE).await?;
            notify_each(conn, state, bidders, |to| ClarificationAdded {
                display_name: to.display_name.clone(),
                title: challenge.title.clone(),
                question: clarification.question.clone(),
                answer: clarification.answer.clone(),
                url: link.clone(),
            })
            .await
        }
        .boxed()
    }
}

/// Bidding closed: every bidder with a submitted bid is told it is now sealed, and the submitted
/// bids are opened (开标): they get their codes for blind review.
async fn opened(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
) -> AppResult<()> {
    let link = url(state, challenge);
    let bidders = bidders(conn, challenge, &[BidStatus::Submitted]).await?;
    notify_each(conn, state, bidders, |to| BiddingClosed {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        closed_at: beijing_time(challenge.bid_closes_at),
        for_issuer: false,
        url: link.clone(),
    })
    .await?;
    assign_codes(conn, challenge.id).await?;
    super::stages::sealed_documents(state)?
        .opened(conn, state, challenge)
        .await?;
    Ok(())
}

/// The challenge was cancelled: everyone with a bid still in the running is told.
async fn cancelled(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    party: Party,
    reason: Option<&str>,
) -> AppResult<()> {
    let link = url(state, challenge);
    let statuses = [BidStatus::LIVE, BidStatus::OPENED].concat();
    let bidders = bidders(conn, challenge, &statuses).await?;
    notify_each(conn, state, bidders, |to| ChallengeCancelled {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        cancelled_by: cancelled_by(party),
        reason: reason.unwrap_or_default().to_string(),
        url: link.clone(),
    })
    .await
}

/// The active accounts that made bids in `statuses` on the challenge, as recipients.
async fn bidders(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    statuses: &[BidStatus],
) -> AppResult<Vec<Recipient>> {
    let accounts = bidder_accounts(conn, challenge.id, statuses).await?;
    Ok(accounts.iter().map(Recipient::from).collect())
}
