//! Load test for reading challenges: `GET /challenges` (20 per page, without and with `q`) and
//! `GET /challenges/{id}`, each at a fixed number of concurrent connections for a fixed time,
//! reporting requests/s and p50/p99 latency, next to `GET /health` measured the same way in the
//! same run (the baseline: what this machine and HTTP stack do with no database work).
//! `scripts/challenge-load.sh` seeds 100,000 challenges, starts a release server and runs this.
//!
//! cargo run --release --example challenge_load -- BASE_URL [CONCURRENCY] [SECONDS]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{encode, percentile};

const QUERIES: &[&str] = &[
    "碳纤维",
    "碳",
    "光刻胶",
    "芯片",
    "海水淡化膜",
    "氢燃料电池",
    "机器人 减速器",
    "材料",
    "国产化替代",
    "高性能碳纤维复合材料",
];

/// Runs `concurrency` loops for `seconds`, each taking the next URL from `urls`.
async fn run(
    client: &reqwest::Client,
    urls: Arc<Vec<String>>,
    concurrency: usize,
    seconds: u64,
) -> (f64, Vec<Duration>, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, urls, next) = (client.clone(), urls.clone(), next.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            while Instant::now() < until {
                let url = &urls[next.fetch_add(1, Ordering::Relaxed) % urls.len()];
                let start = Instant::now();
                match client.get(url).send().await {
                    Ok(resp) if resp.status().is_success() => {
                        let _ = resp.bytes().await;
                        latencies.push(start.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        });
    }
    let mut all = Vec::new();
    let mut errors = 0;
    while let Some(done) = tasks.join_next().await {
        let (latencies, e) = done.expect("load task");
        all.extend(latencies);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    (all.len() as f64 / elapsed, all, errors)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| {
        eprintln!("usage: challenge_load BASE_URL [CONCURRENCY] [SECONDS]");
        std::process::exit(2)
    });
    let concurrency: usize = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(64);
    let seconds: u64 = args.get(3).and_then(|c| c.parse().ok()).unwrap_or(20);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency * 2)
        .build()
        .expect("client");

    let first: serde_json::Value = client
        .get(format!("{base}/api/v1/challenges?per_page=100"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("the server lists challenges")
        .json()
        .await
        .expect("json");
    let total = first["total"].as_i64().unwrap_or(0);
    let pages = (total / 20).clamp(1, 500);
    let mut ids = Vec::new();
    for page in 1..=20 {
        let body: serde_json::Value = client
            .get(format!(
                "{base}/api/v1/challenges?per_page=100&page={page}&sort=bounty"
            ))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        for item in body["items"].as_array().into_iter().flatten() {
            ids.push(format!(
                "{base}/api/v1/challenges/{}",
                item["id"].as_str().unwrap_or("")
            ));
        }
    }
    println!("{total} public challenges; {concurrency} connections, {seconds} s per scenario\n");

    let sorts = ["-published", "deadline", "-bounty"];
    let scenarios: Vec<(&str, Vec<String>)> = vec![
        ("GET /health (baseline)", vec![format!("{base}/health")]),
        (
            "GET /challenges (20/page)",
            (0..600)
                .map(|i| {
                    format!(
                        "{base}/api/v1/challenges?per_page=20&page={}&sort={}",
                        1 + (i * 7) % pages,
                        sorts[i as usize % sorts.len()]
                    )
                })
                .collect(),
        ),
        (
            "GET /challenges?q= (20/page)",
            (0..QUERIES.len() * 3)
                .map(|i| {
                    format!(
                        "{base}/api/v1/challenges?per_page=20&page={}&q={}",
                        1 + i / QUERIES.len(),
                        encode(QUERIES[i % QUERIES.len()])
                    )
                })
                .collect(),
        ),
        ("GET /challenges/{id}", ids),
    ];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<30} {:>9} {:>9} {:>9} {:>7}",
        "scenario", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let mut baseline = 0.0;
    for (name, urls) in scenarios {
        let (rps, latencies, errors) = run(&client, Arc::new(urls), concurrency, seconds).await;
        if baseline == 0.0 {
            baseline = rps;
        }
        println!(
            "{name:<30} {rps:>9.0} {:>9.1} {:>9.1} {errors:>7}   ({:.2} of baseline req/s)",
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.99)),
            rps / baseline
        );
    }
}
