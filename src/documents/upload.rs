//! Receiving an upload: the body (raw with a file name, or the one file of a `multipart/form-data`
//! form) is streamed into a spool file while its SHA-256 is computed and its size counted, never
//! held whole in memory (written a MiB at a time); 413 as soon as it grows past the limit, 408
//! when it stalls.

use std::path::Path;

use actix_multipart::Multipart;
use actix_web::HttpRequest;
use actix_web::http::header::{self, ContentDisposition};
use actix_web::web::{Bytes, Payload};
use futures_util::Stream;
use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use super::storage::hex;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode};
use crate::http::body::{declared_length, idle_timeout, next_chunk};

/// Room for a multipart form's boundaries and part headers beyond the file's own limit.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// What is gathered from the body's chunks (a few KiB each) before it is written to the spool
/// file: each write is a trip to a blocking thread, so one per MiB rather than one per chunk.
const WRITE_CHUNK: usize = 1024 * 1024;

/// An upload received into the spool folder (deleted when dropped).
pub struct Received {
    pub path: TempPath,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

/// Receives the file of the request: a `multipart/form-data` body's first file part, or the
/// raw body named by `name` (the query parameter) or by a `Content-Disposition` header.
pub async fn receive(
    req: &HttpRequest,
    payload: Payload,
    name: Option<&str>,
    spool: &Path,
    limit: u64,
) -> AppResult<Received> {
    let idle = idle_timeout(req);
    let declared = declared_length(req).map(|n| n as u64);
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if is_multipart {
        if declared.is_some_and(|n| n > limit + MULTIPART_OVERHEAD) {
            return Err(too_large(limit));
        }
        let mut form = Multipart::new(req.headers(), payload);
        while let Some(field) = next_chunk(&mut form, idle).await? {
            let mut field = field.map_err(bad_form)?;
            let file_name = field
                .content_disposition()
                .and_then(|cd| {
                    cd.get_filename_ext()
                        .map(|v| v.value.clone())
                        .or_else(|| cd.get_filename().map(|f| f.as_bytes().to_vec()))
                })
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            let Some(file_name) = file_name else {
                // A plain form field: read and ignored.
                while next_chunk(&mut field, idle).await?.is_some() {}
                continue;
            };
            let file_name = super::rules::file_name(&file_name)?;
            return spool_stream(&mut field, file_name, spool, limit, idle).await;
        }
        Err(AppError::validation("file", FieldCode::Required))
    } else {
        let from_header = req
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| ContentDisposition::from_raw(v).ok())
            .and_then(|cd| {
                cd.get_filename_ext()
                    .map(|v| String::from_utf8_lossy(&v.value).into_owned())
                    .or_else(|| cd.get_filename().map(str::to_string))
            });
        let Some(raw) = name.map(str::to_string).or(from_header) else {
            return Err(AppError::validation("name", FieldCode::Required));
        };
        let file_name = super::rules::file_name(&raw)?;
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large(limit));
        }
        let mut payload = payload;
        spool_stream(&mut payload, file_name, spool, limit, idle).await
    }
}

async fn spool_stream<S, E>(
    body: &mut S,
    file_name: String,
    spool: &Path,
    limit: u64,
    idle: std::time::Duration,
) -> AppResult<Received>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let named = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(spool)
        .map_err(|e| {
            AppError::Internal(anyhow::anyhow!("spool file in {}: {e}", spool.display()))
        })?;
    let (std_file, path) = named.into_parts();
    let mut file = tokio::fs::File::from_std(std_file);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut pending = Vec::with_capacity(WRITE_CHUNK);
    while let Some(chunk) = next_chunk(body, idle).await? {
        let chunk =
            chunk.map_err(|e| AppError::bad_request(ErrorCode::BadRequest).arg("error", e))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(limit));
        }
        hasher.update(&chunk);
        pending.extend_from_slice(&chunk);
        if pending.len() >= WRITE_CHUNK {
            file.write_all(&pending)
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            pending.clear();
        }
    }
    file.write_all(&pending)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    file.flush()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if size == 0 {
        return Err(AppError::unprocessable(ErrorCode::DocumentEmpty));
    }
    Ok(Received {
        path,
        sha256: hex(&hasher.finalize()),
        size,
        file_name,
    })
}

/// 413 naming the limit in MiB.
pub fn too_large(limit: u64) -> AppError {
    AppError::coded(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::DocumentTooLarge,
    )
    .arg("limit_mib", limit / (1024 * 1024))
}

fn bad_form(e: actix_multipart::MultipartError) -> AppError {
    AppError::bad_request(ErrorCode::BadRequest).arg("error", e)
}
