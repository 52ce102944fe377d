//! Where the bytes live: an `object_store` (a local folder by default, any S3-compatible store in
//! production), each file under its SHA-256 (`sha256/ab/cd/abcd…`), written once and never
//! changed. The same content uploaded twice is stored once.
//!
//! An upload arrives in a spool file (hashed while it streams in, then inspected). Into a local
//! store it is then hard-linked (no second write of its bytes; a copy by the kernel when the
//! spool folder is on another file system), into S3 streamed as a multipart upload of 5 MiB
//! parts (S3's least), at most [`PARTS_IN_FLIGHT`] at a time. A local store's files are read
//! back in chunks of [`READ_CHUNK`].

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use secrecy::ExposeSecret;
use tokio::io::AsyncReadExt;

use crate::config::{DocumentSettings, DocumentStore};
use crate::error::{AppError, AppResult};

/// Chunks read from a spooled file into the store.
const CHUNK: usize = 256 * 1024;

/// Chunks read from a local store's file for a download (object_store's own stream reads 8 KiB
/// at a time, each on a blocking thread).
const READ_CHUNK: usize = 256 * 1024;

/// Size of the parts of a multipart upload (S3's least but for the last part).
const PART: usize = 5 * 1024 * 1024;

/// Parts of one multipart upload sent at once: with the part being filled, at most
/// `(1 + PARTS_IN_FLIGHT) × PART` (15 MiB) in memory per upload.
const PARTS_IN_FLIGHT: usize = 2;

/// A stream of a stored file's bytes.
pub type ByteStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The same store when it is a local folder: files are put by a hard link.
    local: Option<Arc<LocalFileSystem>>,
    spool_dir: PathBuf,
    describe: String,
}

impl Storage {
    pub fn from_settings(settings: &DocumentSettings) -> anyhow::Result<Storage> {
        let spool_dir = settings
            .spool_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&spool_dir)
            .map_err(|e| anyhow::anyhow!("documents.spool_dir {}: {e}", spool_dir.display()))?;
        let mut local = None;
        let (store, describe): (Arc<dyn ObjectStore>, String) = match settings.store {
            DocumentStore::Local => {
                std::fs::create_dir_all(&settings.dir).map_err(|e| {
                    anyhow::anyhow!("documents.dir {}: {e}", settings.dir.display())
                })?;
                let store = Arc::new(LocalFileSystem::new_with_prefix(&settings.dir)?);
                local = Some(store.clone());
                (store, format!("folder {}", settings.dir.display()))
            }
            DocumentStore::S3 => {
                let s3 = settings.s3.as_ref().ok_or_else(|| {
                    anyhow::anyhow!("documents.store = \"s3\" needs a [documents.s3] section")
                })?;
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(s3.secret_access_key.expose_secret())
                    .with_allow_http(s3.allow_http);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                (
                    Arc::new(builder.build()?),
                    format!("s3 bucket {}", s3.bucket),
                )
            }
        };
        Ok(Storage {
            store,
            local,
            spool_dir,
            describe,
        })
    }

    /// Where uploads are received before they are stored.
    pub fn spool_dir(&self) -> &Path {
        &self.spool_dir
    }

    /// What the store is, for the log at start.
    pub fn describe(&self) -> &str {
        &self.describe
    }

    fn key(sha256: &str) -> Key {
        let a = sha256.get(0..2).unwrap_or("00");
        let b = sha256.get(2..4).unwrap_or("00");
        Key::from(format!("sha256/{a}/{b}/{sha256}"))
    }

    /// Stores the file at `path` under `sha256` (its hash, computed by the caller while it was
    /// received), unless that content is stored already.
    pub async fn put_file(&self, sha256: &str, path: &Path) -> AppResult<()> {
        let key = Self::key(sha256);
        if self.size(sha256).await?.is_some() {
            return Ok(());
        }
        if let Some(local) = &self.local {
            let dst = local.path_to_filesystem(&key).map_err(unavailable)?;
            let src = path.to_path_buf();
            return tokio::task::spawn_blocking(move || link_or_copy(&src, &dst))
                .await?
                .map_err(|e| AppError::Internal(anyhow::anyhow!("storing a document: {e}")));
        }
        let upload = self.store.put_multipart(&key).await.map_err(unavailable)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(AppError::Internal(e.into()));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                // Not left behind in the bucket (an incomplete upload is billed until aborted).
                let _ = writer.abort().await;
                return Err(unavailable(e));
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(unavailable)?;
        Ok(())
    }

    /// The stored size of `sha256`, or `None` when it is not stored.
    pub async fn size(&self, sha256: &str) -> AppResult<Option<u64>> {
        match self.store.head(&Self::key(sha256)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The stored bytes of `sha256`, all or `range`.
    pub async fn read(&self, sha256: &str, range: Option<Range<u64>>) -> AppResult<ByteStream> {
        if let Some(local) = &self.local {
            let path = local
                .path_to_filesystem(&Self::key(sha256))
                .map_err(unavailable)?;
            return read_local(&path, sha256, range).await;
        }
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let got = match self.store.get_opts(&Self::key(sha256), options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "stored document {sha256} is missing"
                )));
            }
            Err(e) => return Err(unavailable(e)),
        };
        Ok(got
            .into_stream()
            .map(|chunk| chunk.map_err(std::io::Error::other))
            .boxed())
    }

    /// Copies the stored `sha256` into the file `dst` (for the blind copies and `verify`).
    pub async fn download_to(&self, sha256: &str, dst: &Path) -> AppResult<u64> {
        use tokio::io::AsyncWriteExt;
        let mut stream = self.read(sha256, None).await?;
        let mut file = tokio::fs::File::create(dst)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| AppError::Unavailable(format!("object store: {e}")))?;
            written += chunk.len() as u64;
            file.write_all(&chunk)
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        file.flush()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok(written)
    }

    /// The SHA-256 of what is stored under `sha256` now (`None`: it is gone), read in full:
    /// `jiebang documents verify`.
    pub async fn rehash(&self, sha256: &str) -> AppResult<Option<(String, u64)>> {
        use sha2::{Digest, Sha256};
        if self.size(sha256).await?.is_none() {
            return Ok(None);
        }
        let mut stream = self.read(sha256, None).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| AppError::Unavailable(format!("object store: {e}")))?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok(Some((hex(&hasher.finalize()), size)))
    }
}

