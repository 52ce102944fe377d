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
use crate::notifications::{Recipient, beijing_time, notify};
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
            for bidder in bidder_accounts(conn, challenge.id, BidStatus::LIVE).await? {
                let notice = ClarificationAdded {
                    display_name: bidder.display_name.clone(),
                    title: challenge.title.clone(),
                    question: clarification.question.clone(),
                    answer: clarification.answer.clone(),
                    url: link.clone(),
                };
                notify(conn, state, &Recipient::from(&bidder), &notice).await?;
            }
            Ok(())
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
    for user in bidder_accounts(conn, challenge.id, &[BidStatus::Submitted]).await? {
        let notice = BiddingClosed {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            closed_at: beijing_time(challenge.bid_closes_at),
            for_issuer: false,
            url: link.clone(),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    assign_codes(conn, challenge.id).await?;
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
    for user in bidder_accounts(conn, challenge.id, &statuses).await? {
        let notice = ChallengeCancelled {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            cancelled_by: cancelled_by(party),
            reason: reason.unwrap_or_default().to_string(),
            url: link.clone(),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    Ok(())
}
