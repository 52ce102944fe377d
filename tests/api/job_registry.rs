//! The job registry and runner on their own: a kind no handler is registered for is parked with a
//! clear error, a job that panics counts as a failed attempt without taking the runner's worker
//! down, and `/ready` answers 503 when a worker of the runner has ended.

use std::sync::atomic::{AtomicUsize, Ordering};

use jiebang::jobs::{BackgroundJob, JobRegistry};
use jiebang::state::{AppState, Extensions};
use serde::{Deserialize, Serialize};

use crate::helpers::TestApp;

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// A job that panics every time it runs.
#[derive(Debug, Serialize, Deserialize)]
struct Panics {
    n: u32,
}

impl BackgroundJob for Panics {
    const KIND: &'static str = "test_panics";
    const MAX_ATTEMPTS: i32 = 2;

    async fn perform(self, _: &AppState) -> anyhow::Result<()> {
        PANICS.fetch_add(1, Ordering::SeqCst);
        panic!("job {} went wrong", self.n);
    }
}

/// A second instance's state on the test's database, with only the jobs given registered.
fn state_with(app: &TestApp, jobs: JobRegistry) -> AppState {
    AppState::new(
        app.state.settings.clone(),
        jiebang::db::build_pool(&app.state.settings.database).unwrap(),
        jobs,
        Extensions::new(),
    )
    .unwrap()
}

async fn job_row(app: &TestApp, kind: &str) -> (String, i32, Option<String>) {
    let row = app
        .db()
        .await
        .query_one(
            "SELECT status, attempts, last_error FROM background_jobs WHERE kind = $1",
            &[&kind],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test]
async fn a_kind_without_a_handler_is_parked_with_a_clear_error() {
    let app = TestApp::spawn().await;
    app.db()
        .await
        .execute(
            "INSERT INTO background_jobs (kind, payload) VALUES ('from_the_future', '{}')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(app.run_jobs().await, 1);
    let (status, attempts, error) = job_row(&app, "from_the_future").await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    let error = error.unwrap();
    assert!(
        error.contains("no handler") && error.contains("from_the_future"),
        "{error}"
    );
    // Parked: not tried again.
    app.state.clock.advance(chrono::Duration::days(1));
    assert_eq!(app.run_jobs().await, 0);
}

#[tokio::test]
async fn a_panicking_job_is_a_failed_attempt_and_the_runner_goes_on() {
    let app = TestApp::spawn().await;
    let state = state_with(&app, JobRegistry::new().register::<Panics>());
    let mut conn = state.conn().await.unwrap();
    Panics { n: 7 }.enqueue(&mut conn).await.unwrap();
    drop(conn);
    let before = PANICS.load(Ordering::SeqCst);
    // The first attempt panics: recorded as a failure with the panic's message, retried later.
    assert_eq!(jiebang::jobs::run_until_idle(&state).await.unwrap(), 1);
    let (status, attempts, error) = job_row(&app, Panics::KIND).await;
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(error.unwrap().contains("panicked: job 7 went wrong"));
    // The second (and last of its MAX_ATTEMPTS) parks it; the runner is still there to say so.
    app.state.clock.advance(chrono::Duration::minutes(1));
    state.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(jiebang::jobs::run_until_idle(&state).await.unwrap(), 1);
    let (status, attempts, _) = job_row(&app, Panics::KIND).await;
    assert_eq!((status.as_str(), attempts), ("failed", 2));
    assert_eq!(PANICS.load(Ordering::SeqCst) - before, 2);
}

/// A job that panics every time, counted nowhere (the test above counts its own).
#[derive(Debug, Serialize, Deserialize)]
struct AlwaysPanics;

impl BackgroundJob for AlwaysPanics {
    const KIND: &'static str = "test_always_panics";
    const MAX_ATTEMPTS: i32 = 2;

    async fn perform(self, _: &AppState) -> anyhow::Result<()> {
        panic!("always");
    }
}

#[tokio::test]
async fn a_panicking_job_leaves_its_worker_running() {
    // The served instance runs no jobs: its registry does not know the test's kind and would park
    // the job before the runner under test took it.
    let app = TestApp::spawn().await;

    // The real runner of another instance (one worker) meets a job that panics.
    let mut settings = app.state.settings.clone();
    settings.jobs.workers = 1;
    settings.jobs.poll_interval_ms = 10;
    let other = actix_web::web::Data::new(
        AppState::new(
            settings,
            jiebang::db::build_pool(&app.state.settings.database).unwrap(),
            JobRegistry::new().register::<AlwaysPanics>(),
            Extensions::new(),
        )
        .unwrap(),
    );
    let runner = jiebang::jobs::Runner::start(other.clone());
    let mut conn = other.conn().await.unwrap();
    AlwaysPanics.enqueue(&mut conn).await.unwrap();
    drop(conn);
    let wait_for = async |attempts: i32| {
        let started = std::time::Instant::now();
        loop {
            let (status, seen, error) = job_row(&app, AlwaysPanics::KIND).await;
            if seen == attempts && status != "running" {
                return (status, error);
            }
            assert!(
                started.elapsed().as_secs() < 10,
                "attempt {attempts} never recorded"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    let (status, error) = wait_for(1).await;
    assert_eq!(status, "pending");
    assert!(error.unwrap().contains("panicked: always"));
    // Its worker is still there: it takes the retry and parks the job.
    assert!(other.runner_health.is_running());
    assert_eq!(other.runner_health.alive(), 1);
    other.clock.advance(chrono::Duration::minutes(1));
    let (status, _) = wait_for(2).await;
    assert_eq!(status, "failed");
    assert!(other.runner_health.is_running());
    runner.stop().await;
}

#[tokio::test]
async fn ready_tells_when_a_worker_of_the_runner_ends() {
    let app = TestApp::spawn_with(|s| {
        s.jobs.enabled = true;
        s.jobs.workers = 1;
    })
    .await;
    assert_eq!(app.get("/ready", None).await.status(), 200);

    // A runner on the served instance whose workers ended: not ready.
    let extra = jiebang::jobs::Runner::start(app.state.clone());
    assert_eq!(app.get("/ready", None).await.status(), 200);
    extra.stop().await;
    let resp = app.get("/ready", None).await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
}

#[test]
#[should_panic(expected = "registered twice")]
fn a_kind_registered_twice_is_refused() {
    let _ = JobRegistry::new().register::<Panics>().register::<Panics>();
}

#[test]
fn every_kind_the_application_enqueues_is_registered() {
    assert_eq!(
        jiebang::startup::job_registry().kinds(),
        [
            "acceptance_reminder",
            "close_bidding",
            "confirm_award",
            "make_blind_copies",
            "milestone_overdue",
            "review_reminder",
            "send_email",
        ]
    );
}
