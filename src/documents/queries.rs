//! Reading documents: only ever "the documents this viewer may see". Who sees a document is who
//! sees what it is attached to (SPEC §13), written into the SQL of every read, so that a document
//! the caller may not see is simply not found (404).

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{AttachedTo, BlindCopy, Document};
use crate::auth::{AuthUser, Role};
use crate::error::{AppError, AppResult};
use crate::schema::documents;

/// What a caller may see of documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocViewer {
    /// The program office: all.
    Admin,
    /// An issuer account: its own challenges' documents in any state, their bids' documents once
    /// the bids are opened, their projects' milestone and acceptance materials.
    Issuer(Uuid),
    /// A solver account: its own organisation's bid documents, and the milestone and acceptance
    /// materials of the projects it won.
    Solver(Uuid),
    /// An expert: the documents of the eligible bids of a review panel it sits on (accepted or
    /// submitted), and, on an acceptance panel, the awarded bid's documents and the project's
    /// milestone and acceptance materials.
    Expert(Uuid),
    /// Everyone: the documents of published challenges.
    Public,
}

impl DocViewer {
    pub fn of(user: Option<&AuthUser>) -> DocViewer {
        let Some(user) = user else {
            return DocViewer::Public;
        };
        match (user.role, user.organization_id) {
            (Role::Admin, _) => DocViewer::Admin,
            (Role::Issuer, Some(org)) => DocViewer::Issuer(org),
            (Role::Solver, Some(org)) => DocViewer::Solver(org),
            (Role::Expert, _) => DocViewer::Expert(user.id),
            _ => DocViewer::Public,
        }
    }

    pub fn is_expert(&self) -> bool {
        matches!(self, DocViewer::Expert(_))
    }
}

type Visible = Box<dyn BoxableExpression<documents::table, Pg, SqlType = Bool>>;

/// Seats that read: accepted, or submitted.
const SEATED: &str = "a.status IN ('accepted', 'submitted')";

/// The visibility rule as SQL over a row `d` with the columns `attached_to`, `challenge_id`,
/// `bid_id`, `milestone_id`: a stored document, or what a new one would be attached to (so that
/// a list of something the caller may not see is a 404 too). Ids are typed `Uuid`s, written in as
/// literals (hex digits and dashes only).
fn condition(viewer: DocViewer, d: &str) -> String {
    let public = format!(
        "({d}.attached_to = 'challenge' AND EXISTS (SELECT 1 FROM challenges c WHERE c.id = {d}.challenge_id AND c.published_at IS NOT NULL))"
    );
    // The bids an issuer sees once opened: the bids module's own list.
    let opened = crate::bids::models::BidStatus::OPENED
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    match viewer {
        DocViewer::Admin => "TRUE".to_string(),
        DocViewer::Public => public,
        DocViewer::Issuer(org) => format!(
            "(({d}.attached_to = 'challenge' AND EXISTS (SELECT 1 FROM challenges c WHERE c.id = {d}.challenge_id AND (c.published_at IS NOT NULL OR c.issuer_org_id = '{org}'))) \
             OR ({d}.attached_to = 'bid' AND EXISTS (SELECT 1 FROM bids b JOIN challenges c ON c.id = b.challenge_id WHERE b.id = {d}.bid_id AND c.bidding_closed_at IS NOT NULL AND b.status IN ({opened}) AND c.issuer_org_id = '{org}')) \
             OR ({d}.attached_to IN ('milestone', 'acceptance') AND EXISTS (SELECT 1 FROM challenges c WHERE c.id = {d}.challenge_id AND c.issuer_org_id = '{org}')))"
        ),
        DocViewer::Solver(org) => format!(
            "({public} \
             OR ({d}.attached_to = 'bid' AND EXISTS (SELECT 1 FROM bids b WHERE b.id = {d}.bid_id AND b.organization_id = '{org}')) \
             OR ({d}.attached_to IN ('milestone', 'acceptance') AND EXISTS (SELECT 1 FROM bids b WHERE b.challenge_id = {d}.challenge_id AND b.status = 'awarded' AND b.organization_id = '{org}')))"
        ),
        DocViewer::Expert(user) => format!(
            "({public} \
             OR ({d}.attached_to = 'bid' AND EXISTS (SELECT 1 FROM bids b WHERE b.id = {d}.bid_id AND ( \
                 (b.review_result = 'eligible' AND EXISTS (SELECT 1 FROM assignments a WHERE a.challenge_id = b.challenge_id AND {SEATED} AND a.expert_id = '{user}')) \
              OR (b.status = 'awarded' AND EXISTS (SELECT 1 FROM acceptance_assignments a WHERE a.challenge_id = b.challenge_id AND {SEATED} AND a.expert_id = '{user}'))))) \
             OR ({d}.attached_to IN ('milestone', 'acceptance') AND EXISTS (SELECT 1 FROM acceptance_assignments a WHERE a.challenge_id = {d}.challenge_id AND {SEATED} AND a.expert_id = '{user}')))"
        ),
    }
}

