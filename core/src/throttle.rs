//! Rate limits on failed attempts: a fixed window per key (an e-mail address, a client
//! address). Within a window at most `max_failures` failures are counted; past that, attempts
//! are refused until the window ends, without being tried. Only the moment a limit trips is
//! worth an audit event, so a flood leaves one event per key and window, not one per attempt.
//!
//! An attempt is counted as a failure when it starts ([`Window::attempt`]) and given back when it
//! succeeds ([`Window::refund`]): so attempts racing each other can never try more than the
//! budget, however many arrive at once.

use serde::{Deserialize, Serialize};

/// How many failures a key may have within how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub max_failures: u32,
    pub window_secs: u64,
}

/// Failed sign-ins per e-mail address (known or not): well above the user lockout's five, so
/// the lockout speaks first for a real user, yet a guesser spraying one address is stopped.
pub const SIGN_IN_PER_EMAIL: Limit = Limit {
    max_failures: 10,
    window_secs: 15 * 60,
};

/// Failed sign-ins per client address, across every e-mail address.
pub const SIGN_IN_PER_ADDRESS: Limit = Limit {
    max_failures: 100,
    window_secs: 15 * 60,
};

// The user lockout speaks first for a real user; the address budget covers several users.
const _: () = assert!(SIGN_IN_PER_EMAIL.max_failures > crate::guard::MAX_FAILURES);
const _: () = assert!(SIGN_IN_PER_ADDRESS.max_failures >= SIGN_IN_PER_EMAIL.max_failures);

/// The failures of one key in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Window {
    pub start: u64,
    pub failures: u32,
}

/// Whether an attempt may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "gate", rename_all = "snake_case")]
pub enum Gate {
    Open,
    /// Refused until the window ends, `retry_after` seconds from now (at least one).
    Closed {
        retry_after: u64,
    },
}

impl Window {
    /// The window in force at `now`: this one, or a fresh one when it has ended.
    fn current(self, limit: Limit, now: u64) -> Window {
        if now >= self.start.saturating_add(limit.window_secs) || now < self.start {
            Window {
                start: now,
                failures: 0,
            }
        } else {
            self
        }
    }

    /// Whether an attempt may be made at `now`.
    pub fn gate(self, limit: Limit, now: u64) -> Gate {
        let w = self.current(limit, now);
        if w.failures >= limit.max_failures {
            Gate::Closed {
                retry_after: w
                    .start
                    .saturating_add(limit.window_secs)
                    .saturating_sub(now)
                    .max(1),
            }
        } else {
            Gate::Open
        }
    }

    /// Counts a failure at `now`; answers the new window and whether this failure reached the
    /// limit (the one moment to record an event).
    pub fn fail(self, limit: Limit, now: u64) -> (Window, bool) {
        let mut w = self.current(limit, now);
        w.failures = w.failures.saturating_add(1);
        let tripped = w.failures == limit.max_failures;
        (w, tripped)
    }

    /// Starts an attempt at `now`: refused when the budget is spent; otherwise counted as a
    /// failure until it is [refunded](Window::refund). Answers the new window, the gate, and
    /// whether this attempt spent the last of the budget (should it fail: one event).
    pub fn attempt(self, limit: Limit, now: u64) -> (Window, Gate, bool) {
        match self.gate(limit, now) {
            closed @ Gate::Closed { .. } => (self.current(limit, now), closed, false),
            Gate::Open => {
                let (w, reached) = self.fail(limit, now);
                (w, Gate::Open, reached)
            }
        }
    }

    /// An attempt started in this window succeeded: its failure is given back.
    pub fn refund(self, limit: Limit, now: u64) -> Window {
        let mut w = self.current(limit, now);
        w.failures = w.failures.saturating_sub(1);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        max_failures: 3,
        window_secs: 60,
    };

    #[test]
    fn a_fresh_key_is_open() {
        assert_eq!(Window::default().gate(LIMIT, 1_000), Gate::Open);
    }

    #[test]
    fn the_limit_trips_once_and_closes_the_gate_until_the_window_ends() {
        let mut w = Window::default();
        let mut trips = Vec::new();
        for t in 0..3 {
            assert_eq!(w.gate(LIMIT, 1_000 + t), Gate::Open);
            let (next, tripped) = w.fail(LIMIT, 1_000 + t);
            w = next;
            trips.push(tripped);
        }
        assert_eq!(trips, [false, false, true]);
        assert_eq!(w.gate(LIMIT, 1_010), Gate::Closed { retry_after: 50 });
        let (more, tripped) = w.fail(LIMIT, 1_011);
        assert!(!tripped, "a failure past the limit is no new trip");
        assert_eq!(more.failures, 4);
        assert_eq!(w.gate(LIMIT, 1_060), Gate::Open, "a new window");
    }

    #[test]
    fn attempts_spend_the_budget_up_front_and_successes_give_it_back() {
        let mut w = Window::default();
        let mut reached = Vec::new();
        for t in 0..3 {
            let (next, gate, last) = w.attempt(LIMIT, 1_000 + t);
            assert_eq!(gate, Gate::Open);
            reached.push(last);
            w = next;
        }
        assert_eq!(reached, [false, false, true]);
        let (same, gate, last) = w.attempt(LIMIT, 1_005);
        assert_eq!(gate, Gate::Closed { retry_after: 55 });
        assert!(!last);
        assert_eq!(same.failures, 3, "a refused attempt is not counted");
        let w = w.refund(LIMIT, 1_006);
        assert_eq!(w.failures, 2);
        assert_eq!(w.attempt(LIMIT, 1_007).1, Gate::Open);
        assert_eq!(Window::default().refund(LIMIT, 1_000).failures, 0);
    }

    #[test]
    fn retry_after_is_at_least_one_second() {
        let w = Window {
            start: 1_000,
            failures: 3,
        };
        assert_eq!(w.gate(LIMIT, 1_059), Gate::Closed { retry_after: 1 });
    }

    #[test]
    fn a_window_from_the_future_starts_over() {
        let w = Window {
            start: 5_000,
            failures: 3,
        };
        assert_eq!(w.gate(LIMIT, 1_000), Gate::Open);
        assert_eq!(w.fail(LIMIT, 1_000).0.failures, 1);
    }
}
