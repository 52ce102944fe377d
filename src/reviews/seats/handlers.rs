//! What the experts' endpoints of both panels do, from the caller's seat id to the view: the
//! list, accept, decline. Each panel's routes document them and shape the answer.

use uuid::Uuid;

use super::views::{seat_view, seat_views};
use super::{Panel, changes, queries};
use crate::audit::RequestMeta;
use crate::auth::{AuthUser, Role};
use crate::commitments::input::SigningRequest;
use crate::error::AppResult;
use crate::http::Page;
use crate::http::pagination::PageRequest;
use crate::reviews::views::AssignmentView;
use crate::state::AppState;

/// One page of the caller's seats on panels of this kind (experts), newest first.
pub async fn list(
    state: &AppState,
    user: &AuthUser,
    panel: Panel,
    page: PageRequest,
) -> AppResult<Page<AssignmentView>> {
    user.require(&[Role::Expert])?;
    let mut conn = state.conn().await?;
    let (rows, total) = queries::own_page(&mut conn, panel, user.id, page).await?;
    let items = seat_views(&mut conn, panel, rows, false).await?;
    Ok(Page::new(items, total, page))
}

/// The caller accepts their invitation, signing the commitment the body names (`None` when
/// there is no body).
pub async fn accept(
    state: &AppState,
    user: &AuthUser,
    meta: &RequestMeta,
    panel: Panel,
    id: Uuid,
    body: Option<SigningRequest>,
) -> AppResult<AssignmentView> {
    user.require(&[Role::Expert])?;
    let commitment = body.and_then(|b| b.commitment);
    let seat = state
        .transaction(async |conn| {
            changes::accept(conn, state, meta, panel, user.id, id, commitment.as_ref()).await
        })
        .await?;
    let mut conn = state.conn().await?;
    seat_view(&mut conn, panel, seat, false).await
}

/// The caller declines their seat with `reason`; answers it and the replacement invited.
pub async fn decline(
    state: &AppState,
    user: &AuthUser,
    meta: &RequestMeta,
    panel: Panel,
    id: Uuid,
    reason: &str,
) -> AppResult<(AssignmentView, Option<AssignmentView>)> {
    user.require(&[Role::Expert])?;
    let reason = reason.trim();
    let (declined, replacement) = state
        .transaction(async |conn| {
            changes::decline(conn, state, meta, panel, user.id, id, reason).await
        })
        .await?;
    let mut conn = state.conn().await?;
    let declined = seat_view(&mut conn, panel, declined, false).await?;
    let replacement = match replacement {
        Some(r) => Some(seat_view(&mut conn, panel, r, false).await?),
        None => None,
    };
    Ok((declined, replacement))
}
