//! The kinds of job this build knows, and how to run each.

use std::collections::HashMap;

use futures_util::future::BoxFuture;

use super::BackgroundJob;
use crate::state::AppState;

type Handler = for<'a> fn(&'a AppState, serde_json::Value) -> BoxFuture<'a, anyhow::Result<()>>;

/// Every job kind the application enqueues, registered once at start-up
/// (`startup::job_registry`).
#[derive(Default)]
pub struct JobRegistry {
    handlers: HashMap<&'static str, Handler>,
}

impl JobRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a kind. Two kinds with one name are a programming error.
    pub fn register<J: BackgroundJob>(mut self) -> Self {
        let previous = self.handlers.insert(J::KIND, run::<J>);
        assert!(
            previous.is_none(),
            "job kind {:?} registered twice",
            J::KIND
        );
        self
    }

    /// The names of the registered kinds, sorted.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    /// Runs the job of `kind` with `payload`; `None` when no handler is registered for it.
    pub(super) fn perform<'a>(
        &self,
        state: &'a AppState,
        kind: &str,
        payload: serde_json::Value,
    ) -> Option<BoxFuture<'a, anyhow::Result<()>>> {
        self.handlers
            .get(kind)
            .map(|handler| handler(state, payload))
    }
}

fn run<J: BackgroundJob>(
    state: &AppState,
    payload: serde_json::Value,
) -> BoxFuture<'_, anyhow::Result<()>> {
    Box::pin(async move {
        // Counted while it runs, also when it fails or panics (the guard's drop).
        let _running = Running::start(J::KIND);
        let job: J = serde_json::from_value(payload)
            .map_err(|e| anyhow::anyhow!("unreadable {} payload: {e}", J::KIND))?;
        job.perform(state).await
    })
}

/// One job at work, in the `jiebang_jobs_running` gauge of `/metrics` until dropped.
struct Running(metrics::Gauge);

impl Running {
    fn start(kind: &'static str) -> Running {
        let gauge = metrics::gauge!(crate::monitoring::JOBS_RUNNING, "kind" => kind);
        gauge.increment(1.0);
        Running(gauge)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}
