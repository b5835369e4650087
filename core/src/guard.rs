//! The two-step lockout: after [`MAX_FAILURES`] consecutive failed sign-ins or signings a user's
//! two-step verification is locked for [`LOCK_SECONDS`].
//!
//! Pure data: the Worker keeps one [`TwoStepGuard`] per user in a Durable Object, so the
//! read-check-write below is atomic there.

use serde::{Deserialize, Serialize};

use crate::dates::Timestamp;
use crate::totp::{self, TotpCode, TotpSecret};

/// Consecutive failures that lock two-step verification.
pub const MAX_FAILURES: u32 = 5;
/// How long a lock lasts: 15 minutes.
pub const LOCK_SECONDS: u64 = 900;
/// The one message for any failed attempt, so it never says which factor was wrong.
pub const NOT_CORRECT: &str = "The password or code is not correct.";

/// What a failed attempt adds to its "not correct" sentence: how many attempts are left before
/// the lock, never which factor was wrong. Empty when `left` is 0 (the lock answers instead).
pub fn attempts_left_sentence(left: u32) -> String {
    match left {
        0 => String::new(),
        1 => format!(
            "1 attempt left before two-step verification is locked for {} minutes.",
            LOCK_SECONDS / 60
        ),
        n => format!(
            "{n} attempts left before two-step verification is locked for {} minutes.",
            LOCK_SECONDS / 60
        ),
    }
}

/// Two-step verification is locked until `until` (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
///
/// The sentence names the time in UTC for API clients (`29 Nov 2026, 17:06 UTC`); the SPA reads
/// `locked_until` from the problem and says it in the reader's local time ([`Locked::sentence`]).
#[error(
    "Two-step verification is locked after {MAX_FAILURES} failed attempts until {} UTC. \
     Try again then, or ask a System Administrator to unlock it.",
    crate::format::date_time(crate::format::Lang::En, i64::try_from(*until).unwrap_or(i64::MAX), 0)
        .unwrap_or_else(|| Timestamp(*until).to_string())
)]
pub struct Locked {
    pub until: u64,
}

impl Locked {
    /// The lock said with the time as the reader reads it (`local_until`, already formatted in
    /// their language and time zone).
    pub fn sentence(local_until: &str) -> String {
        crate::sentence!(
            "Two-step verification is locked after {MAX_FAILURES} failed attempts until \
             {local_until}. Try again then, or ask a System Administrator to unlock it."
        )
    }
}

/// Why a sign-in or signing attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TwoStepRefusal {
    /// Password or code wrong, or the code already used: deliberately one answer for all.
    #[error("{NOT_CORRECT}")]
    NotCorrect,
    #[error(transparent)]
    Locked(#[from] Locked),
}

/// One user's failure counter, lock and last accepted TOTP step.
///
/// Counting rule: failures count only while not locked (attempts during a lock are refused before
/// any check and are not counted, so they cannot extend it). The failure that reaches
/// [`MAX_FAILURES`] sets the lock; the counter stays at [`MAX_FAILURES`] while locked and starts
/// again from zero at the first failure after the lock has expired, or at any success or unlock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepGuard {
    pub consecutive_failures: u32,
    pub locked_until: Option<u64>,
    pub last_used_step: Option<u64>,
}

impl TwoStepGuard {
    /// Refuses while a lock is in force at `now` (unix seconds).
    pub fn check_locked(&self, now: u64) -> Result<(), Locked> {
        match self.locked_until {
            Some(until) if now < until => Err(Locked { until }),
            _ => Ok(()),
        }
    }

    /// Counts a failed attempt at `now`; returns the lock if this failure set one.
    pub fn record_failure(&mut self, now: u64) -> Result<(), Locked> {
        self.check_locked(now)?;
        if self.locked_until.take().is_some() {
            // The lock has expired: the user starts again with a full allowance.
            self.consecutive_failures = 0;
        }
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        if self.consecutive_failures >= MAX_FAILURES {
            let until = now.saturating_add(LOCK_SECONDS);
            self.locked_until = Some(until);
            return Err(Locked { until });
        }
        Ok(())
    }

