//! The text index of challenges (docs/search.md): what answers `GET /challenges` — the matches
//! of `q`, every filter, every order and the totals — without reading the table. PostgreSQL stays
//! the source of truth: the index is fed from the change feed of `challenges` (a transaction id
//! stamped on every change, and a notification at commit), each instance keeps its own, and the
//! ids it finds are read again through the visibility rule (`queries::visible_page`), so the
//! index never decides alone what someone may see.

use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{IndexReader, IndexWriter, Order, TantivyDocument, Term};
use tokio::sync::Notify;
use uuid::Uuid;

use super::queries::{ChallengeFilter, Sort, TextQuery, Viewer};
use crate::config::SearchSettings;
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::search::{self, Checkpoint, text};
use crate::state::AppState;

/// The format of the index folder; a folder of another one is rebuilt at start. Raise it with
/// any change to the schema or to what a field holds.
const FORMAT: u32 = 1;
/// The notification channel of the migration's trigger.
const CHANNEL: &str = "challenges_changed";
/// Rows read from the feed at a time.
const BATCH: i64 = 2_000;
/// How much more a match in the title weighs than one in the description.
const TITLE_BOOST: f32 = 3.0;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    id_hi: Field,
    id_lo: Field,
    title_grams: Field,
    text_grams: Field,
    title_words: Field,
    text_words: Field,
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
        title_words: b.add_text_field("title_words", words.clone()),
        text_words: b.add_text_field("text_words", words),
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
struct Changed {
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

#[derive(diesel::QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = Text)]
    xmin: String,
}

fn halves(id: Uuid) -> (u64, u64) {
    let n = id.as_u128();
    ((n >> 64) as u64, n as u64)
}

