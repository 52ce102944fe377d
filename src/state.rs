//! The one application state handed to handlers as `web::Data<AppState>` and to jobs.
//!
//! It holds what every part shares (settings, pool, clock, mailer, keys) and knows no domain:
//! what a domain keeps for itself (a cache, the hooks later stages install) sits in
//! [`Extensions`], put there once by `startup::assemble`.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use crate::audit::AuditKey;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::LoginLimiter;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{DbConn, DbPool};
use crate::error::AppResult;
use crate::jobs::{JobRegistry, RunnerHealth};
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
    /// Keyed hashing of ID numbers (`privacy.id_hash_key`).
    pub privacy: Privacy,
    /// The job kinds this build runs.
    pub jobs: JobRegistry,
    /// Whether the job runner's workers are alive (`/ready`).
    pub runner_health: Arc<RunnerHealth>,
    pub extensions: Extensions,
}

impl AppState {
    pub fn new(
        settings: Settings,
        pool: DbPool,
        jobs: JobRegistry,
        extensions: Extensions,
    ) -> anyhow::Result<Self> {
        Ok(AppState {
            hasher: PasswordHasher::new(settings.hash_concurrency())?,
            jwt: JwtKeys::new(&settings.auth),
            login_limiter: LoginLimiter::new(&settings.auth),
            clock: Clock::default(),
            mailer: Mailer::new(&settings.mail)?,
            templates: Templates::load()?,
            audit_key: AuditKey::new(settings.audit.hmac_key.clone()),
            privacy: Privacy::new(settings.privacy.id_hash_key.clone()),
            jobs,
            runner_health: Arc::default(),
            extensions,
            settings,
            pool,
        })
    }

    /// A pooled connection; 503 when none frees up within the acquire timeout.
    pub async fn conn(&self) -> AppResult<DbConn> {
        Ok(self.pool.get().await?)
    }

    /// Runs `body` in a transaction on a pooled connection: committed when it answers `Ok`,
    /// rolled back otherwise.
    pub async fn transaction<R, F>(&self, body: F) -> AppResult<R>
    where
        F: for<'r> crate::db::TransactionBody<'r, R> + Send,
        R: Send,
    {
        let mut conn = self.conn().await?;
        crate::db::transaction(&mut conn, body).await
    }

    /// What a domain put in [`Extensions`] at start-up; an error (500) if nothing was.
    pub fn extension<T: Any + Send + Sync + ?Sized>(&self) -> AppResult<&Arc<T>>
    where
        Arc<T>: Any + Send + Sync,
    {
        self.extensions.get::<T>().ok_or_else(|| {
            anyhow::anyhow!(
                "{} was not installed at start-up",
                std::any::type_name::<T>()
            )
            .into()
        })
    }
}

/// Values by type, each put once: a domain's own state, or the implementation of a trait that
/// an earlier stage of the workflow declares and a later one provides (`Arc<dyn Trait>`).
#[derive(Default)]
pub struct Extensions {
    values: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl Extensions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `value` under its type (`T` may be a `dyn Trait`), replacing any before it.
    pub fn insert<T: ?Sized + 'static>(&mut self, value: Arc<T>)
    where
        Arc<T>: Any + Send + Sync,
    {
        self.values.insert(TypeId::of::<Arc<T>>(), Box::new(value));
    }

    pub fn with<T: ?Sized + 'static>(mut self, value: Arc<T>) -> Self
    where
        Arc<T>: Any + Send + Sync,
    {
        self.insert(value);
        self
    }

    pub fn get<T: ?Sized + 'static>(&self) -> Option<&Arc<T>>
    where
        Arc<T>: Any + Send + Sync,
    {
        self.values
            .get(&TypeId::of::<Arc<T>>())
            .and_then(|value| value.downcast_ref::<Arc<T>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn greet(&self) -> &'static str;
    }

    struct Hello;

    impl Greeter for Hello {
        fn greet(&self) -> &'static str {
            "hello"
        }
    }

    #[test]
    fn holds_values_and_trait_objects_by_type() {
        let extensions = Extensions::new()
            .with(Arc::new(42_u32))
            .with::<dyn Greeter>(Arc::new(Hello));
        assert_eq!(extensions.get::<u32>().map(|v| **v), Some(42));
        assert_eq!(
            extensions.get::<dyn Greeter>().map(|g| g.greet()),
            Some("hello")
        );
        assert!(extensions.get::<u64>().is_none());
    }
}
