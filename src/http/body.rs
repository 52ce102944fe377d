//! Reading a request body whole, within a size limit (413 beyond it, before or while reading).

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::error::{AppError, AppResult, ErrorCode};

/// The `Content-Length` the client declared, if any.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// 413 when the declared length is over `limit` (so nothing is read).
pub fn check_declared(declared: Option<usize>, limit: usize) -> AppResult<()> {
    if declared.is_some_and(|len| len > limit) {
        Err(AppError::PayloadTooLarge)
    } else {
        Ok(())
    }
}

/// The whole body, at most `limit` bytes (413 as soon as it grows past; 400 if it cannot be
/// read).
pub async fn read_limited<E: std::fmt::Display>(
    payload: &mut (impl Stream<Item = Result<Bytes, E>> + Unpin),
    declared: Option<usize>,
    limit: usize,
) -> AppResult<Bytes> {
    check_declared(declared, limit)?;
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::bad_request(ErrorCode::BadRequest).arg("error", e))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
