//! Write load across a database outage: `CONCURRENCY` loops create challenge drafts as an issuer
//! for `SECONDS`, and every answer is tallied by status, so that what the server says while
//! PostgreSQL is stopped (and after it is back) can be read off. `scripts/db-outage.sh` starts a
//! private PostgreSQL cluster and a release server, runs this, and stops and starts the cluster in
//! the middle of it.
//!
//! cargo run --release --example db_outage -- BASE_URL EMAIL PASSWORD [CONCURRENCY] [SECONDS]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What one answer was: an HTTP status (with whether a 503 carried `Retry-After` and a
/// problem+json body), or a failure to get an answer at all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    Status(u16),
    UnavailableWithoutRetryAfter,
    Unanswered,
}

fn draft(n: usize) -> Value {
    let now = chrono::Utc::now();
    json!({
        "title": format!("数据库中断演练课题 {n}"),
        "category": "tech_breakthrough",
        "field": "new_materials",
        "description": "面向产业需求的关键技术攻关，用于验证数据库中断时的应答。",
        "kpis": [{"name": "拉伸强度", "target": "≥ 5.5", "unit": "GPa"}],
        "bounty_fen": 300_000_000,
        "bid_opens_at": (now + chrono::Duration::days(1)).to_rfc3339(),
        "bid_closes_at": (now + chrono::Duration::days(30)).to_rfc3339(),
        "max_duration_months": 24,
    })
}

async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let resp = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("the server answers the login");
    assert!(resp.status().is_success(), "login: {}", resp.status());
    let body: Value = resp.json().await.expect("a JSON login answer");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_string()
}

async fn classify(resp: reqwest::Result<reqwest::Response>) -> Answer {
    let Ok(resp) = resp else {
        return Answer::Unanswered;
    };
    let status = resp.status().as_u16();
    if status == 503 {
        let retry_after = resp.headers().contains_key("retry-after");
        let problem = resp
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
        if !(retry_after && problem) {
            return Answer::UnavailableWithoutRetryAfter;
        }
    }
    Answer::Status(status)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, email, password, rest @ ..] = args.as_slice() else {
        eprintln!("usage: db_outage BASE_URL EMAIL PASSWORD [CONCURRENCY] [SECONDS]");
        std::process::exit(2);
    };
    let concurrency: usize = rest.first().and_then(|s| s.parse().ok()).unwrap_or(32);
    let seconds: u64 = rest.get(1).and_then(|s| s.parse().ok()).unwrap_or(30);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client");
    let token = Arc::new(login(&client, base, email, password).await);
    let tally: Arc<Mutex<BTreeMap<Answer, usize>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let (client, base, token, tally) =
            (client.clone(), base.clone(), token.clone(), tally.clone());
        tasks.spawn(async move {
            let mut n = worker * 1_000_000;
            while Instant::now() < deadline {
                n += 1;
                let resp = client
                    .post(format!("{base}/api/v1/challenges"))
                    .bearer_auth(token.as_str())
                    .json(&draft(n))
                    .send()
                    .await;
                let answer = classify(resp).await;
                if answer != Answer::Status(201) {
                    // Do not spin while the server refuses at once.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if let Ok(mut tally) = tally.lock() {
                    *tally.entry(answer).or_default() += 1;
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let tally = tally.lock().map(|t| t.clone()).unwrap_or_default();
    println!("answers over {seconds} s at {concurrency} connections:");
    for (answer, count) in &tally {
        let label = match answer {
            Answer::Status(503) => "503 problem+json with Retry-After".to_string(),
            Answer::Status(status) => status.to_string(),
            Answer::UnavailableWithoutRetryAfter => "503 without Retry-After/problem".to_string(),
            Answer::Unanswered => "no answer (connection error or timeout)".to_string(),
        };
        println!("  {label:<40} {count}");
    }
    let bad: usize = tally
        .iter()
        .filter(|(answer, _)| match answer {
            Answer::Status(s) => *s >= 500 && *s != 503,
            Answer::UnavailableWithoutRetryAfter | Answer::Unanswered => true,
        })
        .map(|(_, n)| n)
        .sum();
    println!("unclear answers (5xx other than 503, 503 without Retry-After, none): {bad}");
    if bad > 0 {
        std::process::exit(1);
    }
}
