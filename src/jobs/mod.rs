//! Background jobs on PostgreSQL, after crates.io's `crates_io_worker`.
//!
//! A job is a type that implements [`BackgroundJob`], next to the logic it runs: its kind name,
//! its payload (the type itself, as JSON), its dedupe key and retry policy, and `perform`.
//! Enqueueing is `job.enqueue(conn)` inside the caller's transaction: one insert. Every kind the
//! application knows is registered once, at start-up, in a [`JobRegistry`]; this module knows no
//! domain.
//!
//! A runner **claims** the next due job with a lease, in one short statement
//! (`UPDATE … SET status = 'running', locked_by = <host:pid#claim>, locked_until = now + lease,
//! attempts = attempts + 1 WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`), so any
//! number of runners, in any number of server instances, never take one job at the same time.
//! The work runs **outside any transaction**, on connections of its own; then a second short
//! statement, guarded by `locked_by`, records the outcome: success deletes the row; failure (an
//! error, a panic, or an attempt longer than `jobs.timeout_secs`) schedules a retry with
//! exponential back-off; after the job's `MAX_ATTEMPTS` it is parked as `failed` with its last
//! error, for an admin to see and retry. A job whose kind no handler is registered for is parked
//! at once.
//!
//! A lease that runs out (`jobs.lease_secs`; the instance was killed, or could not reach the
//! database to record the outcome) puts the job back in the queue, due at once, for any runner
//! to take; a runner whose lease was taken over records nothing. At shutdown the runner takes no
//! more jobs, finishes those in hand for at most `jobs.shutdown_timeout_secs`, and hands back the
//! rest (pending again, the interrupted attempt not counted). Delivery is therefore at least
//! once: jobs must be idempotent, or at least harmless when repeated (a mail keeps the
//! `Message-ID` fixed when it was enqueued, so a repeat is recognisable as the same message).

pub mod input;
pub mod queries;
mod registry;
pub mod routes;
mod runner;
pub mod views;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use registry::JobRegistry;
pub use runner::{Runner, RunnerHealth, run_next, run_until_idle};

use crate::error::AppResult;
use crate::schema::background_jobs;
use crate::state::AppState;

/// A kind of background job. The implementing type is the payload.
pub trait BackgroundJob: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind stored with each job; unique among the registered jobs, never renamed while
    /// jobs of the kind may be queued.
    const KIND: &'static str;

    /// Attempts before the job is parked as `failed`.
    const MAX_ATTEMPTS: i32 = 12;

    /// A key that makes the job unique while it is pending: a second job of the same kind and
    /// key is not added. `None`: every job is added.
    fn dedupe_key(&self) -> Option<String> {
        None
    }

    /// Does the job.
    fn perform(self, state: &AppState) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Adds the job to the caller's transaction, due now.
    fn enqueue(&self, conn: &mut AsyncPgConnection) -> impl Future<Output = AppResult<()>> + Send {
        enqueue(conn, self, None)
    }

    /// Adds the job to the caller's transaction, due at `at`.
    fn enqueue_at(
        &self,
        conn: &mut AsyncPgConnection,
        at: DateTime<Utc>,
    ) -> impl Future<Output = AppResult<()>> + Send {
        enqueue(conn, self, Some(at))
    }
}

/// A job as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = background_jobs, check_for_backend(diesel::pg::Pg))]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedupe_key: Option<String>,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub status: String,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who holds the lease of a running job (instance and claim).
    pub locked_by: Option<String>,
    /// Until when the lease of a running job holds.
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = background_jobs)]
struct NewJob {
    kind: &'static str,
    payload: serde_json::Value,
    dedupe_key: Option<String>,
    run_at: Option<DateTime<Utc>>,
    max_attempts: i32,
}

impl NewJob {
    fn of<J: BackgroundJob>(job: &J, run_at: Option<DateTime<Utc>>) -> AppResult<NewJob> {
        Ok(NewJob {
            kind: J::KIND,
            payload: serde_json::to_value(job).map_err(anyhow::Error::from)?,
            // Keys of different kinds never meet.
            dedupe_key: job.dedupe_key().map(|key| format!("{}:{key}", J::KIND)),
            run_at,
            max_attempts: J::MAX_ATTEMPTS,
        })
    }
}

async fn enqueue<J: BackgroundJob>(
    conn: &mut AsyncPgConnection,
    job: &J,
    run_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    let row = NewJob::of(job, run_at)?;
    let dedupe = row.dedupe_key.is_some();
    let insert = diesel::insert_into(background_jobs::table).values(row);
    if dedupe {
        insert.on_conflict_do_nothing().execute(conn).await?;
    } else {
        insert.execute(conn).await?;
    }
    Ok(())
}

/// Adds many jobs of one kind at once (one insert per thousand), each due at its own time;
/// those whose dedupe key is pending already are left out. Answers how many were added.
pub async fn enqueue_many<J: BackgroundJob>(
    conn: &mut AsyncPgConnection,
    jobs: &[(J, DateTime<Utc>)],
) -> AppResult<usize> {
    let mut added = 0;
    for chunk in jobs.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|(job, at)| NewJob::of(job, Some(*at)))
            .collect::<AppResult<Vec<_>>>()?;
        added += diesel::insert_into(background_jobs::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(added)
}
