//! The one application state handed to handlers as `web::Data<AppState>`.

use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::LoginLimiter;
use crate::config::Settings;
use crate::db::{DbConn, DbPool};
use crate::error::AppResult;

pub struct AppState {
    pub settings: Settings,
    pub pool: DbPool,
    pub hasher: PasswordHasher,
    pub jwt: JwtKeys,
    pub login_limiter: LoginLimiter,
}

impl AppState {
    pub fn new(settings: Settings, pool: DbPool) -> anyhow::Result<Self> {
        Ok(AppState {
            hasher: PasswordHasher::new(settings.hash_concurrency())?,
            jwt: JwtKeys::new(&settings.auth),
            login_limiter: LoginLimiter::new(&settings.auth),
            settings,
            pool,
        })
    }

    /// A pooled connection; 503 when none frees up within the acquire timeout.
    pub async fn conn(&self) -> AppResult<DbConn> {
        Ok(self.pool.get().await?)
    }
}
