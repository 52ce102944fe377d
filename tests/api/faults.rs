//! Faults: the database stopping under write load (on a private cluster), and instances racing
//! to create the same new database.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use jiebang::config::{Environment, Settings};
use jiebang::startup::Application;
use secrecy::SecretString;
use tokio::sync::Mutex;

use crate::helpers::{Registration, database_url};
use crate::private_cluster::{PrivateCluster, StopMode};

fn test_settings(url: String) -> Settings {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut settings = Settings::load_from(&dir, Environment::Test).unwrap();
    settings.database.url = Some(SecretString::from(url));
    settings.server.bind = "127.0.0.1:0".to_string();
    settings
}

/// One answer seen under load: status, `Retry-After`, content type, body.
#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    content_type: String,
    body: String,
}

async fn register(client: &reqwest::Client, base: &str) -> Answer {
    let resp = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&Registration::new("issuer").body)
        .send()
        .await
        .expect("the server answers");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let retry_after = header("retry-after");
    let content_type = header("content-type").unwrap_or_default();
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    Answer {
        status,
        retry_after,
        content_type,
        body,
    }
}

async fn wait_ready(client: &reqwest::Client, base: &str, cluster: &PrivateCluster) {
    let started = Instant::now();
    loop {
        let status = client
            .get(format!("{base}/ready"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| e.to_string());
        if status == Ok(200) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "/ready never came back after the restart: {status:?}\n{}",
            cluster.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// PostgreSQL stopped (fast: sessions end with 57P01; immediate: connections just drop) while
/// writes are in flight: every answer is a 201 or a 503 problem with `Retry-After`, never a 500;
/// once it is back, `/ready` is green and writes succeed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_stopping_under_load_answers_503_and_recovers() {
    let cluster = Arc::new(PrivateCluster::start());
    let mut settings = test_settings(cluster.url("jiebang"));
    settings.database.pool_size = 8;
    settings.database.acquire_timeout_ms = 1000;
    settings.database.connect_timeout_ms = 1000;
    let app = Application::build(settings).await.expect("builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.server_handle();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();

    let answers = Arc::new(Mutex::new(Vec::new()));
    let running = Arc::new(AtomicBool::new(true));
    let mut load = Vec::new();
    for _ in 0..8 {
        let (client, base, answers, running) = (
            client.clone(),
            base.clone(),
            answers.clone(),
            running.clone(),
        );
        load.push(tokio::spawn(async move {
            while running.load(Ordering::SeqCst) {
                let answer = register(&client, &base).await;
                answers.lock().await.push(answer);
            }
        }));
    }

    for mode in [StopMode::Fast, StopMode::Immediate] {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let stopping = cluster.clone();
        tokio::task::spawn_blocking(move || stopping.stop(mode))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        let starting = cluster.clone();
        tokio::task::spawn_blocking(move || starting.start_server())
            .await
            .unwrap();
        wait_ready(&client, &base, &cluster).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    running.store(false, Ordering::SeqCst);
    for task in load {
        task.await.unwrap();
    }

    let answers = answers.lock().await;
    let count = |status| answers.iter().filter(|a| a.status == status).count();
    let (created, unavailable) = (count(201), count(503));
    let others: Vec<_> = answers
        .iter()
        .filter(|a| a.status != 201 && a.status != 503)
        .collect();
    assert!(
        others.is_empty(),
        "{} answers neither 201 nor 503: {:?}",
        others.len(),
        others.iter().take(3).collect::<Vec<_>>()
    );
    assert!(
        created > 0 && unavailable > 0,
        "{created} created, {unavailable} unavailable"
    );
    for answer in answers.iter().filter(|a| a.status == 503) {
        assert_eq!(
            answer.content_type, "application/problem+json",
            "{answer:?}"
        );
        assert!(answer.retry_after.is_some(), "{answer:?}");
        assert!(answer.body.contains("service_unavailable"), "{answer:?}");
    }
    eprintln!("database outage: {created} created, {unavailable} unavailable");
    // Back to normal: writes go through.
    assert_eq!(register(&client, &base).await.status, 201);
    handle.stop(true).await;
}

/// Several instances started at once on a database that does not exist yet all start: one
/// creates it (the others see 42P04 or 23505 and go on) and they migrate one at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_at_once_on_a_new_database_all_start() {
    let (admin, connection) =
        tokio_postgres::connect(&database_url("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    for round in 0..3 {
        let name = format!("jiebang_race_{}", uuid::Uuid::new_v4().simple());
        let builds = (0..4).map(|_| {
            let mut settings = test_settings(database_url(&name));
            settings.database.create_if_missing = true;
            tokio::spawn(Application::build(settings))
        });
        let results = futures_util::future::join_all(builds).await;
        let mut handles = Vec::new();
        for (i, result) in results.into_iter().enumerate() {
            match result.unwrap() {
                Ok(app) => {
                    handles.push(app.server_handle());
                    tokio::spawn(app.run_until_stopped());
                }
                Err(e) => panic!("round {round}: instance {i} did not start: {e:#}"),
            }
        }
        for handle in handles {
            handle.stop(false).await;
        }
        // The apps' pools hold connections until dropped; force them out.
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await
            .unwrap();
    }
}
