//! Reading the project: only ever "the milestones this user may see". The visibility rule is
//! part of every query, so a project the caller may not see is simply not found (404), whether
//! its id was guessed or listed: the awardee organisation's solvers, the issuer organisation's
//! issuers and admins see it; nobody else does.

use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Extension, Milestone, Payment, Report};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::challenges::models::Challenge;
use crate::error::{AppError, AppResult};
use crate::schema::{
    bids, challenges, milestone_reports, milestones, payments, project_extensions,
};

/// What a caller may see of projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectViewer {
    /// The program office: every project.
    Admin,
    /// A solver account: the projects its organisation was awarded.
    Solver(Uuid),
    /// An issuer account: the projects of its organisation's challenges.
    Issuer(Uuid),
    /// Everyone else: none. (The acceptance panel's experts read the project through their
    /// assignment: `GET /acceptance-assignments/{id}/project`.)
    Nobody,
}

impl ProjectViewer {
    pub fn of(user: Option<&AuthUser>) -> ProjectViewer {
        let Some(user) = user else {
            return ProjectViewer::Nobody;
        };
        match (user.role, user.organization_id) {
            (Role::Admin, _) => ProjectViewer::Admin,
            (Role::Solver, Some(org)) => ProjectViewer::Solver(org),
            (Role::Issuer, Some(org)) => ProjectViewer::Issuer(org),
            _ => ProjectViewer::Nobody,
        }
    }
}

type Visible = Box<dyn BoxableExpression<milestones::table, Pg, SqlType = Bool>>;

/// The visibility rule as SQL over `milestones` alone (so that `FOR UPDATE` locks only the
/// milestone).
fn visible(viewer: ProjectViewer) -> Visible {
    match viewer {
        ProjectViewer::Admin => Box::new(sql::<Bool>("TRUE")),
        ProjectViewer::Solver(org) => Box::new(
            milestones::bid_id.eq_any(
                bids::table
                    .filter(bids::organization_id.eq(org))
                    .select(bids::id),
            ),
        ),
        ProjectViewer::Issuer(org) => Box::new(
            milestones::challenge_id.eq_any(
                challenges::table
                    .filter(challenges::issuer_org_id.eq(org))
                    .select(challenges::id),
            ),
        ),
        ProjectViewer::Nobody => Box::new(sql::<Bool>("FALSE")),
    }
}

/// The milestone with this id if the viewer may see it.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    id: Uuid,
) -> AppResult<Milestone> {
    milestones::table
        .filter(milestones::id.eq(id))
        .filter(visible(viewer))
        .select(Milestone::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The same, locked `FOR UPDATE` for the rest of the caller's transaction.
pub async fn lock_visible(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    id: Uuid,
) -> AppResult<Milestone> {
    milestones::table
        .filter(milestones::id.eq(id))
        .filter(visible(viewer))
        .select(Milestone::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The milestones of a challenge's project that the viewer may see, by position. Empty when
/// there is no project or the viewer may not see it.
pub async fn list_visible(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    challenge_id: Uuid,
) -> AppResult<Vec<Milestone>> {
    Ok(milestones::table
        .filter(milestones::challenge_id.eq(challenge_id))
        .filter(visible(viewer))
        .order(milestones::position.asc())
        .select(Milestone::as_select())
        .load(conn)
        .await?)
}

/// The challenge of a project the viewer may see (404 otherwise), optionally locked `FOR UPDATE`.
pub async fn find_project(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Challenge> {
    let any: Option<Uuid> = milestones::table
        .filter(milestones::challenge_id.eq(challenge_id))
        .filter(visible(viewer))
        .select(milestones::id)
        .first(conn)
        .await
        .optional()?;
    if any.is_none() {
        return Err(AppError::NotFound);
    }
    let query = challenges::table
        .find(challenge_id)
        .select(Challenge::as_select());
    let found = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    found.ok_or(AppError::NotFound)
}

/// The project's last milestone (the highest position), which the final acceptance decides.
pub async fn final_milestone(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<Milestone>> {
    let query = milestones::table
        .filter(milestones::challenge_id.eq(challenge_id))
        .order(milestones::position.desc())
        .select(Milestone::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// Whether `milestone` is the last of its project.
pub async fn is_final(conn: &mut AsyncPgConnection, milestone: &Milestone) -> AppResult<bool> {
    Ok(final_milestone(conn, milestone.challenge_id, false)
        .await?
        .is_some_and(|last| last.id == milestone.id))
}

/// The awardee organisation of a project (that of its awarded bid).
pub async fn awardee(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<Uuid> {
    milestones::table
        .inner_join(bids::table)
        .filter(milestones::challenge_id.eq(challenge_id))
        .select(bids::organization_id)
        .first(conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The reports of these milestones, oldest first.
pub async fn reports(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> AppResult<Vec<Report>> {
    Ok(milestone_reports::table
        .filter(milestone_reports::milestone_id.eq_any(ids))
        .order((
            milestone_reports::reported_at.asc(),
            milestone_reports::id.asc(),
        ))
        .select(Report::as_select())
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

/// The payments of these milestones.
pub async fn payments_of(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> AppResult<Vec<Payment>> {
    Ok(payments::table
        .filter(payments::milestone_id.eq_any(ids))
        .select(Payment::as_select())
        .load(conn)
        .await?)
}

/// The extension requests of a project, oldest first.
pub async fn extensions(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Extension>> {
    Ok(project_extensions::table
        .filter(project_extensions::challenge_id.eq(challenge_id))
        .order((
            project_extensions::requested_at.asc(),
            project_extensions::id.asc(),
        ))
        .select(Extension::as_select())
        .load(conn)
        .await?)
}
