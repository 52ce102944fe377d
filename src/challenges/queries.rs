//! Reading challenges: only ever "the challenges this viewer may see" — the visibility rule is part
//! of every query, so a hidden draft is simply not found (404). Listing, filtering and the text
//! search run in PostgreSQL.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cache::ListCache;
use super::models::{
    Category, Challenge, ChallengeChanges, ChallengeEvent, Clarification, Field, NewChallenge,
    NewClarification, NewEvent, Status,
};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::http::pagination::PageRequest;
use crate::schema::{challenge_clarifications, challenge_events, challenges, organizations};

/// What a caller may see of challenges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Anyone, logged in or not: published challenges and what became of them.
    Public,
    /// An issuer account: the public ones and every one of its own organisation.
    Issuer(Uuid),
    /// The program office: all.
    Admin,
}

impl Viewer {
    pub fn of(user: Option<&AuthUser>) -> Viewer {
        match user {
            Some(u) if u.role == Role::Admin => Viewer::Admin,
            Some(u) if u.role == Role::Issuer => match u.organization_id {
                Some(org) => Viewer::Issuer(org),
                None => Viewer::Public,
            },
            _ => Viewer::Public,
        }
    }

    /// Whether the viewer is the issuer of `challenge` or an admin: they see its history and the
    /// reasons given to the issuer.
    pub fn manages(&self, challenge: &Challenge) -> bool {
        match self {
            Viewer::Admin => true,
            Viewer::Issuer(org) => *org == challenge.issuer_org_id,
            Viewer::Public => false,
        }
    }
}

/// A condition on a challenge.
type Condition = Box<dyn BoxableExpression<challenges::table, Pg, SqlType = Bool>>;

fn condition<E>(expression: E) -> Condition
where
    E: BoxableExpression<challenges::table, Pg, SqlType = Bool> + 'static,
{
    Box::new(expression)
}

/// The visibility rule as SQL. `published_at IS NOT NULL` is also the predicate of the partial
/// indexes that serve the public list.
fn visible(viewer: Viewer) -> Condition {
    match viewer {
        Viewer::Admin => Box::new(diesel::dsl::sql::<Bool>("TRUE")),
        Viewer::Issuer(org) => Box::new(
            challenges::published_at
                .is_not_null()
                .or(challenges::issuer_org_id.eq(org)),
        ),
        Viewer::Public => Box::new(challenges::published_at.is_not_null()),
    }
}

/// Those of `ids` the viewer may see, as a subquery: the visibility rule for a query that joins
/// `challenges` with other tables (`visible` is a condition on `challenges` alone).
fn visible_among<'a>(
    viewer: Viewer,
    ids: &'a [Uuid],
) -> challenges::BoxedQuery<'a, Pg, diesel::sql_types::Uuid> {
    challenges::table
        .select(challenges::id)
        .filter(challenges::id.eq_any(ids))
        .filter(visible(viewer))
        .into_boxed()
}

/// The challenge with this id if the viewer may see it.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    id: Uuid,
) -> AppResult<Challenge> {
    visible_one(conn, viewer, id, false).await
}

/// The challenge with this id if the viewer may see it, with its issuer's name: one query (the
/// most frequent read of all, `GET /challenges/{id}`).
pub async fn find_visible_with_issuer(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    id: Uuid,
) -> AppResult<(Challenge, String)> {
    challenges::table
        .inner_join(organizations::table)
        .filter(challenges::id.eq(id))
        .filter(challenges::id.eq_any(visible_among(viewer, &[id])))
        .select((Challenge::as_select(), organizations::name))
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The same, locked for the rest of the caller's transaction (before any change).
pub async fn lock_visible(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    id: Uuid,
) -> AppResult<Challenge> {
    visible_one(conn, viewer, id, true).await
}

async fn visible_one(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    id: Uuid,
    lock: bool,
) -> AppResult<Challenge> {
    let query = challenges::table
        .filter(challenges::id.eq(id))
        .filter(visible(viewer))
        .select(Challenge::as_select());
    let found = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    found.optional()?.ok_or(AppError::NotFound)
}

/// Saves a new draft.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewChallenge<'_>) -> AppResult<Challenge> {
    Ok(diesel::insert_into(challenges::table)
        .values(new)
        .returning(Challenge::as_returning())
        .get_result(conn)
        .await?)
}

/// Saves an edit as the challenge's next version.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &ChallengeChanges,
    now: DateTime<Utc>,
) -> AppResult<Challenge> {
    Ok(diesel::update(challenges::table.find(id))
        .set((
            changes,
            challenges::version.eq(challenges::version + 1),
            challenges::updated_at.eq(now),
        ))
        .returning(Challenge::as_returning())
        .get_result(conn)
        .await?)
}

