//! Load check for logins: how long one login takes, and what a burst of concurrent logins does to
//! the server's memory and to `GET /health` (which must keep answering within milliseconds, since
//! password hashing is confined to the blocking pool). Compares against a baseline measured in
//! the same run. `scripts/login-burst.sh` builds, starts and measures a release server.
//!
//! cargo run --release --example login_burst -- BASE_URL EMAIL PASSWORD SERVER_PID [CONCURRENCY]

mod support;

use std::time::{Duration, Instant};
use support::percentile;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

async fn health_latencies(client: &reqwest::Client, base: &str, count: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        let resp = client
            .get(format!("{base}/health"))
            .send()
            .await
            .expect("health answers");
        assert!(resp.status().is_success());
        out.push(start.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    out.sort();
    out
}

/// One login, which must succeed.
async fn login(client: &reqwest::Client, base: &str, body: &serde_json::Value) {
    let resp = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(body)
        .send()
        .await
        .expect("the server answers");
    assert!(
        resp.status().is_success(),
        "login failed: {}",
        resp.status()
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: login_burst BASE_URL EMAIL PASSWORD SERVER_PID [CONCURRENCY]");
        std::process::exit(2);
    }
    let (base, email, password) = (args[1].clone(), args[2].clone(), args[3].clone());
    let pid: u32 = args[4].parse().expect("SERVER_PID is a number");
    let concurrency: usize = args.get(5).and_then(|c| c.parse().ok()).unwrap_or(200);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .unwrap();
    let body = serde_json::json!({"email": email, "password": password});

    // Warm up, then one login at a time.
    for _ in 0..3 {
        login(&client, &base, &body).await;
    }
    let mut single = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        login(&client, &base, &body).await;
        single.push(start.elapsed());
    }
    single.sort();

    let idle_rss = rss_kib(pid);
    let baseline = health_latencies(&client, &base, 100).await;

    // The burst, with /health probed throughout and memory sampled.
    let burst_start = Instant::now();
    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let url = format!("{base}/api/v1/auth/login");
        let body = body.clone();
        logins.spawn(async move {
            let resp = client.post(url).json(&body).send().await.unwrap();
            resp.status().as_u16()
        });
    }
    let probe = {
        let client = client.clone();
        let base = base.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut peak_rss = 0;
            let until = Instant::now() + Duration::from_secs(60);
            while Instant::now() < until {
                let start = Instant::now();
                let resp = client.get(format!("{base}/health")).send().await.unwrap();
                assert!(resp.status().is_success());
                latencies.push(start.elapsed());
                peak_rss = peak_rss.max(rss_kib(pid));
                tokio::time::sleep(Duration::from_millis(5)).await;
                if PROBE_STOP.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
            }
            latencies.sort();
            (latencies, peak_rss)
        })
    };
    let mut statuses = std::collections::BTreeMap::new();
    while let Some(status) = logins.join_next().await {
        *statuses.entry(status.unwrap()).or_insert(0) += 1;
    }
    let burst = burst_start.elapsed();
    PROBE_STOP.store(true, std::sync::atomic::Ordering::Relaxed);
    let (during, peak_rss) = probe.await.unwrap();
    let after_rss = rss_kib(pid);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "one login (sequential, 20 runs): median {:.1} ms, p90 {:.1} ms",
        ms(percentile(&single, 0.5)),
        ms(percentile(&single, 0.9))
    );
    println!(
        "burst of {concurrency} concurrent logins: {:.2} s, statuses {statuses:?}",
        burst.as_secs_f64()
    );
    println!(
        "resident memory: idle {} MiB, peak during burst {} MiB, after {} MiB",
        idle_rss / 1024,
        peak_rss / 1024,
        after_rss / 1024
    );
    println!(
        "GET /health idle:   median {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} probes)",
        ms(percentile(&baseline, 0.5)),
        ms(percentile(&baseline, 0.99)),
        ms(*baseline.last().unwrap()),
        baseline.len()
    );
    println!(
        "GET /health burst:  median {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} probes)",
        ms(percentile(&during, 0.5)),
        ms(percentile(&during, 0.99)),
        ms(*during.last().unwrap_or(&Duration::ZERO)),
        during.len()
    );
    println!(
        "ratio burst/idle health median: {:.2}",
        ms(percentile(&during, 0.5)) / ms(percentile(&baseline, 0.5)).max(0.001)
    );
}

static PROBE_STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