    /// Records an accepted attempt whose code matched `step`.
    pub fn record_success(&mut self, step: u64) {
        self.consecutive_failures = 0;
        self.locked_until = None;
        self.last_used_step = Some(self.last_used_step.map_or(step, |used| used.max(step)));
    }

    /// Failed attempts still allowed before the next failure locks two-step verification: from
    /// [`MAX_FAILURES`] down to 1 while not locked at `now`, 0 while locked. After an expired
    /// lock the user has the full allowance again (the count restarts at the next failure).
    pub fn attempts_left(&self, now: u64) -> u32 {
        match self.locked_until {
            Some(until) if now < until => 0,
            Some(_) => MAX_FAILURES,
            None => MAX_FAILURES.saturating_sub(self.consecutive_failures),
        }
    }

    /// A System Administrator lifts the lock. The last used step is kept, so a code already
    /// used still cannot be replayed.
    pub fn unlock(&mut self) {
        self.consecutive_failures = 0;
        self.locked_until = None;
    }

    /// A password checked on its own (the current password of a password change) at `now`: refused
    /// while locked, even when correct; a wrong one counts like a wrong code. A correct one does
    /// not reset the count: it proves no second factor, so it cannot buy more code guesses.
    pub fn password_check(
        &mut self,
        password_correct: bool,
        now: u64,
    ) -> Result<(), TwoStepRefusal> {
        self.check_locked(now)?;
        if password_correct {
            return Ok(());
        }
        self.record_failure(now)?;
        Err(TwoStepRefusal::NotCorrect)
    }

