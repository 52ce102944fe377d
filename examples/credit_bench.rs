//! Credit registry benchmark: generate a CSV file of N credit records (default 1,000,000: 70 %
//! organisations, 30 % persons, ~1.25 records per subject), import it as `import-credit` does
//! (timed), import it again (idempotent: every row unchanged, timed), then look up standings at
//! C concurrent connections (default 64) for D seconds and report look-ups per second, p50, p99.
//! A look-up is what a check does before it stores anything: hash the ID number (persons), load
//! the subject's records by key, keep those in force.
//!
//! cargo run --release --example credit_bench -- [RECORDS] [CONCURRENCY[,CONCURRENCY…]] [SECONDS]
//! Needs PostgreSQL (TEST_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432); works
//! on a scratch database `jiebang_credit_bench` that it drops at the end.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiebang::audit::RequestMeta;
use jiebang::codes::complete_uscc;
use jiebang::config::{Environment, Settings};
use jiebang::credit::imports::parser::EncodingChoice;
use jiebang::credit::imports::run::{ImportInput, run_import};
use jiebang::credit::{self, Subject};
use jiebang::state::AppState;
use rand::Rng;
use secrecy::SecretString;

mod support;
use support::{database_url, percentile};

const DB: &str = "jiebang_credit_bench";

fn id_number(n: u64) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    // Region 350203, born 1960-01-01 plus n % 20000 days, sequence from n.
    let born = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
        + chrono::Duration::days((n % 20_000) as i64);
    let first17 = format!("350203{}{:03}", born.format("%Y%m%d"), (n / 20_000) % 1000);
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

fn uscc(n: u64) -> String {
    complete_uscc(&format!("91350200{n:09}")).expect("digits complete")
}

/// Subject `s`: organisations for s % 10 < 7, persons otherwise.
fn subject_code(s: u64) -> (bool, String) {
    if s % 10 < 7 {
        (true, uscc(s))
    } else {
        (false, id_number(s))
    }
}

fn generate(path: &std::path::Path, records: u64, subjects: u64) -> anyhow::Result<u64> {
    let file = std::fs::File::create(path)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut writer = csv::WriterBuilder::new().from_writer(&mut out);
    writer.write_record([
        "主体类型",
        "主体名称",
        "统一社会信用代码或身份证号",
        "严重程度",
        "失信类别",
        "事由",
        "认定单位",
        "记录编号",
        "认定日期",
        "有效期至",
    ])?;
    let mut rng = rand::rng();
    for r in 0..records {
        let s = if r < subjects {
            r
        } else {
            rng.random_range(0..subjects)
        };
        let (org, code) = subject_code(s);
        let decided = chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap()
            + chrono::Duration::days(rng.random_range(0..3000));
        let until = if rng.random_bool(0.5) {
            (decided + chrono::Duration::days(365 * 3))
                .format("%Y/%-m/%-d")
                .to_string()
        } else {
            String::new()
        };
        writer.write_record([
            if org { "法人" } else { "自然人" },
            &if org {
                format!("测试企业{s}有限公司")
            } else {
                format!("测试人员{s}")
            },
            &code,
            if rng.random_bool(0.3) {
                "严重失信"
            } else {
                "一般失信"
            },
            "合同履约",
            "未按约定履行合同义务，经催告仍未履行",
            "厦门市市场监督管理局",
            &format!("BENCH-{r:08}"),
            &decided.format("%Y/%-m/%-d").to_string(),
            &until,
        ])?;
    }
    writer.flush()?;
    drop(writer);
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

async fn import(state: &AppState, bytes: Vec<u8>) -> anyhow::Result<()> {
    let start = Instant::now();
    let report = run_import(
        state,
        &RequestMeta::default(),
        ImportInput {
            bytes,
            encoding: EncodingChoice::Auto,
            source: "bench".into(),
            file_name: Some("credit-bench.csv".into()),
            created_by: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "import: {:.1} s — read {}, inserted {}, updated {}, unchanged {}, rejected {}",
        start.elapsed().as_secs_f64(),
        report.read_rows,
        report.inserted,
        report.updated,
        report.unchanged,
        report.rejected
    );
    Ok(())
}

/// Look-ups at `concurrency` connections for `seconds`: known subjects (with records) and, one in
/// five, unknown ones.
async fn look_ups(
    state: &Arc<AppState>,
    subjects: u64,
    concurrency: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    let today = credit::business_date(state.clock.now());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let state = state.clone();
        tasks.spawn(async move {
            let mut conn = state.conn().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut latencies = Vec::new();
            let mut found = 0u64;
            while Instant::now() < deadline {
                let s = {
                    let mut rng = rand::rng();
                    if rng.random_bool(0.2) {
                        subjects + rng.random_range(0..subjects)
                    } else {
                        rng.random_range(0..subjects)
                    }
                };
                let (org, code) = subject_code(s);
                let started = Instant::now();
                let subject = if org {
                    Subject::organization(&code, "x")
                } else {
                    Subject::person(&state.privacy, &code, "x")
                }
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let (_, records) = credit::standing(&mut conn, &subject.key(), today)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                latencies.push(started.elapsed());
                found += u64::from(!records.is_empty());
            }
            Ok::<_, anyhow::Error>((latencies, found))
        });
    }
    let mut all = Vec::new();
    let mut found = 0;
    while let Some(result) = tasks.join_next().await {
        let (latencies, f) = result??;
        all.extend(latencies);
        found += f;
    }
    all.sort();
    println!(
        "standing look-ups at {concurrency} connections for {seconds} s: {} look-ups, {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} with records in force)",
        all.len(),
        all.len() as f64 / seconds as f64,
        percentile(&all, 0.5).as_secs_f64() * 1000.0,
        percentile(&all, 0.99).as_secs_f64() * 1000.0,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        found
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let records: u64 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let levels: Vec<usize> = args
        .get(2)
        .map(|a| a.split(',').filter_map(|c| c.parse().ok()).collect())
        .unwrap_or_else(|| vec![64]);
    let concurrency = levels.iter().copied().max().unwrap_or(64);
    let seconds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(15);
    let subjects = records * 4 / 5;

    let mut settings = Settings::load_from(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config"),
        Environment::Development,
    )?;
    settings.database.url = Some(SecretString::from(database_url(DB)));
    settings.database.pool_size = concurrency + 2;
    let admin = tokio_postgres::connect(&database_url("postgres"), tokio_postgres::NoTls).await?;
    tokio::spawn(admin.1);
    let admin = admin.0;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await?;
    jiebang::db::ensure_database(&settings.database).await?;
    jiebang::db::run_migrations(settings.database.url()?).await?;
    let state = Arc::new(jiebang::startup::assemble(
        settings.clone(),
        jiebang::db::build_pool(&settings.database)?,
    )?);

    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/credit-bench.csv");
    let start = Instant::now();
    let size = generate(&path, records, subjects)?;
    println!(
        "generated {records} records of {subjects} subjects: {:.0} MiB in {:.1} s ({})",
        size as f64 / 1048576.0,
        start.elapsed().as_secs_f64(),
        path.display()
    );
    import(&state, std::fs::read(&path)?).await?;
    import(&state, std::fs::read(&path)?).await?;

    for &level in &levels {
        look_ups(&state, subjects, level, seconds).await?;
    }
    drop(state);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        .await?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}
