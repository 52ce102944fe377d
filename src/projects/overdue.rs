//! Overdue milestones: a job at the end of each milestone's due day (24:00 Beijing time). If the
//! milestone is still owed (`pending` or `returned`), its due day has not moved, and the challenge
//! is still `awarded`, the awardee's solvers get a reminder and the admins a notice; the next
//! reminder follows a week later. The chain stops once the milestone is reported or accepted, the
//! challenge is no longer `awarded`, or an extension moved the due day (the moved day has a chain
//! of its own). A milestone returned after its due day starts a new chain a week after the return.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::models::MilestoneStatus;
use super::plan::{china_date, end_of_day};
use super::queries::{self, ProjectViewer};
use crate::accounts::queries as accounts;
use crate::auth::Role;
use crate::challenges::models::Status;
use crate::error::{AppError, AppResult};
use crate::jobs::BackgroundJob;
use crate::notifications::{Recipient, notify};
use crate::projects::notices::{MilestoneOverdue, MilestoneOverdueAdmin};
use crate::state::AppState;

/// How long between reminders.
pub fn interval() -> Duration {
    Duration::days(7)
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OverdueJob {
    pub milestone_id: Uuid,
    /// The due day the job was scheduled for; a job whose day has since moved does nothing.
    pub due_on: NaiveDate,
    /// When this reminder was due (the next one is a week later).
    pub at: DateTime<Utc>,
    /// The milestone's version when the chain started: any change since (a report, a return,
    /// an extension) ends this chain, and a return after the due day starts a new one, so a
    /// milestone never has two chains at once. Absent in jobs queued before it existed.
    #[serde(default)]
    pub version: Option<i32>,
}

/// Schedules a reminder for the milestone due on `due_on`, at `at` (once per milestone, day and
/// time: the dedupe key names all three).
pub async fn schedule(
    conn: &mut AsyncPgConnection,
    milestone_id: Uuid,
    version: i32,
    due_on: NaiveDate,
    at: DateTime<Utc>,
) -> AppResult<()> {
    OverdueJob {
        milestone_id,
        due_on,
        at,
        version: Some(version),
    }
    .enqueue_at(conn, at)
    .await
}

/// Schedules the first reminder: at the end of the due day.
pub async fn schedule_due(
    conn: &mut AsyncPgConnection,
    milestone_id: Uuid,
    version: i32,
    due_on: NaiveDate,
) -> AppResult<()> {
    schedule(conn, milestone_id, version, due_on, end_of_day(due_on)).await
}

impl BackgroundJob for OverdueJob {
    const KIND: &'static str = "milestone_overdue";

    /// Once per milestone, due day, version and time.
    fn dedupe_key(&self) -> Option<String> {
        let version = self.version.unwrap_or_default();
        Some(format!(
            "{}:{}:v{version}:{}",
            self.milestone_id,
            self.due_on,
            self.at.timestamp()
        ))
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        let mut conn = state.conn().await?;
        conn.transaction::<_, AppError, _>(async |conn| remind(conn, state, &self).await)
            .await
            .map_err(|e| anyhow::anyhow!("milestone overdue: {e}"))
    }
}

async fn remind(conn: &mut AsyncPgConnection, state: &AppState, job: &OverdueJob) -> AppResult<()> {
    let milestone = match queries::lock_visible(conn, ProjectViewer::Admin, job.milestone_id).await
    {
        Ok(m) => m,
        Err(AppError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    if milestone.due_on != job.due_on
        || job.version.is_some_and(|v| v != milestone.version)
        || !MilestoneStatus::OWED.contains(&milestone.status)
    {
        return Ok(());
    }
    let challenge =
        queries::find_project(conn, ProjectViewer::Admin, milestone.challenge_id, false).await?;
    if challenge.status != Status::Awarded {
        return Ok(());
    }
    let now = state.clock.now();
    let days_overdue = (china_date(now) - milestone.due_on).num_days().max(1);
    let url = super::milestones::url(state, challenge.id);
    let due_on = milestone.due_on.to_string();
    let org = queries::awardee(conn, challenge.id).await?;
    let (_, _, organization_name) = crate::bids::queries::organization(conn, org).await?;
    for user in accounts::organization_accounts(conn, org, Role::Solver).await? {
        let notice = MilestoneOverdue {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            milestone_title: milestone.title.clone(),
            due_on: due_on.clone(),
            days_overdue,
            url: url.clone(),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    for user in accounts::admin_accounts(conn).await? {
        let notice = MilestoneOverdueAdmin {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            organization_name: organization_name.clone(),
            milestone_title: milestone.title.clone(),
            due_on: due_on.clone(),
            days_overdue,
            url: url.clone(),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    // The next one a week after this one was due (and never in the past, after a long outage).
    let mut next = job.at + interval();
    while next <= now {
        next += interval();
    }
    schedule(
        conn,
        milestone.id,
        milestone.version,
        milestone.due_on,
        next,
    )
    .await
}
