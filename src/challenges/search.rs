//! The text index of challenges (docs/search.md): what answers `GET /challenges` — the matches
//! of `q`, every filter, every order and the totals — without reading the table. PostgreSQL stays
//! the source of truth: the index is fed from the change feed of `challenges` (a transaction id
//! stamped on every change, and a notification at commit), each instance keeps its own, and the
//! ids it finds are read again through the visibility rule (`queries::visible_page`), so the
//! index never decides alone what someone may see.

use std::ops::Bound;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Order, TantivyDocument, Term};
use uuid::Uuid;

use super::queries::{ChallengeFilter, Sort, TextQuery, Viewer};
use crate::config::SearchSettings;
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::search::query::{halves, whole, word_in};
use crate::search::{self, text};
use crate::state::AppState;

/// How much more a match in the title weighs than one in the description.
const TITLE_BOOST: f32 = 3.0;

#[derive(Clone, Copy)]
pub struct Fields {
    id: Field,
    id_hi: Field,
    id_lo: Field,
    title_grams: Field,
    text_grams: Field,
    title_words: Field,
    status: Field,
    category: Field,
    field: Field,
    issuer: Field,
    public: Field,
    bounty: Field,
    closes: Field,
    published: Field,
    published_last: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    let grams = text(text::GRAMS, IndexRecordOption::WithFreqsAndPositions);
    let words = text(text::WORDS, IndexRecordOption::WithFreqs);
    let fields = Fields {
        id: b.add_text_field("id", STRING),
        id_hi: b.add_u64_field("id_hi", FAST),
        id_lo: b.add_u64_field("id_lo", FAST),
        title_grams: b.add_text_field("title_grams", grams.clone()),
        text_grams: b.add_text_field("text_grams", grams),
        title_words: b.add_text_field("title_words", words),
        status: b.add_text_field("status", STRING),
        category: b.add_text_field("category", STRING),
        field: b.add_text_field("field", STRING),
        issuer: b.add_text_field("issuer", STRING),
        public: b.add_u64_field("public", INDEXED),
        bounty: b.add_i64_field("bounty", FAST),
        closes: b.add_i64_field("closes", FAST),
        // Unpublished: the least value (last newest-first) and the greatest (last oldest-first).
        published: b.add_i64_field("published", FAST),
        published_last: b.add_i64_field("published_last", FAST),
    };
    (b.build(), fields)
}

/// A challenge as the feed reads it: what the index needs of it.
#[derive(diesel::QueryableByName)]
pub struct Changed {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    field: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    issuer_org_id: Uuid,
    #[diesel(sql_type = BigInt)]
    bounty_fen: i64,
    #[diesel(sql_type = Timestamptz)]
    bid_closes_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    published_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    changed: String,
}

impl Changed {
    fn document(&self, f: &Fields) -> TantivyDocument {
        let (hi, lo) = halves(self.id);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, self.id.to_string());
        doc.add_u64(f.id_hi, hi);
        doc.add_u64(f.id_lo, lo);
        doc.add_text(f.title_grams, &self.title);
        doc.add_text(f.text_grams, &self.description);
        // jieba's words of the title only: segmenting every description would make a rebuild
        // several times slower (docs/search.md); the grams find words in both.
        doc.add_text(f.title_words, &self.title);
        doc.add_text(f.status, &self.status);
        doc.add_text(f.category, &self.category);
        doc.add_text(f.field, &self.field);
        doc.add_text(f.issuer, self.issuer_org_id.to_string());
        doc.add_u64(f.public, u64::from(self.published_at.is_some()));
        doc.add_i64(f.bounty, self.bounty_fen);
        doc.add_i64(f.closes, self.bid_closes_at.timestamp_micros());
        let published = self.published_at.map(|t| t.timestamp_micros());
        doc.add_i64(f.published, published.unwrap_or(i64::MIN));
        doc.add_i64(f.published_last, published.unwrap_or(i64::MAX));
        doc
    }
}

/// The challenges as a search registry.
pub struct Challenges;

impl search::feed::Registry for Challenges {
    const NAME: &'static str = "challenges";
    const FORMAT: u32 = 2;
    const CHANNEL: &'static str = "challenges_changed";
    const SELECT: &'static str = "SELECT id, title, description, status, category, field, \
        issuer_org_id, bounty_fen, bid_closes_at, published_at, changed_xid::text AS changed \
        FROM challenges";
    const CHANGED: &'static str = "changed_xid";
    const KEY: &'static str = "id";
    type Fields = Fields;
    type Row = Changed;

