//! Claiming due jobs with a lease, doing them, and recording what came of them.
//!
//! Three short statements per job, none of them held open across the work:
//! 1. **claim**: `UPDATE … SET status = 'running', locked_by, locked_until, attempts + 1
//!    WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …` (after putting back the jobs
//!    whose lease ran out);
//! 2. the work, on connections of its own;
//! 3. **record**: delete (done) or schedule the retry (failed), guarded by `locked_by`: a runner
//!    whose lease was taken over records nothing.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::Job;
use crate::error::{AppError, AppResult};
use crate::schema::background_jobs;
use crate::state::AppState;

/// The first retry waits this long; each further one twice as long, up to [`MAX_BACKOFF_SECS`].
pub const BASE_BACKOFF_SECS: i64 = 10;
pub const MAX_BACKOFF_SECS: i64 = 3600;

/// Attempts to record an outcome while the database does not answer, before the lease is left
/// to run out.
const RECORD_TRIES: u32 = 6;

fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    let secs = BASE_BACKOFF_SECS
        .saturating_mul(1_i64 << exponent)
        .min(MAX_BACKOFF_SECS);
    chrono::Duration::seconds(secs)
}

/// This process, as `locked_by` names it (with the claim after a `#`).
fn instance() -> &'static str {
    static INSTANCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    INSTANCE.get_or_init(|| {
        let host = hostname::get()
            .ok()
            .and_then(|h| h.into_string().ok())
            .unwrap_or_else(|| "localhost".into());
        format!("{host}:{}", std::process::id())
    })
}

/// What became of one run.
enum Outcome {
    Done,
    /// An error, a panic or a timeout: retried until the job's attempts run out.
    Failed(String),
    /// No handler for the kind: parked at once.
    Unknown,
}

/// Runs the job, turning a panic into a failed attempt with the panic's message, and an attempt
/// longer than `jobs.timeout_secs` into a failed one.
async fn perform(state: &AppState, job: &Job) -> Outcome {
    let Some(work) = state.jobs.perform(state, &job.kind, job.payload.clone()) else {
        return Outcome::Unknown;
    };
    let limit = Duration::from_secs(state.settings.jobs.timeout_secs.max(1));
    match tokio::time::timeout(limit, AssertUnwindSafe(work).catch_unwind()).await {
        Ok(Ok(Ok(()))) => Outcome::Done,
        Ok(Ok(Err(error))) => Outcome::Failed(format!("{error:#}")),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_string());
            Outcome::Failed(format!("panicked: {message}"))
        }
        Err(_) => Outcome::Failed(format!("timed out after {}s", limit.as_secs())),
    }
}

/// A claimed job: the row as it was claimed, and the lease's holder.
struct Claimed {
    job: Job,
    holder: String,
}

/// The rows of `id` that `holder` still holds.
macro_rules! held {
    ($id:expr, $holder:expr) => {
        background_jobs::table
            .filter(background_jobs::id.eq($id))
            .filter(background_jobs::status.eq("running"))
            .filter(background_jobs::locked_by.eq($holder))
    };
}

/// Puts back the running jobs whose lease ended before `now` (their instance died, or could not
/// record the outcome): pending and due at once, or failed when that was their last attempt.
/// Answers how many.
async fn reclaim_expired(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let expired = background_jobs::table
        .filter(background_jobs::status.eq("running"))
        .filter(background_jobs::locked_until.lt(now));
    let rows: Vec<(i64, String, Option<String>)> = diesel::update(expired)
        .set((
            background_jobs::status.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
                "CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END",
            )),
            background_jobs::last_error.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Text>,
            >(
                "'the lease of ' || locked_by || ' ran out before it recorded an outcome \
                 (the instance stopped?); the job may have run'",
            )),
            background_jobs::locked_by.eq(None::<String>),
            background_jobs::locked_until.eq(None::<DateTime<Utc>>),
            background_jobs::run_at.eq(now),
            background_jobs::updated_at.eq(Utc::now()),
        ))
        .returning((
            background_jobs::id,
            background_jobs::kind,
            background_jobs::last_error,
        ))
        .get_results(conn)
        .await?;
    for (id, kind, error) in &rows {
        tracing::warn!(id, %kind, error = error.as_deref().unwrap_or(""), "job lease expired; put back");
    }
    Ok(rows.len())
}

/// Claims the next due job for a lease of `jobs.lease_secs`, counting the attempt.
async fn claim(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    now: DateTime<Utc>,
) -> AppResult<Option<Claimed>> {
    let holder = format!("{}#{}", instance(), Uuid::now_v7().simple());
    let lease = chrono::Duration::seconds(state.settings.jobs.lease_secs.max(1) as i64);
    // One statement: the row is locked only while it is marked as ours.
    let job = diesel::sql_query(
        "UPDATE background_jobs \
         SET status = 'running', locked_by = $1, locked_until = $3, \
             attempts = attempts + 1, updated_at = now() \
         WHERE id = (SELECT id FROM background_jobs \
                     WHERE status = 'pending' AND run_at <= $2 \
                     ORDER BY run_at, id \
                     LIMIT 1 \
                     FOR UPDATE SKIP LOCKED) \
         RETURNING *",
    )
    .bind::<Text, _>(&holder)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(now + lease)
    .get_result::<Job>(conn)
    .await
    .optional()?;
    Ok(job.map(|job| Claimed { job, holder }))
}