/// The bytes of a local store's file, all or `range`, in chunks of [`READ_CHUNK`]; an error if
/// the file ends before them.
async fn read_local(path: &Path, sha256: &str, range: Option<Range<u64>>) -> AppResult<ByteStream> {
    use std::io::{ErrorKind, SeekFrom};
    use tokio::io::AsyncSeekExt;
    let mut file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "stored document {sha256} is missing"
            )));
        }
        Err(e) => return Err(AppError::Internal(e.into())),
    };
    let range = match range {
        Some(range) => range,
        None => {
            let size = file
                .metadata()
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .len();
            0..size
        }
    };
    if range.start > 0 {
        file.seek(SeekFrom::Start(range.start))
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let left = range.end.saturating_sub(range.start);
    let chunks = futures_util::stream::try_unfold((file, left), |(mut file, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let mut buf = vec![0u8; left.min(READ_CHUNK as u64) as usize];
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                ErrorKind::UnexpectedEof,
                "the stored file is shorter than recorded",
            ));
        }
        buf.truncate(n);
        Ok(Some((Bytes::from(buf), (file, left - n as u64))))
    });
    Ok(chunks.boxed())
}

/// Puts the finished file `src` at `dst` in a local store, all at once: a hard link to the same
/// bytes (nothing written again; the spool file is never written after it was received), or,
/// across file systems, a copy by the kernel into a temporary file beside `dst` renamed into
/// place. A `dst` that exists already holds the same content (its name is the hash): kept.
fn link_or_copy(src: &Path, dst: &Path) -> std::io::Result<()> {
    use std::io::ErrorKind;
    let dir = dst
        .parent()
        .ok_or_else(|| std::io::Error::other(format!("{} has no folder", dst.display())))?;
    std::fs::create_dir_all(dir)?;
    match std::fs::hard_link(src, dst) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(()),
        Err(_) => {}
    }
    let staged = tempfile::Builder::new()
        .prefix(".incoming-")
        .tempfile_in(dir)?;
    std::fs::copy(src, staged.path())?;
    match staged.persist_noclobber(dst) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e.error),
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    crate::privacy::hex(bytes)
}

fn unavailable(e: object_store::Error) -> AppError {
    AppError::Unavailable(format!("object store: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spooled_file_is_linked_into_the_store_and_an_existing_object_kept() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("upload-1");
        std::fs::write(&src, b"%PDF-1.7 new").unwrap();
        let dst = dir.path().join("store/sha256/ab/cd/abcd");
        link_or_copy(&src, &dst).unwrap();
        assert_eq!(std::fs::read(&dst).unwrap(), b"%PDF-1.7 new");
        // The spool file goes; the stored one stays.
        std::fs::remove_file(&src).unwrap();
        assert_eq!(std::fs::read(&dst).unwrap(), b"%PDF-1.7 new");
        let again = dir.path().join("upload-2");
        std::fs::write(&again, b"%PDF-1.7 other").unwrap();
        link_or_copy(&again, &dst).unwrap();
        assert_eq!(std::fs::read(&dst).unwrap(), b"%PDF-1.7 new");
    }
}
