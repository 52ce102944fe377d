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
use crate::notifications::{Recipient, notify};
use crate::schema::users;
use crate::state::AppState;

/// Where people read the challenge.
pub fn url(state: &AppState, challenge: &Challenge) -> String {
    format!(
        "{}/api/v1/challenges/{}",
        state.settings.mail.public_url.trim_end_matches('/'),
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

/// The notices a transition sends to the issuer, written in the caller's transaction (the
/// bidders' are the bids' part: [`super::stages::BiddingStage`]).
pub async fn transition(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    action: Action,
    party: Party,
    reason: Option<&str>,
) -> AppResult<()> {
    let reason_text = reason.unwrap_or_default().to_string();
    let link = url(state, challenge);
    match action {
        Action::Approve => {
            for user in issuer_accounts(conn, challenge).await? {
                let notice = ChallengeApproved {
                    display_name: user.display_name.clone(),
                    title: challenge.title.clone(),
                    bid_closes_at: beijing_time(challenge.bid_closes_at),
                    note: reason.map(str::to_string),
                    url: link.clone(),
                };
                notify(conn, state, &Recipient::from(&user), &notice).await?;
            }
        }
        Action::Reject => {
            for user in issuer_accounts(conn, challenge).await? {
                let notice = ChallengeRejected {
                    display_name: user.display_name.clone(),
                    title: challenge.title.clone(),
                    reason: reason_text.clone(),
                    url: link.clone(),
                };
                notify(conn, state, &Recipient::from(&user), &notice).await?;
            }
        }
        Action::Cancel => {
            let cancelled_by = cancelled_by(party);
            for user in issuer_accounts(conn, challenge).await? {
                let notice = ChallengeCancelled {
                    display_name: user.display_name.clone(),
                    title: challenge.title.clone(),
                    cancelled_by,
                    reason: reason_text.clone(),
                    url: link.clone(),
                };
                notify(conn, state, &Recipient::from(&user), &notice).await?;
            }
        }
        Action::CloseBidding => {
            for user in issuer_accounts(conn, challenge).await? {
                let notice = BiddingClosed {
                    display_name: user.display_name.clone(),
                    title: challenge.title.clone(),
                    closed_at: beijing_time(challenge.bid_closes_at),
                    for_issuer: true,
                    url: link.clone(),
                };
                notify(conn, state, &Recipient::from(&user), &notice).await?;
            }
        }
        // The later transitions send their notices from the modules that drive them.
        _ => {}
    }
    Ok(())
}