    fn schema() -> (Schema, Fields) {
        schema()
    }

    fn key_field(fields: &Fields) -> Field {
        fields.id
    }

    fn key(row: &Changed) -> Uuid {
        row.id
    }

    fn changed(row: &Changed) -> &str {
        &row.changed
    }

    fn document(row: &Changed, fields: &Fields) -> TantivyDocument {
        row.document(fields)
    }
}

/// The index of one instance: the registry's index and the list queries on it.
pub struct ChallengeIndex {
    index: Arc<search::feed::Index<Challenges>>,
    max_depth: i64,
}

/// What the index found for one list request.
pub struct Hits {
    /// The page's challenges, in order (to be read again through the visibility rule).
    pub ids: Vec<Uuid>,
    /// How many match, over all pages (as of the index's last catch-up).
    pub total: i64,
    /// Where the next page starts, when this one was full.
    pub next_cursor: Option<String>,
}

/// Which part of a list to return.
#[derive(Debug, Clone)]
pub enum Window {
    /// `offset` rows skipped.
    Offset { offset: i64, limit: i64 },
    /// The rows after `cursor` (the previous page's `next_cursor`).
    After { cursor: String, limit: i64 },
}

impl ChallengeIndex {
    /// Opens (or makes) this instance's index under `search.dir`.
    pub fn open(settings: &SearchSettings) -> anyhow::Result<ChallengeIndex> {
        Ok(ChallengeIndex {
            index: Arc::new(search::feed::Index::open(settings)?),
            max_depth: settings.max_page_depth,
        })
    }

    /// The index and its feed (started by `startup`).
    pub fn index(&self) -> &Arc<search::feed::Index<Challenges>> {
        &self.index
    }

    /// Whether the index has caught up with the database since start.
    pub fn is_ready(&self) -> bool {
        self.index.is_ready()
    }

    /// Brings the index up to date with every commit so far.
    pub async fn catch_up(&self, state: &AppState) -> AppResult<u64> {
        self.index.catch_up(&state.pool).await
    }

