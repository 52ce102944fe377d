//! Reading bids: only ever "the bids this viewer may see". The visibility rule (SPEC §3) is part
//! of every query, so a bid the caller may not see is simply not found (404), whether its id was
//! guessed or listed.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Bid, BidChanges, BidStatus, Member, NewBid};
use crate::accounts::models::User;
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppError, AppResult};
use crate::http::pagination::PageRequest;
use crate::schema::{bid_members, bids, challenges, organizations, users};

/// What a caller may see of bids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidViewer {
    /// The program office: every bid.
    Admin,
    /// A solver account: its own organisation's bids, in every state.
    Solver(Uuid),
    /// An issuer account: the submitted (and reviewed) bids on its organisation's challenges,
    /// once bidding on them has closed (sealed bids, 开标 at the deadline).
    Issuer(Uuid),
    /// Everyone else (experts until panels exist, anonymous callers): none.
    Nobody,
}

impl BidViewer {
    pub fn of(user: Option<&AuthUser>) -> BidViewer {
        let Some(user) = user else {
            return BidViewer::Nobody;
        };
        match (user.role, user.organization_id) {
            (Role::Admin, _) => BidViewer::Admin,
            (Role::Solver, Some(org)) => BidViewer::Solver(org),
            (Role::Issuer, Some(org)) => BidViewer::Issuer(org),
            _ => BidViewer::Nobody,
        }
    }
}

type Visible = Box<dyn BoxableExpression<bids::table, Pg, SqlType = Bool>>;

/// The visibility rule as SQL over `bids` alone (so that `FOR UPDATE` locks only the bid).
fn visible(viewer: BidViewer) -> Visible {
    match viewer {
        BidViewer::Admin => Box::new(sql::<Bool>("TRUE")),
        BidViewer::Solver(org) => Box::new(bids::organization_id.eq(org)),
        BidViewer::Issuer(org) => Box::new(
            bids::status.eq_any(BidStatus::OPENED).and(
                bids::challenge_id.eq_any(
                    challenges::table
                        .filter(challenges::issuer_org_id.eq(org))
                        .filter(challenges::bidding_closed_at.is_not_null())
                        .select(challenges::id),
                ),
            ),
        ),
        BidViewer::Nobody => Box::new(sql::<Bool>("FALSE")),
    }
}

/// The bid with this id if the viewer may see it.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    viewer: BidViewer,
    id: Uuid,
) -> AppResult<Bid> {
    visible_one(conn, viewer, id, false).await
}

/// The same, locked for the rest of the caller's transaction. Lock the challenge first.
pub async fn lock_visible(
    conn: &mut AsyncPgConnection,
    viewer: BidViewer,
    id: Uuid,
) -> AppResult<Bid> {
    visible_one(conn, viewer, id, true).await
}

async fn visible_one(
    conn: &mut AsyncPgConnection,
    viewer: BidViewer,
    id: Uuid,
    lock: bool,
) -> AppResult<Bid> {
    let query = bids::table
        .filter(bids::id.eq(id))
        .filter(visible(viewer))
        .select(Bid::as_select());
    let found = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    found.optional()?.ok_or(AppError::NotFound)
}

/// Whether the organisation has a live bid on the challenge (one at most: [`insert`]).
pub async fn has_live_bid(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    organization_id: Uuid,
) -> AppResult<bool> {
    let live: i64 = bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::organization_id.eq(organization_id))
        .filter(bids::status.eq_any(BidStatus::LIVE))
        .count()
        .get_result(conn)
        .await?;
    Ok(live > 0)
}

/// Saves a new bid: 409 `bid_exists` when its organisation has a live bid on the challenge
/// already, as the unique index reports it under concurrency.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewBid<'_>) -> AppResult<Bid> {
    diesel::insert_into(bids::table)
        .values(new)
        .returning(Bid::as_returning())
        .get_result(conn)
        .await
        .map_err(|err| match &err {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
                if info.constraint_name() == Some("bids_one_live_per_org") =>
            {
                super::rules::bid_exists()
            }
            _ => AppError::from(err),
        })
}

/// Saves a change as the bid's next version.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &BidChanges,
    now: DateTime<Utc>,
) -> AppResult<Bid> {
    Ok(diesel::update(bids::table.find(id))
        .set((
            changes,
            bids::version.eq(bids::version + 1),
            bids::updated_at.eq(now),
        ))
        .returning(Bid::as_returning())
        .get_result(conn)
        .await?)
}

