//! One registry's index, fed from its table's change feed (docs/search.md, "The change feed").
//!
//! The table has a `changed_xid xid8` column that a trigger sets to the writing transaction's
//! id on every insert and update, and notifies a channel. A catch-up pass reads, in one
//! repeatable-read snapshot, every row stamped at or after the previous pass's `xmin` (the
//! oldest transaction then still running) and replaces those documents; the snapshot's own
//! `xmin` becomes the next watermark, stored in the index's commit. A transaction that commits
//! late always has an id at or after the `xmin` of every pass it ran through, so no commit is
//! missed, whatever the order of commits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::pg::Pg;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use tantivy::schema::{Field, Schema};
use tantivy::{IndexReader, IndexWriter, TantivyDocument, Term};
use tokio::sync::Notify;
use uuid::Uuid;

use super::{Checkpoint, IndexStatus};
use crate::config::SearchSettings;
use crate::db::DbPool;
use crate::error::AppResult;

/// Rows read from the feed at a time.
const BATCH: i64 = 2_000;

/// A table indexed for search: what its documents are and how its changes are read.
pub trait Registry: Send + Sync + 'static {
    /// The index folder's name under `search.dir`, and the metrics' `index` label.
    const NAME: &'static str;
    /// The format of the folder; a folder of another one is rebuilt at start. Raise it with any
    /// change to the schema or to what a field holds.
    const FORMAT: u32;
    /// The notification channel of the table's trigger.
    const CHANNEL: &'static str;
    /// `SELECT …, <table>.changed_xid::text AS changed FROM …`, without `WHERE`: the feed adds
    /// its conditions on [`Registry::CHANGED`] and [`Registry::KEY`].
    const SELECT: &'static str;
    /// The change stamp, qualified (`experts.changed_xid`).
    const CHANGED: &'static str;
    /// The primary key (a uuid), qualified.
    const KEY: &'static str;

    type Fields: Copy + Send + Sync + 'static;
    type Row: diesel::QueryableByName<Pg> + Send + Sync + 'static;

    fn schema() -> (Schema, Self::Fields);
    /// The `STRING` field that holds the key as text (a changed row's old document is deleted by it).
    fn key_field(fields: &Self::Fields) -> Field;
    fn key(row: &Self::Row) -> Uuid;
    /// The row's `changed` column.
    fn changed(row: &Self::Row) -> &str;
    fn document(row: &Self::Row, fields: &Self::Fields) -> TantivyDocument;
}

#[derive(diesel::QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = Text)]
    xmin: String,
    #[diesel(sql_type = Text)]
    xmax: String,
}

/// Whether a watermark lies beyond the database's next transaction id: the folder was fed from
/// another database (a restore into a new cluster, a copied folder) and must be rebuilt.
fn from_elsewhere(watermark: &str, next: &str) -> bool {
    match (watermark.parse::<u64>(), next.parse::<u64>()) {
        (Ok(watermark), Ok(next)) => watermark > next,
        _ => true,
    }
}

/// Where the feed stands.
struct Position {
    /// Every change by a transaction older than this is in the index.
    watermark: String,
    caught_up_at: Option<Instant>,
}

/// The index of one registry in this instance.
pub struct Index<R: Registry> {
    pub reader: IndexReader,
    writer: Arc<std::sync::Mutex<IndexWriter>>,
    pub fields: R::Fields,
    position: tokio::sync::Mutex<Position>,
    /// Set once the index has caught up with the database since start: until then the
    /// registry's lists are answered by PostgreSQL.
    ready: AtomicBool,
    wake: Arc<Notify>,
    poll: Duration,
    _lock: std::fs::File,
}

/// Passes in a row that may fail before the index stops answering (lists go back to
/// PostgreSQL until a pass succeeds again).
const FAILURES_BEFORE_STALE: u32 = 5;

impl<R: Registry> Index<R> {
    /// Opens (or makes) this instance's index of `R` under `search.dir`.
    pub fn open(settings: &SearchSettings) -> anyhow::Result<Index<R>> {
        let (schema, fields) = R::schema();
        let opened = super::open(
            &super::folder(&settings.dir, R::NAME),
            schema,
            R::FORMAT,
            settings.writer_memory_mib,
        )?;
        super::text::warm_up();
        Ok(Index {
            reader: opened.reader,
            writer: Arc::new(std::sync::Mutex::new(opened.writer)),
            fields,
            position: tokio::sync::Mutex::new(Position {
                watermark: opened
                    .checkpoint
                    .map_or_else(|| "0".to_string(), |c| c.watermark),
                caught_up_at: None,
            }),
            ready: AtomicBool::new(false),
            wake: Arc::new(Notify::new()),
            poll: Duration::from_millis(settings.poll_interval_ms.max(10)),
            _lock: opened.lock,
        })
    }

    /// Whether the index has caught up with the database since start.
    pub fn is_ready(&self) -> bool {
        AtomicBool::load(&self.ready, Ordering::Acquire)
    }