    /// One complete attempt (sign-in or signing): lock check, code check with replay refusal,
    /// and bookkeeping. `password_correct` comes from the Worker's PBKDF2 check (WebCrypto).
    ///
    /// Returns the matched TOTP step on success. Every failure reads [`NOT_CORRECT`], or the
    /// lock if this failure set one.
    pub fn attempt(
        &mut self,
        password_correct: bool,
        secret: &TotpSecret,
        code: &TotpCode,
        now: u64,
    ) -> Result<u64, TwoStepRefusal> {
        self.check_locked(now)?;
        match totp::verify(secret, code, now, self.last_used_step) {
            Ok(step) if password_correct => {
                self.record_success(step);
                Ok(step)
            }
            _ => {
                self.record_failure(now)?;
                Err(TwoStepRefusal::NotCorrect)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn secret() -> TotpSecret {
        TotpSecret::from_random_bytes(*b"12345678901234567890")
    }

    fn wrong_code(now: u64) -> TotpCode {
        // A code from a different secret: never valid for `secret()` within the window
        // at the times used here (checked in the test that relies on it).
        totp::code_at(&TotpSecret::from_random_bytes([9; 20]), now)
    }

    fn fail_times(guard: &mut TwoStepGuard, times: u32, now: u64) {
        for _ in 0..times {
            let _ = guard.record_failure(now);
        }
    }

    #[test]
    fn attempts_left_count_down_to_the_lock_and_come_back_after_it() {
        let mut guard = TwoStepGuard::default();
        assert_eq!(guard.attempts_left(NOW), MAX_FAILURES);
        for left in (1..MAX_FAILURES).rev() {
            let _ = guard.record_failure(NOW);
            assert_eq!(guard.attempts_left(NOW), left);
        }
        assert!(guard.record_failure(NOW).is_err());
        assert_eq!(guard.attempts_left(NOW), 0);
        assert_eq!(guard.attempts_left(NOW + LOCK_SECONDS - 1), 0);
        assert_eq!(guard.attempts_left(NOW + LOCK_SECONDS), MAX_FAILURES);
        let _ = guard.record_failure(NOW + LOCK_SECONDS);
        assert_eq!(guard.attempts_left(NOW + LOCK_SECONDS), MAX_FAILURES - 1);
        guard.record_success(1);
        assert_eq!(guard.attempts_left(NOW), MAX_FAILURES);
    }

    #[test]
    fn a_wrong_code_with_attempts_left_reads_in_norwegian_too() {
        use crate::format::Lang;
        use crate::messages::translate;
        let en = crate::sentence!(
            "The code is not correct. Nothing was approved or signed. {}",
            attempts_left_sentence(3)
        );
        assert_eq!(
            translate(&en, Lang::Nb),
            "Koden er ikke riktig. Ingenting ble godkjent eller signert. 3 forsøk igjen før \
             totrinnsbekreftelse låses i 15 minutter."
        );
        let one = crate::sentence!(
            "The password or code is not correct. Nothing was signed. {}",
            attempts_left_sentence(1)
        );
        assert_eq!(
            translate(&one, Lang::Nb),
            "Passordet eller koden er ikke riktig. Ingenting ble signert. 1 forsøk igjen før \
             totrinnsbekreftelse låses i 15 minutter."
        );
        let locked = Locked {
            until: 1_795_971_963,
        }
        .to_string();
        assert!(translate(&locked, Lang::Nb).starts_with(
            "Etter 5 mislykkede forsøk er totrinnsbekreftelse låst til 29 Nov 2026, 17:06 UTC."
        ));
    }

    #[test]
    fn the_attempts_left_sentence_counts_without_naming_a_factor() {
        assert_eq!(
            attempts_left_sentence(3),
            "3 attempts left before two-step verification is locked for 15 minutes."
        );
        assert_eq!(
            attempts_left_sentence(1),
            "1 attempt left before two-step verification is locked for 15 minutes."
        );
        assert_eq!(attempts_left_sentence(0), "");
    }

    #[test]
    fn the_lock_says_until_when_in_words() {
        let locked = Locked {
            until: 1_795_971_963,
        };
        assert_eq!(
            locked.to_string(),
            "Two-step verification is locked after 5 failed attempts until 29 Nov 2026, 17:06 \
             UTC. Try again then, or ask a System Administrator to unlock it."
        );
        assert_eq!(
            Locked::sentence("29 Nov 2026, 18:06"),
            "Two-step verification is locked after 5 failed attempts until 29 Nov 2026, 18:06. \
             Try again then, or ask a System Administrator to unlock it."
        );
    }

    #[test]
    fn four_failures_do_not_lock() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 4, NOW);
        assert_eq!(guard.check_locked(NOW), Ok(()));
        assert_eq!(guard.consecutive_failures, 4);
    }

    #[test]
    fn the_fifth_consecutive_failure_locks_for_fifteen_minutes() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 4, NOW);
        assert_eq!(
            guard.record_failure(NOW + 10),
            Err(Locked { until: NOW + 910 })
        );
        assert_eq!(
            guard.check_locked(NOW + 909),
            Err(Locked { until: NOW + 910 })
        );
        assert_eq!(guard.check_locked(NOW + 910), Ok(()));
    }

    #[test]
    fn failures_during_a_lock_do_not_extend_it() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 5, NOW);
        assert_eq!(
            guard.record_failure(NOW + 600),
            Err(Locked { until: NOW + 900 })
        );
        assert_eq!(guard.locked_until, Some(NOW + 900));
    }

    #[test]
    fn after_a_lock_expires_the_user_gets_five_attempts_again() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 5, NOW);
        let later = NOW + LOCK_SECONDS;
        fail_times(&mut guard, 4, later);
        assert_eq!(guard.check_locked(later), Ok(()));
        assert_eq!(guard.consecutive_failures, 4);
        assert!(guard.record_failure(later).is_err());
    }

    #[test]
    fn a_success_resets_the_failure_count() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 4, NOW);
        guard.record_success(NOW / 30);
        assert_eq!(guard.consecutive_failures, 0);
        fail_times(&mut guard, 4, NOW);
        assert_eq!(guard.check_locked(NOW), Ok(()));
    }

    #[test]
    fn an_administrator_unlock_lifts_the_lock_but_keeps_the_last_step() {
        let mut guard = TwoStepGuard {
            last_used_step: Some(7),
            ..TwoStepGuard::default()
        };
        fail_times(&mut guard, 5, NOW);
        guard.unlock();
        assert_eq!(guard.check_locked(NOW), Ok(()));
        assert_eq!(guard.consecutive_failures, 0);
        assert_eq!(guard.last_used_step, Some(7));
    }

    #[test]
    fn the_last_used_step_never_moves_backwards() {
        let mut guard = TwoStepGuard::default();
        guard.record_success(10);
        guard.record_success(9);
        assert_eq!(guard.last_used_step, Some(10));
    }

    #[test]
    fn a_correct_attempt_returns_the_step_and_stores_it() {
        let mut guard = TwoStepGuard::default();
        let code = totp::code_at(&secret(), NOW);
        assert_eq!(guard.attempt(true, &secret(), &code, NOW), Ok(NOW / 30));
        assert_eq!(guard.last_used_step, Some(NOW / 30));
    }

    #[test]
    fn a_wrong_password_and_a_wrong_code_get_the_same_answer() {
        let mut guard = TwoStepGuard::default();
        let right = totp::code_at(&secret(), NOW);
        let wrong = wrong_code(NOW);
        assert!(totp::verify(&secret(), &wrong, NOW, None).is_err());
        let wrong_password = guard.attempt(false, &secret(), &right, NOW).unwrap_err();
        let wrong_code = guard.attempt(true, &secret(), &wrong, NOW).unwrap_err();
        assert_eq!(wrong_password, wrong_code);
        assert_eq!(
            wrong_password.to_string(),
            "The password or code is not correct."
        );
        assert_eq!(guard.consecutive_failures, 2);
    }

    #[test]
    fn a_replayed_code_counts_as_a_failure() {
        let mut guard = TwoStepGuard::default();
        let code = totp::code_at(&secret(), NOW);
        guard.attempt(true, &secret(), &code, NOW).unwrap();
        assert_eq!(
            guard.attempt(true, &secret(), &code, NOW + 1),
            Err(TwoStepRefusal::NotCorrect)
        );
        assert_eq!(guard.consecutive_failures, 1);
    }

    #[test]
    fn a_correct_attempt_is_refused_while_locked() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 5, NOW);
        let code = totp::code_at(&secret(), NOW + 60);
        assert_eq!(
            guard.attempt(true, &secret(), &code, NOW + 60),
            Err(TwoStepRefusal::Locked(Locked { until: NOW + 900 }))
        );
        assert_eq!(guard.last_used_step, None);
    }

    #[test]
    fn a_wrong_password_on_its_own_counts_toward_the_lock() {
        let mut guard = TwoStepGuard::default();
        for _ in 0..4 {
            assert_eq!(
                guard.password_check(false, NOW),
                Err(TwoStepRefusal::NotCorrect)
            );
        }
        assert_eq!(
            guard.password_check(false, NOW),
            Err(TwoStepRefusal::Locked(Locked { until: NOW + 900 }))
        );
    }

    #[test]
    fn a_right_password_on_its_own_is_refused_while_locked() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 5, NOW);
        assert_eq!(
            guard.password_check(true, NOW + 60),
            Err(TwoStepRefusal::Locked(Locked { until: NOW + 900 }))
        );
    }

    #[test]
    fn a_right_password_on_its_own_does_not_reset_the_failure_count() {
        let mut guard = TwoStepGuard::default();
        fail_times(&mut guard, 4, NOW);
        assert_eq!(guard.password_check(true, NOW), Ok(()));
        assert_eq!(guard.consecutive_failures, 4);
        assert!(
            guard.record_failure(NOW).is_err(),
            "the fifth failure still locks"
        );
    }
}
