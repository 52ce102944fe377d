//! `GET /metrics`: what a scrape shows (requests by route pattern, latencies, the pool, the job
//! queue by kind, mails, login refusals) and who may scrape.
//!
//! Counters and histograms belong to the process, which many test servers share: their tests
//! compare a scrape before with one after what they do. The gauges (pool, queue) are each
//! server's own, read at scrape time, and are compared exactly.

use jiebang::config::{MailBackend, SmtpTls};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_problem};

/// One scrape, parsed enough to read samples.
struct Scrape(String);

impl Scrape {
    async fn of(app: &TestApp) -> Scrape {
        let resp = app.get("/metrics", None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        Scrape(resp.text().await.unwrap())
    }

    /// The value of the sample `name` whose labels include all of `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.0.lines().find_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, label_text) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let matches = metric == name
                && labels
                    .iter()
                    .all(|(k, v)| label_text.contains(&format!("{k}=\"{v}\"")));
            if matches { value.parse().ok() } else { None }
        })
    }

    /// Like [`Scrape::value`], 0 when the series is not there yet.
    fn count(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels).unwrap_or(0.0)
    }

    fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{}", self.0))
    }
}

const REQUESTS: &str = "jiebang_http_requests_total";
const DURATION: &str = "jiebang_http_request_duration_seconds";

#[tokio::test]
async fn a_scrape_shows_requests_by_route_pattern_the_pool_and_the_job_queue() {
    let app = TestApp::spawn().await;
    let before = Scrape::of(&app).await;
    // A welcome mail is queued by the registration.
    app.register("metrics@example.com", "solver").await;
    let id = Uuid::new_v4();
    let resp = app.get(&format!("/api/v1/challenges/{id}"), None).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app.get(&format!("/api/no/such/route/{id}"), None).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let after = Scrape::of(&app).await;

    // Requests by method, route pattern and status; never the raw path.
    let register = [
        ("method", "POST"),
        ("route", "/api/v1/auth/register"),
        ("status", "201"),
    ];
    assert!(after.count(REQUESTS, &register) >= before.count(REQUESTS, &register) + 1.0);
    let one = [
        ("method", "GET"),
        ("route", "/api/v1/challenges/{id}"),
        ("status", "404"),
    ];
    assert!(after.count(REQUESTS, &one) >= before.count(REQUESTS, &one) + 1.0);
    let unmatched = [("route", "unmatched"), ("status", "404")];
    assert!(after.count(REQUESTS, &unmatched) >= before.count(REQUESTS, &unmatched) + 1.0);
    assert!(
        !after.0.contains(&id.to_string()),
        "a raw path in the metrics"
    );
    // The latency histogram of the route: buckets, sum and count.
    let count = format!("{DURATION}_count");
    assert!(after.count(&count, &one) >= before.count(&count, &one) + 1.0);
    let slowest = [one[0], one[1], one[2], ("le", "+Inf")];
    assert_eq!(
        after.gauge(&format!("{DURATION}_bucket"), &slowest),
        after.gauge(&count, &one)
    );
    assert!(after.value(&format!("{DURATION}_sum"), &one).is_some());
    assert!(after.0.contains(&format!("# TYPE {DURATION} histogram")));

    // The pool of this server (config/test.toml: 4 connections); the scrape itself holds none
    // any more when the figures are read.
    assert_eq!(after.gauge("jiebang_db_pool_max_connections", &[]), 4.0);
    let in_use = after.gauge("jiebang_db_pool_connections", &[("state", "in_use")]);
    let idle = after.gauge("jiebang_db_pool_connections", &[("state", "idle")]);
    assert!(in_use + idle <= 4.0 && idle >= 1.0, "{in_use} {idle}");
    assert_eq!(after.gauge("jiebang_db_pool_waiting", &[]), 0.0);

    // The queue of this server's database, by kind: the welcome mail waits; other kinds show 0.
    assert_eq!(after.gauge("jiebang_jobs_queue_up", &[]), 1.0);
    let mail = [("kind", "send_email")];
    assert_eq!(after.gauge("jiebang_jobs_pending", &mail), 1.0);
    assert_eq!(after.gauge("jiebang_jobs_due", &mail), 1.0);
    assert_eq!(after.gauge("jiebang_jobs_failed", &mail), 0.0);
    assert_eq!(after.gauge("jiebang_jobs_leased", &mail), 0.0);
    assert!(after.gauge("jiebang_jobs_oldest_due_age_seconds", &mail) >= 0.0);
    let close = [("kind", "close_bidding")];
    assert_eq!(after.gauge("jiebang_jobs_pending", &close), 0.0);
    assert_eq!(
        after.gauge("jiebang_jobs_oldest_due_age_seconds", &close),
        0.0
    );
    assert!(after.value("jiebang_jobs_running", &mail).is_some());

    // The mail is sent: counted, and the queue is empty.
    let sent = "jiebang_mail_sent_total";
    assert_eq!(app.run_jobs().await, 1);
    let done = Scrape::of(&app).await;
    assert!(done.count(sent, &[]) >= after.count(sent, &[]) + 1.0);
    assert_eq!(done.gauge("jiebang_jobs_pending", &mail), 0.0);

    // A job parked for good, one due for an hour, one held by another instance under its lease,
    // and a kind this version does not know.
    let db = app.db().await;
    db.batch_execute(
        "INSERT INTO background_jobs (kind, payload, status) VALUES ('send_email', '{}', 'failed');
         INSERT INTO background_jobs (kind, payload, status, locked_by, locked_until)
             VALUES ('send_email', '{}', 'running', 'elsewhere', now() + interval '5 minutes');
         INSERT INTO background_jobs (kind, payload, run_at) VALUES ('close_bidding', '{}', now() - interval '1 hour');
         INSERT INTO background_jobs (kind, payload) VALUES ('retired_kind', '{}');",
    )
    .await
    .unwrap();
    let queued = Scrape::of(&app).await;
    assert_eq!(queued.gauge("jiebang_jobs_failed", &mail), 1.0);
    assert_eq!(queued.gauge("jiebang_jobs_pending", &mail), 0.0);
    assert_eq!(queued.gauge("jiebang_jobs_leased", &mail), 1.0);
    let age = queued.gauge("jiebang_jobs_oldest_due_age_seconds", &close);
    assert!((3590.0..3700.0).contains(&age), "{age}");
    assert_eq!(
        queued.gauge("jiebang_jobs_due", &[("kind", "retired_kind")]),
        1.0
    );
}

