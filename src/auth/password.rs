//! argon2id password hashing (OWASP: m=19456 KiB, t=2, p=1) on the blocking pool, with at most as
//! many hashes at once as configured (one per core by default), so that a flood of logins queues
//! here instead of stalling every other request.
//!
//! Each hash needs 19 MiB of working memory. Those buffers are kept and reused (one per permitted
//! concurrent hash) instead of being allocated per login: otherwise every blocking thread's malloc
//! arena keeps its own 19 MiB after a burst, and the resident size grows with the thread count.
//! The stored form is the standard PHC string, readable by any argon2 implementation.

use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use tracing::Span;

use crate::error::{AppError, AppResult};

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
fn params() -> Params {
    Params::new(19_456, 2, 1, Some(32)).expect("valid argon2 parameters")
}

pub struct PasswordHasher {
    permits: Semaphore,
    memory: Arc<MemoryPool>,
    /// A real hash of a random password: verified against when the account does not exist, so
    /// that a login failure takes the same time whether or not the email is known.
    dummy_hash: String,
}

/// Reusable argon2 working memory.
struct MemoryPool {
    buffers: Mutex<Vec<Vec<Block>>>,
    keep: usize,
}

impl MemoryPool {
    fn with<R>(&self, blocks: usize, work: impl FnOnce(&mut [Block]) -> R) -> R {
        let reused = self
            .buffers
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .filter(|buffer| buffer.len() == blocks);
        let mut buffer = reused.unwrap_or_else(|| vec![Block::default(); blocks]);
        let result = work(&mut buffer);
        if blocks == params().block_count()
            && let Ok(mut pool) = self.buffers.lock()
            && pool.len() < self.keep
        {
            pool.push(buffer);
        }
        result
    }
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let concurrency = concurrency.max(1);
        let memory = Arc::new(MemoryPool {
            buffers: Mutex::new(Vec::new()),
            keep: concurrency,
        });
        let dummy = SecretString::from(uuid::Uuid::new_v4().to_string());
        let dummy_hash = hash_blocking(&dummy, &memory)?;
        Ok(PasswordHasher {
            permits: Semaphore::new(concurrency),
            memory,
            dummy_hash,
        })
    }

    pub async fn hash(&self, password: SecretString) -> AppResult<String> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let memory = self.memory.clone();
        let span = Span::current();
        let hash = tokio::task::spawn_blocking(move || {
            span.in_scope(|| hash_blocking(&password, &memory))
        })
        .await??;
        Ok(hash)
    }

    /// Whether `password` matches `hash`; with `None`, checks against the dummy hash (always
    /// false) so that unknown accounts cost the same time as known ones.
    pub async fn verify(&self, password: SecretString, hash: Option<String>) -> AppResult<bool> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.clone());
        let memory = self.memory.clone();
        let span = Span::current();
        let matches = tokio::task::spawn_blocking(move || {
            span.in_scope(|| verify_blocking(&password, &hash, &memory))
        })
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored password hash unusable: {e}")))?;
        Ok(known && matches)
    }
}

fn hash_blocking(password: &SecretString, memory: &MemoryPool) -> anyhow::Result<String> {
    let params = params();
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let mut salt_buffer = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buffer)?;
    let mut out = [0u8; 32];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    compute(&argon2, password, salt_bytes, &mut out, memory)?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out)?),
    };
    Ok(phc.to_string())
}

/// Lowers the priority of the blocking-pool thread that hashes, once per thread, so that when
/// hashes fill every core the scheduler still runs request handling (health checks, cheap
/// queries) first.
fn lower_thread_priority() {
    thread_local!(static LOWERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    LOWERED.with(|lowered| {
        if !lowered.get() {
            #[cfg(target_os = "linux")]
            // SAFETY: plain syscalls on the calling thread; failure only leaves the priority as is.
            unsafe {
                let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
                libc::setpriority(libc::PRIO_PROCESS, tid, 10);
            }
            lowered.set(true);
        }
    });
}

/// Runs argon2 over `password` and `salt` into `out`, in reused working memory.
fn compute(
    argon2: &Argon2<'_>,
    password: &SecretString,
    salt: &[u8],
    out: &mut [u8],
    memory: &MemoryPool,
) -> argon2::Result<()> {
    lower_thread_priority();
    memory.with(argon2.params().block_count(), |blocks| {
        argon2.hash_password_into_with_memory(
            password.expose_secret().as_bytes(),
            salt,
            out,
            blocks,
        )
    })
}

fn verify_blocking(
    password: &SecretString,
    stored: &str,
    memory: &MemoryPool,
) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("{e}"))?;
    if parsed.algorithm != ARGON2ID_IDENT {
        anyhow::bail!("not an argon2id hash");
    }
    let params = Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("{e}"))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v)?,
        None => Version::V0x13,
    };
    let salt = parsed.salt.ok_or_else(|| anyhow::anyhow!("no salt"))?;
    let mut salt_buffer = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buffer)?;
    let expected = parsed.hash.ok_or_else(|| anyhow::anyhow!("no hash"))?;
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params);
    compute(&argon2, password, salt_bytes, &mut out, memory)?;
    // `Output` compares in constant time.
    Ok(Output::new(&out)? == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier};

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
    async fn interoperates_with_the_standard_argon2_api() {
        let hasher = PasswordHasher::new(1).unwrap();
        // Ours is readable by the reference implementation…
        let ours = hasher
            .hash(SecretString::from("pässwörd 密码"))
            .await
            .unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password("pässwörd 密码".as_bytes(), &parsed)
                .is_ok()
        );
        // …and theirs (other parameters too) by ours.
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
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
    async fn reuses_its_working_memory() {
        let hasher = PasswordHasher::new(2).unwrap();
        for _ in 0..4 {
            hasher
                .hash(SecretString::from("x".repeat(10)))
                .await
                .unwrap();
        }
        assert_eq!(hasher.memory.buffers.lock().unwrap().len(), 1);
    }
}
