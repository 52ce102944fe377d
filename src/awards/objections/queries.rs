//! Reading and writing objections.

use std::collections::HashMap;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Objection, ObjectionStatus, Resolution};
use crate::error::AppResult;
use crate::http::pagination::PageRequest;
use crate::schema::{challenges, objections, users};

/// The pending objections to the award.
fn pending_to(award_id: Uuid) -> objections::BoxedQuery<'static, Pg> {
    objections::table
        .filter(objections::award_id.eq(award_id))
        .filter(objections::status.eq(ObjectionStatus::Pending))
        .into_boxed()
}

/// How many objections to the award are pending (of one objector, if `by` is given).
pub async fn pending(
    conn: &mut AsyncPgConnection,
    award_id: Uuid,
    by: Option<Uuid>,
) -> AppResult<i64> {
    let mut query = pending_to(award_id);
    if let Some(objector) = by {
        query = query.filter(objections::objector_id.eq(objector));
    }
    Ok(query.count().get_result(conn).await?)
}

/// How many objections to the award are pending, and how many were filed in all.
pub async fn tally(conn: &mut AsyncPgConnection, award_id: Uuid) -> AppResult<(i64, i64)> {
    let statuses: Vec<ObjectionStatus> = objections::table
        .filter(objections::award_id.eq(award_id))
        .select(objections::status)
        .load(conn)
        .await?;
    let pending = statuses
        .iter()
        .filter(|s| **s == ObjectionStatus::Pending)
        .count();
    Ok((
        i64::try_from(pending).unwrap_or(0),
        i64::try_from(statuses.len()).unwrap_or(0),
    ))
}

/// How many objections were filed against each of these awards (awards without any are absent).
pub async fn counts(
    conn: &mut AsyncPgConnection,
    award_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, i64>> {
    let filed: Vec<Uuid> = objections::table
        .filter(objections::award_id.eq_any(award_ids))
        .select(objections::award_id)
        .load(conn)
        .await?;
    let mut counts = HashMap::new();
    for award in filed {
        *counts.entry(award).or_default() += 1;
    }
    Ok(counts)
}

pub async fn insert(conn: &mut AsyncPgConnection, objection: &Objection) -> AppResult<()> {
    diesel::insert_into(objections::table)
        .values(objection)
        .execute(conn)
        .await?;
    Ok(())
}

/// The objection, if it exists (`FOR UPDATE` when `lock`: lock its challenge first).
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    lock: bool,
) -> AppResult<Option<Objection>> {
    let query = objections::table.find(id).select(Objection::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// Closes the objection as `resolution` says.
pub async fn resolve(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    resolution: &Resolution<'_>,
) -> AppResult<()> {
    diesel::update(objections::table.find(id))
        .set(resolution)
        .execute(conn)
        .await?;
    Ok(())
}

/// Closes every pending objection to the award but `except` as `resolution` says; answers the
/// ids of those closed and their objectors.
pub async fn close_pending(
    conn: &mut AsyncPgConnection,
    award_id: Uuid,
    except: Option<Uuid>,
    resolution: &Resolution<'_>,
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let mut pending = pending_to(award_id);
    if let Some(except) = except {
        pending = pending.filter(objections::id.ne(except));
    }
    let closed: Vec<(Uuid, Uuid)> = pending
        .select((objections::id, objections::objector_id))
        .load(conn)
        .await?;
    if !closed.is_empty() {
        let ids: Vec<Uuid> = closed.iter().map(|(id, _)| *id).collect();
        diesel::update(objections::table.filter(objections::id.eq_any(&ids)))
            .set(resolution)
            .execute(conn)
            .await?;
    }
    Ok(closed)
}

/// Which objections a list shows.
#[derive(Debug, Clone, Default)]
pub struct ObjectionFilter {
    /// Only this person's (everyone but the admins sees only their own).
    pub objector: Option<Uuid>,
    pub challenge_id: Option<Uuid>,
    pub status: Option<ObjectionStatus>,
}

/// An objection with what is shown beside it: its challenge's title, its objector's email.
pub type Shown = (Objection, String, String);

/// The objection `id` as [`Shown`].
pub async fn shown(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Shown> {
    Ok(objections::table
        .inner_join(challenges::table)
        .inner_join(users::table.on(users::id.eq(objections::objector_id)))
        .filter(objections::id.eq(id))
        .select((Objection::as_select(), challenges::title, users::email))
        .first(conn)
        .await?)
}

/// One page of the objections the filter lets through, newest first, and how many there are.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ObjectionFilter,
    page: PageRequest,
) -> AppResult<(Vec<Shown>, i64)> {
    let filtered = || {
        let mut query = objections::table
            .inner_join(challenges::table)
            .inner_join(users::table.on(users::id.eq(objections::objector_id)))
            .into_boxed();
        if let Some(objector) = filter.objector {
            query = query.filter(objections::objector_id.eq(objector));
        }
        if let Some(challenge) = filter.challenge_id {
            query = query.filter(objections::challenge_id.eq(challenge));
        }
        if let Some(status) = filter.status {
            query = query.filter(objections::status.eq(status));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn).await?;
    let rows = filtered()
        .order((objections::filed_at.desc(), objections::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select((Objection::as_select(), challenges::title, users::email))
        .load(conn)
        .await?;
    Ok((rows, total))
}
