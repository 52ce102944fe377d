//! Who is told what when a challenge changes state (SPEC §8).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::lifecycle::{Action, Party};
use super::models::Challenge;
use crate::accounts::models::User;
use crate::auth::Role;
use crate::challenges::notices::{
    BiddingClosed, ChallengeApproved, ChallengeCancelled, ChallengeRejected,
};
use crate::error::AppResult;
use crate::notifications::beijing_time;
use crate::notifications::{Recipient, notify_each};
use crate::schema::users;
use crate::state::AppState;

/// Where people read the challenge.
pub fn url(state: &AppState, challenge: &Challenge) -> String {
    format!(
        "{}/api/v1/challenges/{}",
        state.settings.public_url(),
        challenge.id
    )
}

/// The active issuer accounts of the challenge's organisation.
pub async fn issuer_accounts(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(users::organization_id.eq(challenge.issuer_org_id))
        .filter(users::role.eq(Role::Issuer))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}

/// Who a cancellation notice says cancelled the challenge: `issuer` or `program_office`.
pub fn cancelled_by(party: Party) -> &'static str {
    match party {
        Party::Issuer => "issuer",
        _ => "program_office",
    }
}

/// The notices a transition sends to the issuer's accounts, written in the caller's transaction
/// (the bidders' are the bids' part: [`super::stages::BiddingStage`]). The later transitions send
/// their notices from the modules that drive them.
pub async fn transition(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    action: Action,
    party: Party,
    reason: Option<&str>,
) -> AppResult<()> {
    if !matches!(
        action,
        Action::Approve | Action::Reject | Action::Cancel | Action::CloseBidding
    ) {
        return Ok(());
    }
    let issuers: Vec<Recipient> = issuer_accounts(conn, challenge)
        .await?
        .iter()
        .map(Recipient::from)
        .collect();
    let title = &challenge.title;
    let url = url(state, challenge);
    let reason_text = reason.unwrap_or_default();
    match action {
        Action::Approve => {
            notify_each(conn, state, issuers, |to| ChallengeApproved {
                display_name: to.display_name.clone(),
                title: title.clone(),
                bid_closes_at: beijing_time(challenge.bid_closes_at),
                note: reason.map(str::to_string),
                url: url.clone(),
            })
            .await
        }
        Action::Reject => {
            notify_each(conn, state, issuers, |to| ChallengeRejected {
                display_name: to.display_name.clone(),
                title: title.clone(),
                reason: reason_text.to_string(),
                url: url.clone(),
            })
            .await
        }
        Action::Cancel => {
            notify_each(conn, state, issuers, |to| ChallengeCancelled {
                display_name: to.display_name.clone(),
                title: title.clone(),
                cancelled_by: cancelled_by(party),
                reason: reason_text.to_string(),
                url: url.clone(),
            })
            .await
        }
        Action::CloseBidding => {
            notify_each(conn, state, issuers, |to| BiddingClosed {
                display_name: to.display_name.clone(),
                title: title.clone(),
                closed_at: beijing_time(challenge.bid_closes_at),
                for_issuer: true,
                url: url.clone(),
            })
            .await
        }
        _ => Ok(()),
    }
}
