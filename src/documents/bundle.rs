//! A review panel's bundle (SPEC §13): `GET /assignments/{id}/documents.zip` gives the expert of
//! an accepted (or submitted) review seat one ZIP of the current documents of every eligible bid
//! of the panel's challenge, a folder per anonymous code (`方案A/…`), each file under the name
//! the expert would get by downloading it alone: in a blind review the blind copy under its blind
//! name (a document whose blind copy is not made yet is left out, and the bundle's note says so),
//! otherwise the original under its original name (`name (2).pdf` for a second file of the same
//! name in a folder). A note at the root (`说明.txt` / `README.txt`) lists what is included, with
//! each file's size and SHA-256.
//!
//! **Streamed, in bounded memory.** The ZIP is written by the `zip` crate in its streaming mode
//! (`ZipWriter::new_stream`: no seeking, sizes and CRCs in data descriptors), every file
//! `Stored` (PDFs and Office files are compressed already), on a blocking thread; what it writes
//! is cut into [`PIECE`]-sized `Bytes` and handed through a bounded channel ([`DEPTH`] pieces)
//! to the response body, so a slow client holds the writer back instead of filling memory. Each
//! file is read from the store chunk by chunk (`Storage::read`), the blocking thread driving the
//! store's stream with `Handle::block_on`: nothing is spooled to disk (no second write, no spool
//! space for a bundle of hundreds of MiB, the first bytes go out at once), and at most one store
//! chunk, one piece being filled and the channel's pieces are in memory per bundle. Each file is
//! re-hashed while it streams: a stored object that no longer matches its SHA-256 or size (see
//! `jiebang documents verify`) breaks the download instead of handing the expert a wrong file.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use futures_util::StreamExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use uuid::Uuid;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::models::Document;
use super::queries;
use super::service::storage;
use super::storage::{Storage, hex};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AuthUser, Role};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::AppResult;
use crate::i18n::{Args, Locale, text};
use crate::reviews::seats::{self, Panel};
use crate::state::AppState;

/// The size of the pieces handed to the response.
const PIECE: usize = 64 * 1024;

/// How many pieces may wait in the channel for a slow client.
const DEPTH: usize = 8;

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the ZIP: `方案A/方案A-附件1.pdf`.
    pub path: String,
    /// The stored object.
    pub sha256: String,
    pub size: u64,
    pub uploaded_at: DateTime<Utc>,
}

/// What goes into a bundle.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub entries: Vec<Entry>,
    /// Per folder, how many documents are left out because their blind copy is not made yet.
    pub pending: BTreeMap<String, usize>,
}

/// The bundle of `rows` (the eligible bids' current documents with their bids' codes, as
/// [`queries::of_eligible_bids`] answers them): blind copies in a blind review, originals
/// otherwise; `folder` names a bid's folder from its code.
pub fn plan(
    rows: Vec<(Document, Option<String>)>,
    blind: bool,
    folder: impl Fn(&str) -> String,
) -> Plan {
    let mut plan = Plan::default();
    let mut taken: HashSet<String> = HashSet::new();
    for (doc, code) in rows {
        let folder = safe_segment(&folder(
            &code.unwrap_or_else(|| doc.bid_id.unwrap_or(doc.id).to_string()),
        ));
        let (name, sha256, size) = if blind {
            match (doc.blind_file_name, doc.blind_sha256, doc.blind_size_bytes) {
                (Some(name), Some(sha256), Some(size)) if doc.blind_made_at.is_some() => {
                    (name, sha256, size)
                }
                _ => {
                    *plan.pending.entry(folder).or_default() += 1;
                    continue;
                }
            }
        } else {
            (doc.file_name, doc.sha256, doc.size_bytes)
        };
        let name = unique_name(&mut taken, &folder, &safe_segment(&name));
        plan.entries.push(Entry {
            path: format!("{folder}/{name}"),
            sha256,
            size: size.max(0) as u64,
            uploaded_at: doc.uploaded_at,
        });
    }
    plan
}