/// The visibility rule over `documents`.
fn visible(viewer: DocViewer) -> Visible {
    Box::new(sql::<Bool>(&condition(viewer, "documents")))
}

/// Whether the viewer may see the documents of `owner` (404 otherwise): the same rule as for a
/// document attached to it.
pub async fn check_owner_visible(
    conn: &mut AsyncPgConnection,
    viewer: DocViewer,
    owner: Owner,
) -> AppResult<()> {
    #[derive(QueryableByName)]
    struct Seen {
        #[diesel(sql_type = Bool)]
        visible: bool,
    }
    let id = |v: Option<Uuid>| v.map_or("NULL".to_string(), |v| format!("'{v}'"));
    let query = format!(
        "SELECT EXISTS (SELECT 1 FROM (VALUES ('{}'::text, '{}'::uuid, {}::uuid, {}::uuid)) \
         AS d (attached_to, challenge_id, bid_id, milestone_id) WHERE {}) AS visible",
        owner.attached_to.as_str(),
        owner.challenge_id,
        id(owner.bid_id),
        id(owner.milestone_id),
        condition(viewer, "d"),
    );
    let seen: Seen = diesel::sql_query(query).get_result(conn).await?;
    if seen.visible {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The document (any version) with this id if the viewer may see it.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    viewer: DocViewer,
    id: Uuid,
) -> AppResult<Document> {
    visible_one(conn, viewer, id, false).await
}

/// The same, locked for the caller's transaction.
pub async fn lock_visible(
    conn: &mut AsyncPgConnection,
    viewer: DocViewer,
    id: Uuid,
) -> AppResult<Document> {
    visible_one(conn, viewer, id, true).await
}

async fn visible_one(
    conn: &mut AsyncPgConnection,
    viewer: DocViewer,
    id: Uuid,
    lock: bool,
) -> AppResult<Document> {
    let query = documents::table
        .filter(documents::id.eq(id))
        .filter(visible(viewer))
        .select(Document::as_select());
    let found = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    found.optional()?.ok_or(AppError::NotFound)
}

/// What a list of documents belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub attached_to: AttachedTo,
    pub challenge_id: Uuid,
    pub bid_id: Option<Uuid>,
    pub milestone_id: Option<Uuid>,
}

impl Owner {
    fn filter(&self) -> Box<dyn BoxableExpression<documents::table, Pg, SqlType = Bool>> {
        let base = documents::attached_to
            .eq(self.attached_to)
            .and(documents::challenge_id.eq(self.challenge_id));
        match self.attached_to {
            AttachedTo::Bid => Box::new(
                base.and(
                    documents::bid_id
                        .assume_not_null()
                        .eq(self.bid_id.unwrap_or_default()),
                ),
            ),
            AttachedTo::Milestone => Box::new(
                base.and(
                    documents::milestone_id
                        .assume_not_null()
                        .eq(self.milestone_id.unwrap_or_default()),
                ),
            ),
            _ => Box::new(base),
        }
    }
}

