//! A job as the API shows it to admins.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Job;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for its time, or for a retry.
    Pending,
    /// Claimed by a runner, under a lease (`locked_by`, `locked_until`).
    Running,
    /// Gave up after its last attempt.
    Failed,
}

impl JobStatus {
    /// As stored in `background_jobs.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    #[schema(example = "send_email")]
    pub kind: String,
    pub status: JobStatus,
    /// When it runs next (pending), was due (running), or last ran (failed).
    pub run_at: DateTime<Utc>,
    /// Attempts made, the one under way included.
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The runner holding a running job (`host:pid#claim`).
    pub locked_by: Option<String>,
    /// Until when its lease holds; then another runner may take the job again.
    pub locked_until: Option<DateTime<Utc>>,
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        JobView {
            id: job.id,
            kind: job.kind,
            status: match job.status.as_str() {
                "failed" => JobStatus::Failed,
                "running" => JobStatus::Running,
                _ => JobStatus::Pending,
            },
            run_at: job.run_at,
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            last_error: job.last_error,
            created_at: job.created_at,
            locked_by: job.locked_by,
            locked_until: job.locked_until,
        }
    }
}
