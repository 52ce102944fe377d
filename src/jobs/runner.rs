//! Taking due jobs and recording what came of them.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::Job;
use crate::error::{AppError, AppResult};
use crate::schema::background_jobs;
use crate::state::AppState;

/// The first retry waits this long; each further one twice as long, up to [`MAX_BACKOFF_SECS`].
pub const BASE_BACKOFF_SECS: i64 = 10;
pub const MAX_BACKOFF_SECS: i64 = 3600;

fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    let secs = BASE_BACKOFF_SECS
        .saturating_mul(1_i64 << exponent)
        .min(MAX_BACKOFF_SECS);
    chrono::Duration::seconds(secs)
}

/// What became of one run.
enum Outcome {
    Done,
    /// An error or a panic: retried until the job's attempts run out.
    Failed(String),
    /// No handler for the kind: parked at once.
    Unknown,
}

/// Runs the job, turning a panic into a failed attempt with the panic's message.
async fn perform(state: &AppState, job: &Job) -> Outcome {
    let Some(work) = state.jobs.perform(state, &job.kind, job.payload.clone()) else {
        return Outcome::Unknown;
    };
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(Ok(())) => Outcome::Done,
        Ok(Err(error)) => Outcome::Failed(format!("{error:#}")),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_string());
            Outcome::Failed(format!("panicked: {message}"))
        }
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
        let attempts = job.attempts + 1;
        let (parked, message) = match outcome {
            Outcome::Done => {
                diesel::delete(background_jobs::table.filter(background_jobs::id.eq(job.id)))
                    .execute(conn)
                    .await?;
                tracing::debug!(parent: &span, "job done");
                return Ok(true);
            }
            Outcome::Failed(message) => (attempts >= job.max_attempts, message),
            Outcome::Unknown => (
                true,
                format!(
                    "no handler for job kind {:?} in this version; retry it once a version that \
                     knows it runs",
                    job.kind
                ),
            ),
        };
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
