//! The load of the search benchmark (issue 15, `scripts/search-bench.sh`): each scenario at
//! CONCURRENCY connections for SECONDS, reporting requests/s, p50, p99, time-outs (10 s) and
//! other failures, and the server's peak resident memory (VmRSS of `--pid`, sampled every 50 ms):
//!
//! - `GET /challenges/{id}` on our server, then the same ids on the bare server (`bench/`);
//! - `GET /challenges`, pages 1–50, with every documented filter (none to three at a time) and
//!   every order, mixed;
//! - `GET /challenges?q=…` over the queries of `search_data` (one a line);
//! - index catch-up, alone: 50 times, a challenge's title gets a fresh Latin token by SQL and
//!   `GET /challenges?q=<token>` is asked every 20 ms until the challenge is found.
//!
//! cargo run --release --example search_load -- --server URL --bare URL --database-url URL \
//!     --queries FILE [--pid PID] [--concurrency 64] [--seconds 15] [--ready-secs S]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use support::{encode, percentile};

const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a catch-up round waits for its token before giving up.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(30);
const PUBLIC_STATUSES: &[&str] = &[
    "published",
    "bidding_closed",
    "under_review",
    "publicity",
    "awarded",
    "accepted",
    "cancelled",
    "failed",
];
const FIELDS: &[&str] = &[
    "new_materials",
    "biomedicine",
    "green_chemicals",
    "marine",
    "new_energy",
    "electronic_information",
    "advanced_equipment",
    "modern_agriculture",
    "other",
];
const SORTS: &[&str] = &[
    "deadline",
    "-deadline",
    "bounty",
    "-bounty",
    "published",
    "-published",
];
/// Bounty bounds, in fen (100,000 to 50,000,000 yuan).
const BOUNTIES: &[i64] = &[
    10_000_000,
    50_000_000,
    100_000_000,
    500_000_000,
    1_000_000_000,
    5_000_000_000,
];

#[derive(Parser)]
struct Args {
    /// Our server, e.g. http://127.0.0.1:18190 (the API is under /api/v1).
    #[arg(long)]
    server: String,
    /// The bare server, e.g. http://127.0.0.1:18191.
    #[arg(long)]
    bare: String,
    /// The benchmark's database (ids, issuers, and the catch-up's updates).
    #[arg(long)]
    database_url: String,
    /// The queries, one a line.
    #[arg(long)]
    queries: std::path::PathBuf,
    /// Our server's process id, for its resident memory.
    #[arg(long)]
    pid: Option<u32>,
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// How long the search index took to be ready after start (measured by the script).
    #[arg(long)]
    ready_secs: Option<String>,
    /// Catch-up rounds.
    #[arg(long, default_value_t = 50)]
    catch_up: usize,
}

#[derive(Default)]
struct Outcome {
    rps: f64,
    latencies: Vec<Duration>,
    timeouts: usize,
    errors: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// VmRSS of `pid` in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `concurrency` loops for `seconds`, each taking the next URL from `urls`.
async fn run(
    client: &reqwest::Client,
    urls: Arc<Vec<String>>,
    concurrency: usize,
    seconds: u64,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, urls, next) = (client.clone(), urls.clone(), next.clone());
        tasks.spawn(async move {
            let mut out = Outcome::default();
            while Instant::now() < until {
                let url = &urls[next.fetch_add(1, Ordering::Relaxed) % urls.len()];
                let start = Instant::now();
                let result = match client.get(url).send().await {
                    Ok(resp) if resp.status().is_success() => resp.bytes().await.map(|_| true),
                    Ok(_) => Ok(false),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(true) => out.latencies.push(start.elapsed()),
                    Ok(false) => out.errors += 1,
                    Err(e) if e.is_timeout() => out.timeouts += 1,
                    Err(_) => out.errors += 1,
                }
            }
            out
        });
    }
    let mut all = Outcome::default();
    while let Some(done) = tasks.join_next().await {
        let out = done.expect("load task");
        all.latencies.extend(out.latencies);
        all.timeouts += out.timeouts;
        all.errors += out.errors;
    }
    all.rps = all.latencies.len() as f64 / started.elapsed().as_secs_f64();
    all.latencies.sort();
    all
}

