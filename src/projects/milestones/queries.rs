//! The milestones' queries: those the caller may see (the visibility rule is
//! [`crate::projects::queries::visible`]), their reports, and the writes.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::{Eq, Filter};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{
    DecisionChanges, DueDayChanges, Milestone, MilestoneStatus, Report, StatusChanges,
};
use super::views::{MilestoneView, ReportView};
use crate::error::{AppError, AppResult};
use crate::projects::payments::queries as payments;
use crate::projects::payments::views::PaymentBrief;
use crate::projects::queries::{Lock, ProjectViewer, first_held, visible};
use crate::schema::{milestone_reports, milestones, users};

/// The milestones of a project.
fn for_project(
    challenge_id: Uuid,
) -> Filter<milestones::table, Eq<milestones::challenge_id, Uuid>> {
    milestones::table.filter(milestones::challenge_id.eq(challenge_id))
}

/// The milestone with this id if the viewer may see it (404 otherwise), held as `lock` says
/// for the rest of the caller's transaction.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    id: Uuid,
    lock: Lock,
) -> AppResult<Milestone> {
    let query = milestones::table
        .filter(milestones::id.eq(id))
        .filter(visible(viewer))
        .select(Milestone::as_select());
    first_held!(query, lock, conn)?.ok_or(AppError::NotFound)
}

/// The milestones of a challenge's project that the viewer may see, by position. Empty when
/// there is no project or the viewer may not see it.
pub async fn list_visible(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    challenge_id: Uuid,
) -> AppResult<Vec<Milestone>> {
    Ok(for_project(challenge_id)
        .filter(visible(viewer))
        .order(milestones::position.asc())
        .select(Milestone::as_select())
        .load(conn)
        .await?)
}

/// The states of a project's milestones, by position.
pub async fn statuses(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<MilestoneStatus>> {
    Ok(for_project(challenge_id)
        .order(milestones::position.asc())
        .select(milestones::status)
        .load(conn)
        .await?)
}

/// The project's last milestone (the highest position), which the final acceptance decides.
pub async fn final_milestone(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: Lock,
) -> AppResult<Option<Milestone>> {
    let query = for_project(challenge_id)
        .order(milestones::position.desc())
        .select(Milestone::as_select());
    Ok(first_held!(query, lock, conn)?)
}

/// Whether `milestone` is the last of its project.
pub async fn is_final(conn: &mut AsyncPgConnection, milestone: &Milestone) -> AppResult<bool> {
    Ok(final_milestone(conn, milestone.challenge_id, Lock::No)
        .await?
        .is_some_and(|last| last.id == milestone.id))
}

/// The milestones of a project not yet accepted, by position, locked `FOR UPDATE` (an
/// extension moves their due days).
pub async fn lock_remaining(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Milestone>> {
    Ok(for_project(challenge_id)
        .filter(milestones::status.ne(MilestoneStatus::Accepted))
        .order(milestones::position.asc())
        .select(Milestone::as_select())
        .for_update()
        .load(conn)
        .await?)
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &Milestone) -> AppResult<()> {
    diesel::insert_into(milestones::table)
        .values(new)
        .execute(conn)
        .await?;
    Ok(())
}

/// Applies a transition and bumps the version. Answers the milestone as it is now.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &StatusChanges,
) -> AppResult<Milestone> {
    Ok(diesel::update(milestones::table.find(id))
        .set((changes, milestones::version.eq(milestones::version + 1)))
        .returning(Milestone::as_returning())
        .get_result(conn)
        .await?)
}

/// Moves the due day and bumps the version.
pub async fn move_due_day(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &DueDayChanges,
) -> AppResult<()> {
    diesel::update(milestones::table.find(id))
        .set((changes, milestones::version.eq(milestones::version + 1)))
        .execute(conn)
        .await?;
    Ok(())
}

/// The reports of these milestones, oldest first, each with its reporter's display name.
pub async fn reports(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> AppResult<Vec<(Report, Option<String>)>> {
    Ok(milestone_reports::table
        .left_join(users::table.on(users::id.eq(milestone_reports::reported_by)))
        .filter(milestone_reports::milestone_id.eq_any(ids))
        .order((
            milestone_reports::reported_at.asc(),
            milestone_reports::id.asc(),
        ))
        .select((Report::as_select(), users::display_name.nullable()))
        .load(conn)
        .await?)
}

/// The report of a milestone waiting for a decision, locked.
pub async fn open_report(conn: &mut AsyncPgConnection, milestone_id: Uuid) -> AppResult<Report> {
    milestone_reports::table
        .filter(milestone_reports::milestone_id.eq(milestone_id))
        .filter(milestone_reports::outcome.is_null())
        .select(Report::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| {
            anyhow::anyhow!("reported milestone {milestone_id} has no open report").into()
        })
}

pub async fn insert_report(conn: &mut AsyncPgConnection, new: &Report) -> AppResult<()> {
    diesel::insert_into(milestone_reports::table)
        .values(new)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the decision on the open report `report_id`.
pub async fn decide_report(
    conn: &mut AsyncPgConnection,
    report_id: Uuid,
    decision: &DecisionChanges<'_>,
) -> AppResult<()> {
    diesel::update(milestone_reports::table.find(report_id))
        .set(decision)
        .execute(conn)
        .await?;
    Ok(())
}

/// The views of these milestones on `today` (China calendar), with their reports and payments.
pub async fn milestone_views(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
    rows: Vec<Milestone>,
) -> AppResult<Vec<MilestoneView>> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let reports = reports(conn, &ids).await?;
    let payments = payments::of_milestones(conn, &ids).await?;
    let mut by_milestone: HashMap<Uuid, Vec<ReportView>> = HashMap::new();
    for (r, name) in reports {
        by_milestone
            .entry(r.milestone_id)
            .or_default()
            .push(ReportView::new(r, name.unwrap_or_default()));
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let payment = payments
                .iter()
                .find(|p| p.milestone_id == m.id)
                .map(PaymentBrief::from);
            let reports = by_milestone.remove(&m.id).unwrap_or_default();
            MilestoneView::new(m, today, reports, payment)
        })
        .collect())
}
