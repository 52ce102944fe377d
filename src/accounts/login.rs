//! `POST /auth/register`, `/auth/login`, `/auth/refresh`, `/auth/logout`: the account side of
//! signing in, on the `auth` infrastructure (password hashes, sessions, tokens).

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, post};
use diesel_async::AsyncConnection;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::accounts::input::RegisterRequest;
use crate::accounts::models::UserView;
use crate::accounts::queries::{self, NewAccount};
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::sessions::{self, RevokeReason, Rotated};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::http::ValidJson;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout);
}

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
        (status = 409, description = "Email already registered (`email_taken`)", body = crate::error::ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. a USCC with a wrong check character", body = crate::error::ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let req = body.into_inner();
    let password_hash = state.hasher.hash(req.password.into_secret()).await?;
    let mut conn = state.conn().await?;
    let account = NewAccount {
        email: &req.email,
        password_hash: &password_hash,
        display_name: &req.display_name,
        role: req.role,
        locale: req.locale.unwrap_or_default(),
        organization: Some(&req.organization),
        self_registered: true,
    };
    let (user, organization) =
        queries::open_account(&mut conn, &state, &meta, None, account).await?;
    tracing::info!(user_id = %user.id, role = %user.role, "account registered");
    Ok(HttpResponse::Created().json(UserView::new(user, organization)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@demo.jiebang.cn", "password": "printed-by-seed-demo"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(example = "admin@demo.jiebang.cn")]
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// An access token, the refresh token that renews it, and the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; spend it at `POST /auth/refresh` for a new pair. Each can be used once.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    pub user: UserView,
}

async fn token_response(
    state: &AppState,
    conn: &mut diesel_async::AsyncPgConnection,
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
    let refusal = match &user {
        Some(user) if matches && user.disabled_at.is_some() => Some(ErrorCode::AccountDisabled),
        Some(_) if matches => None,
        _ => Some(ErrorCode::InvalidCredentials),
    };
    if let Some(code) = refusal {
        tracing::info!(reason = %code, "login refused");
        let event = audit::Event {
            actor_id: None,
            action: "auth.login_failed",
            object_type: "user",
            object_id: user.as_ref().map(|u| u.id.to_string()),
            summary: json!({"email": req.email.trim().to_lowercase(), "reason": code.as_str()}),
        };
        audit::record(&mut conn, &state, &meta, event).await?;
        return Err(AppError::Unauthorized(code));
    }
    let user = user.ok_or_else(|| anyhow::anyhow!("login accepted without an account"))?;
    let ttl_days = state.settings.auth.refresh_token_ttl_days;
    let (session_id, refresh_token) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let session = sessions::start(conn, user.id, ttl_days).await?;
            let event = audit::Event {
                actor_id: Some(user.id),
                action: "auth.login",
                object_type: "user",
                object_id: Some(user.id.to_string()),
                summary: json!({"session_id": session.0}),
            };
            audit::record(conn, &state, &meta, event).await?;
            Ok(session)
        })
        .await?;
    tracing::info!(user_id = %user.id, "logged in");
    let session = Rotated {
        user_id: user.id,
        role: user.role,
        session_id,
        token: refresh_token,
    };
    Ok(Json(token_response(&state, &mut conn, session).await?))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "kq3v0x…(from login)"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    pub refresh_token: String,
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
    Ok(Json(token_response(&state, &mut conn, session).await?))
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct LogoutRequest {
    /// Ends the session of this refresh token (useful once the access token has expired).
    #[validate(length(min = 1, max = 200))]
    pub refresh_token: Option<String>,
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
    body: Option<ValidJson<LogoutRequest>>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let refresh_token = body.and_then(|b| b.into_inner().refresh_token);
    let session = match (&user, refresh_token) {
        (Some(user), _) => Some(user.session_id),
        (None, Some(token)) => sessions::session_of(&mut conn, &token).await?,
        (None, None) => None,
    };
    let session = session.ok_or(AppError::Unauthorized(ErrorCode::Unauthenticated))?;
    sessions::revoke(&mut conn, session, RevokeReason::Logout).await?;
    Ok(HttpResponse::NoContent().finish())
}