/// `name`, or `name (2).ext`, `name (3).ext`… when a file of that name (in any letter case, as
/// Windows and macOS compare them) is in `folder` already.
pub fn unique_name(taken: &mut HashSet<String>, folder: &str, name: &str) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    let mut candidate = name.to_string();
    let mut n = 1;
    while !taken.insert(format!("{folder}/{}", candidate.to_lowercase())) {
        n += 1;
        candidate = format!("{stem} ({n}){ext}");
    }
    candidate
}

/// One path segment that extracts safely everywhere: no separators, no control characters, none
/// of the characters Windows refuses in a name, not `.` or `..`, at most 200 characters.
pub fn safe_segment(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_end_matches('.');
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The note at the root of the bundle: what it holds, and what it leaves out.
fn readme(locale: Locale, title: &str, plan: &Plan, now: DateTime<Utc>) -> String {
    let at = now.with_timezone(&beijing()).format("%Y-%m-%d %H:%M");
    let mut lines = vec![text(
        locale,
        "bundle-readme_head",
        &Args::new()
            .with("title", title)
            .with("at", at)
            .with("files", plan.entries.len()),
    )];
    for e in &plan.entries {
        lines.push(text(
            locale,
            "bundle-readme_file",
            &Args::new()
                .with("path", &e.path)
                .with("size", e.size)
                .with("sha256", &e.sha256),
        ));
    }
    if !plan.pending.is_empty() {
        lines.push(String::new());
        lines.push(text(locale, "bundle-readme_pending_head", &Args::new()));
        for (folder, count) in &plan.pending {
            lines.push(text(
                locale,
                "bundle-readme_pending",
                &Args::new().with("folder", folder).with("count", count),
            ));
        }
    }
    // A byte-order mark and CRLF: Windows' Notepad shows Chinese text right.
    let mut out = String::from("\u{feff}");
    for line in lines {
        for part in line.lines() {
            out.push_str(part);
            out.push_str("\r\n");
        }
        if line.is_empty() {
            out.push_str("\r\n");
        }
    }
    out
}

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Offset::fix(&Utc))
}

/// The ZIP's time of a file: its upload in Beijing time (ZIP times have no zone).
fn zip_time(at: DateTime<Utc>) -> zip::DateTime {
    let local = at.with_timezone(&beijing());
    zip::DateTime::from_date_and_time(
        local.year().clamp(1980, 2107) as u16,
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        local.second() as u8,
    )
    .unwrap_or_default()
}

/// `GET /assignments/{id}/documents.zip`: the expert's own review seat, accepted or submitted
/// (404 for anyone else's, 409 while invited or once declined); recorded in the audit log
/// (`document.bundle`) before the first byte is sent.
pub async fn respond(
    state: &AppState,
    user: &AuthUser,
    meta: &RequestMeta,
    id: Uuid,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Expert])?;
    let now = state.clock.now();
    let (assignment, challenge, rows) = {
        let mut conn = state.conn().await?;
        let a = seats::queries::find_own(&mut conn, Panel::Review, user.id, id).await?;
        seats::rules::may_read(&a)?;
        let challenge =
            challenge_queries::find_visible(&mut conn, Viewer::Admin, a.challenge_id).await?;
        let rows = queries::of_eligible_bids(&mut conn, challenge.id).await?;
        (a, challenge, rows)
    };
    let locale = user.locale;
    let blind = challenge.blind_review;
    let plan = plan(rows, blind, |code| {
        text(locale, "bundle-folder", &Args::new().with("code", code))
    });
    let note = readme(locale, &challenge.title, &plan, now);
    let note_name = text(locale, "bundle-readme_name", &Args::new());
    let file_name = text(
        locale,
        "bundle-file_name",
        &Args::new().with("title", safe_segment(&challenge.title)),
    );
    let files = plan.entries.len();
    let pending: usize = plan.pending.values().sum();
    let bytes: u64 = plan.entries.iter().map(|e| e.size).sum();
    state
        .transaction(async |conn| {
            Event::new("document.bundle", "assignment", assignment.id)
                .by(user.id)
                .summary(json!({
                    "challenge_id": challenge.id,
                    "copy": if blind { "blind" } else { "original" },
                    "files": files,
                    "pending_blind_copies": pending,
                    "bytes": bytes,
                }))
                .record(conn, state, meta)
                .await
        })
        .await?;

    let storage = storage(state)?.clone();
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(DEPTH);
    let handle = Handle::current();
    let first = (note_name, note, now);
    tokio::task::spawn_blocking(move || {
        let failed = tx.clone();
        match write_zip(&handle, &storage, first, &plan.entries, tx) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                tracing::info!(assignment = %id, "the bundle's client went away");
            }
            Err(e) => {
                tracing::error!(error = %e, assignment = %id, "the bundle broke off");
                let _ = failed.blocking_send(Err(e));
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::download::disposition(&file_name, false),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .streaming(body))
}