    /// The number of documents in the index.
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Keeps the index fed until the task is aborted: at start it catches up (or builds itself
    /// from the whole table), then again whenever a commit notifies, and at least every poll
    /// interval.
    pub async fn feed(self: Arc<Self>, database_url: String, pool: DbPool) {
        let listener = tokio::spawn(super::listen(
            database_url,
            R::CHANNEL,
            self.wake.clone(),
            Duration::from_secs(1),
        ));
        let _stop_listener = super::AbortOnDrop(listener);
        let started = Instant::now();
        let mut failures = 0;
        loop {
            let was_ready = self.is_ready();
            let caught_up = self.catch_up(&pool).await;
            failures = if caught_up.is_ok() { 0 } else { failures + 1 };
            if failures == FAILURES_BEFORE_STALE {
                // Answers from a frozen index would go on looking current.
                self.ready.store(false, Ordering::Release);
                tracing::error!(
                    index = R::NAME,
                    "search: the index cannot catch up; lists are answered by PostgreSQL until it does"
                );
            }
            match caught_up {
                Ok(n) if !was_ready => tracing::info!(
                    index = R::NAME,
                    documents = self.documents(),
                    indexed = n,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "search index ready"
                ),
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(index = R::NAME, %error, "search: catching up failed; retrying")
                }
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Reads every change since the watermark and indexes it; answers how many rows it indexed.
    /// One pass at a time: a test's pass and the feed's queue up.
    pub async fn catch_up(&self, pool: &DbPool) -> AppResult<u64> {
        let mut position = self.position.lock().await;
        let mut conn = pool.get().await?;
        let mut since = position.watermark.clone();
        let fields = self.fields;
        let writer = self.writer.clone();
        let mut reset = false;
        let (xmin, count) = crate::db::transaction(&mut conn, async |conn| {
            let since = &mut since;
            // One snapshot for the whole pass: its xmin is the next watermark.
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)
                .await?;
            let snapshot: Snapshot = diesel::sql_query(
                "SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax \
                 FROM pg_current_snapshot() AS s",
            )
            .get_result(conn)
            .await?;
            if from_elsewhere(since, &snapshot.xmax) {
                tracing::warn!(
                    index = R::NAME,
                    "search: the index folder was fed from another database; rebuilding it"
                );
                let writer = writer.clone();
                blocking(move || Ok(lock(&writer)?.delete_all_documents()?)).await?;
                *since = "0".to_string();
                reset = true;
            }
            let mut after: Option<(String, Uuid)> = None;
            let mut count = 0u64;
            loop {
                let rows = changed_since::<R>(conn, since, after.as_ref()).await?;
                let Some(last) = rows.last() else { break };
                after = Some((R::changed(last).to_string(), R::key(last)));
                count += rows.len() as u64;
                let full = rows.len() as i64 == BATCH;
                let writer = writer.clone();
                blocking(move || {
                    let writer = lock(&writer)?;
                    let key = R::key_field(&fields);
                    for row in &rows {
                        writer.delete_term(Term::from_field_text(key, &R::key(row).to_string()));
                        writer.add_document(R::document(row, &fields))?;
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
        if count > 0 || reset {
            let checkpoint = Checkpoint {
                format: R::FORMAT,
                watermark: xmin.clone(),
            };
            let writer = self.writer.clone();
            let reader = self.reader.clone();
            blocking(move || {
                super::commit(&mut *lock(&writer)?, &checkpoint)?;
                reader.reload()?;
                Ok(())
            })
            .await?;
        }
        // A pass without changes moves the watermark in memory only: the folder's may lag until
        // the next commit, and a restart then reads a few rows again.
        position.watermark = xmin;
        position.caught_up_at = Some(Instant::now());
        self.ready.store(true, Ordering::Release);
        Ok(count)
    }
}

/// The most matches a name search resolves to ids; more is 422 (add words or filters).
pub const MAX_MATCHES: usize = 10_000;

impl<R: Registry> Index<R> {
    /// The keys of the documents where every word of `q` occurs in one of `fields` (gram
    /// fields), for a list to filter by: at most [`MAX_MATCHES`]. The registry's schema has the
    /// key in the fast fields `key_hi` and `key_lo`.
    pub async fn matching(
        self: &Arc<Self>,
        q: &super::query::TextQuery,
        fields: &[(Field, f32)],
    ) -> AppResult<Vec<Uuid>> {
        let query = super::query::all_words_in(fields, q);
        let index = self.clone();
        let ids = blocking(move || {
            Ok(super::query::ids(
                &index.reader.searcher(),
                &*query,
                ("key_hi", "key_lo"),
                MAX_MATCHES + 1,
            )?)
        })
        .await?;
        if ids.len() > MAX_MATCHES {
            return Err(crate::error::AppError::Validation(vec![
                crate::error::FieldError::new("q", crate::error::FieldCode::TooManyMatches)
                    .with_param("max", MAX_MATCHES),
            ]));
        }
        Ok(ids)
    }
}

/// What a list's `q` resolved to: the matching ids (from an index), or, while the index is not
/// ready, a `LIKE` pattern per word for the database to match.
pub enum Matches {
    Ids(Vec<Uuid>),
    Patterns(Vec<String>),
}

impl Matches {
    /// A list's `q` (none when absent or blank), resolved by `index` when it is ready, else as
    /// patterns; 422 when it is too long or has too many words.
    pub async fn of<R: Registry>(
        index: Option<&Arc<Index<R>>>,
        q: Option<&str>,
        fields: impl FnOnce(&R::Fields) -> Vec<(Field, f32)>,
    ) -> AppResult<Option<Matches>> {
        let Some(q) = q.map(super::query::TextQuery::parse).transpose()?.flatten() else {
            return Ok(None);
        };
        Ok(Some(match index.filter(|index| index.is_ready()) {
            Some(index) => Matches::Ids(index.matching(&q, &fields(&index.fields)).await?),
            None => Matches::Patterns(q.patterns.clone()),
        }))
    }
}

/// A registry's key in its documents: as text (to delete a changed row's old document by) and
/// as two u64 fast fields (`key_hi`, `key_lo`) that [`Index::matching`] reads.
#[derive(Clone, Copy)]
pub struct Keyed {
    pub key: Field,
    hi: Field,
    lo: Field,
}

impl Keyed {
    pub fn add_to(schema: &mut tantivy::schema::SchemaBuilder) -> Keyed {
        use tantivy::schema::{FAST, STRING};
        Keyed {
            key: schema.add_text_field("key", STRING),
            hi: schema.add_u64_field("key_hi", FAST),
            lo: schema.add_u64_field("key_lo", FAST),
        }
    }

    /// A new document holding `id`.
    pub fn document(&self, id: Uuid) -> TantivyDocument {
        let (hi, lo) = super::query::halves(id);
        let mut doc = TantivyDocument::default();
        doc.add_text(self.key, id.to_string());
        doc.add_u64(self.hi, hi);
        doc.add_u64(self.lo, lo);
        doc
    }
}

/// A text field of character grams with positions (`search::text::grams`), which phrases of a
/// query's words search.
pub fn add_grams(schema: &mut tantivy::schema::SchemaBuilder, name: &str) -> Field {
    use tantivy::schema::{IndexRecordOption, TextFieldIndexing, TextOptions};
    schema.add_text_field(
        name,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(super::text::GRAMS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    )
}

impl<R: Registry> IndexStatus for Index<R> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn documents(&self) -> u64 {
        Index::documents(self)
    }

    fn is_ready(&self) -> bool {
        Index::is_ready(self)
    }

    fn since_caught_up(&self) -> Option<Duration> {
        self.position
            .try_lock()
            .ok()
            .and_then(|position| position.caught_up_at.map(|t| t.elapsed()))
    }
}

/// Runs `work` on the blocking pool (an index's reads and writes are synchronous).
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> AppResult<T> {
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(anyhow::Error::from)??)
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> anyhow::Result<std::sync::MutexGuard<'_, T>> {
    mutex
        .lock()
        .map_err(|_| anyhow::anyhow!("a search index writer was poisoned by a panic"))
}

/// The rows stamped at or after `since`, after `after` (a position within this pass), oldest
/// first.
async fn changed_since<R: Registry>(
    conn: &mut AsyncPgConnection,
    since: &str,
    after: Option<&(String, Uuid)>,
) -> AppResult<Vec<R::Row>> {
    let (select, changed, key) = (R::SELECT, R::CHANGED, R::KEY);
    Ok(match after {
        None => {
            diesel::sql_query(format!(
                "{select} WHERE {changed} >= $1::xid8 ORDER BY {changed}, {key} LIMIT $2"
            ))
            .bind::<Text, _>(since)
            .bind::<BigInt, _>(BATCH)
            .load(conn)
            .await?
        }
        Some((last_changed, last_key)) => {
            diesel::sql_query(format!(
                "{select} WHERE {changed} >= $1::xid8 AND ({changed}, {key}) > ($2::xid8, $3) \
                 ORDER BY {changed}, {key} LIMIT $4"
            ))
            .bind::<Text, _>(since)
            .bind::<Text, _>(last_changed)
            .bind::<diesel::sql_types::Uuid, _>(last_key)
            .bind::<BigInt, _>(BATCH)
            .load(conn)
            .await?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::from_elsewhere;

    #[test]
    fn a_watermark_beyond_the_next_transaction_comes_from_another_database() {
        assert!(!from_elsewhere("0", "750"));
        assert!(!from_elsewhere("750", "750"));
        assert!(from_elsewhere("751", "750"));
        assert!(from_elsewhere("not a number", "750"));
    }
}
