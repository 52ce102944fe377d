//! Reading and writing awards, and what a proposal reads of the review and the bids: the
//! ranking, the parties a credit check covers, and the people an award concerns.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Award, AwardChanges, AwardStatus, NewAward, Ranked};
use crate::accounts::models::User;
use crate::accounts::queries::{admin_accounts, organization_accounts};
use crate::auth::Role;
use crate::bids::models::{Bid, BidStatus};
use crate::challenges::models::Challenge;
use crate::challenges::notify::issuer_accounts;
use crate::credit::Subject;
use crate::error::AppResult;
use crate::notifications::Recipient;
use crate::privacy::ProtectedId;
use crate::schema::{awards, bids, rankings, users};

/// The award with this id, if any (`FOR UPDATE` when `lock`: lock the challenge first).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid, lock: bool) -> AppResult<Option<Award>> {
    let query = awards::table.find(id).select(Award::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The challenge's award that is not withdrawn, if any (`FOR UPDATE` when `lock`).
pub async fn live_award(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<Award>> {
    let query = awards::table
        .filter(awards::challenge_id.eq(challenge_id))
        .filter(awards::status.ne(AwardStatus::Withdrawn))
        .select(Award::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// Every award of the challenge, withdrawn ones included, newest first.
pub async fn of_challenge(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Award>> {
    Ok(awards::table
        .filter(awards::challenge_id.eq(challenge_id))
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .select(Award::as_select())
        .load(conn)
        .await?)
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewAward) -> AppResult<Award> {
    Ok(diesel::insert_into(awards::table)
        .values(new)
        .returning(Award::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &AwardChanges,
) -> AppResult<Award> {
    Ok(diesel::update(awards::table.find(id))
        .set(changes)
        .returning(Award::as_returning())
        .get_result(conn)
        .await?)
}

/// Whether the bid was proposed on the challenge before, and withdrawn.
pub async fn withdrawn_before(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    bid_id: Uuid,
) -> AppResult<bool> {
    let withdrawn: i64 = awards::table
        .filter(awards::challenge_id.eq(challenge_id))
        .filter(awards::bid_id.eq(bid_id))
        .filter(awards::status.eq(AwardStatus::Withdrawn))
        .count()
        .get_result(conn)
        .await?;
    Ok(withdrawn > 0)
}

/// Whether the challenge's review is closed (its panel's draw closed).
pub async fn review_closed(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<bool> {
    Ok(crate::reviews::panel::find_draw(conn, challenge_id, false)
        .await?
        .is_some_and(|d| d.closed_at.is_some()))
}

/// The review's stored ranking of the challenge, with each bid's state.
pub async fn ranking(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<Vec<Ranked>> {
    Ok(rankings::table
        .inner_join(bids::table)
        .filter(rankings::challenge_id.eq(challenge_id))
        .select((rankings::bid_id, rankings::rank, bids::status))
        .load(conn)
        .await?)
}

/// The parties a credit check covers for a bid: its organisation, the leader and every member,
/// each with the field that names it in a refusal (`organization`, `team[0].id_number`, …).
pub async fn credit_parties(
    conn: &mut AsyncPgConnection,
    bid: &Bid,
) -> AppResult<Vec<(String, Subject)>> {
    let (_, uscc, name) = crate::bids::queries::organization(conn, bid.organization_id).await?;
    let org = Subject::organization(&uscc, &name)
        .map_err(|e| anyhow::anyhow!("stored USCC is invalid: {e:?}"))?;
    let mut parties = vec![("organization".to_string(), org)];
    let members = crate::bids::queries::members(conn, &[bid.id]).await?;
    for (i, m) in members.into_iter().enumerate() {
        parties.push((
            format!("team[{i}].id_number"),
            Subject::Person {
                id: ProtectedId {
                    hash: m.id_hash,
                    masked: m.id_masked,
                },
                name: m.name,
            },
        ));
    }
    Ok(parties)
}

/// The authors of the challenge's other opened bids (not the awardee's), without the people
/// already in `except`.
pub async fn other_bidders(
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
/// admins, with `admins`), and the other bidders.
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