/// Writes the note and every entry as one ZIP into `tx`, on a blocking thread.
fn write_zip(
    handle: &Handle,
    storage: &Arc<Storage>,
    (note_name, note, now): (String, String, DateTime<Utc>),
    entries: &[Entry],
    tx: mpsc::Sender<io::Result<Bytes>>,
) -> io::Result<()> {
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new_stream(Pieces::new(tx));
    zip.start_file(note_name, stored.last_modified_time(zip_time(now)))
        .map_err(io::Error::other)?;
    zip.write_all(note.as_bytes())?;
    for entry in entries {
        let options = stored
            .last_modified_time(zip_time(entry.uploaded_at))
            .large_file(entry.size >= u64::from(u32::MAX));
        zip.start_file(entry.path.as_str(), options)
            .map_err(io::Error::other)?;
        let mut stream = handle
            .block_on(storage.read(&entry.sha256, None))
            .map_err(|e| io::Error::other(format!("{}: {e}", entry.sha256)))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = handle.block_on(stream.next()) {
            let chunk = chunk?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
            zip.write_all(&chunk)?;
        }
        let sha256 = hex(&hasher.finalize());
        if sha256 != entry.sha256 || size != entry.size {
            return Err(io::Error::other(format!(
                "stored object {} changed: now {sha256} ({size} bytes); run `jiebang documents verify`",
                entry.sha256
            )));
        }
    }
    let mut pieces = zip.finish().map_err(io::Error::other)?.into_inner();
    pieces.flush()
}

/// A writer that cuts what it is given into pieces of [`PIECE`] bytes for the channel, waiting
/// while the channel is full (the client is slow); an error once the response is gone.
struct Pieces {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: BytesMut,
}

