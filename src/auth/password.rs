//! argon2id password hashing (OWASP: m=19456 KiB, t=2, p=1) on the blocking pool, with at most as
//! many hashes at once as configured (one per core by default), so that a flood of logins queues
//! here instead of stalling every other request.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use tracing::Span;

use crate::error::{AppError, AppResult};

pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A real hash of a random password: verified against when the account does not exist, so
    /// that a login failure takes the same time whether or not the email is known.
    dummy_hash: String,
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let dummy = SecretString::from(uuid::Uuid::new_v4().to_string());
        Ok(PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: hash_blocking(&dummy)?,
        })
    }

    pub async fn hash(&self, password: SecretString) -> AppResult<String> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let span = Span::current();
        let hash = tokio::task::spawn_blocking(move || span.in_scope(|| hash_blocking(&password)))
            .await??;
        Ok(hash)
    }

    /// Whether `password` matches `hash`; with `None`, checks against the dummy hash (always
    /// false) so that unknown accounts cost the same time as known ones.
    pub async fn verify(&self, password: SecretString, hash: Option<String>) -> AppResult<bool> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.clone());
        let span = Span::current();
        let matches = tokio::task::spawn_blocking(move || {
            span.in_scope(|| -> AppResult<bool> {
                let parsed = PasswordHash::new(&hash).map_err(|e| {
                    AppError::Internal(anyhow::anyhow!("stored hash unreadable: {e}"))
                })?;
                Ok(argon2()
                    .verify_password(password.expose_secret().as_bytes(), &parsed)
                    .is_ok())
            })
        })
        .await??;
        Ok(known && matches)
    }
}

fn hash_blocking(password: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let hash = argon2()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_owasp_parameters_and_verifies() {
        let hasher = PasswordHasher::new(1).unwrap();
        let hash = hasher
            .hash(SecretString::from("correct horse"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify(SecretString::from("correct horse"), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(SecretString::from("wrong"), Some(hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(SecretString::from("anything"), None)
                .await
                .unwrap()
        );
    }
}
