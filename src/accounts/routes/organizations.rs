//! `GET /organizations/{id}` and `POST /organizations/{id}/members/{user_id}/approve`.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::views::{OrganizationDetail, OrganizationMemberView, UserView};
use crate::accounts::{queries, rules};
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::http::NotFound;
use crate::state::AppState;

/// An organisation (any logged-in user); its member list for its members and admins.
#[utoipa::path(
    tag = "accounts",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganizationDetail),
        NotFound,
    ),
    security(("bearer" = []))
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<OrganizationDetail>> {
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let organization = queries::organization(&mut conn, id).await?;
    let members = if rules::acts_for(&user, id) {
        let members = queries::members(&mut conn, id).await?;
        Some(
            members
                .into_iter()
                .map(OrganizationMemberView::from)
                .collect(),
        )
    } else {
        None
    };
    Ok(Json(OrganizationDetail {
        organization: organization.into(),
        members,
    }))
}

/// Approve an account that joined this organisation by naming its USCC (an admin, or an approved
/// account of the organisation). Until approved it acts for no organisation: it cannot bid for it
/// or see its bids and drafts.
#[utoipa::path(
    tag = "accounts",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("user_id" = Uuid, Path, description = "The account waiting for approval"),
    ),
    responses(
        (status = 200, description = "Approved (or already approved)", body = UserView),
        NotFound,
    ),
    security(("bearer" = []))
)]
#[post("/organizations/{id}/members/{user_id}/approve")]
pub async fn approve_member(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    path: Path<(Uuid, Uuid)>,
) -> AppResult<Json<UserView>> {
    let (organization_id, member_id) = path.into_inner();
    if !rules::acts_for(&user, organization_id) {
        return Err(AppError::NotFound);
    }
    let approved = state
        .transaction(async |conn| {
            let member = queries::lock_account(conn, member_id, Some(organization_id)).await?;
            if member.membership_pending {
                queries::approve_membership(conn, member.id).await?;
                Event::new("user.membership_approve", "user", member.id)
                    .by(user.id)
                    .summary(json!({"organization_id": organization_id}))
                    .record(conn, &state, &meta)
                    .await?;
            }
            queries::user_view(conn, member_id).await
        })
        .await?;
    Ok(Json(approved))
}
