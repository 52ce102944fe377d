//! Login sessions and their rotating refresh tokens (RFC 9700 §4.14.2). A refresh token is an
//! opaque random string; only its SHA-256 is stored. Each use spends it and issues the next one in
//! the same family; presenting a spent one revokes the whole family, since either the client or
//! an attacker holds a stolen copy.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::schema::{refresh_tokens, sessions, users};

/// Why a session ended.
#[derive(Debug, Clone, Copy)]
pub enum RevokeReason {
    Logout,
    Reuse,
    Disabled,
    PasswordChanged,
    RoleChanged,
}

impl RevokeReason {
    fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Logout => "logout",
            RevokeReason::Reuse => "reuse",
            RevokeReason::Disabled => "disabled",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::RoleChanged => "role_changed",
        }
    }
}

fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A session just opened: its id, its first refresh token and when it ends.
pub struct Started {
    pub session_id: Uuid,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Opens a session for `user_id`, with its first refresh token.
pub async fn start(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    ttl_days: u64,
) -> AppResult<Started> {
    let session_id = Uuid::now_v7();
    let expires_at = Utc::now() + Duration::days(ttl_days as i64);
    let (token, hash) = new_refresh_token();
    conn.transaction::<_, AppError, _>(async move |conn| {
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(session_id),
                sessions::user_id.eq(user_id),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .await?;
        insert_token(conn, &hash, session_id, expires_at).await
    })
    .await?;
    Ok(Started {
        session_id,
        token,
        expires_at,
    })
}

async fn insert_token(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    session_id: Uuid,
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A spent refresh token's successor: the account and session it belongs to, the new token, and
/// when the session (and so the token) ends.
pub struct Rotated {
    pub user_id: Uuid,
    pub role: Role,
    pub session_id: Uuid,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

enum Rotation {
    Rotated(Rotated),
    Reused,
    Invalid,
}

/// Spends `token` and answers the account, the session and the next refresh token.
pub async fn rotate(conn: &mut AsyncPgConnection, token: &str) -> AppResult<Rotated> {
    let hash = hash_token(token);
    let rotation = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let now = Utc::now();
            // Lock the token row so that two concurrent uses cannot both rotate it.
            let row: Option<(Option<DateTime<Utc>>, DateTime<Utc>, Uuid)> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(&hash))
                .select((
                    refresh_tokens::used_at,
                    refresh_tokens::expires_at,
                    refresh_tokens::session_id,
                ))
                .for_update()
                .first(conn)
                .await
                .optional()?;
            let Some((used_at, expires_at, session_id)) = row else {
                return Ok(Rotation::Invalid);
            };
            if used_at.is_some() {
                revoke(conn, session_id, RevokeReason::Reuse).await?;
                return Ok(Rotation::Reused);
            }
            if expires_at <= now {
                return Ok(Rotation::Invalid);
            }
            let user: Option<(Uuid, Role)> = users::table
                .inner_join(sessions::table)
                .filter(sessions::id.eq(session_id))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(now))
                .filter(users::disabled_at.is_null())
                .select((users::id, users::role))
                .first(conn)
                .await
                .optional()?;
            let Some((user_id, role)) = user else {
                return Ok(Rotation::Invalid);
            };
            diesel::update(refresh_tokens::table.filter(refresh_tokens::token_hash.eq(&hash)))
                .set(refresh_tokens::used_at.eq(now))
                .execute(conn)
                .await?;
            let (token, next_hash) = new_refresh_token();
            insert_token(conn, &next_hash, session_id, expires_at).await?;
            Ok(Rotation::Rotated(Rotated {
                user_id,
                role,
                session_id,
                token,
                expires_at,
            }))
        })
        .await?;
    match rotation {
        Rotation::Rotated(rotated) => Ok(rotated),
        Rotation::Reused => {
            tracing::warn!("spent refresh token presented again; session revoked");
            Err(AppError::Unauthorized(ErrorCode::RefreshTokenReused))
        }
        Rotation::Invalid => Err(AppError::Unauthorized(ErrorCode::InvalidRefreshToken)),
    }
}

/// The session a refresh token belongs to, if it is known.
pub async fn session_of(conn: &mut AsyncPgConnection, token: &str) -> AppResult<Option<Uuid>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_token(token)))
        .select(refresh_tokens::session_id)
        .first(conn)
        .await
        .optional()?)
}

/// Ends one session (no-op if it already ended).
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    session_id: Uuid,
    reason: RevokeReason,
) -> AppResult<()> {
    end(conn, Sessions::One(session_id), reason).await
}

/// Ends every live session of an account.
pub async fn revoke_all(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    reason: RevokeReason,
) -> AppResult<()> {
    end(conn, Sessions::OfUser(user_id), reason).await
}

enum Sessions {
    One(Uuid),
    OfUser(Uuid),
}

async fn end(conn: &mut AsyncPgConnection, which: Sessions, reason: RevokeReason) -> AppResult<()> {
    let live = diesel::update(sessions::table)
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    let target = match which {
        Sessions::One(id) => live.filter(sessions::id.eq(id)),
        Sessions::OfUser(user_id) => live.filter(sessions::user_id.eq(user_id)),
    };
    target
        .set((
            sessions::revoked_at.eq(Utc::now()),
            sessions::revoked_reason.eq(reason.as_str()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