    /// One window of the challenges `viewer` may see that match `filter` and `q`, in `sort`
    /// order, with the total. The ids still go through the visibility rule in PostgreSQL.
    pub async fn search(
        &self,
        viewer: Viewer,
        filter: &ChallengeFilter,
        q: Option<&TextQuery>,
        sort: Sort,
        window: Window,
    ) -> AppResult<Hits> {
        let query = self.query(viewer, filter, q);
        let (offset, limit, after) = match window {
            Window::Offset { offset, limit } => {
                if offset + limit > self.max_depth {
                    return Err(AppError::Validation(vec![
                        FieldError::new("page", FieldCode::PageTooDeep)
                            .with_param("max", self.max_depth),
                    ]));
                }
                (offset, limit, None)
            }
            Window::After { cursor, limit } => (0, limit, Some(Cursor::parse(&cursor, sort)?)),
        };
        let query: Box<dyn Query> = match &after {
            Some(cursor) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, self.after(cursor, sort)),
            ])),
            None => query,
        };
        let index = self.index.clone();
        // After a cursor the page's query is narrower than the list: the total is counted apart.
        let total_query = after.is_some().then(|| self.query(viewer, filter, q));
        let (keys, total) = search::feed::blocking(move || {
            let searcher = index.reader.searcher();
            let top = TopDocs::with_limit(limit as usize).and_offset(offset as usize);
            let (keys, counted) = collect(&searcher, &*query, top, sort)?;
            let total = match total_query {
                Some(total_query) => searcher.search(&*total_query, &Count)?,
                None => counted,
            };
            Ok((keys, total))
        })
        .await?;
        // Relevance has no cursor: scores change as the index grows.
        let next_cursor = (keys.len() as i64 == limit && sort != Sort::Relevance)
            .then(|| keys.last().map(|key| key.cursor(sort)))
            .flatten();
        Ok(Hits {
            ids: keys.iter().map(|key| key.id).collect(),
            total: total as i64,
            next_cursor,
        })
    }

    /// The visibility rule, the filters and the words of `q` as one query.
    fn query(
        &self,
        viewer: Viewer,
        filter: &ChallengeFilter,
        q: Option<&TextQuery>,
    ) -> Box<dyn Query> {
        let f = &self.index.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let public = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_u64(f.public, 1),
                IndexRecordOption::Basic,
            ))
        };
        let filters: Vec<Box<dyn Query>> = [
            match viewer {
                Viewer::Admin => None,
                Viewer::Public => Some(public()),
                Viewer::Issuer(org) => Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Should, public()),
                    (Occur::Should, term(f.issuer, &org.to_string())),
                ])) as Box<dyn Query>),
            },
            filter.status.map(|v| term(f.status, v.as_str())),
            filter.category.map(|v| term(f.category, v.as_str())),
            filter.field.map(|v| term(f.field, v.as_str())),
            filter.issuer_id.map(|v| term(f.issuer, &v.to_string())),
            range(f.bounty, filter.bounty_min_fen, filter.bounty_max_fen),
            range(
                f.closes,
                filter.closes_after.map(|t| t.timestamp_micros()),
                filter.closes_before.map(|t| t.timestamp_micros()),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        // Filters decide what matches; only the words score.
        must.extend(filters.into_iter().map(|q| {
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
            )
        }));
        for word in q.iter().flat_map(|q| q.text.split(' ')) {
            must.push((Occur::Must, self.word(word)));
        }
        if must.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(must))
        }
    }

    /// One word of `q`: found as a substring of the title or the description (a phrase of its
    /// character bigrams), scored higher in the title, and higher again where jieba's words
    /// match whole.
    fn word(&self, word: &str) -> Box<dyn Query> {
        let f = &self.index.fields;
        let found = word_in(&[(f.title_grams, TITLE_BOOST), (f.text_grams, 1.0)], word);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, found)];
        for token in text::words(word) {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.title_words, &token.text),
                        IndexRecordOption::WithFreqs,
                    )),
                    TITLE_BOOST,
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The rows after `cursor` in `sort` order: a greater (or lesser) key, or the same key and a
    /// greater (or lesser) id.
    fn after(&self, cursor: &Cursor, sort: Sort) -> Box<dyn Query> {
        let f = &self.index.fields;
        let (field, ascending) = order_field(f, sort);
        let (hi, lo) = halves(cursor.id);
        let beyond_i64 = |field: Field, value: i64| -> Box<dyn Query> {
            let term = Term::from_field_i64(field, value);
            Box::new(if ascending {
                RangeQuery::new(Bound::Excluded(term), Bound::Unbounded)
            } else {
                RangeQuery::new(Bound::Unbounded, Bound::Excluded(term))
            })
        };
        let beyond_u64 = |field: Field, value: u64| -> Box<dyn Query> {
            let term = Term::from_field_u64(field, value);
            Box::new(if ascending {
                RangeQuery::new(Bound::Excluded(term), Bound::Unbounded)
            } else {
                RangeQuery::new(Bound::Unbounded, Bound::Excluded(term))
            })
        };
        let equal_i64 = |field: Field, value: i64| -> Box<dyn Query> {
            let term = Term::from_field_i64(field, value);
            Box::new(RangeQuery::new(
                Bound::Included(term.clone()),
                Bound::Included(term),
            ))
        };
        let equal_u64 = |field: Field, value: u64| -> Box<dyn Query> {
            let term = Term::from_field_u64(field, value);
            Box::new(RangeQuery::new(
                Bound::Included(term.clone()),
                Bound::Included(term),
            ))
        };
        let id_beyond = BooleanQuery::new(vec![
            (Occur::Should, beyond_u64(f.id_hi, hi)),
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, equal_u64(f.id_hi, hi)),
                    (Occur::Must, beyond_u64(f.id_lo, lo)),
                ])),
            ),
        ]);
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, beyond_i64(field, cursor.key)),
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, equal_i64(field, cursor.key)),
                        (Occur::Must, Box::new(id_beyond)),
                    ])),
                ),
            ])),
            0.0,
        ))
    }
}

/// A filter on a range of an i64 fast field, when either end is given.
fn range(field: Field, min: Option<i64>, max: Option<i64>) -> Option<Box<dyn Query>> {
    if min.is_none() && max.is_none() {
        return None;
    }
    let bound = |v: Option<i64>| match v {
        Some(v) => Bound::Included(Term::from_field_i64(field, v)),
        None => Bound::Unbounded,
    };
    Some(Box::new(RangeQuery::new(bound(min), bound(max))))
}

