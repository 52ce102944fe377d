//! The job lease: a claimed job is not claimed by another runner while its lease lives, is
//! claimed again once it ran out, and a runner stopping with a job in hand finishes it or hands
//! it back.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use actix_web::web::Data;
use jiebang::jobs::{BackgroundJob, JobRegistry, Runner};
use jiebang::state::{AppState, Extensions};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use crate::helpers::TestApp;

/// Per test (by `gate`): how many times the job started, and the permits that let a run end.
struct Gate {
    started: usize,
    open: std::sync::Arc<Semaphore>,
}

static GATES: LazyLock<Mutex<HashMap<u32, Gate>>> = LazyLock::new(Default::default);

fn gate(id: u32) -> std::sync::Arc<Semaphore> {
    GATES
        .lock()
        .unwrap()
        .entry(id)
        .or_insert_with(|| Gate {
            started: 0,
            open: std::sync::Arc::new(Semaphore::new(0)),
        })
        .open
        .clone()
}

fn started(id: u32) -> usize {
    GATES.lock().unwrap().get(&id).map_or(0, |g| g.started)
}

/// A job that waits until its test lets it end.
#[derive(Debug, Serialize, Deserialize)]
struct Gated {
    gate: u32,
}

impl BackgroundJob for Gated {
    const KIND: &'static str = "test_gated";

    async fn perform(self, _: &AppState) -> anyhow::Result<()> {
        let open = gate(self.gate);
        GATES.lock().unwrap().get_mut(&self.gate).unwrap().started += 1;
        open.acquire().await?.forget();
        Ok(())
    }
}

/// Another instance on the test's database, running only [`Gated`] jobs.
fn instance(app: &TestApp, adjust: impl FnOnce(&mut jiebang::config::Settings)) -> Data<AppState> {
    let mut settings = app.state.settings.clone();
    adjust(&mut settings);
    Data::new(
        AppState::new(
            settings,
            jiebang::db::build_pool(&app.state.settings.database).unwrap(),
            JobRegistry::new().register::<Gated>(),
            Extensions::new(),
        )
        .unwrap(),
    )
}

async fn enqueue(state: &AppState, gate_id: u32) {
    gate(gate_id);
    let mut conn = state.conn().await.unwrap();
    Gated { gate: gate_id }.enqueue(&mut conn).await.unwrap();
}

/// status, attempts, locked_by of the only job.
async fn row(app: &TestApp) -> Option<(String, i32, Option<String>)> {
    app.db()
        .await
        .query_opt(
            "SELECT status, attempts, locked_by FROM background_jobs WHERE kind = 'test_gated'",
            &[],
        )
        .await
        .unwrap()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
}

async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done().await {
        assert!(started.elapsed() < Duration::from_secs(10), "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_leased_job_is_not_taken_by_another_runner_until_its_lease_runs_out() {
    let app = TestApp::spawn().await;
    let (one, two) = (instance(&app, |_| {}), instance(&app, |_| {}));
    enqueue(&one, 1).await;

    // The first runner claims it and works on it, outside any transaction.
    let first = tokio::spawn({
        let one = one.clone();
        async move { jiebang::jobs::run_next(&one).await.unwrap() }
    });
    until("the first runner starts", async || started(1) == 1).await;
    let (status, attempts, holder) = row(&app).await.unwrap();
    assert_eq!((status.as_str(), attempts), ("running", 1));
    let holder = holder.unwrap();
    assert!(
        holder.contains(&format!(":{}#", std::process::id())),
        "{holder}"
    );

    // Admins see it running, and who holds it.
    let admin = app.admin().await;
    let page = app
        .get_ok("/api/v1/jobs?status=running", Some(&admin.access))
        .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["status"], "running");
    assert_eq!(page["items"][0]["locked_by"], holder.as_str());
    assert!(page["items"][0]["locked_until"].is_string());

    // The second runner finds nothing to do while the lease lives, even much later...
    assert!(!jiebang::jobs::run_next(&two).await.unwrap());
    two.clock.advance(chrono::Duration::seconds(
        app.state.settings.jobs.lease_secs as i64 - 5,
    ));
    assert!(!jiebang::jobs::run_next(&two).await.unwrap());
    assert_eq!(started(1), 1);

    // ...and takes it again once the lease ran out (the first instance looks dead).
    two.clock.advance(chrono::Duration::seconds(10));
    let second = tokio::spawn({
        let two = two.clone();
        async move { jiebang::jobs::run_next(&two).await.unwrap() }
    });
    until("the second runner starts", async || started(1) == 2).await;
    let (status, attempts, new_holder) = row(&app).await.unwrap();
    assert_eq!((status.as_str(), attempts), ("running", 2));
    assert_ne!(new_holder.unwrap(), holder);

    // The first runner ends: it no longer holds the lease, so it records nothing.
    gate(1).add_permits(1);
    assert!(first.await.unwrap());
    let (status, _, _) = row(&app).await.unwrap();
    assert_eq!(status, "running", "the second runner's lease is untouched");
    // The second one's outcome counts.
    gate(1).add_permits(1);
    assert!(second.await.unwrap());
    assert_eq!(row(&app).await, None, "done jobs are deleted");
}

#[tokio::test]
async fn a_runner_stopping_finishes_the_job_in_hand_and_takes_no_other() {
    let app = TestApp::spawn().await;
    let state = instance(&app, |s| {
        s.jobs.workers = 1;
        s.jobs.poll_interval_ms = 10;
        s.jobs.shutdown_timeout_secs = 10;
    });
    enqueue(&state, 2).await;
    enqueue(&state, 2).await;
    let runner = Runner::start(state.clone());
    until("the job starts", async || started(2) == 1).await;
    let stopping = tokio::spawn(runner.stop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!stopping.is_finished(), "waits for the job in hand");
    gate(2).add_permits(1);
    stopping.await.unwrap();
    assert_eq!(started(2), 1, "no job taken after the stop");
    let count: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM background_jobs WHERE kind = 'test_gated' AND status = 'pending' AND attempts = 0",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1, "the first is done, the second still pending");
}

#[tokio::test]
async fn a_job_not_finished_within_the_shutdown_grace_is_handed_back() {
    let app = TestApp::spawn().await;
    let state = instance(&app, |s| {
        s.jobs.workers = 1;
        s.jobs.poll_interval_ms = 10;
        s.jobs.shutdown_timeout_secs = 1;
    });
    enqueue(&state, 3).await;
    let runner = Runner::start(state.clone());
    until("the job starts", async || started(3) == 1).await;
    assert!(state.runner_health.is_running());
    runner.stop().await;
    assert!(!state.runner_health.is_running());
    // Back in the queue, due, the interrupted attempt not counted.
    assert_eq!(row(&app).await, Some(("pending".into(), 0, None)));
    gate(3).add_permits(1);
    assert!(jiebang::jobs::run_next(&state).await.unwrap());
    assert_eq!(row(&app).await, None);
}
