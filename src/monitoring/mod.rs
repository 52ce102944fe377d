//! Metrics for operators: `GET /metrics` in the Prometheus text format, readable from the
//! configured addresses only (`metrics.allow_from`). docs/operations.md lists every metric.
//!
//! Events are counted where they happen, with the `metrics` crate's macros, into the one
//! recorder of the process (metrics-exporter-prometheus), which the first application built
//! installs ([`install`]): requests ([`requests`]), mails (`mail`), login refusals (`auth`), jobs
//! at work (`jobs`). What describes the state of one application — its connection pool, its job
//! queue — is read when scraped, from that application's own state, into a recorder of the
//! scrape's own ([`routes`]): several applications in one process (the tests) never mix their
//! gauges.

pub mod requests;
pub mod routes;

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub use requests::record_request;

/// Requests answered, by method, route pattern and status.
pub const HTTP_REQUESTS: &str = "jiebang_http_requests_total";
/// Time from the request's arrival to its answer, by method, route pattern and status.
pub const HTTP_DURATION: &str = "jiebang_http_request_duration_seconds";
/// Mails handed to the mail backend successfully.
pub const MAIL_SENT: &str = "jiebang_mail_sent_total";
/// Attempts to hand a mail to the backend that failed (the job retries).
pub const MAIL_FAILED: &str = "jiebang_mail_failed_total";
/// Logins refused by a rate limit, by `limit` (`account` or `address`).
pub const LOGIN_RATE_LIMITED: &str = "jiebang_login_rate_limited_total";
/// Jobs this process is running now, by kind.
pub const JOBS_RUNNING: &str = "jiebang_jobs_running";

/// The latency buckets, in seconds: from a cached list (a few ms) to the slowest imports.
const DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often the recorder folds recorded latencies into its histograms when nobody scrapes,
/// so that they never pile up.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on the first call. When another recorder was installed
/// before (an embedding program), ours still renders, but only what is recorded through it —
/// the scrape-time gauges.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = builder().build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!(
                "another metrics recorder is installed; /metrics shows only the gauges read when scraped"
            );
        }
        describe();
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot start the metrics upkeep thread; histograms are folded at each scrape only");
        }
        handle
    })
}

/// The exporter's settings: the latency histogram's buckets (summaries otherwise).
pub(crate) fn builder() -> PrometheusBuilder {
    // Only an empty bucket list is refused, and ours is not.
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), DURATION_BUCKETS)
        .unwrap_or_else(|_| PrometheusBuilder::new())
}

/// The HELP lines of the event metrics.
fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "Requests answered, by method, route pattern and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer a request, by method, route pattern and status"
    );
    describe_counter!(MAIL_SENT, "Mails handed to the mail backend");
    describe_counter!(
        MAIL_FAILED,
        "Failed attempts to hand a mail to the mail backend (retried by its job)"
    );
    describe_counter!(
        LOGIN_RATE_LIMITED,
        "Login attempts refused by a rate limit, by limit (account or address)"
    );
    describe_gauge!(JOBS_RUNNING, "Jobs this process is running now, by kind");
}
