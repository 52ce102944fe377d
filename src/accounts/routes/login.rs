//! `POST /auth/register`, `/auth/login`, `/auth/refresh`, `/auth/logout`: the account side of
//! signing in, on the `auth` infrastructure (password hashes, sessions, tokens).

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, post};
use diesel_async::AsyncPgConnection;
use serde_json::json;

use crate::accounts::input::{
    AccountRequest, LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest,
};
use crate::accounts::open::open_account;
use crate::accounts::responses::EmailTaken;
use crate::accounts::views::{TokenResponse, UserView};
use crate::accounts::{queries, rules};
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::sessions::{self, RevokeReason, Rotated};
use crate::db;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::http::{Invalid, OptionalJson, ValidJson};
use crate::state::AppState;

/// Register an issuer or solver account together with its organisation.
///
/// When an organisation with the same USCC already exists, the account joins it pending approval
/// (`membership_pending`): one of its accounts or an admin approves it with
/// `POST /organizations/{id}/members/{user_id}/approve`; until then it acts for no organisation.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = UserView),
        EmailTaken,
        Invalid,
    )
)]
#[post("/auth/register")]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<RegisterRequest>,
) -> AppResult<(Json<UserView>, StatusCode)> {
    let request = AccountRequest::Register(body.into_inner());
    let user = open_account(&state, &meta, request, None).await?;
    tracing::info!(user_id = %user.id, role = %user.role, "account registered");
    Ok((Json(user), StatusCode::CREATED))
}

/// The token pair of a session just started or rotated, and its account.
async fn tokens(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    session: Rotated,
) -> AppResult<TokenResponse> {
    let access_token = state
        .jwt
        .issue(session.user_id, session.role, session.session_id)?;
    Ok(TokenResponse {
        access_token,
        refresh_token: session.token,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_secs,
        user: queries::user_view(conn, session.user_id).await?,
    })
}

/// Log in with email and password.
///
/// Attempts are limited per account and per client address (429 with `Retry-After`). A wrong
/// email and a wrong password give the same answer, in about the same time.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`), or the account is disabled (`account_disabled`)", body = crate::error::ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<LoginRequest>,
) -> AppResult<Json<TokenResponse>> {
    let req = body.into_inner();
    state
        .login_limiter
        .check(&req.email, meta.client_addr.map(|a| a.0))?;
    let user = {
        let mut conn = state.conn().await?;
        queries::find_by_email(&mut conn, &req.email).await?
    };
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let matches = state.hasher.verify(req.password, stored_hash).await?;
    let mut conn = state.conn().await?;
    if let Some(code) = rules::login_refusal(user.as_ref(), matches) {
        tracing::info!(reason = %code, "login refused");
        // By an unknown party, about an account that may not exist.
        let event = Event {
            actor_id: None,
            action: "auth.login_failed",
            object_type: "user",
            object_id: user.as_ref().map(|u| u.id.to_string()),
            summary: json!({"email": req.email.trim().to_lowercase(), "reason": code.as_str()}),
        };
        event.record(&mut conn, &state, &meta).await?;
        return Err(AppError::Unauthorized(code));
    }
    let user = user.ok_or_else(|| anyhow::anyhow!("login accepted without an account"))?;
    let ttl_days = state.settings.auth.refresh_token_ttl_days;
    let (session_id, token) = db::transaction(&mut conn, async |conn| {
        let session = sessions::start(conn, user.id, ttl_days).await?;
        Event::new("auth.login", "user", user.id)
            .by(user.id)
            .summary(json!({"session_id": session.0}))
            .record(conn, &state, &meta)
            .await?;
        Ok(session)
    })
    .await?;
    tracing::info!(user_id = %user.id, "logged in");
    let session = Rotated {
        user_id: user.id,
        role: user.role,
        session_id,
        token,
    };
    Ok(Json(tokens(&state, &mut conn, session).await?))
}

/// Spend a refresh token for a new access token and refresh token.
///
/// A refresh token works once. Presenting one that was already spent revokes the whole session
/// (every token descended from the same login), since a copy of it must have been stolen.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "Unknown, expired or revoked (`invalid_refresh_token`), or spent before (`refresh_token_reused`: the session is now revoked)", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> AppResult<Json<TokenResponse>> {
    let mut conn = state.conn().await?;
    let session = sessions::rotate(&mut conn, &body.into_inner().refresh_token).await?;
    Ok(Json(tokens(&state, &mut conn, session).await?))
}

/// Log out: end the session, revoking its access and refresh tokens.
///
/// Ends the session of the bearer token, or of the refresh token given in the body.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<LogoutRequest>, description = "Optional: the refresh token of the session to end"),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Neither a valid access token nor a known refresh token", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: Data<AppState>,
    user: Option<AuthUser>,
    body: OptionalJson<LogoutRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let refresh_token = body.0.and_then(|b| b.refresh_token);
    let session = match (&user, refresh_token) {
        (Some(user), _) => Some(user.session_id),
        (None, Some(token)) => sessions::session_of(&mut conn, &token).await?,
        (None, None) => None,
    };
    let session = session.ok_or(AppError::Unauthorized(ErrorCode::Unauthenticated))?;
    sessions::revoke(&mut conn, session, RevokeReason::Logout).await?;
    Ok(HttpResponse::NoContent().finish())
}
