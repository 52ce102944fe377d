//! An import from start to end, for `POST /credit/imports` and `jiebang import-credit`: the
//! parser runs on a blocking thread and hands good rows over in chunks; every chunk is upserted by
//! one statement; the summary, its audit entry and those of the changed records land in the same
//! transaction.

use chrono::SubsecRound;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::models::{CreditImport, Rejection};
use super::parser::{EncodingChoice, FileError, ImportRow, Parser, decode};
use super::queries::{self, Upserted};
use crate::audit::{Event, RequestMeta};
use crate::error::AppResult;
use crate::state::AppState;

/// Rows sent to PostgreSQL per statement.
const CHUNK_ROWS: usize = 5000;

/// What to import.
pub struct ImportInput {
    pub bytes: Vec<u8>,
    pub encoding: EncodingChoice,
    pub source: String,
    pub file_name: Option<String>,
    pub created_by: Option<Uuid>,
}

/// What the parsing thread tells the importing task.
enum Message {
    Failed(FileError),
    Started {
        encoding: &'static str,
    },
    Rows(Vec<ImportRow>),
    Done {
        read: u64,
        rejected: u64,
        report: Vec<Rejection>,
    },
}

/// Imports a file: decoding and parsing run on a blocking thread and hand rows over in chunks;
/// every chunk is upserted by one statement, all in one transaction with the import's summary
/// and its audit entry. A file refused as a whole (empty, binary, wrong encoding, no or incomplete
/// header) is a 400 and imports nothing. Answers the import as stored; its report is
/// `ImportReport::new(import, locale)`.
pub async fn run_import(
    state: &AppState,
    meta: &RequestMeta,
    input: ImportInput,
) -> AppResult<CreditImport> {
    if input.bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty.into());
    }
    let size_bytes = input.bytes.len() as i64;
    let sha256 = Sha256::digest(&input.bytes).to_vec();
    let keep = state.settings.credit.import_report_max_lines;
    let privacy = state.privacy.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Message>(2);
    let bytes = input.bytes;
    let encoding_choice = input.encoding;
    let parsing = tokio::task::spawn_blocking(move || {
        let (text, encoding) = match decode(&bytes, encoding_choice) {
            Ok(decoded) => decoded,
            Err(e) => return drop(tx.blocking_send(Message::Failed(e))),
        };
        let mut parser = match Parser::new(text.reader(), &privacy, keep) {
            Ok(parser) => parser,
            Err(e) => return drop(tx.blocking_send(Message::Failed(e))),
        };
        if tx.blocking_send(Message::Started { encoding }).is_err() {
            return;
        }
        loop {
            let rows = parser.next_chunk(CHUNK_ROWS);
            if rows.is_empty() {
                break;
            }
            if tx.blocking_send(Message::Rows(rows)).is_err() {
                return;
            }
        }
        let _ = tx.blocking_send(Message::Done {
            read: parser.read,
            rejected: parser.rejected,
            report: std::mem::take(&mut parser.report),
        });
    });
    let encoding = match rx.recv().await {
        Some(Message::Started { encoding }) => encoding,
        Some(Message::Failed(e)) => return Err(e.into()),
        _ => {
            parsing.await.map_err(anyhow::Error::from)?;
            return Err(anyhow::anyhow!("the credit file parser stopped early").into());
        }
    };
    let source = input.source.trim().to_string();
    let now = state.clock.now().trunc_subsecs(6);
    let import_id = Uuid::now_v7();
    let import = state
        .transaction(async move |conn| {
            queries::lock_source(conn, &source).await?;
            let (mut inserted, mut updated) = (0i64, 0i64);
            let (read, rejected, lines) = loop {
                match rx.recv().await {
                    Some(Message::Rows(rows)) => {
                        let changed = queries::upsert(conn, &source, now, &rows).await?;
                        let changes = Changes {
                            actor_id: input.created_by,
                            import_id,
                            source: &source,
                        };
                        changes.record(conn, state, meta, &changed).await?;
                        let new = changed.iter().filter(|r| r.inserted).count() as i64;
                        inserted += new;
                        updated += changed.len() as i64 - new;
                    }
                    Some(Message::Done {
                        read,
                        rejected,
                        report,
                    }) => break (read, rejected, report),
                    _ => {
                        return Err(anyhow::anyhow!("the credit file parser stopped early").into());
                    }
                }
            };
            let good = read as i64 - rejected as i64;
            let row = CreditImport {
                id: import_id,
                source: source.clone(),
                file_name: input.file_name.clone(),
                encoding: encoding.to_string(),
                size_bytes,
                sha256,
                read_rows: read as i32,
                inserted: inserted as i32,
                updated: updated as i32,
                unchanged: (good - inserted - updated) as i32,
                rejected: rejected as i32,
                rejected_truncated: rejected as usize > lines.len(),
                rejected_lines: serde_json::to_value(&lines).map_err(anyhow::Error::from)?,
                created_by: input.created_by,
                created_at: now,
            };
            queries::insert(conn, &row).await?;
            Event::new("credit.import", "credit_import", row.id)
                .by(input.created_by)
                .summary(json!({
                    "source": row.source,
                    "file_name": row.file_name,
                    "encoding": row.encoding,
                    "size_bytes": row.size_bytes,
                    "read": row.read_rows,
                    "inserted": row.inserted,
                    "updated": row.updated,
                    "unchanged": row.unchanged,
                    "rejected": row.rejected,
                }))
                .record(conn, state, meta)
                .await?;
            Ok(row)
        })
        .await?;
    parsing.await.map_err(anyhow::Error::from)?;
    tracing::info!(
        import_id = %import.id,
        read = import.read_rows,
        inserted = import.inserted,
        updated = import.updated,
        unchanged = import.unchanged,
        rejected = import.rejected,
        "credit file imported"
    );
    Ok(import)
}

/// Who imports, for the audit entries of changed records.
struct Changes<'a> {
    actor_id: Option<Uuid>,
    import_id: Uuid,
    source: &'a str,
}

impl Changes<'_> {
    /// An audit entry for each record a chunk updated, with the record before and after (new
    /// records are in the import's entry).
    async fn record(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
        state: &AppState,
        meta: &RequestMeta,
        changed: &[Upserted],
    ) -> AppResult<()> {
        for updated in changed.iter().filter(|r| !r.inserted) {
            Event::new("credit.record_update", "credit_record", updated.id)
                .by(self.actor_id)
                .summary(json!({
                    "import_id": self.import_id,
                    "source": self.source,
                    "source_record_id": updated.source_record_id,
                    "before": updated.before,
                    "after": updated.after,
                }))
                .record(conn, state, meta)
                .await?;
        }
        Ok(())
    }
}