/// Replaces the team of a bid.
pub async fn replace_members(
    conn: &mut AsyncPgConnection,
    bid_id: Uuid,
    members: &[Member],
) -> AppResult<()> {
    diesel::delete(bid_members::table.filter(bid_members::bid_id.eq(bid_id)))
        .execute(conn)
        .await?;
    if !members.is_empty() {
        diesel::insert_into(bid_members::table)
            .values(members)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// One page of the bids on a challenge that the viewer may see: by code once bidding has closed,
/// else in the order they were made.
pub async fn list_for_challenge(
    conn: &mut AsyncPgConnection,
    viewer: BidViewer,
    challenge_id: Uuid,
    page: PageRequest,
) -> AppResult<(Vec<Bid>, i64)> {
    let total: i64 = bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(visible(viewer))
        .count()
        .get_result(conn)
        .await?;
    let rows = bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(visible(viewer))
        .order((
            bids::anonymous_code.asc().nulls_last(),
            bids::created_at.asc(),
            bids::id.asc(),
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Bid::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The teams of these bids, by position.
pub async fn members(conn: &mut AsyncPgConnection, bid_ids: &[Uuid]) -> AppResult<Vec<Member>> {
    Ok(bid_members::table
        .filter(bid_members::bid_id.eq_any(bid_ids))
        .order((bid_members::bid_id.asc(), bid_members::position.asc()))
        .select(Member::as_select())
        .load(conn)
        .await?)
}

/// The names of these organisations.
pub async fn organization_names(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> AppResult<Vec<(Uuid, String)>> {
    Ok(organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load(conn)
        .await?)
}

/// The organisation as credit checks need it: kind, USCC, name.
pub async fn organization(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> AppResult<(String, String, String)> {
    Ok(organizations::table
        .find(id)
        .select((
            organizations::kind,
            organizations::uscc,
            organizations::name,
        ))
        .first(conn)
        .await?)
}

/// The challenge, locked `FOR UPDATE` (new bids, one at a time per challenge) or `FOR SHARE`
/// (changes to a bid). Either way the closing job, which gives the codes, waits until they are
/// done, and they wait for it. Only challenges that
/// were published are found: bids are never made on others.
pub async fn lock_challenge(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    exclusive: bool,
) -> AppResult<crate::challenges::models::Challenge> {
    use crate::challenges::models::Challenge;
    let query = challenges::table
        .filter(challenges::id.eq(id))
        .filter(challenges::published_at.is_not_null())
        .select(Challenge::as_select());
    let found = if exclusive {
        query.for_update().first(conn).await.optional()?
    } else {
        query.for_share().first(conn).await.optional()?
    };
    found.ok_or(AppError::NotFound)
}

/// The active accounts that created bids in `statuses` on the challenge (each once).
pub async fn bidder_accounts(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    statuses: &[BidStatus],
) -> AppResult<Vec<User>> {
    Ok(users::table
        .filter(
            users::id.eq_any(
                bids::table
                    .filter(bids::challenge_id.eq(challenge_id))
                    .filter(bids::status.eq_any(statuses.to_vec()))
                    .select(bids::created_by),
            ),
        )
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(User::as_select())
        .load(conn)
        .await?)
}

/// How many bids on the challenge are still waiting for their formal review.
pub async fn unreviewed(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<i64> {
    Ok(bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Submitted))
        .count()
        .get_result(conn)
        .await?)
}

/// Gives the submitted bids of a challenge their codes ("A", "B", ...), when bidding closes (in
/// the closing transaction). The order is that of a hash of the bid ids: unrelated to when bids
/// were made, and to drafts and withdrawn bids, which get none.
pub async fn assign_codes(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<usize> {
    let ids: Vec<Uuid> = bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq_any(BidStatus::OPENED))
        .filter(bids::anonymous_code.is_null())
        .order(sql::<diesel::sql_types::Text>("md5(bids.id::text)"))
        .select(bids::id)
        .load(conn)
        .await?;
    for (i, id) in ids.iter().enumerate() {
        diesel::update(bids::table.find(id))
            .set(bids::anonymous_code.eq(super::models::anonymous_code(i as i32 + 1)))
            .execute(conn)
            .await?;
    }
    Ok(ids.len())
}

/// Settles the bids of a confirmed award, as the rules `Award` and `NotSelect` of
/// [`super::lifecycle`] say: `winner` becomes `awarded`, every other opened bid of the challenge
/// `not_selected`. Runs in the confirming transaction, with the challenge locked. Answers the
/// awarded bid and the ids of those not selected.
pub async fn settle_award(
    conn: &mut AsyncPgConnection,
    state: &crate::state::AppState,
    meta: &crate::audit::RequestMeta,
    challenge: &crate::challenges::models::Challenge,
    winner: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Bid, Vec<Uuid>)> {
    use super::lifecycle::{BidAction, check, rule};
    let current: BidStatus = bids::table
        .find(winner)
        .filter(bids::challenge_id.eq(challenge.id))
        .select(bids::status)
        .first(conn)
        .await?;
    check(BidAction::Award, Some(current), challenge, now)?;
    let awarded: Bid = diesel::update(bids::table.find(winner))
        .set((
            bids::status.eq(BidStatus::Awarded),
            bids::version.eq(bids::version + 1),
            bids::updated_at.eq(now),
        ))
        .returning(Bid::as_returning())
        .get_result(conn)
        .await?;
    let others: Vec<Bid> = diesel::update(
        bids::table
            .filter(bids::challenge_id.eq(challenge.id))
            .filter(bids::id.ne(winner))
            .filter(bids::status.eq_any(rule(BidAction::NotSelect).from.to_vec())),
    )
    .set((
        bids::status.eq(BidStatus::NotSelected),
        bids::version.eq(bids::version + 1),
        bids::updated_at.eq(now),
    ))
    .returning(Bid::as_returning())
    .get_results(conn)
    .await?;
    // Each bid's own history, like every other bid transition (`bid.<action>`).
    for (action, bid) in std::iter::once((BidAction::Award, &awarded))
        .chain(others.iter().map(|b| (BidAction::NotSelect, b)))
    {
        crate::audit::Event::new(&format!("bid.{}", action.as_str()), "bid", bid.id)
            .summary(serde_json::json!({
                "challenge_id": bid.challenge_id,
                "organization_id": bid.organization_id,
                "code": bid.anonymous_code,
                "status": bid.status,
                "version": bid.version,
            }))
            .record(conn, state, meta)
            .await?;
    }
    Ok((awarded, others.into_iter().map(|b| b.id).collect()))
}
