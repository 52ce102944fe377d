//! The text-index engine shared by the registries people search (docs/search.md): tokenizers
//! for Chinese, an index folder that knows its format and how far it has read the database's
//! change feed, and the listener that wakes an index when a commit on any instance changed its
//! table. What a registry indexes and how it queries it lives with the registry
//! (`challenges::search`).

pub mod feed;
pub mod query;
pub mod text;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};
use tokio::sync::Notify;

/// What an index folder's last commit says about itself (tantivy's commit payload).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The registry's own format number: a folder of another format is rebuilt.
    pub format: u32,
    /// The change-feed position read up to (a PostgreSQL transaction id, as text): every change
    /// made by a transaction older than it is in the index.
    pub watermark: String,
}

/// An index opened in its folder, with its writer (one per folder: a second instance pointed at
/// the same folder is refused) and a reader reloaded after each commit.
pub struct OpenIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub writer: IndexWriter,
    /// Where the folder's last commit left the feed; `None` for a new (or rebuilt) folder.
    pub checkpoint: Option<Checkpoint>,
    /// Held while the index is open: another process is refused the folder before it can read,
    /// let alone wipe, it.
    pub lock: std::fs::File,
}

/// Opens the index in `dir`, or makes a new one there when the folder is empty, holds another
/// format or schema, or cannot be read (it is rebuilt from the database).
pub fn open(
    dir: &Path,
    schema: Schema,
    format: u32,
    writer_memory_mib: usize,
) -> anyhow::Result<OpenIndex> {
    std::fs::create_dir_all(dir).map_err(|e| in_dir(dir, e))?;
    let lock = lock_folder(dir)?;
    let existing = Index::open_in_dir(dir).ok().and_then(|index| {
        let checkpoint = index
            .load_metas()
            .ok()?
            .payload
            .and_then(|payload| serde_json::from_str::<Checkpoint>(&payload).ok())?;
        (checkpoint.format == format && index.schema() == schema).then_some((index, checkpoint))
    });
    let (index, checkpoint) = match existing {
        Some((index, checkpoint)) => (index, Some(checkpoint)),
        None => {
            if std::fs::read_dir(dir)
                .map_err(|e| in_dir(dir, e))?
                .next()
                .is_some()
            {
                tracing::info!(dir = %dir.display(), "the search index is of another format: rebuilding it");
                std::fs::remove_dir_all(dir).map_err(|e| in_dir(dir, e))?;
                std::fs::create_dir_all(dir).map_err(|e| in_dir(dir, e))?;
            }
            let directory = MmapDirectory::open(dir).map_err(|e| in_dir(dir, e))?;
            (Index::create(directory, schema, Default::default())?, None)
        }
    };
    index
        .tokenizers()
        .register(text::GRAMS, TextAnalyzer::from(text::Grams));
    index
        .tokenizers()
        .register(text::WORDS, TextAnalyzer::from(text::Words));
    let writer = index
        .writer_with_num_threads(1, writer_memory_mib.max(15) * 1024 * 1024)
        .map_err(|e| match e {
            TantivyError::LockFailure(..) => anyhow::anyhow!(
                "the search index folder {} is in use by another process: give each instance \
                 its own search.dir",
                dir.display()
            ),
            other => other.into(),
        })?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(OpenIndex {
        index,
        reader,
        writer,
        checkpoint,
        lock,
    })
}

/// An exclusive lock on `<dir>.lock`, beside the folder (a rebuild empties the folder itself).
fn lock_folder(dir: &Path) -> anyhow::Result<std::fs::File> {
    let path = dir.with_extension("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| in_dir(dir, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(anyhow::anyhow!(
            "the search index folder {} is in use by another process: give each instance its \
             own search.dir",
            dir.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(in_dir(dir, e)),
    }
}

fn in_dir(dir: &Path, e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("search index folder {}: {e}", dir.display())
}

/// Commits what `writer` holds with `checkpoint` as the commit's payload.
pub fn commit(writer: &mut IndexWriter, checkpoint: &Checkpoint) -> anyhow::Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(checkpoint)?);
    prepared.commit()?;
    Ok(())
}

/// Listens on a PostgreSQL notification channel on a connection of its own and wakes `wake` on
/// each notification, reconnecting (after `retry`) whenever the connection is lost. Runs until
/// its task is aborted. Notifications only hurry the feed: a missed one costs a poll interval.
pub async fn listen(
    database_url: String,
    channel: &'static str,
    wake: Arc<Notify>,
    retry: Duration,
) {
    use futures_util::StreamExt;
    loop {
        match tokio_postgres::connect(&database_url, tokio_postgres::NoTls).await {
            Ok((client, mut connection)) => {
                let mut messages =
                    futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                let listening = async {
                    client.batch_execute(&format!("LISTEN {channel}")).await?;
                    // Whatever changed while nobody listened.
                    wake.notify_one();
                    std::future::pending::<Result<(), tokio_postgres::Error>>().await
                };
                let receiving = async {
                    while let Some(message) = messages.next().await {
                        match message {
                            Ok(tokio_postgres::AsyncMessage::Notification(_)) => wake.notify_one(),
                            Ok(_) => {}
                            Err(e) => return Some(e),
                        }
                    }
                    None
                };
                tokio::select! {
                    result = listening => if let Err(error) = result {
                        tracing::warn!(%error, channel, "search: LISTEN failed");
                    },
                    ended = receiving => match ended {
                        Some(error) => tracing::warn!(%error, channel, "search: the notification connection failed"),
                        None => tracing::warn!(channel, "search: the notification connection closed"),
                    },
                }
            }
            Err(error) => tracing::warn!(%error, channel, "search: cannot connect to listen"),
        }
        tokio::time::sleep(retry).await;
    }
}

/// What `/metrics` tells of an index.
pub trait IndexStatus: Send + Sync {
    /// The registry it indexes (the metrics' `index` label).
    fn name(&self) -> &'static str;
    /// Documents in it.
    fn documents(&self) -> u64;
    /// Whether it has caught up with the database since start (until then PostgreSQL answers).
    fn is_ready(&self) -> bool;
    /// Time since it last caught up with the change feed.
    fn since_caught_up(&self) -> Option<Duration>;
}

/// Every index of this instance, for `/metrics`.
pub struct Indexes(pub Vec<Arc<dyn IndexStatus>>);

/// Aborts a task when dropped: a feed's listener ends with its feed, a feed with its server.
pub struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The folder of one registry's index under `search.dir`.
pub fn folder(root: &Path, registry: &str) -> PathBuf {
    root.join(registry)
}
