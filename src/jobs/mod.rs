//! Background jobs on PostgreSQL (after crates.io's `crates_io_worker`): a job is a row; a runner
//! takes the next due one with `FOR UPDATE SKIP LOCKED` and keeps it locked while it works, so any
//! number of runners, in any number of server instances, never do a job twice at the same time.
//! Success deletes the row; failure schedules a retry with exponential back-off; after
//! `max_attempts` the job is parked as `failed` with its last error, for an admin to see and retry.
//! Jobs must be idempotent: a runner that dies after the work but before the commit leaves the job
//! to be done again.

pub mod routes;

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::error::{AppError, AppResult};
use crate::schema::background_jobs;
use crate::state::AppState;

/// The first retry waits this long; each further one twice as long, up to [`MAX_BACKOFF_SECS`].
pub const BASE_BACKOFF_SECS: i64 = 10;
pub const MAX_BACKOFF_SECS: i64 = 3600;

#[derive(Debug, Clone, Queryable, Selectable)]
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
}

/// Adds a job to the caller's transaction: one insert. `run_at` schedules it (default: now);
/// with a `dedupe_key`, a second pending job with the same key is not added.
pub async fn enqueue<P: Serialize>(
    conn: &mut AsyncPgConnection,
    kind: &str,
    payload: &P,
    run_at: Option<DateTime<Utc>>,
    dedupe_key: Option<&str>,
) -> AppResult<()> {
    let payload = serde_json::to_value(payload).map_err(anyhow::Error::from)?;
    let insert = diesel::insert_into(background_jobs::table).values((
        background_jobs::kind.eq(kind),
        background_jobs::payload.eq(payload),
        background_jobs::dedupe_key.eq(dedupe_key),
        run_at.map(|at| background_jobs::run_at.eq(at)),
    ));
    if dedupe_key.is_some() {
        insert.on_conflict_do_nothing().execute(conn).await?;
    } else {
        insert.execute(conn).await?;
    }
    Ok(())
}

fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    let secs = BASE_BACKOFF_SECS
        .saturating_mul(1_i64 << exponent)
        .min(MAX_BACKOFF_SECS);
    chrono::Duration::seconds(secs)
}

fn payload<T: DeserializeOwned>(job: &Job) -> anyhow::Result<T> {
    serde_json::from_value(job.payload.clone()).map_err(|e| {
        anyhow::anyhow!(
            "job {} ({}) has an unreadable payload: {e}",
            job.id,
            job.kind
        )
    })
}

/// Does one job of the given kind. Every kind the application enqueues is listed here.
async fn perform(state: &AppState, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        crate::mail::SEND_EMAIL => crate::mail::deliver(state, payload(job)?).await,
        crate::challenges::deadline::CLOSE_BIDDING => {
            crate::challenges::deadline::perform(state, payload(job)?).await
        }
        crate::reviews::panel::REVIEW_REMINDER => {
            crate::reviews::panel::remind(state, payload(job)?).await
        }
        crate::awards::confirm::CONFIRM_AWARD => {
            crate::awards::confirm::perform(state, payload(job)?).await
        }
        crate::projects::acceptance::draw::ACCEPTANCE_REMINDER => {
            crate::projects::acceptance::draw::remind(state, payload(job)?).await
        }
        crate::projects::overdue::MILESTONE_OVERDUE => {
            crate::projects::overdue::perform(state, payload(job)?).await
        }
        other => anyhow::bail!("no handler for job kind {other:?}"),
    }
}

/// Takes the next due job, does it and records the outcome. Answers whether there was one.
pub async fn run_next(state: &AppState) -> AppResult<bool> {
    let mut conn = state.conn().await?;
    let now = state.clock.now();
    conn.transaction::<_, AppError, _>(async |conn| {
        let job: Option<Job> = background_jobs::table
            .filter(background_jobs::status.eq("pending"))
            .filter(background_jobs::run_at.le(now))
            .order((background_jobs::run_at.asc(), background_jobs::id.asc()))
            .select(Job::as_select())
            .for_update()
            .skip_locked()
            .first(conn)
            .await
            .optional()?;
        let Some(job) = job else {
            return Ok(false);
        };
        let span =
            tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts + 1);
        let outcome = tracing::Instrument::instrument(perform(state, &job), span.clone()).await;
        match outcome {
            Ok(()) => {
                diesel::delete(background_jobs::table.filter(background_jobs::id.eq(job.id)))
                    .execute(conn)
                    .await?;
                tracing::debug!(parent: &span, "job done");
            }
            Err(error) => {
                let attempts = job.attempts + 1;
                let parked = attempts >= job.max_attempts;
                let message = format!("{error:#}");
                diesel::update(background_jobs::table.filter(background_jobs::id.eq(job.id)))
                    .set((
                        background_jobs::attempts.eq(attempts),
                        background_jobs::last_error.eq(&message),
                        background_jobs::status.eq(if parked { "failed" } else { "pending" }),
                        background_jobs::run_at.eq(now + backoff(attempts)),
                        background_jobs::updated_at.eq(Utc::now()),
                    ))
                    .execute(conn)
                    .await?;
                if parked {
                    tracing::error!(parent: &span, error = %message, "job failed for good; parked");
                } else {
                    tracing::warn!(parent: &span, error = %message, "job failed; will retry");
                }
            }
        }
        Ok(true)
    })
    .await
}

/// Runs due jobs until none is left; answers how many ran (tests, and `serve` at start).
pub async fn run_until_idle(state: &AppState) -> AppResult<usize> {
    let mut count = 0;
    while run_next(state).await? {
        count += 1;
    }
    Ok(count)
}

/// The runner inside `serve`: `workers` loops taking jobs, each sleeping for the poll interval
/// when nothing is due. Stops when told to, after the job in hand.
pub struct Runner {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Runner {
    pub fn start(state: actix_web::web::Data<AppState>) -> Runner {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let poll = Duration::from_millis(state.settings.jobs.poll_interval_ms.max(10));
        for worker in 0..state.settings.jobs.workers.max(1) {
            let state = state.clone();
            let mut stopped = stopped.clone();
            tasks.spawn(async move {
                tracing::debug!(worker, "job worker started");
                loop {
                    if *stopped.borrow() {
                        break;
                    }
                    let idle = match run_next(&state).await {
                        Ok(found) => !found,
                        Err(error) => {
                            tracing::warn!(%error, "job runner cannot take jobs");
                            true
                        }
                    };
                    if idle {
                        tokio::select! {
                            _ = tokio::time::sleep(poll) => {}
                            _ = stopped.changed() => {}
                        }
                    }
                }
            });
        }
        Runner { stop, tasks }
    }

    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 10);
        assert_eq!(backoff(2).num_seconds(), 20);
        assert_eq!(backoff(5).num_seconds(), 160);
        assert_eq!(backoff(12).num_seconds(), 3600);
        assert_eq!(backoff(1000).num_seconds(), 3600);
    }
}