/// The documents of `owner` the viewer may see: the current versions, or every version.
pub async fn list(
    conn: &mut AsyncPgConnection,
    viewer: DocViewer,
    owner: Owner,
    all_versions: bool,
) -> AppResult<Vec<Document>> {
    let mut query = documents::table
        .filter(owner.filter())
        .filter(visible(viewer))
        .select(Document::as_select())
        .order((documents::uploaded_at.asc(), documents::version.asc()))
        .into_boxed();
    if !all_versions {
        query = query
            .filter(documents::replaced_at.is_null())
            .filter(documents::removed_at.is_null());
    }
    Ok(query.load(conn).await?)
}

/// The total size of the current documents of `owner` (the quota).
pub async fn current_total(conn: &mut AsyncPgConnection, owner: Owner) -> AppResult<i64> {
    use diesel::sql_types::{BigInt, Nullable};
    let total: Option<i64> = documents::table
        .filter(owner.filter())
        .filter(documents::replaced_at.is_null())
        .filter(documents::removed_at.is_null())
        .select(sql::<Nullable<BigInt>>("sum(documents.size_bytes)::bigint"))
        .first(conn)
        .await?;
    Ok(total.unwrap_or(0))
}

/// Saves a new document (or a new version of one).
pub async fn insert(conn: &mut AsyncPgConnection, new: &Document) -> AppResult<Document> {
    Ok(diesel::insert_into(documents::table)
        .values(new)
        .returning(Document::as_returning())
        .get_result(conn)
        .await?)
}

