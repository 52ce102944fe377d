//! The one application state handed to handlers as `web::Data<AppState>`.

use crate::audit::AuditKey;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::LoginLimiter;
use crate::challenges::cache::ListCache;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{DbConn, DbPool};
use crate::error::AppResult;
use crate::mail::{Mailer, Templates};
use crate::privacy::Privacy;

pub struct AppState {
    pub settings: Settings,
    pub pool: DbPool,
    pub hasher: PasswordHasher,
    pub jwt: JwtKeys,
    pub login_limiter: LoginLimiter,
    pub clock: Clock,
    pub mailer: Mailer,
    pub templates: Templates,
    pub audit_key: AuditKey,
    pub challenge_list_cache: ListCache,
    /// Keyed hashing of ID numbers (`privacy.id_hash_key`).
    pub privacy: Privacy,
}

impl AppState {
    pub fn new(settings: Settings, pool: DbPool) -> anyhow::Result<Self> {
        Ok(AppState {
            hasher: PasswordHasher::new(settings.hash_concurrency())?,
            jwt: JwtKeys::new(&settings.auth),
            login_limiter: LoginLimiter::new(&settings.auth),
            clock: Clock::default(),
            mailer: Mailer::new(&settings.mail)?,
            templates: Templates::load()?,
            audit_key: AuditKey::new(settings.audit.hmac_key.clone()),
            challenge_list_cache: ListCache::new(settings.challenges.public_list_cache_ms),
            privacy: Privacy::new(settings.privacy.id_hash_key.clone()),
            settings,
            pool,
        })
    }

    /// A pooled connection; 503 when none frees up within the acquire timeout.
    pub async fn conn(&self) -> AppResult<DbConn> {
        Ok(self.pool.get().await?)
    }
}
