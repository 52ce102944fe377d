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

use super::extensions::queries as extensions;
use super::milestones::models::MilestoneStatus;
use super::milestones::queries as milestones_q;
use super::plan::china_date;
use super::rules;
use super::views::ProjectView;
use crate::auth::{AuthUser, Role};
use crate::challenges::models::Challenge;
use crate::error::{AppError, AppResult};
use crate::schema::{bids, challenges, milestones};
use crate::state::AppState;

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

    /// The caller as a party to projects: an admin, or a solver or issuer of an organisation;
    /// 403 for anyone else (experts, accounts without an organisation).
    pub fn party(user: &AuthUser) -> AppResult<ProjectViewer> {
        match ProjectViewer::of(Some(user)) {
            ProjectViewer::Nobody => Err(AppError::Forbidden),
            viewer => Ok(viewer),
        }
    }
}

type Visible = Box<dyn BoxableExpression<milestones::table, Pg, SqlType = Bool>>;

/// The visibility rule as SQL over `milestones` alone (so that `FOR UPDATE` locks only the
/// milestone).
pub(super) fn visible(viewer: ProjectViewer) -> Visible {
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

/// How a read holds the row it finds until the end of the caller's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Not at all.
    No,
    /// `FOR SHARE`: nobody may change it meanwhile (as a milestone's decision holds its project).
    Share,
    /// `FOR UPDATE`: nobody else may change or lock it.
    Update,
}

/// The first row a select statement finds, if any, held as a [`Lock`] says:
/// `first_held!(query, lock, conn)` answers a `QueryResult<Option<_>>`. (A macro: diesel's
/// locking clauses cannot be named in the bounds of a generic function.)
macro_rules! first_held {
    ($query:expr, $lock:expr, $conn:expr) => {{
        use $crate::projects::queries::Lock;
        match $lock {
            Lock::No => $query.first($conn).await,
            Lock::Share => $query.for_share().first($conn).await,
            Lock::Update => $query.for_update().first($conn).await,
        }
        .optional()
    }};
}
pub(crate) use first_held;

/// A project's challenge, held as `lock` says; 404 when there is none.
pub async fn challenge(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: Lock,
) -> AppResult<Challenge> {
    let query = challenges::table
        .find(challenge_id)
        .select(Challenge::as_select());
    first_held!(query, lock, conn)?.ok_or(AppError::NotFound)
}

/// The challenge of a project the viewer may see (404 otherwise), held as `lock` says.
pub async fn find_project(
    conn: &mut AsyncPgConnection,
    viewer: ProjectViewer,
    challenge_id: Uuid,
    lock: Lock,
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
    challenge(conn, challenge_id, lock).await
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

/// How many milestones keep the final acceptance (验收) from starting
/// ([`rules::outstanding`]): every milestone before the last must be accepted by the issuer,
/// and the last reported; the panel judges that last deliverable, and a passed acceptance
/// accepts it and pays its share (尾款).
pub async fn milestones_outstanding(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<i64> {
    let statuses: Vec<MilestoneStatus> = milestones_q::statuses(conn, challenge_id).await?;
    Ok(i64::try_from(rules::outstanding(&statuses)).unwrap_or(i64::MAX))
}

/// The project as the viewer sees it (404 when they may not).
pub async fn project_view(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    viewer: ProjectViewer,
    challenge_id: Uuid,
) -> AppResult<ProjectView> {
    let rows = milestones_q::list_visible(conn, viewer, challenge_id).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let challenge = challenge(conn, challenge_id, Lock::No).await?;
    let org = awardee(conn, challenge_id).await?;
    let (_, _, organization_name) = crate::bids::queries::organization(conn, org).await?;
    let amount_fen = rows.iter().map(|m| m.amount_fen).sum();
    let outstanding = rows
        .iter()
        .filter(|m| m.status != MilestoneStatus::Accepted)
        .count() as i64;
    let today = china_date(state.clock.now());
    let milestones = milestones_q::milestone_views(conn, today, rows).await?;
    let extensions = extensions::of_project(conn, challenge_id).await?;
    Ok(ProjectView {
        challenge_id,
        title: challenge.title,
        challenge_status: challenge.status,
        awarded_at: challenge.awarded_at,
        organization_id: org,
        organization_name,
        amount_fen,
        outstanding,
        milestones,
        extensions,
    })
}
