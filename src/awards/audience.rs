//! Who is told about an award: the awardee's people, the issuer's, the other bidders', the
//! admins'. Shared by the award's steps and the objections.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::proposals::models::Award;
use crate::accounts::models::User;
use crate::accounts::queries::{admin_accounts, organization_accounts};
use crate::auth::Role;
use crate::bids::models::BidStatus;
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::error::AppResult;
use crate::notifications::{Notice, Recipient, notify_each};
use crate::schema::{bids, users};
use crate::state::AppState;

/// The people an award concerns, each once, in the first group they belong to.
pub struct Audience {
    /// The awardee's solvers.
    pub awardee: Vec<Recipient>,
    /// The issuer's accounts, and the admins when asked for.
    pub office: Vec<Recipient>,
    /// The authors of the other opened bids.
    pub bidders: Vec<Recipient>,
}

impl Audience {
    /// The awardee's people, the office, the other bidders.
    pub fn everyone(self) -> impl Iterator<Item = Recipient> {
        self.awardee
            .into_iter()
            .chain(self.office)
            .chain(self.bidders)
    }
}

fn recipients(people: &[User]) -> Vec<Recipient> {
    people.iter().map(Recipient::from).collect()
}

/// Who hears of the award on `challenge`: the awardee's solvers, the issuer's accounts (and the
/// admins, with `admins`), and the authors of the other opened bids.
pub async fn audience(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    award: &Award,
    admins: bool,
) -> AppResult<Audience> {
    let awardee = organization_accounts(conn, award.organization_id, Role::Solver).await?;
    let mut told: HashSet<Uuid> = awardee.iter().map(|u| u.id).collect();
    let mut office = issuer_accounts(conn, challenge).await?;
    if admins {
        office.extend(admin_accounts(conn).await?);
    }
    office.retain(|u| told.insert(u.id));
    let bidders = other_bidders(conn, challenge.id, award.bid_id, &told).await?;
    Ok(Audience {
        awardee: recipients(&awardee),
        office: recipients(&office),
        bidders: recipients(&bidders),
    })
}

/// The authors of the challenge's other opened bids (not the awardee's), without the people
/// already in `except`.
async fn other_bidders(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    awarded_bid: Uuid,
    except: &HashSet<Uuid>,
) -> AppResult<Vec<User>> {
    let people: Vec<User> = users::table
        .filter(
            users::id.eq_any(
                bids::table
                    .filter(bids::challenge_id.eq(challenge_id))
                    .filter(bids::id.ne(awarded_bid))
                    .filter(bids::status.eq_any(BidStatus::OPENED.to_vec()))
                    .select(bids::created_by),
            ),
        )
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?;
    Ok(people
        .into_iter()
        .filter(|u| !except.contains(&u.id))
        .collect())
}

/// Tells every active admin (the program office) `notice`, written for each.
pub async fn notify_admins<N: Notice>(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    notice: impl Fn(&Recipient) -> N,
) -> AppResult<()> {
    let admins = recipients(&admin_accounts(conn).await?);
    notify_each(conn, state, admins, notice).await
}
