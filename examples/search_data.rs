//! Data for the search benchmark (issue 15, `scripts/search-bench.sh`): COUNT challenges whose
//! titles (8–30 characters) and descriptions (200–600) are words drawn by frequency from jieba's
//! dictionary, with spread fields, categories, statuses, bounties and deadlines, attached to the
//! issuer organisations already in the database (run `jiebang seed-demo` first); and QUERIES
//! (3,000 distinct search queries, one a line) drawn by frequency among the words that occur:
//! mostly one word of two to four characters, some two-word and some one-character ones.
//!
//! The rows go in with one `COPY` (text format) in one transaction, with the secondary indexes of
//! `challenges` dropped before and created again after (their definitions as they were), so that
//! a million takes minutes. Every CHECK and foreign key of the table holds. Deterministic text for
//! a given COUNT (fixed seed); ids are fresh UUIDv7s, so it can run twice on one database.
//! No closing jobs are queued for the open ones (run the server with jobs off).
//!
//! cargo run --release --example search_data -- DATABASE_URL COUNT QUERIES_FILE [DICT_TXT]
//!
//! DICT_TXT defaults to `$JIEBA_DICT`, else jieba-rs 0.11's `src/data/dict.txt` in the cargo
//! registry (`$CARGO_HOME`, default `~/.cargo`). Its lines are `word frequency tag`.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use futures_util::SinkExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio_postgres::NoTls;

const QUERY_COUNT: usize = 3000;
/// Rows per buffer handed from the generating thread to `COPY`.
const CHUNK: usize = 2000;

const COLUMNS: &str = "id, issuer_org_id, created_by, title, category, field, description, kpis, \
    bounty_fen, bid_opens_at, bid_closes_at, max_duration_months, eligible_org_kinds, \
    general_credit_blocks, panel_size, blind_review, rubric, publicity_days, status, \
    status_reason, version, submitted_at, published_at, bidding_closed_at, awarded_at, \
    created_at, updated_at";

const FIELDS: &[(&str, u32)] = &[
    ("new_materials", 18),
    ("biomedicine", 14),
    ("green_chemicals", 10),
    ("marine", 6),
    ("new_energy", 14),
    ("electronic_information", 16),
    ("advanced_equipment", 12),
    ("modern_agriculture", 6),
    ("other", 4),
];
/// Status and weight (percent). Public (published_at set): all but draft, pending_approval and
/// rejected (88 %).
const STATUSES: &[(&str, u32)] = &[
    ("published", 52),
    ("bidding_closed", 13),
    ("under_review", 7),
    ("publicity", 3),
    ("awarded", 5),
    ("accepted", 3),
    ("failed", 2),
    ("cancelled", 3),
    ("draft", 6),
    ("pending_approval", 3),
    ("rejected", 3),
];
const ORG_KINDS: &[&str] = &["enterprise", "university", "institute", "hospital", "other"];
const KPIS: &[(&str, &str, &str)] = &[
    ("拉伸强度", "≥ 5.5", "GPa"),
    ("纯度", "≥ 99.999%", ""),
    ("转化效率", "≥ 26%", ""),
    ("循环寿命", "≥ 3000", "次"),
    ("良品率", "≥ 95%", ""),
    ("检测灵敏度", "≤ 10", "ng/mL"),
    ("响应时间", "≤ 50", "ms"),
    ("单位能耗", "降低 20%", ""),
    ("成本", "降低 30%", ""),
    ("连续运行时间", "≥ 2000", "h"),
    ("定位精度", "≤ 0.01", "mm"),
    ("亩产", "提高 15%", ""),
];
const RUBRIC: &str = r#"[{"name":"技术方案","max_points":40,"guidance":"技术路线的先进性、可行性和创新性，关键技术指标的可达性"},{"name":"团队能力","max_points":25,"guidance":"负责人与团队的研究基础、相关成果和分工是否匹配任务"},{"name":"经费合理性","max_points":15,"guidance":"预算与任务的匹配程度，自筹经费和配套条件的落实情况"},{"name":"进度安排","max_points":10,"guidance":"里程碑划分是否清晰，时间安排是否可行"},{"name":"产业带动","max_points":10,"guidance":"成果转化路径、应用前景和对产业的带动作用"}]"#;

/// Words drawn by frequency: `cumulative[i]` is the sum of the frequencies of words `0..=i`.
struct Dictionary {
    words: Vec<String>,
    chars: Vec<u8>,
    freq: Vec<u64>,
    cumulative: Vec<u64>,
}

