//! Reading a request body whole, within a size limit (413 beyond it, before or while reading) and
//! an idle timeout (408 when the client stops sending for longer: a slow body cannot hold a
//! worker's request forever, and a large one on a slow but steady line still arrives).

use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;

/// Used when no application state is registered (unit tests of the extractors).
const FALLBACK_IDLE: Duration = Duration::from_secs(10);

/// The longest pause between two chunks of a body (`server.body_idle_timeout_ms`).
pub fn idle_timeout(req: &HttpRequest) -> Duration {
    req.app_data::<Data<AppState>>()
        .map(|s| Duration::from_millis(s.settings.server.body_idle_timeout_ms))
        .unwrap_or(FALLBACK_IDLE)
}

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
/// read; 408 when no byte comes for `idle`).
pub async fn read_limited<E: std::fmt::Display>(
    payload: &mut (impl Stream<Item = Result<Bytes, E>> + Unpin),
    declared: Option<usize>,
    limit: usize,
    idle: Duration,
) -> AppResult<Bytes> {
    check_declared(declared, limit)?;
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = next_chunk(payload, idle).await? {
        let chunk =
            chunk.map_err(|e| AppError::bad_request(ErrorCode::BadRequest).arg("error", e))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The next chunk of a body, `None` at its end; 408 when none comes within `idle`.
pub async fn next_chunk<S: Stream + Unpin>(
    payload: &mut S,
    idle: Duration,
) -> AppResult<Option<S::Item>> {
    tokio::time::timeout(idle, payload.next())
        .await
        .map_err(|_| {
            tracing::info!(idle_ms = idle.as_millis() as u64, "request body stalled");
            AppError::RequestTimeout
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stalled_body_times_out() {
        let chunks =
            futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"{"))])
                .chain(futures_util::stream::pending());
        let mut payload = Box::pin(chunks);
        let read = read_limited(&mut payload, None, 1024, Duration::from_millis(50)).await;
        assert!(matches!(read, Err(AppError::RequestTimeout)), "{read:?}");
    }
}
