//! Mail delivery throughput: enqueue N mails, then let the job runner deliver them to an SMTP
//! server on loopback (the tests' sink), and report mails per second — next to the same run into
//! lettre's stub transport, the baseline for what the queue itself costs, in the same process.
//!
//! cargo run --release --example mail_throughput -- [MAILS] [WORKERS]
//! Needs PostgreSQL (TEST_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432).

use std::time::Instant;

use jiebang::config::{Environment, MailBackend, Settings, SmtpTls};
use jiebang::jobs::BackgroundJob;
use jiebang::mail::{self, SendEmail};
use secrecy::SecretString;
use serde_json::json;

#[path = "../tests/api/smtp_sink.rs"]
#[allow(dead_code)]
mod smtp_sink;
use smtp_sink::SmtpSink;

mod support;
use support::database_url;

async fn measure(settings: &Settings, mails: usize, workers: usize) -> anyhow::Result<f64> {
    let state = jiebang::startup::assemble(
        settings.clone(),
        jiebang::db::build_pool(&settings.database)?,
    )?;
    let vars = json!({
        "display_name": "陈思远", "email": "chen@example.edu.cn", "role": "solver",
        "organization_name": "海西大学材料学院", "login_url": "http://127.0.0.1:8080/",
    });
    {
        let mut conn = state.conn().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        for n in 0..mails {
            let job = SendEmail {
                message_id: mail::new_message_id(),
                to_email: format!("user{n}@example.com"),
                to_name: format!("用户{n}"),
                locale: jiebang::i18n::Locale::ZhCn,
                template: "welcome".into(),
                vars: vars.clone(),
            };
            job.enqueue(&mut conn)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let start = Instant::now();
    let mut runners = tokio::task::JoinSet::new();
    let state = std::sync::Arc::new(state);
    for _ in 0..workers {
        let state = state.clone();
        runners.spawn(async move { jiebang::jobs::run_until_idle(&state).await });
    }
    let mut done = 0;
    while let Some(result) = runners.join_next().await {
        done += result?.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    anyhow::ensure!(done == mails, "delivered {done} of {mails}");
    Ok(mails as f64 / elapsed)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mails: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let workers: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2);
    let name = format!("jiebang_bench_mail_{}", std::process::id());
    let mut settings = Settings::load_from(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config"),
        Environment::Test,
    )?;
    settings.database.url = Some(SecretString::from(database_url(&name)));
    settings.database.pool_size = workers + 2;
    jiebang::db::ensure_database(&settings.database).await?;
    jiebang::db::run_migrations(settings.database.url()?).await?;

    let baseline = measure(&settings, mails, workers).await?;
    let sink = SmtpSink::start("127.0.0.1:0").await?;
    let mut smtp = settings.clone();
    smtp.mail.backend = MailBackend::Smtp;
    smtp.mail.smtp.host = "127.0.0.1".into();
    smtp.mail.smtp.port = sink.port();
    smtp.mail.smtp.tls = SmtpTls::None;
    let over_smtp = measure(&smtp, mails, workers).await?;
    anyhow::ensure!(
        sink.count() == mails,
        "the sink got {} of {mails}",
        sink.count()
    );

    println!("{mails} mails, {workers} workers");
    println!("into the stub (queue cost only): {baseline:.0} mails/s");
    println!("over SMTP to a loopback sink:  {over_smtp:.0} mails/s");
    println!("ratio SMTP/memory: {:.2}", over_smtp / baseline);

    let (client, connection) =
        tokio_postgres::connect(&database_url("postgres"), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    Ok(())
}