impl Dictionary {
    fn load(path: &Path) -> anyhow::Result<Dictionary> {
        let text = std::fs::read_to_string(path)?;
        let (mut words, mut chars, mut freq, mut cumulative) = (vec![], vec![], vec![], vec![]);
        let mut sum = 0u64;
        for line in text.lines() {
            let mut parts = line.split(' ');
            let (Some(word), Some(f)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(f) = f.parse::<u64>() else { continue };
            // Chinese words only (the dictionary also has Latin letters, digits and symbols).
            if f == 0 || !word.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                continue;
            }
            sum += f;
            words.push(word.to_string());
            chars.push(word.chars().count().min(255) as u8);
            freq.push(f);
            cumulative.push(sum);
        }
        anyhow::ensure!(!words.is_empty(), "no Chinese words in {}", path.display());
        Ok(Dictionary {
            words,
            chars,
            freq,
            cumulative,
        })
    }

    fn draw(&self, rng: &mut StdRng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1);
        let x = rng.random_range(0..total);
        self.cumulative.partition_point(|&c| c <= x)
    }

    /// Appends words to `out` until it holds at least `chars` more characters; returns how many
    /// it added.
    fn fill(&self, rng: &mut StdRng, used: &mut [bool], out: &mut String, chars: usize) -> usize {
        let mut added = 0;
        while added < chars {
            let i = self.draw(rng);
            used[i] = true;
            out.push_str(&self.words[i]);
            added += self.chars[i] as usize;
        }
        added
    }
}

fn find_dictionary() -> anyhow::Result<PathBuf> {
    if let Ok(path) = std::env::var("JIEBA_DICT") {
        return Ok(PathBuf::from(path));
    }
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    for entry in std::fs::read_dir(home.join("registry/src"))? {
        let path = entry?.path().join("jieba-rs-0.11.0/src/data/dict.txt");
        if path.is_file() {
            return Ok(path);
        }
    }
    anyhow::bail!(
        "jieba-rs 0.11.0's dict.txt is not in {}/registry/src/*/ (run `cargo fetch`, or pass its path)",
        home.display()
    )
}

fn weighted<'a>(rng: &mut StdRng, table: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (name, w) in table {
        if x < *w {
            return name;
        }
        x -= w;
    }
    table[0].0
}

/// A field of COPY's text format: backslash, tab, newline and carriage return escaped.
fn push_text(line: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => line.push_str("\\\\"),
            '\t' => line.push_str("\\t"),
            '\n' => line.push_str("\\n"),
            '\r' => line.push_str("\\r"),
            c => line.push(c),
        }
    }
}

fn push_time(line: &mut String, t: Option<DateTime<Utc>>) {
    match t {
        Some(t) => line.push_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        None => line.push_str("\\N"),
    }
}

fn days(rng: &mut StdRng, range: std::ops::Range<i64>) -> Duration {
    Duration::minutes(rng.random_range(range.start * 1440..range.end * 1440))
}

