//! Overdue milestones: a job at the end of each milestone's due day (24:00 Beijing time). If the
//! milestone is still owed (`pending` or `returned`), its due day has not moved, and the challenge
//! is still `awarded`, the awardee's solvers get a reminder and the admins a notice; the next
//! reminder follows a week later. The chain stops once the milestone is reported or accepted, the
//! challenge is no longer `awarded`, or an extension moved the due day (the moved day has a chain
//! of its own). A milestone returned after its due day starts a new chain a week after the return.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::models::{Milestone, MilestoneStatus};
use super::notices::{MilestoneOverdue, MilestoneOverdueAdmin};
use super::queries;
use crate::challenges::models::Status;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::jobs::BackgroundJob;
use crate::projects::notices::project_url;
use crate::projects::notify::{tell_admins, tell_solvers};
use crate::projects::plan::{china_date, end_of_day};
use crate::projects::queries::{Lock, ProjectViewer, awardee, find_project};
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

/// After a return (`milestone` as returned, at `now`): the report ended the reminder chain, so a
/// new one starts, a week from now when the due day has passed, else at the end of the due day.
pub async fn restart(
    conn: &mut AsyncPgConnection,
    milestone: &Milestone,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if end_of_day(milestone.due_on) <= now {
        schedule(
            conn,
            milestone.id,
            milestone.version,
            milestone.due_on,
            now + interval(),
        )
        .await
    } else {
        schedule_due(conn, milestone.id, milestone.version, milestone.due_on).await
    }
}

impl OverdueJob {
    /// Whether this reminder still concerns `milestone`: the same due day, the chain's version,
    /// and still owed.
    fn concerns(&self, milestone: &Milestone) -> bool {
        milestone.due_on == self.due_on
            && self.version.is_none_or(|v| v == milestone.version)
            && MilestoneStatus::OWED.contains(&milestone.status)
    }

    /// When the next reminder is due: a week after this one was, and never in the past (after a
    /// long outage, the first week-step after `now`).
    fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut next = self.at + interval();
        while next <= now {
            next += interval();
        }
        next
    }
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
        db::transaction(&mut conn, async |conn| remind(conn, state, &self).await)
            .await
            .map_err(|e| anyhow::anyhow!("milestone overdue: {e}"))
    }
}

async fn remind(conn: &mut AsyncPgConnection, state: &AppState, job: &OverdueJob) -> AppResult<()> {
    let milestone =
        match queries::find_visible(conn, ProjectViewer::Admin, job.milestone_id, Lock::Update)
            .await
        {
            Ok(m) => m,
            Err(AppError::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        };
    if !job.concerns(&milestone) {
        return Ok(());
    }
    let challenge =
        find_project(conn, ProjectViewer::Admin, milestone.challenge_id, Lock::No).await?;
    if challenge.status != Status::Awarded {
        return Ok(());
    }
    let now = state.clock.now();
    let days_overdue = (china_date(now) - milestone.due_on).num_days().max(1);
    let url = project_url(state, challenge.id);
    let due_on = milestone.due_on.to_string();
    let org = awardee(conn, challenge.id).await?;
    let (_, _, organization_name) = crate::bids::queries::organization(conn, org).await?;
    tell_solvers(conn, state, org, |to| MilestoneOverdue {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        milestone_title: milestone.title.clone(),
        due_on: due_on.clone(),
        days_overdue,
        url: url.clone(),
    })
    .await?;
    tell_admins(conn, state, |to| MilestoneOverdueAdmin {
        display_name: to.display_name.clone(),
        title: challenge.title.clone(),
        organization_name: organization_name.clone(),
        milestone_title: milestone.title.clone(),
        due_on: due_on.clone(),
        days_overdue,
        url: url.clone(),
    })
    .await?;
    let next = job.next_after(now);
    schedule(
        conn,
        milestone.id,
        milestone.version,
        milestone.due_on,
        next,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn job(version: Option<i32>) -> OverdueJob {
        OverdueJob {
            milestone_id: Uuid::nil(),
            due_on: "2027-07-15".parse().unwrap(),
            at: at("2027-07-15T16:00:00Z"),
            version,
        }
    }

    fn milestone(due_on: &str, version: i32, status: MilestoneStatus) -> Milestone {
        let now = at("2027-01-15T00:00:00Z");
        Milestone {
            id: Uuid::nil(),
            challenge_id: Uuid::nil(),
            bid_id: Uuid::nil(),
            position: 0,
            title: "中试".into(),
            due_month: 6,
            share_percent: 60,
            amount_fen: 1,
            due_on: due_on.parse().unwrap(),
            original_due_on: None,
            status,
            version,
            accepted_by: None,
            accepted_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_reminder_concerns_an_owed_milestone_of_its_day_and_version_only() {
        use MilestoneStatus::*;
        assert!(job(Some(2)).concerns(&milestone("2027-07-15", 2, Pending)));
        assert!(job(Some(2)).concerns(&milestone("2027-07-15", 2, Returned)));
        assert!(!job(Some(2)).concerns(&milestone("2027-07-15", 2, Reported)));
        assert!(!job(Some(2)).concerns(&milestone("2027-07-15", 2, Accepted)));
        assert!(!job(Some(2)).concerns(&milestone("2027-07-15", 3, Pending)));
        assert!(!job(Some(2)).concerns(&milestone("2027-10-15", 2, Pending)));
        // Jobs queued before chains carried a version follow the day alone.
        assert!(job(None).concerns(&milestone("2027-07-15", 5, Pending)));
    }

    #[test]
    fn the_next_reminder_is_a_week_on_and_never_in_the_past() {
        let week = at("2027-07-22T16:00:00Z");
        assert_eq!(job(None).next_after(at("2027-07-15T16:00:00Z")), week);
        assert_eq!(job(None).next_after(at("2027-07-20T00:00:00Z")), week);
        // After an outage of three weeks: the first week-step after now.
        assert_eq!(
            job(None).next_after(at("2027-08-06T00:00:00Z")),
            at("2027-08-12T16:00:00Z")
        );
        assert_eq!(
            job(None).next_after(at("2027-08-05T16:00:00Z")),
            at("2027-08-12T16:00:00Z")
        );
    }
}