fn whole(hi: u64, lo: u64) -> Uuid {
    Uuid::from_u128((u128::from(hi) << 64) | u128::from(lo))
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
        doc.add_text(f.title_words, &self.title);
        doc.add_text(f.text_words, &self.description);
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

/// Where the feed stands.
struct Feed {
    /// Every change by a transaction older than this is in the index.
    watermark: String,
    /// The changes indexed since start, and when the index last caught up.
    indexed: u64,
    caught_up_at: Option<Instant>,
}

/// The index of one instance.
pub struct ChallengeIndex {
    reader: IndexReader,
    writer: Arc<std::sync::Mutex<IndexWriter>>,
    fields: Fields,
    feed: tokio::sync::Mutex<Feed>,
    /// Set once the index has caught up with the database since start: until then lists are
    /// answered by PostgreSQL.
    ready: AtomicBool,
    wake: Arc<Notify>,
    poll: Duration,
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
        let (schema, fields) = schema();
        let opened = search::open(
            &search::folder(&settings.dir, "challenges"),
            schema,
            FORMAT,
            settings.writer_memory_mib,
        )?;
        text::warm_up();
        let watermark = opened
            .checkpoint
            .map_or_else(|| "0".to_string(), |c| c.watermark);
        Ok(ChallengeIndex {
            reader: opened.reader,
            writer: Arc::new(std::sync::Mutex::new(opened.writer)),
            fields,
            feed: tokio::sync::Mutex::new(Feed {
                watermark,
                indexed: 0,
                caught_up_at: None,
            }),
            ready: AtomicBool::new(false),
            wake: Arc::new(Notify::new()),
            poll: Duration::from_millis(settings.poll_interval_ms.max(10)),
            max_depth: settings.max_page_depth,
        })
    }

    /// Whether the index has caught up with the database since start.
    pub fn is_ready(&self) -> bool {
        AtomicBool::load(&self.ready, Ordering::Acquire)
    }

    /// Keeps the index fed until the task is aborted: at start it catches up (or builds itself
    /// from the whole table), then again whenever a commit notifies, and at least every poll
    /// interval.
    pub async fn feed(self: Arc<Self>, state: actix_web::web::Data<AppState>) {
        let url = match state.settings.database.url() {
            Ok(url) => url.to_string(),
            Err(error) => {
                tracing::error!(%error, "search: no database URL to listen on");
                return;
            }
        };
        let listener = tokio::spawn(search::listen(
            url,
            CHANNEL,
            self.wake.clone(),
            Duration::from_secs(1),
        ));
        let _stop_listener = search::AbortOnDrop(listener);
        let started = Instant::now();
        loop {
            let was_ready = self.is_ready();
            match self.catch_up(&state).await {
                Ok(n) if !was_ready => tracing::info!(
                    documents = self.documents(),
                    indexed = n,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "search index ready"
                ),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "search: catching up failed; retrying"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// The number of challenges in the index.
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Reads every change since the watermark and indexes it; answers how many it indexed. One
    /// pass at a time; the passes of tests and of the feed queue up.
    pub async fn catch_up(&self, state: &AppState) -> AppResult<u64> {
        let mut feed = self.feed.lock().await;
        let mut conn = state.conn().await?;
        let since = feed.watermark.clone();
        let fields = self.fields;
        let writer = self.writer.clone();
        let (xmin, count) = crate::db::transaction(&mut conn, async |conn| {
            // One snapshot for the whole pass: its xmin is the next watermark. A transaction
            // still running then is at or after it, so the next pass reads its changes.
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)
                .await?;
            let snapshot: Snapshot =
                diesel::sql_query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin")
                    .get_result(conn)
                    .await?;
            let mut after: Option<(String, Uuid)> = None;
            let mut count = 0u64;
            loop {
                let rows = changed_since(conn, &since, after.as_ref()).await?;
                let Some(last) = rows.last() else { break };
                after = Some((last.changed.clone(), last.id));
                count += rows.len() as u64;
                let full = rows.len() as i64 == BATCH;
                let writer = writer.clone();
                blocking(move || {
                    let writer = lock(&writer)?;
                    for row in &rows {
                        writer.delete_term(Term::from_field_text(fields.id, &row.id.to_string()));
                        writer.add_document(row.document(&fields))?;
                    }
                    Ok(())
                })
                .await?;
                if !full {
                    break;
                }
            }
            Ok((snapshot.xmin, count))
        })
        .await?;
        if count > 0 {
            let checkpoint = Checkpoint {
                format: FORMAT,
                watermark: xmin.clone(),
            };
            let writer = self.writer.clone();
            let reader = self.reader.clone();
            blocking(move || {
                search::commit(&mut *lock(&writer)?, &checkpoint)?;
                reader.reload()?;
                Ok(())
            })
            .await?;
        }
        // A pass without changes moves the watermark in memory only: the folder's may lag until
        // the next commit, and a restart then reads a few rows again.
        feed.indexed += count;
        feed.watermark = xmin;
        feed.caught_up_at = Some(Instant::now());
        self.ready.store(true, Ordering::Release);
        Ok(count)
    }

    /// One window of the challenges `viewer` may see that match `filter` and `q`, in `sort`
    /// order, with the total. The ids still go through the visibility rule in PostgreSQL.
    pub async fn search(
        self: &Arc<Self>,
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
        let index = self.clone();
        let total_query = self.query(viewer, filter, q);
        let (keys, total) = blocking(move || {
            let searcher = index.reader.searcher();
            let top = TopDocs::with_limit(limit as usize).and_offset(offset as usize);
            let keys = collect(&searcher, &*query, top, sort)?;
            let total = searcher.search(&*total_query, &Count)?;
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
        let f = &self.fields;
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
        let f = &self.fields;
        let grams = text::query_grams(word);
        let phrase = |field: Field| -> Box<dyn Query> {
            let terms: Vec<(usize, Term)> = grams
                .iter()
                .map(|(position, gram)| (*position, Term::from_field_text(field, gram)))
                .collect();
            match terms.as_slice() {
                [(_, term)] => Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                _ => Box::new(PhraseQuery::new_with_offset(terms)),
            }
        };
        if grams.is_empty() {
            // Punctuation only: nothing can contain it as a word.
            return Box::new(BooleanQuery::new(vec![]));
        }
        let found = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(phrase(f.title_grams), TITLE_BOOST)) as Box<dyn Query>,
            ),
            (Occur::Should, phrase(f.text_grams)),
        ]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(found))];
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
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.text_words, &token.text),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The rows after `cursor` in `sort` order: a greater (or lesser) key, or the same key and a
    /// greater (or lesser) id.
    fn after(&self, cursor: &Cursor, sort: Sort) -> Box<dyn Query> {
        let f = &self.fields;
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

impl search::IndexStatus for ChallengeIndex {
    fn name(&self) -> &'static str {
        "challenges"
    }

    fn documents(&self) -> u64 {
        ChallengeIndex::documents(self)
    }

    fn is_ready(&self) -> bool {
        ChallengeIndex::is_ready(self)
    }

    fn since_caught_up(&self) -> Option<Duration> {
        self.feed
            .try_lock()
            .ok()
            .and_then(|feed| feed.caught_up_at.map(|t| t.elapsed()))
    }
}

