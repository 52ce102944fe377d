//! Blind copies (SPEC §13): at the opening of a blind review, each current bid document gets a
//! copy of its own — its own write-once object and hash — with the identifying metadata stripped
//! ([`super::blind`]) and a file name made of the bid's code, so that neither the name nor the
//! PDF's author or title fields tell the experts whose bid it is. The original is kept unchanged
//! for its team, the issuer and the office; the team sees the copy's name and hash on its
//! document (`blind_copy`).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use super::inspect::Kind;
use super::models::{BlindCopy, Document};
use super::queries;
use super::service::storage;
use super::storage::hex;
use crate::audit::{Event, RequestMeta};
use crate::bids::stages::SealedDocuments;
use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::i18n::{Args, Locale};
use crate::jobs::BackgroundJob;
use crate::schema::{bids, challenges};
use crate::state::AppState;

/// The documents' part in the opening: a blind review queues [`MakeBlindCopies`].
pub struct Documents;

impl SealedDocuments for Documents {
    fn opened<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        _state: &'a AppState,
        challenge: &'a Challenge,
    ) -> BoxFuture<'a, AppResult<()>> {
        async move {
            if challenge.blind_review {
                MakeBlindCopies {
                    challenge_id: challenge.id,
                }
                .enqueue(conn)
                .await?;
            }
            Ok(())
        }
        .boxed()
    }
}

/// Makes the blind copies of a challenge's bid documents that have none yet.
#[derive(Debug, Serialize, Deserialize)]
pub struct MakeBlindCopies {
    pub challenge_id: Uuid,
}

impl BackgroundJob for MakeBlindCopies {
    const KIND: &'static str = "make_blind_copies";

    fn dedupe_key(&self) -> Option<String> {
        Some(self.challenge_id.to_string())
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        make_blind_copies(state, self.challenge_id).await
    }
}

/// Makes the blind copies of the challenge's current bid documents that have none, and tells
/// their uploaders.
pub async fn make_blind_copies(state: &AppState, challenge_id: Uuid) -> anyhow::Result<()> {
    let storage = storage(state)?.clone();
    let (pending, names) = {
        let mut conn = state.conn().await?;
        let blind: bool = challenges::table
            .find(challenge_id)
            .select(challenges::blind_review)
            .first(&mut conn)
            .await?;
        if !blind {
            return Ok(());
        }
        let pending = queries::needing_blind_copy(&mut conn, challenge_id).await?;
        let names = blind_names(&mut conn, challenge_id).await?;
        (pending, names)
    };
    let mut made: Vec<(Document, String)> = Vec::new();
    for doc in pending {
        let Some(kind) = Kind::parse(&doc.kind) else {
            tracing::error!(document = %doc.id, kind = %doc.kind, "no blind copy: unknown kind");
            continue;
        };
        let Some(name) = names.get(&doc.id) else {
            continue; // Its bid got no code: not opened.
        };
        let file_name = format!("{name}.{}", kind.extension());
        let work = tempfile::tempdir_in(storage.spool_dir())?;
        let original = work.path().join("original");
        let copy = work.path().join("blind");
        storage
            .download_to(&doc.sha256, &original)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let (src, dst) = (original.clone(), copy.clone());
        let removed = match tokio::task::spawn_blocking(move || {
            super::blind::blind_copy(&src, kind, &dst)
        })
        .await?
        {
            Ok(removed) => removed,
            // A file the blinding cannot read stays without a copy (its experts get 503
            // `blind_copy_pending`; the office sees the error); the others go on. Any other
            // failure (the disk, the store) fails the job, to be retried.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                tracing::error!(document = %doc.id, error = %e, "no blind copy: the file cannot be blinded");
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let (sha256, size) = hash_file(&copy).await?;
        storage
            .put_file(&sha256, &copy)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let copy_made = BlindCopy {
            blind_sha256: sha256,
            blind_size_bytes: size as i64,
            blind_file_name: file_name,
            blind_removed: json!(removed),
            blind_made_at: state.clock.now(),
        };
        record(state, &doc, &copy_made).await?;
        made.push((doc, copy_made.blind_file_name));
    }
    tell_uploaders(state, challenge_id, made).await
}

/// Each uploader is told which blind copies were made of their documents.
async fn tell_uploaders(
    state: &AppState,
    challenge_id: Uuid,
    made: Vec<(Document, String)>,
) -> anyhow::Result<()> {
    use super::notices::{BlindCopiesMade, CopiedFile};
    use crate::notifications::{Recipient, notify};
    if made.is_empty() {
        return Ok(());
    }
    let mut by_uploader: HashMap<(Uuid, Option<Uuid>), Vec<CopiedFile>> = HashMap::new();
    for (doc, blind_file_name) in made {
        by_uploader
            .entry((doc.uploaded_by, doc.bid_id))
            .or_default()
            .push(CopiedFile {
                file_name: doc.file_name,
                blind_file_name,
            });
    }
    let public_url = state.settings.public_url();
    state
        .transaction(async |conn| {
            let title: String = challenges::table
                .find(challenge_id)
                .select(challenges::title)
                .first(conn)
                .await?;
            for ((uploader, bid_id), files) in &by_uploader {
                let Some(person) =
                    crate::accounts::queries::active_account(conn, *uploader).await?
                else {
                    continue;
                };
                let notice = BlindCopiesMade {
                    display_name: person.display_name.clone(),
                    title: title.clone(),
                    files: files.clone(),
                    url: format!(
                        "{public_url}/api/v1/bids/{}/documents",
                        bid_id.unwrap_or_default()
                    ),
                };
                notify(conn, state, &Recipient::from(&person), &notice).await?;
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn record(state: &AppState, doc: &Document, made: &BlindCopy) -> anyhow::Result<()> {
    state
        .transaction(async |conn| {
            queries::set_blind_copy(conn, doc.id, made).await?;
            Event::new("document.blind_copy", "document", doc.id)
                .summary(json!({
                    "bid_id": doc.bid_id,
                    "sha256": doc.sha256,
                    "blind_sha256": made.blind_sha256,
                    "blind_file_name": made.blind_file_name,
                    "removed": made.blind_removed,
                }))
                .record(conn, state, &RequestMeta::default())
                .await
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The blind file name of each current bid document of the challenge: the bid's code and the
/// document's number among its bid's documents, in the order uploaded ("方案A-附件1").
async fn blind_names(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> anyhow::Result<HashMap<Uuid, String>> {
    use crate::schema::documents;
    let rows: Vec<(Uuid, Option<String>)> = documents::table
        .inner_join(bids::table)
        .filter(documents::challenge_id.eq(challenge_id))
        .filter(documents::replaced_at.is_null())
        .filter(documents::removed_at.is_null())
        .order((bids::anonymous_code.asc(), documents::series_id.asc()))
        .select((documents::id, bids::anonymous_code))
        .load(conn)
        .await?;
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut names = HashMap::new();
    for (id, code) in rows {
        let Some(code) = code else { continue };
        let n = numbers.entry(code.clone()).or_default();
        *n += 1;
        let mut args = Args::new();
        args.set("code", &code);
        args.set("n", *n);
        names.insert(
            id,
            crate::i18n::text(Locale::ZhCn, "record-blind_file_name", &args),
        );
    }
    Ok(names)
}

async fn hash_file(path: &std::path::Path) -> anyhow::Result<(String, u64)> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}
