//! Login attempts are limited per account (the email as typed, lower-cased) and per client
//! address, with a GCRA limiter (governor). The limits are kept in each server's memory: with
//! several instances behind a load balancer, the allowance per minute is per instance.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::AuthSettings;
use crate::error::{AppError, AppResult};
use crate::monitoring::LOGIN_RATE_LIMITED;

pub struct LoginLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl LoginLimiter {
    pub fn new(settings: &AuthSettings) -> Self {
        LoginLimiter {
            per_account: RateLimiter::keyed(per_minute(
                settings.login_attempts_per_account_per_minute,
            )),
            per_address: RateLimiter::keyed(per_minute(
                settings.login_attempts_per_address_per_minute,
            )),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; 429 with the wait when either limit is spent.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> AppResult<()> {
        if let Some(address) = address
            && let Err(not_until) = self.per_address.check_key(&address)
        {
            metrics::counter!(LOGIN_RATE_LIMITED, "limit" => "address").increment(1);
            return Err(self.too_many(not_until.wait_time_from(self.clock.now())));
        }
        if let Err(not_until) = self.per_account.check_key(&email.trim().to_lowercase()) {
            metrics::counter!(LOGIN_RATE_LIMITED, "limit" => "account").increment(1);
            return Err(self.too_many(not_until.wait_time_from(self.clock.now())));
        }
        // Forget idle keys now and then so that the maps stay small.
        if self.per_account.len() > 10_000 {
            self.per_account.retain_recent();
        }
        if self.per_address.len() > 10_000 {
            self.per_address.retain_recent();
        }
        Ok(())
    }

    fn too_many(&self, wait: Duration) -> AppError {
        AppError::RateLimited {
            retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}