/// Records the outcome, guarded by the lease. Answers whether the lease was still held.
async fn record(
    state: &AppState,
    claimed: &Claimed,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let job = &claimed.job;
    let mut conn = state.conn().await?;
    let (parked, message) = match outcome {
        Outcome::Done => {
            let deleted = diesel::delete(held!(job.id, &claimed.holder))
                .execute(&mut conn)
                .await?;
            return Ok(deleted == 1);
        }
        Outcome::Failed(message) => (job.attempts >= job.max_attempts, message.clone()),
        Outcome::Unknown => (
            true,
            format!(
                "no handler for job kind {:?} in this version; retry it once a version that \
                 knows it runs",
                job.kind
            ),
        ),
    };
    let updated = diesel::update(held!(job.id, &claimed.holder))
        .set((
            background_jobs::last_error.eq(&message),
            background_jobs::status.eq(if parked { "failed" } else { "pending" }),
            background_jobs::locked_by.eq(None::<String>),
            background_jobs::locked_until.eq(None::<DateTime<Utc>>),
            background_jobs::run_at.eq(now + backoff(job.attempts)),
            background_jobs::updated_at.eq(Utc::now()),
        ))
        .execute(&mut conn)
        .await?;
    Ok(updated == 1)
}

/// Gives a claimed job back, undone: pending, due now, the attempt not counted.
async fn hand_back(state: &AppState, claimed: &Claimed) -> AppResult<bool> {
    let mut conn = state.conn().await?;
    let updated = diesel::update(held!(claimed.job.id, &claimed.holder))
        .set((
            background_jobs::status.eq("pending"),
            background_jobs::attempts.eq(background_jobs::attempts - 1),
            background_jobs::locked_by.eq(None::<String>),
            background_jobs::locked_until.eq(None::<DateTime<Utc>>),
            background_jobs::run_at.eq(Utc::now().min(claimed.job.run_at)),
            background_jobs::updated_at.eq(Utc::now()),
        ))
        .execute(&mut conn)
        .await?;
    Ok(updated == 1)
}

