//! Opening an account, shared by self-registration (`POST /auth/register`) and an admin's
//! `POST /users`.

use serde_json::json;
use uuid::Uuid;

use super::input::AccountRequest;
use super::models::{Organization, User};
use super::notices::Welcome;
use super::queries;
use super::views::UserView;
use crate::audit::{Event, RequestMeta};
use crate::error::AppResult;
use crate::notifications::{Recipient, notify};
use crate::state::AppState;

/// Opens the account `request` asks for, with its organisation unless that exists already, and
/// in the same transaction welcomes it and records it: `user.register` when self-registered,
/// `user.create` when `opened_by` an admin.
pub async fn open_account(
    state: &AppState,
    meta: &RequestMeta,
    request: AccountRequest,
    opened_by: Option<Uuid>,
) -> AppResult<UserView> {
    let password_hash = state.hasher.hash(request.password()).await?;
    let account = request.account(&password_hash);
    let (user, organization) = state
        .transaction(async |conn| {
            let (user, organization) = queries::create_account(conn, account).await?;
            let notice = welcome(state, &user, organization.as_ref());
            notify(conn, state, &Recipient::from(&user), &notice).await?;
            let action = match opened_by {
                Some(_) => "user.create",
                None => "user.register",
            };
            Event::new(action, "user", user.id)
                .by(opened_by.or(Some(user.id)))
                .summary(json!({
                    "email": user.email,
                    "display_name": user.display_name,
                    "role": user.role,
                    "organization_id": user.organization_id,
                }))
                .record(conn, state, meta)
                .await?;
            Ok((user, organization))
        })
        .await?;
    Ok(UserView::new(user, organization))
}

fn welcome(state: &AppState, user: &User, organization: Option<&Organization>) -> Welcome {
    Welcome {
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        role: user.role,
        organization_name: organization.map(|o| o.name.clone()),
        login_url: format!("{}/docs/", state.settings.public_url()),
    }
}