/// One row of `COPY challenges (COLUMNS) FROM STDIN`, newline included.
fn row(
    rng: &mut StdRng,
    dict: &Dictionary,
    used: &mut [bool],
    issuers: &[(String, String)],
    now: DateTime<Utc>,
    line: &mut String,
) {
    let (user, org) = &issuers[rng.random_range(0..issuers.len())];
    let mut title = String::new();
    let target = rng.random_range(8..=30);
    dict.fill(rng, used, &mut title, target);
    let mut description = String::new();
    let target = rng.random_range(200..=600);
    let mut written = 0;
    while written < target {
        // A sentence: one to four clauses of 4–16 characters.
        let clauses = rng.random_range(1..=4);
        for c in 0..clauses {
            if c > 0 {
                description.push('，');
            }
            let length = rng.random_range(4..=16);
            written += dict.fill(rng, used, &mut description, length) + 1;
        }
        description.push('。');
    }
    let kpis: Vec<serde_json::Value> = (0..rng.random_range(1..=4))
        .map(|_| {
            let (name, target, unit) = KPIS[rng.random_range(0..KPIS.len())];
            serde_json::json!({"name": name, "target": target, "unit": unit})
        })
        .collect();
    let kinds: Vec<&str> = if rng.random_bool(0.5) {
        ORG_KINDS.to_vec()
    } else {
        let k: Vec<&str> = ORG_KINDS
            .iter()
            .copied()
            .filter(|_| rng.random_bool(0.5))
            .collect();
        if k.is_empty() { vec!["enterprise"] } else { k }
    };
    // Bounty: log-uniform from 100,000 to 50,000,000 yuan, in steps of 10,000 yuan.
    let yuan = 10f64.powf(rng.random_range(5.0..7.7));
    let bounty_fen = ((yuan / 10_000.0).round().max(1.0) as i64) * 10_000 * 100;

    let status = weighted(rng, STATUSES);
    let (mut submitted, mut published, mut closed, mut awarded) = (None, None, None, None);
    let mut reason: Option<&str> = None;
    let (opens, closes, created);
    match status {
        "draft" | "pending_approval" | "rejected" => {
            created = now - days(rng, 0..60);
            opens = now + days(rng, 7..30);
            closes = opens + days(rng, 20..90);
            if status != "draft" {
                submitted = Some(created + Duration::hours(rng.random_range(1..72)));
            }
            if status == "rejected" {
                reason = Some("榜单指标表述不清，请补充可量化的验收标准");
            }
        }
        "published" => {
            let p = now - days(rng, 1..180);
            published = Some(p);
            opens = p;
            closes = now + days(rng, 1..120);
            submitted = Some(p - days(rng, 1..5));
            created = p - days(rng, 5..30);
        }
        _ => {
            // Closed since: the older, the further along.
            let back = match status {
                "bidding_closed" | "cancelled" => 30..360,
                "under_review" | "publicity" | "failed" => 60..540,
                _ => 150..720,
            };
            let p = now - days(rng, back);
            published = Some(p);
            opens = p;
            closes = (p + days(rng, 20..90)).min(now - Duration::days(1));
            submitted = Some(p - days(rng, 1..5));
            created = p - days(rng, 5..30);
            if status != "cancelled" {
                closed = Some(closes);
            } else {
                reason = Some("发榜单位调整研发计划，撤回需求");
            }
            if status == "awarded" || status == "accepted" {
                awarded = Some((closes + days(rng, 20..60)).min(now));
            }
        }
    }
    let updated = [submitted, published, closed, awarded]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(created)
        .max(created);

    line.push_str(&uuid::Uuid::now_v7().to_string());
    for value in [org.as_str(), user.as_str()] {
        line.push('\t');
        line.push_str(value);
    }
    line.push('\t');
    push_text(line, &title);
    line.push('\t');
    line.push_str(if rng.random_bool(0.3) {
        "achievement_transfer"
    } else {
        "tech_breakthrough"
    });
    line.push('\t');
    line.push_str(weighted(rng, FIELDS));
    line.push('\t');
    push_text(line, &description);
    line.push('\t');
    push_text(line, &serde_json::Value::Array(kpis).to_string());
    line.push('\t');
    line.push_str(&bounty_fen.to_string());
    line.push('\t');
    push_time(line, Some(opens));
    line.push('\t');
    push_time(line, Some(closes));
    line.push('\t');
    line.push_str(&rng.random_range(6..=36).to_string());
    line.push('\t');
    line.push('{');
    line.push_str(&kinds.join(","));
    line.push('}');
    line.push('\t');
    line.push(if rng.random_bool(0.3) { 't' } else { 'f' });
    line.push('\t');
    line.push_str(["3", "5", "5", "5", "7", "9"][rng.random_range(0..6)]);
    line.push('\t');
    line.push(if rng.random_bool(0.8) { 't' } else { 'f' });
    line.push('\t');
    push_text(line, RUBRIC);
    line.push('\t');
    line.push_str(["5", "5", "7", "10"][rng.random_range(0..4)]);
    line.push('\t');
    line.push_str(status);
    line.push('\t');
    match reason {
        Some(r) => push_text(line, r),
        None => line.push_str("\\N"),
    }
    line.push('\t');
    line.push_str(&rng.random_range(1..=3).to_string());
    for t in [
        submitted,
        published,
        closed,
        awarded,
        Some(created),
        Some(updated),
    ] {
        line.push('\t');
        push_time(line, t);
    }
    line.push('\n');
}

