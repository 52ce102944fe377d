//! A seat as the API shows it: the review's [`AssignmentView`] (the acceptance shows the same
//! without `blind_review`).

use uuid::Uuid;

use super::{Panel, queries};
use crate::error::{AppError, AppResult};
use crate::reviews::models::Assignment;
use crate::reviews::views::AssignmentView;
use diesel_async::AsyncPgConnection;

/// The seats with their challenge's title, the panel's deadline and the expert's name.
pub async fn seat_views(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    rows: Vec<Assignment>,
) -> AppResult<Vec<AssignmentView>> {
    let challenge_ids: Vec<Uuid> = rows.iter().map(|a| a.challenge_id).collect();
    let expert_ids: Vec<Uuid> = rows.iter().map(|a| a.expert_id).collect();
    let contexts = queries::seat_contexts(conn, panel, &challenge_ids).await?;
    let names = queries::display_names(conn, &expert_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let (title, blind, deadline) = contexts.get(&a.challenge_id)?.clone();
            Some(AssignmentView {
                id: a.id,
                challenge_id: a.challenge_id,
                challenge_title: title,
                expert_id: a.expert_id,
                expert_name: names.get(&a.expert_id).cloned().unwrap_or_default(),
                position: a.position,
                status: a.status,
                decline_reason: a.decline_reason,
                blind_review: blind,
                review_deadline: deadline,
                invited_at: a.invited_at,
                responded_at: a.responded_at,
                submitted_at: a.submitted_at,
            })
        })
        .collect())
}

/// One seat's view.
pub async fn seat_view(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    a: Assignment,
) -> AppResult<AssignmentView> {
    seat_views(conn, panel, vec![a])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}
