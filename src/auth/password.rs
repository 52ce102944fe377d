//! argon2id password hashing (OWASP: m=19456 KiB, t=2, p=1) through the argon2 crate's
//! `PasswordHasher` and `PasswordVerifier`, in the standard PHC string form.
//!
//! Hashes run on a small pool of dedicated threads of their own (one per permitted concurrent
//! hash, one per core by default), never on the async workers nor on tokio's shared blocking
//! threads. A flood of logins therefore queues here instead of stalling other requests, each
//! thread's 19 MiB of working memory is reused by the next hash on that thread, and the threads
//! run at a lower scheduling priority, so that when hashes fill every core the scheduler still
//! runs request handling (health checks, cheap queries) first.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use argon2::{PasswordHasher as _, PasswordVerifier as _};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::oneshot;
use tracing::Span;

use crate::error::{AppError, AppResult};

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, Some(32)).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

type Task = Box<dyn FnOnce() + Send>;

/// Hashes and verifies passwords on its own threads.
pub struct PasswordHasher {
    tasks: Mutex<mpsc::Sender<Task>>,
    /// A real hash of a random password: verified against when the account does not exist, so
    /// that a login failure takes the same time whether or not the email is known.
    dummy_hash: String,
}

impl PasswordHasher {
    /// A hasher with `threads` dedicated threads (at least one).
    pub fn new(threads: usize) -> anyhow::Result<Self> {
        let (sender, receiver) = mpsc::channel::<Task>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next task.
                        let task = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match task {
                            Ok(task) => task(),
                            // The hasher is gone: so is the thread.
                            Err(_) => return,
                        }
                    }
                })?;
        }
        let dummy = SecretString::from(uuid::Uuid::new_v4().to_string());
        Ok(PasswordHasher {
            tasks: Mutex::new(sender),
            dummy_hash: hash_blocking(&dummy)?,
        })
    }

    /// Runs `work` on a hashing thread, within the caller's span.
    async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> AppResult<R> {
        let (done, result) = oneshot::channel();
        let span = Span::current();
        let task: Task = Box::new(move || {
            let _ = done.send(span.in_scope(work));
        });
        self.tasks
            .lock()
            .map_err(|_| anyhow::anyhow!("the password hasher is poisoned"))?
            .send(task)
            .map_err(|_| anyhow::anyhow!("the password hashing threads are gone"))?;
        Ok(result
            .await
            .map_err(|_| anyhow::anyhow!("a password hashing thread died"))?)
    }

    pub async fn hash(&self, password: SecretString) -> AppResult<String> {
        Ok(self.run(move || hash_blocking(&password)).await??)
    }

    /// Whether `password` matches `hash`; with `None`, checks against the dummy hash (always
    /// false) so that unknown accounts cost the same time as known ones.
    pub async fn verify(&self, password: SecretString, hash: Option<String>) -> AppResult<bool> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.clone());
        let matches = self
            .run(move || verify_blocking(&password, &hash))
            .await?
            .map_err(|e| {
                AppError::Internal(anyhow::anyhow!("stored password hash unusable: {e}"))
            })?;
        Ok(known && matches)
    }
}

fn hash_blocking(password: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

/// Verifies with the parameters the stored hash names (older or other parameters still verify).
fn verify_blocking(password: &SecretString, stored: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("{e}"))?;
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        anyhow::bail!("not an argon2id hash");
    }
    match Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// Lowers the scheduling priority of the calling (hashing) thread to about `nice 10`; failure
/// only leaves it as it is.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    if let Ok(value) = ThreadPriorityValue::try_from(22u8)
        && let Err(error) = set_current_thread_priority(ThreadPriority::Crossplatform(value))
    {
        tracing::debug!(?error, "could not lower the hashing thread's priority");
    }
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

    #[tokio::test]
    async fn verifies_hashes_made_with_other_parameters() {
        let hasher = PasswordHasher::new(1).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 3, 1, None).unwrap(),
        );
        let theirs = other.hash_password(b"legacy", &salt).unwrap().to_string();
        assert!(
            hasher
                .verify(SecretString::from("legacy"), Some(theirs.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(SecretString::from("Legacy"), Some(theirs))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn hashes_run_on_the_dedicated_threads() {
        let hasher = PasswordHasher::new(2).unwrap();
        let name = hasher
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .unwrap();
        assert!(name.is_some_and(|n| n.starts_with("argon2-")));
    }

    #[tokio::test]
    async fn a_hash_that_is_not_argon2id_is_an_error() {
        let hasher = PasswordHasher::new(1).unwrap();
        let result = hasher
            .verify(
                SecretString::from("x"),
                Some("$2b$12$abcdefghijklmnopqrstuv".into()),
            )
            .await;
        assert!(result.is_err());
    }
}
