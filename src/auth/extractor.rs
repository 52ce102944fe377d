//! `AuthUser`: the caller, from a bearer access token that is valid *and* whose account and session
//! are still live in the database. Disabling an account or revoking a session therefore stops its
//! tokens at once. Handlers that need a role say so with `user.require(&[Role::Admin])?`.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::i18n::Locale;
use crate::schema::{sessions, users};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub role: Role,
    pub organization_id: Option<Uuid>,
    pub locale: Locale,
    pub session_id: Uuid,
}

impl AuthUser {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> AppResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
}

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("application state missing"))?;
            let token = token.ok_or(AppError::Unauthorized(ErrorCode::Unauthenticated))?;
            let claims = state
                .jwt
                .verify(&token)
                .ok_or(AppError::Unauthorized(ErrorCode::InvalidToken))?;
            let mut conn = state.conn().await?;
            let row: Option<(Uuid, Role, Option<Uuid>, Locale, bool)> = users::table
                .inner_join(sessions::table)
                .filter(users::id.eq(claims.sub))
                .filter(sessions::id.eq(claims.sid))
                .filter(users::disabled_at.is_null())
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(Utc::now()))
                .select((
                    users::id,
                    users::role,
                    users::organization_id,
                    users::locale,
                    users::membership_pending,
                ))
                .first(&mut conn)
                .await
                .optional()?;
            let (id, role, organization_id, locale, pending) =
                row.ok_or(AppError::Unauthorized(ErrorCode::InvalidToken))?;
            // An account waiting for its organisation's approval acts for no organisation.
            let organization_id = if pending { None } else { organization_id };
            tracing::Span::current().record("user_id", tracing::field::display(id));
            Ok(AuthUser {
                id,
                role,
                organization_id,
                locale,
                session_id: claims.sid,
            })
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// The caller on endpoints that anyone may call: `None` without an `Authorization` header. A
/// header that is present but invalid is still a 401, so that a client with an expired token
/// refreshes it instead of silently seeing the anonymous view.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().get(header::AUTHORIZATION).is_none() {
            return Box::pin(async { Ok(MaybeUser(None)) });
        }
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move { Ok(MaybeUser(Some(user.await?))) })
    }
}