/// The fast field an order sorts by, and whether it ascends.
fn order_field(f: &Fields, sort: Sort) -> (Field, bool) {
    match sort {
        Sort::DeadlineAsc => (f.closes, true),
        Sort::DeadlineDesc => (f.closes, false),
        Sort::BountyAsc => (f.bounty, true),
        Sort::BountyDesc => (f.bounty, false),
        Sort::PublishedAsc => (f.published_last, true),
        Sort::PublishedDesc | Sort::Relevance => (f.published, false),
    }
}

fn field_name(sort: Sort) -> &'static str {
    match sort {
        Sort::DeadlineAsc | Sort::DeadlineDesc => "closes",
        Sort::BountyAsc | Sort::BountyDesc => "bounty",
        Sort::PublishedAsc => "published_last",
        Sort::PublishedDesc | Sort::Relevance => "published",
    }
}

/// A found challenge with the key it was ordered by.
struct Key {
    id: Uuid,
    key: i64,
}

impl Key {
    fn cursor(&self, sort: Sort) -> String {
        Cursor {
            sort: sort_name(sort),
            key: self.key,
            id: self.id,
        }
        .to_string()
    }
}

/// Collects one window in `sort` order: the key, then the id in the same direction (a total
/// order, so that pages never overlap); by relevance, the score, then the newest.
fn collect(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    top: TopDocs,
    sort: Sort,
) -> anyhow::Result<(Vec<Key>, usize)> {
    let by = |order: Order| {
        (
            (
                SortByStaticFastValue::<i64>::for_field(field_name(sort)),
                order,
            ),
            (
                (SortByStaticFastValue::<u64>::for_field("id_hi"), order),
                (SortByStaticFastValue::<u64>::for_field("id_lo"), order),
            ),
        )
    };
    let key = |(key, (hi, lo)): (Option<i64>, (Option<u64>, Option<u64>))| Key {
        id: whole(hi.unwrap_or_default(), lo.unwrap_or_default()),
        key: key.unwrap_or_default(),
    };
    // One pass over the matches gives the page and the count.
    Ok(match sort {
        Sort::Relevance => {
            let top = top.order_by((SortBySimilarityScore, by(Order::Desc)));
            let (count, found) = searcher.search(query, &(Count, top))?;
            let keys = found.into_iter().map(|((_, rest), _)| key(rest)).collect();
            (keys, count)
        }
        Sort::DeadlineAsc | Sort::BountyAsc | Sort::PublishedAsc => {
            let (count, found) = searcher.search(query, &(Count, top.order_by(by(Order::Asc))))?;
            (
                found.into_iter().map(|(rest, _)| key(rest)).collect(),
                count,
            )
        }
        Sort::DeadlineDesc | Sort::BountyDesc | Sort::PublishedDesc => {
            let (count, found) = searcher.search(query, &(Count, top.order_by(by(Order::Desc))))?;
            (
                found.into_iter().map(|(rest, _)| key(rest)).collect(),
                count,
            )
        }
    })
}

fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "relevance",
        Sort::DeadlineAsc => "deadline",
        Sort::DeadlineDesc => "-deadline",
        Sort::BountyAsc => "bounty",
        Sort::BountyDesc => "-bounty",
        Sort::PublishedAsc => "published",
        Sort::PublishedDesc => "-published",
    }
}

/// Where a page ends: the order, the last row's key and id. Written `order~key~id`; clients
/// treat it as opaque.
struct Cursor {
    sort: &'static str,
    key: i64,
    id: Uuid,
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}~{}~{}", self.sort, self.key, self.id.simple())
    }
}

impl Cursor {
    fn parse(text: &str, sort: Sort) -> AppResult<Cursor> {
        let invalid = || AppError::Validation(vec![FieldError::new("cursor", FieldCode::Invalid)]);
        let mut parts = text.split('~');
        let (Some(order), Some(key), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if order != sort_name(sort) || sort == Sort::Relevance {
            return Err(AppError::Validation(vec![
                FieldError::new("cursor", FieldCode::CursorOrder)
                    .with_param("sort", sort_name(sort)),
            ]));
        }
        Ok(Cursor {
            sort: sort_name(sort),
            key: key.parse().map_err(|_| invalid())?,
            id: Uuid::parse_str(id).map_err(|_| invalid())?,
        })
    }
}
