//! Reading and writing awards, and what a proposal reads of the review and the bids: the ranking
//! and the parties a credit check covers.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Award, AwardOutcome, AwardStatus, Ranked};
use crate::bids::models::Bid;
use crate::credit::Subject;
use crate::error::AppResult;
use crate::privacy::ProtectedId;
use crate::schema::{awards, bids, rankings};

/// The award with this id, if any (`FOR UPDATE` when `lock`: lock the challenge first).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid, lock: bool) -> AppResult<Option<Award>> {
    let query = awards::table.find(id).select(Award::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The challenge's award that is not withdrawn, if any (`FOR UPDATE` when `lock`: lock the
/// challenge first, as every change of an award does).
pub async fn live_award(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<Award>> {
    let live: Option<Uuid> = awards::table
        .filter(awards::challenge_id.eq(challenge_id))
        .filter(awards::status.ne(AwardStatus::Withdrawn))
        .select(awards::id)
        .first(conn)
        .await
        .optional()?;
    match live {
        Some(id) => find(conn, id, lock).await,
        None => Ok(None),
    }
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

pub async fn insert(conn: &mut AsyncPgConnection, award: &Award) -> AppResult<()> {
    diesel::insert_into(awards::table)
        .values(award)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes the award's status and outcome.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: AwardStatus,
    outcome: &AwardOutcome,
) -> AppResult<Award> {
    Ok(diesel::update(awards::table.find(id))
        .set((awards::status.eq(status), outcome))
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