/// Marks the current version `id` as replaced.
pub async fn mark_replaced(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(documents::table.find(id))
        .set(documents::replaced_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the document removed (its rows and its stored object are kept).
pub async fn mark_removed(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Document> {
    Ok(diesel::update(documents::table.find(id))
        .set((documents::removed_at.eq(now), documents::removed_by.eq(by)))
        .returning(Document::as_returning())
        .get_result(conn)
        .await?)
}

/// The current bid documents of a challenge that still need their blind copy.
pub async fn needing_blind_copy(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Document>> {
    Ok(documents::table
        .filter(documents::challenge_id.eq(challenge_id))
        .filter(documents::attached_to.eq(AttachedTo::Bid))
        .filter(documents::replaced_at.is_null())
        .filter(documents::removed_at.is_null())
        .filter(documents::blind_made_at.is_null())
        .select(Document::as_select())
        .order((documents::bid_id.asc(), documents::uploaded_at.asc()))
        .load(conn)
        .await?)
}

/// Records a document's blind copy.
pub async fn set_blind_copy(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    copy: &BlindCopy,
) -> AppResult<()> {
    diesel::update(documents::table.find(id))
        .filter(documents::blind_made_at.is_null())
        .set(copy)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every stored object the documents refer to, originals and blind copies, with the size
/// recorded for it (`jiebang documents verify`).
pub async fn stored_objects(conn: &mut AsyncPgConnection) -> AppResult<Vec<(String, i64)>> {
    let originals: Vec<(String, i64)> = documents::table
        .select((documents::sha256, documents::size_bytes))
        .distinct()
        .load(conn)
        .await?;
    let blind: Vec<(Option<String>, Option<i64>)> = documents::table
        .filter(documents::blind_sha256.is_not_null())
        .select((documents::blind_sha256, documents::blind_size_bytes))
        .distinct()
        .load(conn)
        .await?;
    let mut all: Vec<(String, i64)> = originals
        .into_iter()
        .chain(blind.into_iter().filter_map(|(h, s)| Some((h?, s?))))
        .collect();
    all.sort();
    all.dedup_by(|a, b| a.0 == b.0);
    Ok(all)
}

/// The documents of the eligible bids of a challenge, current versions (the panel's bundle).
pub async fn of_eligible_bids(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<(Document, Option<String>)>> {
    use crate::schema::bids;
    Ok(documents::table
        .inner_join(bids::table)
        .filter(documents::challenge_id.eq(challenge_id))
        .filter(documents::attached_to.eq(AttachedTo::Bid))
        .filter(documents::replaced_at.is_null())
        .filter(documents::removed_at.is_null())
        .filter(bids::review_result.eq("eligible"))
        .order((bids::anonymous_code.asc(), documents::uploaded_at.asc()))
        .select((Document::as_select(), bids::anonymous_code))
        .load(conn)
        .await?)
}

/// What documents attach to, as loaded for a change: the challenge (locked, so that the quota and
/// the state are checked against a stable row), and the bid or milestone.
pub struct Place {
    pub owner: Owner,
    pub challenge: crate::challenges::models::Challenge,
    pub bid: Option<crate::bids::models::Bid>,
    pub milestone: Option<crate::projects::milestones::models::Milestone>,
    /// The final acceptance is closed (or for `acceptance`: not possible any more).
    pub acceptance_closed: bool,
}

/// The owner named by a path: a challenge id for `challenge` and `acceptance`, a bid id, a
/// milestone id. Not found: 404. Visibility is checked by [`check_owner_visible`].
pub async fn owner_of(
    conn: &mut AsyncPgConnection,
    attached_to: AttachedTo,
    id: Uuid,
) -> AppResult<Owner> {
    use crate::schema::{bids, challenges, milestones};
    let (challenge_id, bid_id, milestone_id) = match attached_to {
        AttachedTo::Challenge | AttachedTo::Acceptance => {
            let cid: Uuid = challenges::table
                .find(id)
                .select(challenges::id)
                .first(conn)
                .await
                .optional()?
                .ok_or(AppError::NotFound)?;
            (cid, None, None)
        }
        AttachedTo::Bid => {
            let cid: Uuid = bids::table
                .find(id)
                .select(bids::challenge_id)
                .first(conn)
                .await
                .optional()?
                .ok_or(AppError::NotFound)?;
            (cid, Some(id), None)
        }
        AttachedTo::Milestone => {
            let cid: Uuid = milestones::table
                .find(id)
                .select(milestones::challenge_id)
                .first(conn)
                .await
                .optional()?
                .ok_or(AppError::NotFound)?;
            (cid, None, Some(id))
        }
    };
    Ok(Owner {
        attached_to,
        challenge_id,
        bid_id,
        milestone_id,
    })
}

/// The owner's rows for a change, the challenge locked first (then the bid).
pub async fn lock_place(conn: &mut AsyncPgConnection, owner: Owner) -> AppResult<Place> {
    use crate::bids::models::Bid;
    use crate::challenges::models::Challenge;
    use crate::projects::milestones::models::Milestone;
    use crate::schema::{acceptance_panels, bids, challenges, milestones};
    let challenge: Challenge = challenges::table
        .find(owner.challenge_id)
        .select(Challenge::as_select())
        .for_update()
        .first(conn)
        .await?;
    let bid = match owner.bid_id {
        Some(id) => Some(
            bids::table
                .find(id)
                .select(Bid::as_select())
                .for_update()
                .first(conn)
                .await?,
        ),
        None => None,
    };
    let milestone = match owner.milestone_id {
        Some(id) => Some(
            milestones::table
                .find(id)
                .select(Milestone::as_select())
                .first(conn)
                .await?,
        ),
        None => None,
    };
    let acceptance_closed: bool = diesel::select(diesel::dsl::exists(
        acceptance_panels::table
            .filter(acceptance_panels::challenge_id.eq(owner.challenge_id))
            .filter(acceptance_panels::closed_at.is_not_null()),
    ))
    .get_result(conn)
    .await?;
    Ok(Place {
        owner,
        challenge,
        bid,
        milestone,
        acceptance_closed,
    })
}

/// The organisation of the awarded bid of a challenge, if any.
pub async fn awardee(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<Option<Uuid>> {
    use crate::bids::models::BidStatus;
    use crate::schema::bids;
    Ok(bids::table
        .filter(bids::challenge_id.eq(challenge_id))
        .filter(bids::status.eq(BidStatus::Awarded))
        .select(bids::organization_id)
        .first(conn)
        .await
        .optional()?)
}

/// Every document version with the stored objects it rests on: its id, file name, original and
/// blind copy (`jiebang documents verify` names the documents of an object at fault).
pub async fn object_references(
    conn: &mut AsyncPgConnection,
) -> AppResult<Vec<(Uuid, String, String, Option<String>)>> {
    Ok(documents::table
        .select((
            documents::id,
            documents::file_name,
            documents::sha256,
            documents::blind_sha256,
        ))
        .order(documents::uploaded_at.asc())
        .load(conn)
        .await?)
}
