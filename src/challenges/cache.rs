//! A short-lived copy of the public pages of `GET /challenges` and of their totals. Everybody without an issuer or
//! admin account sees the same pages, and a few of them (the first pages, popular searches) take
//! most of the traffic; each is computed once per interval and per instance, and concurrent
//! requests for the same page wait for that one computation instead of repeating it. A change made
//! through this instance clears the copy at once; other instances show it within the interval.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub struct ListCache {
    pages: Option<moka::future::Cache<String, Bytes>>,
    totals: Option<moka::future::Cache<String, i64>>,
}

impl ListCache {
    /// `ttl_ms` 0: no cache.
    pub fn new(ttl_ms: u64) -> Self {
        let ttl = Duration::from_millis(ttl_ms);
        ListCache {
            pages: (ttl_ms > 0).then(|| {
                moka::future::Cache::builder()
                    .max_capacity(10_000)
                    .time_to_live(ttl)
                    .build()
            }),
            totals: (ttl_ms > 0).then(|| {
                moka::future::Cache::builder()
                    .max_capacity(10_000)
                    .time_to_live(ttl)
                    .build()
            }),
        }
    }

    /// The page stored under `key`, or the one `compute` makes (and stores).
    pub async fn get_or_compute(
        &self,
        key: &str,
        compute: impl Future<Output = AppResult<Bytes>>,
    ) -> AppResult<Bytes> {
        match &self.pages {
            None => compute.await,
            Some(pages) => pages
                .try_get_with(key.to_string(), compute)
                .await
                .map_err(unshare),
        }
    }

    /// The total of a filter (shared by all its pages and orders), or the one `compute` counts.
    pub async fn total(
        &self,
        key: &str,
        compute: impl Future<Output = AppResult<i64>>,
    ) -> AppResult<i64> {
        match &self.totals {
            None => compute.await,
            Some(totals) => totals
                .try_get_with(key.to_string(), compute)
                .await
                .map_err(unshare),
        }
    }

    /// This instance's cache (installed at start-up by `startup::assemble`).
    pub fn of(state: &AppState) -> AppResult<&ListCache> {
        Ok(state.extension::<ListCache>()?)
    }

    /// Forgets every stored page and total of this instance (after a change to a public
    /// challenge).
    pub fn clear_in(state: &AppState) -> AppResult<()> {
        Self::of(state)?.clear();
        Ok(())
    }

    /// Forgets every stored page and total (after a change to a public challenge).
    pub fn clear(&self) {
        if let Some(pages) = &self.pages {
            pages.invalidate_all();
        }
        if let Some(totals) = &self.totals {
            totals.invalidate_all();
        }
    }
}

/// The error of a computation that several requests waited for.
fn unshare(error: Arc<AppError>) -> AppError {
    match Arc::try_unwrap(error) {
        Ok(error) => error,
        Err(shared) => match &*shared {
            AppError::Unavailable(message) => AppError::Unavailable(message.clone()),
            other => AppError::Internal(anyhow::anyhow!("{other}")),
        },
    }
}
