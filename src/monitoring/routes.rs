//! `GET /metrics`: the process's counters and histograms, and the application's gauges read now.

use std::time::Duration;

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};
use metrics::gauge;

use super::JOBS_RUNNING;
use crate::http::client_addr::ClientAddr;
use crate::jobs::queries::{KindCounts, counts_by_kind};
use crate::state::AppState;

/// The Prometheus text format's content type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How long a scrape waits for the job queue's figures (connection and statement).
const QUEUE_TIMEOUT: Duration = Duration::from_secs(2);

/// Prometheus metrics (text format), for monitoring. Only from the addresses in
/// `metrics.allow_from` (default: loopback); any other address gets the 404 of an unknown route.
/// The metrics and their labels are listed in docs/operations.md.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The metrics, in the Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain"),
        (status = 404, description = "Not from an address in `metrics.allow_from`: the answer of an unknown route", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn scrape(req: HttpRequest, state: Data<AppState>) -> HttpResponse {
    if !allowed(&req, &state) {
        // The problem middleware makes it the problem of an unknown route.
        return HttpResponse::NotFound().finish();
    }
    let events = super::install();
    // Every registered kind shows, also before its first job ran.
    for kind in state.jobs.kinds() {
        gauge!(JOBS_RUNNING, "kind" => kind).increment(0.0);
    }
    let mut body = events.render();
    body.push_str(&read_gauges(&state).await);
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(body)
}

/// Whether the client's address (the peer's, or the one a trusted proxy forwarded) is allowed.
fn allowed(req: &HttpRequest, state: &AppState) -> bool {
    let Some(client) = ClientAddr::of(req, &state.settings.server.trusted_proxies) else {
        return false;
    };
    // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d.
    let address = client.0.to_canonical();
    state
        .settings
        .metrics
        .allow_from
        .iter()
        .any(|network| network.contains(&address))
}

/// The gauges of this application, read now and rendered by a recorder of this scrape's own.
async fn read_gauges(state: &AppState) -> String {
    let queue = tokio::time::timeout(QUEUE_TIMEOUT, async {
        let mut conn = state.conn().await?;
        counts_by_kind(
            &mut conn,
            state.clock.now(),
            QUEUE_TIMEOUT.as_millis() as u64,
        )
        .await
    })
    .await;
    let queue = match queue {
        Ok(Ok(counts)) => Some(counts),
        Ok(Err(error)) => {
            tracing::warn!(%error, "metrics: cannot read the job queue");
            None
        }
        Err(_) => {
            tracing::warn!("metrics: reading the job queue timed out");
            None
        }
    };
    let recorder = super::builder().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || record_gauges(state, queue.as_deref()));
    handle.render()
}

fn record_gauges(state: &AppState, queue: Option<&[KindCounts]>) {
    describe();
    let pool = state.pool.status();
    let in_use = pool.size.saturating_sub(pool.available);
    let indexes = state.extensions.get::<crate::search::Indexes>();
    for index in indexes.iter().flat_map(|indexes| indexes.0.iter()) {
        let name = index.name();
        gauge!("jiebang_search_ready", "index" => name).set(if index.is_ready() {
            1.0
        } else {
            0.0
        });
        gauge!("jiebang_search_documents", "index" => name).set(index.documents() as f64);
        if let Some(since) = index.since_caught_up() {
            gauge!("jiebang_search_since_caught_up_seconds", "index" => name)
                .set(since.as_secs_f64());
        }
    }
    gauge!("jiebang_db_pool_max_connections").set(pool.max_size as f64);
    gauge!("jiebang_db_pool_connections", "state" => "in_use").set(in_use as f64);
    gauge!("jiebang_db_pool_connections", "state" => "idle").set(pool.available as f64);
    gauge!("jiebang_db_pool_waiting").set(pool.waiting as f64);
    gauge!("jiebang_jobs_queue_up").set(if queue.is_some() { 1.0 } else { 0.0 });
    let Some(queue) = queue else {
        return;
    };
    let now = state.clock.now();
    // Every registered kind, and any other kind found queued (from another version).
    let mut kinds: Vec<&str> = state.jobs.kinds();
    for counts in queue {
        if !kinds.contains(&counts.kind.as_str()) {
            kinds.push(&counts.kind);
        }
    }
    for kind in kinds {
        let counts = queue.iter().find(|c| c.kind == kind);
        let (pending, due, leased, failed, oldest) = counts
            .map(|c| (c.pending, c.due, c.leased, c.failed, c.oldest_due))
            .unwrap_or_default();
        let age = oldest
            .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        let kind = kind.to_string();
        gauge!("jiebang_jobs_pending", "kind" => kind.clone()).set(pending as f64);
        gauge!("jiebang_jobs_due", "kind" => kind.clone()).set(due as f64);
        gauge!("jiebang_jobs_leased", "kind" => kind.clone()).set(leased as f64);
        gauge!("jiebang_jobs_failed", "kind" => kind.clone()).set(failed as f64);
        gauge!("jiebang_jobs_oldest_due_age_seconds", "kind" => kind).set(age);
    }
}

/// The HELP lines of the gauges read at scrape time.
fn describe() {
    use metrics::{Unit, describe_gauge};
    describe_gauge!(
        "jiebang_db_pool_max_connections",
        "Connections the database pool may open (database.pool_size)"
    );
    describe_gauge!(
        "jiebang_db_pool_connections",
        "Open connections of the database pool, by state (in_use or idle)"
    );
    describe_gauge!(
        "jiebang_db_pool_waiting",
        "Requests and jobs waiting for a database connection"
    );
    describe_gauge!(
        "jiebang_jobs_queue_up",
        "1 when this scrape could read the job queue from the database, else 0 (and no jobs_* gauges)"
    );
    describe_gauge!(
        "jiebang_jobs_pending",
        "Jobs waiting, due or scheduled for later, by kind"
    );
    describe_gauge!("jiebang_jobs_due", "Jobs waiting and due now, by kind");
    describe_gauge!(
        "jiebang_jobs_leased",
        "Jobs claimed by a runner of any instance (status running, under a lease), by kind"
    );
    describe_gauge!(
        "jiebang_jobs_failed",
        "Jobs parked after their last attempt, waiting for an admin (POST /jobs/{id}/retry), by kind"
    );
    describe_gauge!(
        "jiebang_jobs_oldest_due_age_seconds",
        Unit::Seconds,
        "How long the longest-waiting due job has been due, by kind (0: none due)"
    );
}