/// Retries `write` while the database is unavailable (a restart, a failover), a few seconds in
/// all: an outcome that cannot be recorded leaves the job to run again when its lease ends.
async fn persist<F, Fut>(what: &str, job: &Job, mut write: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = AppResult<bool>>,
{
    let mut wait = Duration::from_millis(100);
    for attempt in 1..=RECORD_TRIES {
        match write().await {
            Ok(true) => return true,
            Ok(false) => {
                tracing::warn!(id = job.id, kind = %job.kind, "job lease lost before its {what} was recorded (another runner took it over)");
                return false;
            }
            Err(AppError::Unavailable(cause)) if attempt < RECORD_TRIES => {
                tracing::debug!(id = job.id, %cause, attempt, "cannot record the job's {what} yet");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(error) => {
                tracing::error!(id = job.id, kind = %job.kind, %error, "cannot record the job's {what}; it runs again when its lease ends");
                return false;
            }
        }
    }
    false
}

/// Claims the next due job, does it and records the outcome. Answers whether there was one.
pub async fn run_next(state: &AppState) -> AppResult<bool> {
    match take(state).await? {
        Some(claimed) => {
            finish(state, &claimed, work(state, &claimed).await).await;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Puts back expired leases, then claims the next due job.
async fn take(state: &AppState) -> AppResult<Option<Claimed>> {
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    reclaim_expired(&mut conn, now).await?;
    claim(&mut conn, state, now).await
}

async fn work(state: &AppState, claimed: &Claimed) -> Outcome {
    let job = &claimed.job;
    let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
    tracing::Instrument::instrument(perform(state, job), span).await
}

async fn finish(state: &AppState, claimed: &Claimed, outcome: Outcome) {
    let job = &claimed.job;
    let now = state.clock.now();
    if !persist("outcome", job, || record(state, claimed, &outcome, now)).await {
        return;
    }
    match outcome {
        Outcome::Done => tracing::debug!(id = job.id, kind = %job.kind, "job done"),
        Outcome::Failed(message) if job.attempts >= job.max_attempts => {
            tracing::error!(id = job.id, kind = %job.kind, attempt = job.attempts, error = %message, "job failed for good; parked")
        }
        Outcome::Failed(message) => {
            tracing::warn!(id = job.id, kind = %job.kind, attempt = job.attempts, error = %message, "job failed; will retry")
        }
        Outcome::Unknown => {
            tracing::error!(id = job.id, kind = %job.kind, "no handler for the job's kind; parked")
        }
    }
}

/// Runs due jobs until none is left; answers how many ran (tests, and `serve` at start).
pub async fn run_until_idle(state: &AppState) -> AppResult<usize> {
    let mut count = 0;
    while run_next(state).await? {
        count += 1;
    }
    Ok(count)
}

/// Whether the runner's workers are all alive, for `/ready`. Kept in [`AppState`].
#[derive(Debug, Default)]
pub struct RunnerHealth {
    started: AtomicUsize,
    alive: AtomicUsize,
}

impl RunnerHealth {
    /// Whether a runner was started and none of its workers has ended.
    pub fn is_running(&self) -> bool {
        let started = AtomicUsize::load(&self.started, Ordering::SeqCst);
        started > 0 && AtomicUsize::load(&self.alive, Ordering::SeqCst) >= started
    }

    /// Workers alive now.
    pub fn alive(&self) -> usize {
        AtomicUsize::load(&self.alive, Ordering::SeqCst)
    }
}

/// Held by a worker task: counted alive until dropped, however the task ends (a panic outside
/// a job, an abort, a stop).
struct Alive(Arc<RunnerHealth>);

impl Alive {
    fn new(health: &Arc<RunnerHealth>) -> Alive {
        health.alive.fetch_add(1, Ordering::SeqCst);
        Alive(health.clone())
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The runner inside `serve`: `workers` loops claiming jobs, each sleeping for the poll interval
/// when nothing is due. [`Runner::stop`] makes them take no more jobs, waits for those in hand
/// (at most `jobs.shutdown_timeout_secs`) and hands back what is not finished by then.
pub struct Runner {
    /// No more jobs.
    stop: watch::Sender<bool>,
    /// Give back the jobs in hand now.
    abandon: watch::Sender<bool>,
    tasks: JoinSet<()>,
    grace: Duration,
}

impl Runner {
    /// Starts the workers on the current runtime (in `serve`, the main one, which outlives the
    /// HTTP workers).
    pub fn start(state: actix_web::web::Data<AppState>) -> Runner {
        let (stop, stopped) = watch::channel(false);
        let (abandon, abandoned) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let poll = Duration::from_millis(state.settings.jobs.poll_interval_ms.max(10));
        let workers = state.settings.jobs.workers.max(1);
        state
            .runner_health
            .started
            .fetch_add(workers, Ordering::SeqCst);
        for worker in 0..workers {
            let alive = Alive::new(&state.runner_health);
            let state = state.clone();
            let stopped = stopped.clone();
            let abandoned = abandoned.clone();
            tasks.spawn(async move {
                let _alive = alive;
                tracing::debug!(worker, "job worker started");
                work_loop(&state, poll, stopped, abandoned).await;
                tracing::debug!(worker, "job worker stopped");
            });
        }
        Runner {
            stop,
            abandon,
            tasks,
            grace: Duration::from_secs(state.settings.jobs.shutdown_timeout_secs),
        }
    }

    /// Takes no more jobs; finishes those in hand within the grace period, hands back the rest.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        let finished = tokio::time::timeout(self.grace, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                grace_secs = self.grace.as_secs(),
                "jobs still running at the end of the shutdown grace period; handing them back"
            );
            let _ = self.abandon.send(true);
            let handed = tokio::time::timeout(Duration::from_secs(5), async {
                while self.tasks.join_next().await.is_some() {}
            })
            .await;
            if handed.is_err() {
                self.tasks.abort_all();
            }
        }
    }
}

async fn work_loop(
    state: &AppState,
    poll: Duration,
    mut stopped: watch::Receiver<bool>,
    mut abandoned: watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            return;
        }
        let claimed = match take(state).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "job runner cannot take jobs");
                None
            }
        };
        let Some(claimed) = claimed else {
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = stopped.changed() => {}
            }
            continue;
        };
        tokio::select! {
            outcome = work(state, &claimed) => finish(state, &claimed, outcome).await,
            _ = async { abandoned.wait_for(|abandon| *abandon).await.is_ok() } => {
                if persist("hand-back", &claimed.job, || hand_back(state, &claimed)).await {
                    tracing::warn!(id = claimed.job.id, kind = %claimed.job.kind, "job handed back unfinished at shutdown");
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_worker_that_ends_in_a_panic_is_no_longer_counted() {
        let health = Arc::new(RunnerHealth::default());
        health.started.fetch_add(2, Ordering::SeqCst);
        let first = Alive::new(&health);
        let second = Alive::new(&health);
        assert!(health.is_running());
        let ended = tokio::spawn(async move {
            let _alive = second;
            panic!("outside any job");
        })
        .await;
        assert!(ended.is_err());
        assert_eq!(health.alive(), 1);
        assert!(!health.is_running());
        drop(first);
        assert_eq!(health.alive(), 0);
    }

    #[test]
    fn no_runner_started_is_not_running() {
        assert!(!RunnerHealth::default().is_running());
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 10);
        assert_eq!(backoff(2).num_seconds(), 20);
        assert_eq!(backoff(5).num_seconds(), 160);
        assert_eq!(backoff(12).num_seconds(), 3600);
        assert_eq!(backoff(1000).num_seconds(), 3600);
    }
}