/// 3,000 list URLs: pages 1–50, none to three filters, every order or none.
fn list_urls(api: &str, issuers: &[String], rng: &mut StdRng) -> Vec<String> {
    let now = Utc::now();
    (0..3000)
        .map(|_| {
            let mut params = vec![format!("page={}", rng.random_range(1..=50))];
            let sort = rng.random_range(0..=SORTS.len());
            if sort < SORTS.len() {
                params.push(format!("sort={}", SORTS[sort]));
            }
            let filters = [0, 1, 1, 1, 2, 2, 3][rng.random_range(0..7)];
            let mut kinds: Vec<u8> = (0..6).collect();
            for _ in 0..filters {
                let kind = kinds.swap_remove(rng.random_range(0..kinds.len()));
                match kind {
                    0 => params.push(format!(
                        "status={}",
                        PUBLIC_STATUSES.choose(rng).unwrap_or(&"published")
                    )),
                    1 => params.push(format!(
                        "category={}",
                        if rng.random_bool(0.5) {
                            "tech_breakthrough"
                        } else {
                            "achievement_transfer"
                        }
                    )),
                    2 => params.push(format!("field={}", FIELDS.choose(rng).unwrap_or(&"other"))),
                    3 => {
                        // A lower bound, an upper bound, or both.
                        let i = rng.random_range(0..BOUNTIES.len() - 1);
                        let j = rng.random_range(i + 1..BOUNTIES.len());
                        match rng.random_range(0..3) {
                            0 => params.push(format!("bounty_min_fen={}", BOUNTIES[i])),
                            1 => params.push(format!("bounty_max_fen={}", BOUNTIES[j])),
                            _ => params.push(format!(
                                "bounty_min_fen={}&bounty_max_fen={}",
                                BOUNTIES[i], BOUNTIES[j]
                            )),
                        }
                    }
                    4 => {
                        let after = now + chrono::Duration::days(rng.random_range(-365..60));
                        let before = after + chrono::Duration::days(rng.random_range(30..365));
                        let t = |t: chrono::DateTime<Utc>| {
                            encode(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
                        };
                        match rng.random_range(0..3) {
                            0 => params.push(format!("closes_after={}", t(after))),
                            1 => params.push(format!("closes_before={}", t(before))),
                            _ => params.push(format!(
                                "closes_after={}&closes_before={}",
                                t(after),
                                t(before)
                            )),
                        }
                    }
                    5 if !issuers.is_empty() => params.push(format!(
                        "issuer_id={}",
                        issuers[rng.random_range(0..issuers.len())]
                    )),
                    _ => {}
                }
            }
            format!("{api}/challenges?{}", params.join("&"))
        })
        .collect()
}

/// The catch-up rounds: latency from the UPDATE's commit to the token being found.
async fn catch_up(
    client: &reqwest::Client,
    db: &tokio_postgres::Client,
    api: &str,
    ids: &[String],
    rounds: usize,
    rng: &mut StdRng,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut found = Vec::new();
    let mut missed = 0;
    for round in 0..rounds {
        let id = &ids[(round * 37) % ids.len()];
        let token: String = std::iter::once("zq".to_string())
            .chain((0..8).map(|_| ((b'a' + rng.random_range(0..26u8)) as char).to_string()))
            .collect();
        db.execute(
            "UPDATE challenges SET title = left(title, 150) || ' ' || $2, updated_at = now(),
             version = version + 1 WHERE id = $1::text::uuid",
            &[id, &token],
        )
        .await?;
        let committed = Instant::now();
        let url = format!("{api}/challenges?q={token}");
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tick.tick().await;
            if committed.elapsed() > CATCH_UP_LIMIT {
                missed += 1;
                break;
            }
            let Ok(resp) = client.get(&url).send().await else {
                continue;
            };
            let Ok(body) = resp.json::<serde_json::Value>().await else {
                continue;
            };
            let hit = body["items"]
                .as_array()
                .is_some_and(|items| items.iter().any(|i| i["id"].as_str() == Some(id)));
            if hit {
                found.push(committed.elapsed());
                break;
            }
        }
    }
    found.sort();
    Ok((found, missed))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let api = format!("{}/api/v1", args.server.trim_end_matches('/'));
    let bare = args.bare.trim_end_matches('/').to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency * 2)
        .timeout(TIMEOUT)
        .build()?;
    let (db, connection) =
        tokio_postgres::connect(&args.database_url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection: {e}");
        }
    });
    let ids: Vec<String> = db
        .query(
            "SELECT id::text FROM challenges WHERE published_at IS NOT NULL
             ORDER BY md5(id::text) LIMIT 2000",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    anyhow::ensure!(!ids.is_empty(), "no public challenge in the database");
    let issuers: Vec<String> = db
        .query("SELECT DISTINCT issuer_org_id::text FROM challenges", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (total, public): (i64, i64) = {
        let row = db
            .query_one(
                "SELECT count(*), count(*) FILTER (WHERE published_at IS NOT NULL) FROM challenges",
                &[],
            )
            .await?;
        (row.get(0), row.get(1))
    };
    let queries: Vec<String> = std::fs::read_to_string(&args.queries)?
        .lines()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(String::from)
        .collect();
    anyhow::ensure!(
        !queries.is_empty(),
        "no query in {}",
        args.queries.display()
    );

    // Peak VmRSS since the last reset, and over the whole run.
    let peak = Arc::new(AtomicU64::new(0));
    let overall = Arc::new(AtomicU64::new(0));
    if let Some(pid) = args.pid {
        let (peak, overall) = (peak.clone(), overall.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            loop {
                tick.tick().await;
                if let Some(kib) = rss_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                    overall.fetch_max(kib, Ordering::Relaxed);
                }
            }
        });
    }
    let mib = |kib: u64| {
        if args.pid.is_some() {
            format!("{:.0}", kib as f64 / 1024.0)
        } else {
            "-".to_string()
        }
    };

    let mut rng = StdRng::seed_from_u64(15);
    println!(
        "{total} challenges ({public} public), {} queries; {} connections, {} s per scenario\n",
        queries.len(),
        args.concurrency,
        args.seconds
    );
    let scenarios: Vec<(&str, Vec<String>)> = vec![
        (
            "GET /challenges/{id}",
            ids.iter()
                .map(|id| format!("{api}/challenges/{id}"))
                .collect(),
        ),
        (
            "GET /challenges/{id}, bare server",
            ids.iter()
                .map(|id| format!("{bare}/challenges/{id}"))
                .collect(),
        ),
        (
            "GET /challenges, filters+orders, p1-50",
            list_urls(&api, &issuers, &mut rng),
        ),
        (
            "GET /challenges?q= (distinct queries)",
            queries
                .iter()
                .map(|q| format!("{api}/challenges?q={}", encode(q)))
                .collect(),
        ),
    ];
    println!(
        "{:<40} {:>9} {:>9} {:>9} {:>9} {:>7} {:>9}",
        "scenario", "req/s", "p50 ms", "p99 ms", "timeouts", "errors", "RSS MiB"
    );
    let mut by_id = 0.0;
    for (name, urls) in scenarios {
        peak.store(0, Ordering::Relaxed);
        let out = run(&client, Arc::new(urls), args.concurrency, args.seconds).await;
        let ratio = if name.ends_with("bare server") && out.rps > 0.0 {
            format!("   (ours: {:.0} % of bare)", 100.0 * by_id / out.rps)
        } else {
            by_id = if by_id == 0.0 { out.rps } else { by_id };
            String::new()
        };
        println!(
            "{name:<40} {:>9.0} {:>9.1} {:>9.1} {:>9} {:>7} {:>9}{ratio}",
            out.rps,
            ms(percentile(&out.latencies, 0.5)),
            ms(percentile(&out.latencies, 0.99)),
            out.timeouts,
            out.errors,
            if name.ends_with("bare server") {
                "-".to_string()
            } else {
                mib(peak.load(Ordering::Relaxed))
            },
        );
    }

    peak.store(0, Ordering::Relaxed);
    let (found, missed) = catch_up(&client, &db, &api, &ids, args.catch_up, &mut rng).await?;
    println!(
        "{:<40} {:>9} {:>9.1} {:>9.1} {:>9} {:>7} {:>9}   (max {:.1} ms; {} of {} found within {} s)",
        "index catch-up (UPDATE -> found by q)",
        "-",
        ms(percentile(&found, 0.5)),
        ms(percentile(&found, 0.99)),
        missed,
        0,
        mib(peak.load(Ordering::Relaxed)),
        ms(found.last().copied().unwrap_or_default()),
        found.len(),
        args.catch_up,
        CATCH_UP_LIMIT.as_secs()
    );
    if let Some(ready) = &args.ready_secs {
        println!("{:<40} {ready}", "index ready after start (rebuild)");
    }
    println!(
        "{:<40} {}",
        "peak RSS of the server, whole run (MiB)",
        mib(overall.load(Ordering::Relaxed))
    );
    Ok(())
}
