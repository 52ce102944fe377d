//! The extension requests' queries.

use diesel::dsl::{Eq, Filter};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{DecisionChanges, Extension, ExtensionStatus};
use crate::accounts::queries as accounts;
use crate::error::AppResult;
use crate::schema::project_extensions;

/// The requests of a project.
fn for_project(
    challenge_id: Uuid,
) -> Filter<project_extensions::table, Eq<project_extensions::challenge_id, Uuid>> {
    project_extensions::table.filter(project_extensions::challenge_id.eq(challenge_id))
}

/// The extension requests of a project, oldest first.
pub async fn of_project(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<Extension>> {
    Ok(for_project(challenge_id)
        .order((
            project_extensions::requested_at.asc(),
            project_extensions::id.asc(),
        ))
        .select(Extension::as_select())
        .load(conn)
        .await?)
}

/// The states of a project's requests that are still live: pending or approved.
pub async fn live(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Vec<ExtensionStatus>> {
    Ok(for_project(challenge_id)
        .filter(
            project_extensions::status
                .eq_any([ExtensionStatus::Pending, ExtensionStatus::Approved]),
        )
        .select(project_extensions::status)
        .load(conn)
        .await?)
}

/// The pending request of a project, locked `FOR UPDATE`, if there is one.
pub async fn lock_pending(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<Option<Extension>> {
    Ok(for_project(challenge_id)
        .filter(project_extensions::status.eq(ExtensionStatus::Pending))
        .select(Extension::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &Extension) -> AppResult<Extension> {
    Ok(diesel::insert_into(project_extensions::table)
        .values(new)
        .returning(Extension::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn decide(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    decision: &DecisionChanges<'_>,
) -> AppResult<Extension> {
    Ok(diesel::update(project_extensions::table.find(id))
        .set(decision)
        .returning(Extension::as_returning())
        .get_result(conn)
        .await?)
}

/// How the admins' notice names who asked: the account, with its organisation when it has one.
pub async fn requester_label(conn: &mut AsyncPgConnection, user_id: Uuid) -> AppResult<String> {
    let requester = accounts::account(conn, user_id).await?;
    let org_name = match requester.organization_id {
        Some(org) => crate::bids::queries::organization(conn, org).await?.2,
        None => String::new(),
    };
    Ok(if org_name.is_empty() {
        requester.display_name
    } else {
        format!("{}（{}）", requester.display_name, org_name)
    })
}