/// Adds an entry to a challenge's history.
pub async fn add_event(conn: &mut AsyncPgConnection, event: &NewEvent<'_>) -> AppResult<()> {
    diesel::insert_into(challenge_events::table)
        .values(event)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_clarification(
    conn: &mut AsyncPgConnection,
    new: &NewClarification<'_>,
) -> AppResult<Clarification> {
    Ok(diesel::insert_into(challenge_clarifications::table)
        .values(new)
        .returning(Clarification::as_returning())
        .get_result(conn)
        .await?)
}

/// The ids and deadlines of the published challenges.
pub async fn published_deadlines(
    conn: &mut AsyncPgConnection,
) -> AppResult<Vec<(Uuid, DateTime<Utc>)>> {
    Ok(challenges::table
        .filter(challenges::status.eq(Status::Published))
        .select((challenges::id, challenges::bid_closes_at))
        .load(conn)
        .await?)
}

pub async fn organization_name(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<String> {
    Ok(organizations::table
        .find(id)
        .select(organizations::name)
        .first(conn)
        .await?)
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
pub enum Sort {
    /// Best match first (only with `q`; the default when `q` is given).
    #[serde(rename = "relevance")]
    Relevance,
    /// Soonest deadline first.
    #[serde(rename = "deadline")]
    DeadlineAsc,
    /// Latest deadline first.
    #[serde(rename = "-deadline")]
    DeadlineDesc,
    /// Smallest bounty first.
    #[serde(rename = "bounty")]
    BountyAsc,
    /// Largest bounty first.
    #[serde(rename = "-bounty")]
    BountyDesc,
    /// Oldest publication first.
    #[serde(rename = "published")]
    PublishedAsc,
    /// Newest publication first (the default without `q`); unpublished ones last.
    #[serde(rename = "-published")]
    PublishedDesc,
}

/// `GET /challenges` filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChallengeFilter {
    /// Words to find in the title and description, Chinese or Latin, case-insensitive; every
    /// word (separated by spaces) must occur. One or two characters match as plain substrings.
    /// At most 100 characters and 5 words once runs of spaces are one.
    #[param(max_length = 100, example = "碳纤维")]
    pub q: Option<String>,
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub field: Option<Field>,
    /// Bounty at least this many fen.
    pub bounty_min_fen: Option<i64>,
    /// Bounty at most this many fen.
    pub bounty_max_fen: Option<i64>,
    /// Deadline (`bid_closes_at`) at or before this time.
    pub closes_before: Option<DateTime<Utc>>,
    /// Deadline at or after this time.
    pub closes_after: Option<DateTime<Utc>>,
    /// Only challenges of this issuing organisation.
    pub issuer_id: Option<Uuid>,
    /// `relevance`, `deadline`, `-deadline`, `bounty`, `-bounty`, `published`, `-published`.
    #[param(inline, example = "deadline")]
    pub sort: Option<Sort>,
    /// Read on after a page: its `next_cursor` (same filters and order; not with `page`, nor by
    /// relevance). Unlike page numbers, a cursor neither repeats nor skips a challenge when
    /// others are published meanwhile, and reaches any depth.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    // PageRequest reads these; listed so that `deny_unknown_fields` accepts them.
    #[serde(default)]
    #[param(ignore)]
    pub page: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    #[param(ignore)]
    pub per_page: Option<serde::de::IgnoredAny>,
}

pub use crate::search::query::{MAX_QUERY_CHARS, MAX_QUERY_WORDS, TextQuery};

impl ChallengeFilter {
    /// What the total of a list without `q` depends on: the viewer and the filters (not the
    /// page or the order).
    pub fn count_key(&self, viewer: Viewer) -> String {
        format!(
            "{viewer:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.status,
            self.category,
            self.field,
            self.bounty_min_fen,
            self.bounty_max_fen,
            self.closes_before,
            self.closes_after,
            self.issuer_id
        )
    }

    /// The order asked for, or the default: relevance with `q`, newest first without.
    pub fn sort_or_default(&self, q: Option<&TextQuery>) -> Sort {
        self.sort.unwrap_or(if q.is_some() {
            Sort::Relevance
        } else {
            Sort::PublishedDesc
        })
    }

    pub fn check(&self) -> Result<Option<TextQuery>, AppError> {
        let mut errors = Vec::new();
        if let (Some(min), Some(max)) = (self.bounty_min_fen, self.bounty_max_fen)
            && min > max
        {
            errors.push(
                FieldError::new("bounty_max_fen", FieldCode::NotLater)
                    .with_param("than", "bounty_min_fen"),
            );
        }
        if let (Some(after), Some(before)) = (self.closes_after, self.closes_before)
            && after > before
        {
            errors.push(
                FieldError::new("closes_before", FieldCode::NotLater)
                    .with_param("than", "closes_after"),
            );
        }
        let q = match self.q.as_deref().map(TextQuery::parse).transpose() {
            Ok(q) => q.flatten(),
            Err(AppError::Validation(mut more)) => {
                errors.append(&mut more);
                None
            }
            Err(other) => return Err(other),
        };
        if self.sort == Some(Sort::Relevance) && q.is_none() {
            errors.push(FieldError::new("sort", FieldCode::NeedsQ));
        }
        if let Some(cursor) = &self.cursor {
            if self.page.is_some() {
                errors.push(FieldError::new("cursor", FieldCode::PageAndCursor));
            } else if cursor.chars().count() > 200 {
                errors.push(FieldError::new("cursor", FieldCode::Length).with_param("max", 200));
            } else if self.sort.unwrap_or(if q.is_some() {
                Sort::Relevance
            } else {
                Sort::PublishedDesc
            }) == Sort::Relevance
            {
                errors.push(
                    FieldError::new("cursor", FieldCode::CursorOrder)
                        .with_param("sort", "relevance"),
                );
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// One row of a list: the challenge without its long parts, with the issuer's name.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = challenges, check_for_backend(diesel::pg::Pg))]
pub struct SummaryRow {
    pub id: Uuid,
    pub title: String,
    pub category: Category,
    pub field: Field,
    pub bounty_fen: i64,
    pub bid_opens_at: DateTime<Utc>,
    pub bid_closes_at: DateTime<Utc>,
    pub max_duration_months: i32,
    pub status: Status,
    pub issuer_org_id: Uuid,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// A list query over `challenges` alone, of any selection.
type ListQuery<'a, ST> = challenges::BoxedQuery<'a, Pg, ST>;

/// Applies the viewer's visibility and the filter to a list query, so that the page and its total
/// count use exactly the same conditions.
fn filtered<'a, ST: 'a>(
    query: ListQuery<'a, ST>,
    viewer: Viewer,
    filter: &ChallengeFilter,
    q: Option<&TextQuery>,
) -> ListQuery<'a, ST> {
    let conditions = [
        filter.status.map(|v| condition(challenges::status.eq(v))),
        filter
            .category
            .map(|v| condition(challenges::category.eq(v))),
        filter.field.map(|v| condition(challenges::field.eq(v))),
        filter
            .bounty_min_fen
            .map(|v| condition(challenges::bounty_fen.ge(v))),
        filter
            .bounty_max_fen
            .map(|v| condition(challenges::bounty_fen.le(v))),
        filter
            .closes_before
            .map(|v| condition(challenges::bid_closes_at.le(v))),
        filter
            .closes_after
            .map(|v| condition(challenges::bid_closes_at.ge(v))),
        filter
            .issuer_id
            .map(|v| condition(challenges::issuer_org_id.eq(v))),
    ];
    // `search_text` is lower-cased title and description, trigram-indexed.
    let words = q.iter().flat_map(|q| &q.patterns).map(|pattern| {
        condition(
            sql::<Bool>("challenges.search_text LIKE lower(")
                .bind::<Text, _>(pattern.clone())
                .sql(")"),
        )
    });
    std::iter::once(visible(viewer))
        .chain(conditions.into_iter().flatten())
        .chain(words)
        .fold(query, |query, condition| query.filter(condition))
}

/// Orders a list query by `sort` (relevance needs `q`). Every order ends with the id, so pages
/// never overlap.
fn ordered<'a, ST: 'a>(
    query: ListQuery<'a, ST>,
    sort: Sort,
    q: Option<&TextQuery>,
) -> ListQuery<'a, ST> {
    match (sort, q) {
        (Sort::Relevance, Some(q)) => {
            // A title that contains the first word comes first (`search_text` starts with the
            // title), shorter titles (the word is more of them) before longer ones, then the
            // newest. Cheap enough to compute for thousands of matches.
            query
                .order((
                    sql::<Bool>("strpos(challenges.search_text, lower(")
                        .bind::<Text, _>(q.first_word().to_string())
                        .sql(")) BETWEEN 1 AND char_length(challenges.title)")
                        .desc(),
                    sql::<Integer>("char_length(challenges.title)").asc(),
                ))
                .then_order_by(challenges::published_at.desc().nulls_last())
                .then_order_by(challenges::id.desc())
        }
        (Sort::DeadlineAsc, _) => {
            query.order((challenges::bid_closes_at.asc(), challenges::id.asc()))
        }
        (Sort::DeadlineDesc, _) => {
            query.order((challenges::bid_closes_at.desc(), challenges::id.desc()))
        }
        (Sort::BountyAsc, _) => query.order((challenges::bounty_fen.asc(), challenges::id.asc())),
        (Sort::BountyDesc, _) => {
            query.order((challenges::bounty_fen.desc(), challenges::id.desc()))
        }
        (Sort::PublishedAsc, _) => query.order((
            challenges::published_at.asc().nulls_last(),
            challenges::id.asc(),
        )),
        (Sort::PublishedDesc, _) | (Sort::Relevance, None) => query.order((
            challenges::published_at.desc().nulls_last(),
            challenges::id.desc(),
        )),
    }
}

/// One page of the challenges the viewer may see, with the issuers' names, and the total.
///
/// The page is found as ids first, by the filter and order alone (for the public list an
/// index-only scan of a partial index, however deep the page), and only those rows are read whole
/// and joined with their issuers. Without `q` the total is its own count, which `totals` may keep
/// for a moment (public lists: the same for every page and order). With `q` every match is looked
/// at anyway to rank it, so the same scan gives the total, by a window function.
pub async fn list(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    filter: &ChallengeFilter,
    q: Option<&TextQuery>,
    page: PageRequest,
    totals: Option<&ListCache>,
) -> AppResult<(Vec<(SummaryRow, String)>, i64)> {
    let sort = filter.sort_or_default(q);
    let count = || filtered(challenges::table.into_boxed(), viewer, filter, q).count();
    let (ids, total): (Vec<Uuid>, i64) = if q.is_none() {
        let total = match totals {
            Some(cache) => {
                cache
                    .total(&filter.count_key(viewer), async {
                        Ok(count().get_result(conn).await?)
                    })
                    .await?
            }
            None => count().get_result(conn).await?,
        };
        if total == 0 || page.offset() >= total {
            return Ok((Vec::new(), total));
        }
        let ids = filtered(
            challenges::table.select(challenges::id).into_boxed(),
            viewer,
            filter,
            q,
        );
        let ids = ordered(ids, sort, q)
            .limit(page.per_page)
            .offset(page.offset())
            .load(conn)
            .await?;
        (ids, total)
    } else {
        let ids = filtered(
            challenges::table
                .select((challenges::id, sql::<BigInt>("count(*) OVER ()")))
                .into_boxed(),
            viewer,
            filter,
            q,
        );
        let found: Vec<(Uuid, i64)> = ordered(ids, sort, q)
            .limit(page.per_page)
            .offset(page.offset())
            .load(conn)
            .await?;
        let total = match <[_]>::first(&found) {
            Some((_, total)) => *total,
            // Past the last page (or nothing found): the window had no row to report on.
            None if page.offset() > 0 => count().get_result(conn).await?,
            None => 0,
        };
        (found.into_iter().map(|(id, _)| id).collect(), total)
    };
    Ok((rows_in_order(conn, viewer, &ids).await?, total))
}

/// The list rows of `ids` that the viewer may see (a challenge the index found may have been
/// hidden since), with their issuers' names, in the order of `ids`.
pub async fn rows_in_order(
    conn: &mut AsyncPgConnection,
    viewer: Viewer,
    ids: &[Uuid],
) -> AppResult<Vec<(SummaryRow, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<(SummaryRow, String)> = challenges::table
        .inner_join(organizations::table)
        .filter(challenges::id.eq_any(visible_among(viewer, ids)))
        .select((SummaryRow::as_select(), organizations::name))
        .load(conn)
        .await?;
    let position: std::collections::HashMap<Uuid, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|(row, _)| position.get(&row.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// The descriptions of `ids` (for the snippets of a search).
pub async fn descriptions(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> AppResult<std::collections::HashMap<Uuid, String>> {
    Ok(challenges::table
        .filter(challenges::id.eq_any(ids))
        .select((challenges::id, challenges::description))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// A challenge's transitions, oldest first.
pub async fn events(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<ChallengeEvent>> {
    Ok(challenge_events::table
        .filter(challenge_events::challenge_id.eq(challenge_id))
        .order(challenge_events::id.asc())
        .select(ChallengeEvent::as_select())
        .load(conn)
        .await?)
}

pub async fn clarifications(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Clarification>> {
    Ok(challenge_clarifications::table
        .filter(challenge_clarifications::challenge_id.eq(challenge_id))
        .order((
            challenge_clarifications::created_at.asc(),
            challenge_clarifications::id.asc(),
        ))
        .select(Clarification::as_select())
        .load(conn)
        .await?)
}