impl Pieces {
    fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> Pieces {
        Pieces {
            tx,
            buf: BytesMut::with_capacity(PIECE),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = self.buf.split().freeze();
        self.buf.reserve(PIECE);
        self.tx
            .blocking_send(Ok(piece))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for Pieces {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = PIECE - self.buf.len().min(PIECE);
        let n = data.len().min(room.max(1));
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, blind: Option<&str>) -> Document {
        let now = Utc::now();
        Document {
            id: Uuid::now_v7(),
            series_id: Uuid::now_v7(),
            version: 1,
            attached_to: super::super::models::AttachedTo::Bid,
            challenge_id: Uuid::now_v7(),
            bid_id: Some(Uuid::now_v7()),
            milestone_id: None,
            file_name: name.to_string(),
            kind: "pdf".to_string(),
            content_type: "application/pdf".to_string(),
            size_bytes: 10,
            sha256: format!("orig-{name}"),
            blind_sha256: blind.map(|b| format!("blind-{b}")),
            blind_size_bytes: blind.map(|_| 9),
            blind_file_name: blind.map(str::to_string),
            blind_removed: None,
            blind_made_at: blind.map(|_| now),
            uploaded_by: Uuid::now_v7(),
            uploaded_at: now,
            replaced_at: None,
            removed_by: None,
            removed_at: None,
        }
    }

    fn folder(code: &str) -> String {
        format!("方案{code}")
    }

    #[test]
    fn same_names_in_a_folder_get_numbers_and_other_folders_do_not() {
        let rows = vec![
            (doc("申报书.pdf", None), Some("A".to_string())),
            (doc("申报书.PDF", None), Some("A".to_string())),
            (doc("申报书.pdf", None), Some("A".to_string())),
            (doc("申报书.pdf", None), Some("B".to_string())),
            (doc("README", None), Some("B".to_string())),
            (doc("README", None), Some("B".to_string())),
        ];
        let paths: Vec<String> = plan(rows, false, folder)
            .entries
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            paths,
            [
                "方案A/申报书.pdf",
                "方案A/申报书 (2).PDF",
                "方案A/申报书 (3).pdf",
                "方案B/申报书.pdf",
                "方案B/README",
                "方案B/README (2)",
            ]
        );
    }

    #[test]
    fn a_blind_bundle_has_the_blind_copies_and_counts_those_not_made_yet() {
        let rows = vec![
            (
                doc("甲大学.pdf", Some("方案A-附件1.pdf")),
                Some("A".to_string()),
            ),
            (doc("甲大学-附件.pdf", None), Some("A".to_string())),
            (
                doc("乙大学.pdf", Some("方案B-附件1.pdf")),
                Some("B".to_string()),
            ),
        ];
        let plan = plan(rows, true, folder);
        let got: Vec<(&str, &str, u64)> = plan
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.sha256.as_str(), e.size))
            .collect();
        assert_eq!(
            got,
            [
                ("方案A/方案A-附件1.pdf", "blind-方案A-附件1.pdf", 9),
                ("方案B/方案B-附件1.pdf", "blind-方案B-附件1.pdf", 9),
            ]
        );
        assert_eq!(
            plan.pending.into_iter().collect::<Vec<_>>(),
            [("方案A".to_string(), 1)]
        );
    }

    #[test]
    fn names_are_made_safe_to_extract() {
        assert_eq!(safe_segment("a/b\\c:d*?\"<>|e"), "a_b_c_d______e");
        assert_eq!(safe_segment(".."), "_");
        assert_eq!(safe_segment(" 报告. "), "报告");
        assert_eq!(safe_segment("x\ny"), "x_y");
        assert_eq!(safe_segment(&"长".repeat(300)).chars().count(), 200);
    }

    #[test]
    fn the_note_lists_the_files_and_what_is_pending() {
        let plan = Plan {
            entries: vec![Entry {
                path: "方案A/方案A-附件1.pdf".into(),
                sha256: "ab".repeat(32),
                size: 1234,
                uploaded_at: Utc::now(),
            }],
            pending: BTreeMap::from([("方案B".to_string(), 2)]),
        };
        let note = readme(Locale::ZhCn, "碳纤维", &plan, Utc::now());
        assert!(note.starts_with('\u{feff}'));
        assert!(note.contains("碳纤维"), "{note}");
        assert!(note.contains("方案A/方案A-附件1.pdf"), "{note}");
        assert!(note.contains(&"ab".repeat(32)), "{note}");
        assert!(note.contains("方案B"), "{note}");
        assert!(note.contains("\r\n"));
        let en = readme(Locale::En, "CF", &plan, Utc::now());
        assert!(en.contains("1234"), "{en}");
    }

    #[test]
    fn pieces_are_cut_to_size_and_flushed_at_the_end() {
        let (tx, mut rx) = mpsc::channel(16);
        let handle = std::thread::spawn(move || {
            let mut w = Pieces::new(tx);
            w.write_all(&vec![7u8; PIECE * 2 + 10]).unwrap();
            w.flush().unwrap();
        });
        handle.join().unwrap();
        let mut sizes = Vec::new();
        while let Ok(Ok(piece)) = rx.try_recv() {
            sizes.push(piece.len());
        }
        assert_eq!(sizes, [PIECE, PIECE, 10]);
    }
}
