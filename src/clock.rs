//! The application's clock. Production reads the system time; tests move it forward to reach
//! deadlines and retry back-offs without sleeping; `seed-demo` sets it weeks back and plays its
//! story up to now. Everything that compares with "now" for business rules (job schedules,
//! deadlines) asks this clock, not `Utc::now()`.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every copy of it) forward.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Sets this clock (and every copy of it) to `at`, which may be in the past: `seed-demo`
    /// plays its story from weeks ago up to now. Nothing that serves requests calls it.
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = at - Utc::now();
        self.offset_ms
            .store(offset.num_milliseconds(), Ordering::Relaxed);
    }

    /// Back to the system time.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_copy() {
        let clock = Clock::default();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(Duration::hours(2));
        assert!(copy.now() - before >= Duration::hours(2));
    }

    #[test]
    fn setting_goes_back_and_reset_returns_to_the_system_time() {
        let clock = Clock::default();
        let copy = clock.clone();
        let past = Utc::now() - Duration::days(30);
        clock.set(past);
        assert!((copy.now() - past).num_seconds().abs() < 5);
        clock.reset();
        assert!((copy.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