#[tokio::test]
async fn a_failed_mail_and_a_refused_login_are_counted() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(|s| {
        s.mail.backend = MailBackend::Smtp;
        s.mail.smtp.host = "127.0.0.1".into();
        s.mail.smtp.port = port;
        s.mail.smtp.tls = SmtpTls::None;
        s.mail.smtp.timeout_secs = 2;
        s.auth.login_attempts_per_account_per_minute = 1;
    })
    .await;
    let before = Scrape::of(&app).await;
    app.register("refused@example.com", "solver").await;
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(
        app.login("refused@example.com", PASSWORD).await.status(),
        200
    );
    let resp = app.login("refused@example.com", PASSWORD).await;
    assert_problem(resp, 429, "rate_limited").await;
    let after = Scrape::of(&app).await;

    let failed = "jiebang_mail_failed_total";
    assert!(after.count(failed, &[]) >= before.count(failed, &[]) + 1.0);
    // Still pending, for a retry.
    assert_eq!(
        after.gauge("jiebang_jobs_pending", &[("kind", "send_email")]),
        1.0
    );
    let limited = "jiebang_login_rate_limited_total";
    let account = [("limit", "account")];
    assert!(after.count(limited, &account) >= before.count(limited, &account) + 1.0);
}

#[tokio::test]
async fn other_addresses_get_the_answer_of_an_unknown_route() {
    let app = TestApp::spawn_with(|s| {
        s.metrics.allow_from = vec!["10.1.2.3/32".parse().unwrap()];
    })
    .await;
    let resp = app.get("/metrics", None).await;
    assert!(resp.headers().contains_key("x-request-id"));
    let problem = assert_problem(resp, 404, "route_not_found").await;
    assert!(!problem.to_string().contains("jiebang_"), "{problem}");
    // A forwarded address is not believed from a peer that is no trusted proxy.
    let forged = app
        .client
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "10.1.2.3")
        .send()
        .await
        .unwrap();
    assert_problem(forged, 404, "route_not_found").await;

    // Behind a trusted proxy, the address it forwarded counts.
    let proxied = TestApp::spawn_with(|s| {
        s.metrics.allow_from = vec!["10.1.2.0/24".parse().unwrap()];
        s.server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let scrape = |from: &'static str| {
        proxied
            .client
            .get(proxied.url("/metrics"))
            .header("x-forwarded-for", from)
            .send()
    };
    assert_eq!(scrape("10.1.2.3").await.unwrap().status(), StatusCode::OK);
    let outside = scrape("10.9.9.9").await.unwrap();
    assert_problem(outside, 404, "route_not_found").await;
    // A request without a forwarded address is the proxy's own (loopback), not allowed here.
    let direct = proxied.get("/metrics", None).await;
    assert_problem(direct, 404, "route_not_found").await;
}

#[tokio::test]
async fn the_api_document_lists_metrics_as_text() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get_ok("/api/v1/openapi.json", None).await;
    let ok = &doc["paths"]["/metrics"]["get"]["responses"]["200"];
    assert!(ok["content"]["text/plain"].is_object(), "{ok}");
}