/// The queries: distinct, drawn by frequency among the words that occur.
fn queries(dict: &Dictionary, used: &[bool], seed: u64) -> Vec<String> {
    let pick = |lengths: std::ops::RangeInclusive<u8>| -> (Vec<usize>, Vec<u64>) {
        let mut ids = vec![];
        let mut cumulative = vec![];
        let mut sum = 0;
        for (i, &u) in used.iter().enumerate() {
            if u && lengths.contains(&dict.chars[i]) {
                sum += dict.freq[i];
                ids.push(i);
                cumulative.push(sum);
            }
        }
        (ids, cumulative)
    };
    let draw = |rng: &mut StdRng, (ids, cumulative): &(Vec<usize>, Vec<u64>)| -> Option<usize> {
        let total = *cumulative.last()?;
        let x = rng.random_range(0..total);
        Some(ids[cumulative.partition_point(|&c| c <= x)])
    };
    let words = pick(2..=4);
    let single = pick(1..=1);
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EA2C4);
    let mut seen = HashSet::new();
    let mut out = vec![];
    for _ in 0..10_000_000 {
        if out.len() == QUERY_COUNT {
            break;
        }
        let roll = rng.random_range(0..100);
        let query = if roll < 80 {
            draw(&mut rng, &words).map(|w| dict.words[w].clone())
        } else if roll < 92 {
            draw(&mut rng, &words)
                .zip(draw(&mut rng, &words))
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("{} {}", dict.words[a], dict.words[b]))
        } else {
            draw(&mut rng, &single).map(|w| dict.words[w].clone())
        };
        if let Some(q) = query
            && seen.insert(q.clone())
        {
            out.push(q);
        }
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: search_data DATABASE_URL COUNT QUERIES_FILE [DICT_TXT]");
        std::process::exit(2)
    }
    let (url, queries_file) = (&args[1], PathBuf::from(&args[3]));
    let count: usize = args[2].parse()?;
    let dict_path = match args.get(4) {
        Some(p) => PathBuf::from(p),
        None => find_dictionary()?,
    };
    let started = Instant::now();
    let dict = std::sync::Arc::new(Dictionary::load(&dict_path)?);
    eprintln!(
        "{} Chinese words from {}",
        dict.words.len(),
        dict_path.display()
    );

    let (mut client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection: {e}");
        }
    });
    // The issuer organisations, each with one of its issuer accounts.
    let issuers: Vec<(String, String)> = client
        .query(
            "SELECT DISTINCT ON (organization_id) id::text, organization_id::text FROM users
             WHERE role = 'issuer' AND organization_id IS NOT NULL ORDER BY organization_id, email",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    anyhow::ensure!(
        !issuers.is_empty(),
        "no issuer organisation in the database: run `jiebang seed-demo` first"
    );
    eprintln!("{} issuer organisation(s)", issuers.len());

    // Rows are generated on a thread, COPY sends them meanwhile.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let generator = {
        let dict = dict.clone();
        std::thread::spawn(move || {
            let mut rng = StdRng::seed_from_u64(count as u64);
            let mut used = vec![false; dict.words.len()];
            let now = Utc::now();
            let mut line = String::new();
            let mut done = 0;
            while done < count {
                let batch = (count - done).min(CHUNK);
                line.clear();
                for _ in 0..batch {
                    row(&mut rng, &dict, &mut used, &issuers, now, &mut line);
                }
                if tx.blocking_send(line.as_bytes().to_vec()).is_err() {
                    break;
                }
                done += batch;
            }
            used
        })
    };

    let tx_db = client.transaction().await?;
    tx_db
        .batch_execute("SET LOCAL maintenance_work_mem = '1GB'")
        .await?;
    // Secondary indexes not behind a constraint: dropped for the load, created again after.
    let indexes: Vec<(String, String)> = tx_db
        .query(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
             WHERE i.indrelid = 'challenges'::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (name, _) in &indexes {
        tx_db.batch_execute(&format!("DROP INDEX {name}")).await?;
    }
    let copy = format!("COPY challenges ({COLUMNS}) FROM STDIN");
    let sink = tx_db.copy_in(copy.as_str()).await?;
    futures_util::pin_mut!(sink);
    let mut sent = 0usize;
    let mut last_report = Instant::now();
    while let Some(chunk) = rx.recv().await {
        sink.send(std::io::Cursor::new(chunk)).await?;
        sent += CHUNK;
        if last_report.elapsed().as_secs() >= 10 {
            eprintln!(
                "  {} rows sent, {:.0} s",
                sent.min(count),
                started.elapsed().as_secs_f64()
            );
            last_report = Instant::now();
        }
    }
    let copied = sink.finish().await?;
    let used = generator
        .join()
        .map_err(|_| anyhow::anyhow!("the generating thread panicked"))?;
    eprintln!(
        "{copied} rows copied in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let indexing = Instant::now();
    for (name, definition) in &indexes {
        let one = Instant::now();
        tx_db.batch_execute(definition).await?;
        eprintln!("  {name}: {:.1} s", one.elapsed().as_secs_f64());
    }
    tx_db.commit().await?;
    eprintln!(
        "{} indexes created again in {:.1} s",
        indexes.len(),
        indexing.elapsed().as_secs_f64()
    );
    client.batch_execute("VACUUM ANALYZE challenges").await?;

    let queries = queries(&dict, &used, count as u64);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&queries_file)?);
    for q in &queries {
        writeln!(file, "{q}")?;
    }
    file.flush()?;
    println!(
        "Added {copied} challenges and wrote {} queries to {} in {:.1} s.",
        queries.len(),
        queries_file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
