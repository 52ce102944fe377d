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
use crate::accounts::responses::{CrossSite, EmailTaken};
use crate::accounts::views::{TokenResponse, UserView};
use crate::accounts::{queries, rules};
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::cookie::{self, RefreshCookie};
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

/// Where the new refresh token goes: the body, or the cookie (cookie mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carrier {
    Body,
    Cookie,
}

/// The answer of a session just started or rotated: the access token and its account, with the
/// refresh token in the body or, in cookie mode, in the `jiebang_refresh` cookie.
async fn tokens(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    session: Rotated,
    carrier: Carrier,
) -> AppResult<HttpResponse> {
    let access_token = state
        .jwt
        .issue(session.user_id, session.role, session.session_id)?;
    let mut response = HttpResponse::Ok();
    let refresh_token = match carrier {
        Carrier::Body => Some(session.token),
        Carrier::Cookie => {
            response.cookie(cookie::holding(
                &state.settings,
                &session.token,
                session.expires_at,
            ));
            None
        }
    };
    Ok(response.json(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_secs,
        user: queries::user_view(conn, session.user_id).await?,
    }))
}

/// Log in with email and password.
///
/// Attempts are limited per account and per client address (429 with `Retry-After`). A wrong
/// email and a wrong password give the same answer, in about the same time.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in. In cookie mode (`refresh_in_cookie`) the body has no `refresh_token`: it is in the cookie", body = TokenResponse,
            headers(("Set-Cookie" = String, description = "Cookie mode only: `jiebang_refresh=…; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=…` (and `Secure` where the public URL is https)"))),
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
) -> AppResult<HttpResponse> {
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
    let started = db::transaction(&mut conn, async |conn| {
        let session = sessions::start(conn, user.id, ttl_days).await?;
        Event::new("auth.login", "user", user.id)
            .by(user.id)
            .summary(json!({"session_id": session.session_id}))
            .record(conn, &state, &meta)
            .await?;
        Ok(session)
    })
    .await?;
    tracing::info!(user_id = %user.id, "logged in");
    let session = Rotated {
        user_id: user.id,
        role: user.role,
        session_id: started.session_id,
        token: started.token,
        expires_at: started.expires_at,
    };
    let carrier = if req.refresh_in_cookie {
        Carrier::Cookie
    } else {
        Carrier::Body
    };
    tokens(&state, &mut conn, session, carrier).await
}

/// Spend a refresh token for a new access token and refresh token.
///
/// A refresh token works once. Presenting one that was already spent revokes the whole session
/// (every token descended from the same login), since a copy of it must have been stolen.
///
/// Cookie mode: without `refresh_token` in the body, the `jiebang_refresh` cookie's is spent, and
/// its successor is set in the cookie again (not in the body). A request that carries the cookie
/// must declare a JSON body (`Content-Type: application/json`, e.g. `{}`) and come from this site
/// (`Origin`), or it is refused (403 `cross_site_request`).
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "The refresh token; `{}` in cookie mode"),
    responses(
        (status = 200, description = "A new token pair; in cookie mode the refresh token is in the cookie, not the body", body = TokenResponse,
            headers(("Set-Cookie" = String, description = "Cookie mode only: the next refresh token, `jiebang_refresh`"))),
        (status = 401, description = "Unknown, expired or revoked (`invalid_refresh_token`), or spent before (`refresh_token_reused`: the session is now revoked), or neither in the body nor in the cookie (`unauthenticated`)", body = crate::error::ProblemBody, content_type = "application/problem+json"),
        CrossSite,
    )
)]
#[post("/auth/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: Data<AppState>,
    cookie: RefreshCookie,
    body: OptionalJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    let (token, carrier) = match (body.0.and_then(|b| b.refresh_token), cookie.0) {
        (Some(token), _) => (token, Carrier::Body),
        (None, Some(token)) => (token, Carrier::Cookie),
        (None, None) => return Err(AppError::Unauthorized(ErrorCode::Unauthenticated)),
    };
    let mut conn = state.conn().await?;
    let session = match sessions::rotate(&mut conn, &token).await {
        Ok(session) => session,
        // A cookie that can never be spent again (unknown, expired, revoked, reused) is cleared.
        Err(error) if carrier == Carrier::Cookie && is_unauthorized(&error) => {
            return clearing_cookie(&state, error);
        }
        Err(error) => return Err(error),
    };
    tokens(&state, &mut conn, session, carrier).await
}

fn is_unauthorized(error: &AppError) -> bool {
    actix_web::ResponseError::status_code(error) == actix_web::http::StatusCode::UNAUTHORIZED
}

/// The problem `error` answers, with the refresh cookie cleared (the problem renderer keeps the
/// header when it renders the problem in the request's language).
fn clearing_cookie(state: &AppState, error: AppError) -> AppResult<HttpResponse> {
    let mut response = actix_web::ResponseError::error_response(&error);
    response
        .add_cookie(&cookie::cleared(&state.settings))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot set the cookie: {e}")))?;
    Ok(response)
}

/// Log out: end the session, revoking its access and refresh tokens.
///
/// Ends the session of the bearer token, or of the refresh token given in the body, and that of
/// the `jiebang_refresh` cookie (cookie mode), which is cleared. A request that carries the cookie
/// needs what `POST /auth/refresh` needs (JSON, this site's `Origin`), else 403
/// `cross_site_request`.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<LogoutRequest>, description = "Optional: the refresh token of the session to end"),
    responses(
        (status = 204, description = "Logged out",
            headers(("Set-Cookie" = String, description = "Where the request had the `jiebang_refresh` cookie: the cookie cleared (`Max-Age=0`)"))),
        (status = 401, description = "Neither a valid access token nor a known refresh token", body = crate::error::ProblemBody, content_type = "application/problem+json"),
        CrossSite,
    ),
    security((), ("bearer" = []))
)]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: Data<AppState>,
    user: Option<AuthUser>,
    cookie: RefreshCookie,
    body: OptionalJson<LogoutRequest>,
) -> AppResult<HttpResponse> {
    let refresh_token = body.0.and_then(|b| b.refresh_token);
    let had_cookie = cookie.0.is_some();
    // The cookie counts where the body names no token.
    let cookie_token = cookie.0.filter(|_| refresh_token.is_none());
    let mut conn = state.conn().await?;
    let mut ended = Vec::new();
    match (&user, refresh_token) {
        (Some(user), _) => ended.push(user.session_id),
        (None, Some(token)) => ended.extend(sessions::session_of(&mut conn, &token).await?),
        (None, None) => {}
    }
    if let Some(token) = cookie_token {
        ended.extend(sessions::session_of(&mut conn, &token).await?);
    }
    if ended.is_empty() {
        let error = AppError::Unauthorized(ErrorCode::Unauthenticated);
        return if had_cookie {
            clearing_cookie(&state, error)
        } else {
            Err(error)
        };
    }
    ended.dedup();
    for session in ended {
        sessions::revoke(&mut conn, session, RevokeReason::Logout).await?;
    }
    let mut response = HttpResponse::NoContent();
    if had_cookie {
        response.cookie(cookie::cleared(&state.settings));
    }
    Ok(response.finish())
}
