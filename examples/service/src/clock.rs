//! The service's one source of time, so that tests can expire a token without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Seconds since the Unix epoch: the system clock, or a manual one that tests move by hand.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicU64>>,
}

impl Clock {
    /// The system clock (what `cargo run` uses).
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock standing at `now` until [`advance`](Self::advance)d; clones share it.
    pub fn manual(now: u64) -> Self {
        Self {
            manual: Some(Arc::new(AtomicU64::new(now))),
        }
    }

    /// The current time.
    pub fn now(&self) -> u64 {
        match &self.manual {
            Some(now) => now.load(Ordering::SeqCst),
            None => microjwt::unix_now(),
        }
    }

    /// Moves a manual clock forward by `secs` (the system clock ignores this).
    pub fn advance(&self, secs: u64) {
        if let Some(now) = &self.manual {
            now.fetch_add(secs, Ordering::SeqCst);
        }
    }
}
