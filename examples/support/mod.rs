//! What the benchmarks share. Each example uses some of it.
#![allow(dead_code)]

use std::time::Duration;

/// The URL of database `name` on the server of `TEST_DATABASE_URL` (default: the local
/// PostgreSQL as `postgres`).
pub fn database_url(name: &str) -> String {
    let admin = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let base = admin
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin)
        .to_string();
    format!("{base}/{name}")
}

/// The `p` quantile (0–1) of sorted latencies; zero when there are none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// `s` percent-encoded for a query string.
pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
