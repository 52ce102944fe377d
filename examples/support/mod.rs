//! What the benchmarks share.

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
