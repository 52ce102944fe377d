//! Reading and writing objections.

use std::collections::HashMap;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{NewObjection, Objection, ObjectionStatus, Resolution};
use crate::error::AppResult;
use crate::http::pagination::PageRequest;
use crate::schema::{objections, users};

/// How many objections to the award are pending.
pub async fn pending(conn: &mut AsyncPgConnection, award_id: Uuid) -> AppResult<i64> {
    Ok(objections::table
        .filter(objections::award_id.eq(award_id))
        .filter(objections::status.eq(ObjectionStatus::Pending))
        .count()
        .get_result(conn)
        .await?)
}

/// Whether `objector` has an objection to the award still pending.
pub async fn has_pending(
    conn: &mut AsyncPgConnection,
    award_id: Uuid,
    objector: Uuid,
) -> AppResult<bool> {
    let count: i64 = objections::table
        .filter(objections::award_id.eq(award_id))
        .filter(objections::objector_id.eq(objector))
        .filter(objections::status.eq(ObjectionStatus::Pending))
        .count()
        .get_result(conn)
        .await?;
    Ok(count > 0)
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

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewObjection) -> AppResult<Objection> {
    Ok(diesel::insert_into(objections::table)
        .values(new)
        .returning(Objection::as_returning())
        .get_result(conn)
        .await?)
}

/// The challenge an objection is about, if the objection exists.
pub async fn challenge_of(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Option<Uuid>> {
    Ok(objections::table
        .find(id)
        .select(objections::challenge_id)
        .first(conn)
        .await
        .optional()?)
}

/// The objection, locked for the rest of the caller's transaction (404 if there is none). Lock
/// the challenge first.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<Objection> {
    Ok(objections::table
        .find(id)
        .select(Objection::as_select())
        .for_update()
        .first(conn)
        .await?)
}

/// Closes the objection as `resolution` says.
pub async fn resolve(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    resolution: &Resolution<'_>,
) -> AppResult<Objection> {
    Ok(diesel::update(objections::table.find(id))
        .set(resolution)
        .returning(Objection::as_returning())
        .get_result(conn)
        .await?)
}

/// Closes every pending objection to the award but `except` as `resolution` says; answers the
/// ids of those closed and their objectors.
pub async fn close_pending(
    conn: &mut AsyncPgConnection,
    award_id: Uuid,
    except: Option<Uuid>,
    resolution: &Resolution<'_>,
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let mut pending = objections::table
        .filter(objections::award_id.eq(award_id))
        .filter(objections::status.eq(ObjectionStatus::Pending))
        .into_boxed();
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

impl ObjectionFilter {
    fn query(&self) -> objections::BoxedQuery<'static, Pg> {
        let mut query = objections::table.into_boxed();
        if let Some(objector) = self.objector {
            query = query.filter(objections::objector_id.eq(objector));
        }
        if let Some(challenge) = self.challenge_id {
            query = query.filter(objections::challenge_id.eq(challenge));
        }
        if let Some(status) = self.status {
            query = query.filter(objections::status.eq(status));
        }
        query
    }
}

/// One page of the objections the filter lets through, newest first, and how many there are.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ObjectionFilter,
    page: PageRequest,
) -> AppResult<(Vec<Objection>, i64)> {
    let total: i64 = filter.query().count().get_result(conn).await?;
    let rows = filter
        .query()
        .order((objections::filed_at.desc(), objections::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Objection::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The email addresses of these objectors.
pub async fn objector_emails(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect())
}