/// Runs `work` on the blocking pool (the index's reads and writes are synchronous).
async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<R> + Send + 'static,
) -> AppResult<R> {
    Ok(actix_web::rt::task::spawn_blocking(work)
        .await
        .map_err(anyhow::Error::from)??)
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> anyhow::Result<std::sync::MutexGuard<'_, T>> {
    mutex
        .lock()
        .map_err(|_| anyhow::anyhow!("the search index writer was poisoned by a panic"))
}

/// The changes after `after` (or all) among those stamped at or after `since`, oldest first.
async fn changed_since(
    conn: &mut AsyncPgConnection,
    since: &str,
    after: Option<&(String, Uuid)>,
) -> AppResult<Vec<Changed>> {
    const COLUMNS: &str = "SELECT id, title, description, status, category, field, issuer_org_id, \
         bounty_fen, bid_closes_at, published_at, changed_xid::text AS changed FROM challenges";
    let rows =
        match after {
            None => {
                diesel::sql_query(format!(
                    "{COLUMNS} WHERE changed_xid >= $1::xid8 ORDER BY changed_xid, id LIMIT $2"
                ))
                .bind::<Text, _>(since)
                .bind::<BigInt, _>(BATCH)
                .load(conn)
                .await?
            }
            Some((changed, id)) => diesel::sql_query(format!(
                "{COLUMNS} WHERE changed_xid >= $1::xid8 AND (changed_xid, id) > ($2::xid8, $3) \
                 ORDER BY changed_xid, id LIMIT $4"
            ))
            .bind::<Text, _>(since)
            .bind::<Text, _>(changed)
            .bind::<diesel::sql_types::Uuid, _>(id)
            .bind::<BigInt, _>(BATCH)
            .load(conn)
            .await?,
        };
    Ok(rows)
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
) -> anyhow::Result<Vec<Key>> {
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
    Ok(match sort {
        Sort::Relevance => searcher
            .search(
                query,
                &top.order_by((SortBySimilarityScore, by(Order::Desc))),
            )?
            .into_iter()
            .map(|((_, rest), _)| key(rest))
            .collect(),
        Sort::DeadlineAsc | Sort::BountyAsc | Sort::PublishedAsc => searcher
            .search(query, &top.order_by(by(Order::Asc)))?
            .into_iter()
            .map(|(rest, _)| key(rest))
            .collect(),
        Sort::DeadlineDesc | Sort::BountyDesc | Sort::PublishedDesc => searcher
            .search(query, &top.order_by(by(Order::Desc)))?
            .into_iter()
            .map(|(rest, _)| key(rest))
            .collect(),
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
