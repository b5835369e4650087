//! Changes of a user's account that depend on its current state: two-step enrolment,
//! activation, deactivation and reset, and whether a factor checked earlier still holds, and
//! the step-up rule for a System Administrator's sensitive changes.
//!
//! Pure rules: the Worker's `UserGuard` Durable Object applies them to the stored record inside
//! one command, so a change is decided on the current record, never on a copy read earlier.
//! Seeds are opaque here (`S`: the sealed text in the Worker, anything comparable in tests).

/// Why a change does not apply to the account as it is now.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error,
)]
pub enum AccountRefusal {
    #[error(
        "Two-step verification is already active. Deactivate it first to enrol a new authenticator."
    )]
    AlreadyActive,
    #[error("There is no two-step enrolment to activate. Start the enrolment first.")]
    NoEnrolment,
    #[error("Two-step verification is not active.")]
    NotActive,
    #[error(
        "Two-step verification changed meanwhile (a new enrolment or a reset by a System \
         Administrator). Reload My details and try again."
    )]
    ChangedMeanwhile,
}

/// A user's TOTP seeds: the active one and one shown at enrolment, not yet confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoStepSeeds<S> {
    pub active: Option<S>,
    pub pending: Option<S>,
}

impl<S: PartialEq> TwoStepSeeds<S> {
    /// A new enrolment replaces any pending seed; refused while two-step verification is active.
    pub fn enrol(&mut self, new: S) -> Result<(), AccountRefusal> {
        if self.active.is_some() {
            return Err(AccountRefusal::AlreadyActive);
        }
        self.pending = Some(new);
        Ok(())
    }

    /// The pending seed `checked` (whose code was just verified) becomes active, but only if it
    /// is still the pending one: a reset or a new enrolment in between wins. Refused while a
    /// seed is active: replacing one is [`Self::replace`], which needs a recovery sign-in.
    pub fn activate(&mut self, checked: &S) -> Result<(), AccountRefusal> {
        if self.active.is_some() {
            return Err(AccountRefusal::AlreadyActive);
        }
        match &self.pending {
            None => Err(AccountRefusal::NoEnrolment),
            Some(pending) if pending != checked => Err(AccountRefusal::ChangedMeanwhile),
            Some(_) => {
                self.active = self.pending.take();
                Ok(())
            }
        }
    }

    /// A replacement enrolment (after a recovery sign-in, [`check_replacement`]): a new pending
    /// seed beside the active one, which keeps working until the new one is confirmed.
    pub fn enrol_replacement(&mut self, new: S) -> Result<(), AccountRefusal> {
        if self.active.is_none() {
            return Err(AccountRefusal::NotActive);
        }
        self.pending = Some(new);
        Ok(())
    }

    /// The pending seed `checked` (whose code was just verified) replaces the active one, if it
    /// is still the pending one and a seed is still active.
    pub fn replace(&mut self, checked: &S) -> Result<(), AccountRefusal> {
        match (&self.active, &self.pending) {
            (None, _) => Err(AccountRefusal::NotActive),
            (Some(_), None) => Err(AccountRefusal::NoEnrolment),
            (Some(_), Some(pending)) if pending != checked => Err(AccountRefusal::ChangedMeanwhile),
            (Some(_), Some(_)) => {
                self.active = self.pending.take();
                Ok(())
            }
        }
    }

    /// Removes the active seed `checked` (whose code was just verified), if it is still active.
    pub fn deactivate(&mut self, checked: &S) -> Result<(), AccountRefusal> {
        match &self.active {
            None => Err(AccountRefusal::NotActive),
            Some(active) if active != checked => Err(AccountRefusal::ChangedMeanwhile),
            Some(_) => {
                self.active = None;
                self.pending = None;
                Ok(())
            }
        }
    }

    /// A System Administrator's reset: the user must enrol again.
    pub fn reset(&mut self) {
        self.active = None;
        self.pending = None;
    }
}

/// A factor checked against `checked` still counts only if `stored` is still that value (the
/// password hash or seed has not changed since the check).
pub fn still_current<S: PartialEq>(stored: Option<&S>, checked: &S) -> bool {
    stored.is_some_and(|s| s == checked)
}

/// How long a step-up lasts: a session that confirmed a fresh code may make sensitive changes
/// for 5 minutes.
pub const STEP_UP_SECONDS: u64 = 300;

/// Why a System Administrator's sensitive change (roles, bank agreements, integration keys) is
/// refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepUpRefusal {
    #[error(
        "This change needs a fresh code from your authenticator app, and you have not activated \
         two-step verification. Activate it on My details first."
    )]
    TwoStepNotActive,
    #[error(
        "This change needs a fresh code from your authenticator app. Confirm with your code \
         first (POST /api/v1/me/step-up); a confirmation lasts 5 minutes."
    )]
    NotConfirmed,
}

/// Step-up: a sensitive change needs two-step verification active and this session's
/// confirmation with a fresh code (`stepped_up_at`, unix seconds) less than
/// [`STEP_UP_SECONDS`] before `now`.
pub fn check_step_up(
    two_step_active: bool,
    stepped_up_at: Option<u64>,
    now: u64,
) -> Result<(), StepUpRefusal> {
    if !two_step_active {
        return Err(StepUpRefusal::TwoStepNotActive);
    }
    match stepped_up_at {
        Some(at) if at <= now && now < at.saturating_add(STEP_UP_SECONDS) => Ok(()),
        _ => Err(StepUpRefusal::NotConfirmed),
    }
}

/// How long a session signed in with a recovery code may replace the authenticator app without
/// a code from the old one: 15 minutes from that sign-in (long enough to install an app and
/// scan a code, short enough that a session left open does not keep the right), and once.
pub const REPLACE_TWO_STEP_SECONDS: u64 = 900;

/// Why a session may not replace the authenticator app without a code from the old one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error,
)]
pub enum ReplaceRefusal {
    /// The session was signed in with a TOTP code (or has replaced the app already).
    #[error(
        "Two-step verification is already active. To set up a new authenticator app without a \
         code from the old one, sign in with a recovery code."
    )]
    NotRecoverySession,
    /// The recovery sign-in was more than 15 minutes ago.
    #[error(
        "A sign-in with a recovery code allows setting up a new authenticator app for 15 \
         minutes. Sign in again with a recovery code."
    )]
    Expired,
}

/// May this session replace the authenticator app? Only if it was signed in with a recovery
/// code (`recovered_at`, unix seconds; cleared once the app is replaced) less than
/// [`REPLACE_TWO_STEP_SECONDS`] before `now`.
pub fn check_replacement(recovered_at: Option<u64>, now: u64) -> Result<(), ReplaceRefusal> {
    match recovered_at {
        None => Err(ReplaceRefusal::NotRecoverySession),
        Some(at) if at <= now && now < at.saturating_add(REPLACE_TWO_STEP_SECONDS) => Ok(()),
        Some(_) => Err(ReplaceRefusal::Expired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds(
        active: Option<&'static str>,
        pending: Option<&'static str>,
    ) -> TwoStepSeeds<&'static str> {
        TwoStepSeeds { active, pending }
    }

    #[test]
    fn enrolment_is_refused_while_two_step_is_active() {
        let mut s = seeds(Some("a"), None);
        assert_eq!(s.enrol("b"), Err(AccountRefusal::AlreadyActive));
        assert_eq!(s, seeds(Some("a"), None));
    }

    #[test]
    fn a_new_enrolment_replaces_a_pending_seed() {
        let mut s = seeds(None, Some("old"));
        assert_eq!(s.enrol("new"), Ok(()));
        assert_eq!(s, seeds(None, Some("new")));
    }

    #[test]
    fn activation_makes_the_checked_pending_seed_active() {
        let mut s = seeds(None, Some("p"));
        assert_eq!(s.activate(&"p"), Ok(()));
        assert_eq!(s, seeds(Some("p"), None));
    }

    #[test]
    fn activation_without_enrolment_is_refused() {
        let mut s = seeds(None, None);
        assert_eq!(s.activate(&"p"), Err(AccountRefusal::NoEnrolment));
    }

    #[test]
    fn activation_of_a_seed_replaced_meanwhile_is_refused() {
        let mut s = seeds(None, Some("newer"));
        assert_eq!(s.activate(&"p"), Err(AccountRefusal::ChangedMeanwhile));
        assert_eq!(s, seeds(None, Some("newer")));
    }

    #[test]
    fn activation_while_a_seed_is_active_is_refused_and_changes_nothing() {
        let mut s = seeds(Some("a"), Some("p"));
        assert_eq!(s.activate(&"p"), Err(AccountRefusal::AlreadyActive));
        assert_eq!(s, seeds(Some("a"), Some("p")));
    }

    #[test]
    fn a_replacement_enrolment_keeps_the_active_seed_working() {
        let mut s = seeds(Some("a"), None);
        assert_eq!(s.enrol_replacement("n"), Ok(()));
        assert_eq!(s, seeds(Some("a"), Some("n")));
        assert_eq!(s.enrol_replacement("m"), Ok(()));
        assert_eq!(s, seeds(Some("a"), Some("m")));
    }

    #[test]
    fn a_replacement_enrolment_without_an_active_seed_is_refused() {
        let mut s = seeds(None, None);
        assert_eq!(s.enrol_replacement("n"), Err(AccountRefusal::NotActive));
        assert_eq!(s, seeds(None, None));
    }

    #[test]
    fn replacing_makes_the_checked_pending_seed_active() {
        let mut s = seeds(Some("a"), Some("n"));
        assert_eq!(s.replace(&"n"), Ok(()));
        assert_eq!(s, seeds(Some("n"), None));
    }

    #[test]
    fn replacing_twice_is_refused_the_second_time() {
        let mut s = seeds(Some("a"), Some("n"));
        assert_eq!(s.replace(&"n"), Ok(()));
        assert_eq!(s.replace(&"n"), Err(AccountRefusal::NoEnrolment));
        assert_eq!(s, seeds(Some("n"), None));
    }

    #[test]
    fn replacing_without_an_active_seed_is_refused() {
        let mut s = seeds(None, Some("n"));
        assert_eq!(s.replace(&"n"), Err(AccountRefusal::NotActive));
        assert_eq!(s, seeds(None, Some("n")));
    }

    #[test]
    fn replacing_with_a_seed_replaced_meanwhile_is_refused() {
        let mut s = seeds(Some("a"), Some("newer"));
        assert_eq!(s.replace(&"n"), Err(AccountRefusal::ChangedMeanwhile));
        assert_eq!(s, seeds(Some("a"), Some("newer")));
    }

    #[test]
    fn a_session_not_signed_in_with_a_recovery_code_may_not_replace() {
        assert_eq!(
            check_replacement(None, NOW),
            Err(ReplaceRefusal::NotRecoverySession)
        );
    }

    #[test]
    fn a_recovery_session_may_replace_for_fifteen_minutes() {
        assert_eq!(check_replacement(Some(NOW), NOW), Ok(()));
        assert_eq!(
            check_replacement(Some(NOW), NOW + REPLACE_TWO_STEP_SECONDS - 1),
            Ok(())
        );
        assert_eq!(
            check_replacement(Some(NOW), NOW + REPLACE_TWO_STEP_SECONDS),
            Err(ReplaceRefusal::Expired)
        );
        assert_eq!(REPLACE_TWO_STEP_SECONDS, 15 * 60);
    }

    #[test]
    fn a_recovery_sign_in_dated_in_the_future_does_not_count() {
        assert_eq!(
            check_replacement(Some(NOW + 1), NOW),
            Err(ReplaceRefusal::Expired)
        );
    }

    #[test]
    fn deactivation_removes_the_checked_active_seed() {
        let mut s = seeds(Some("a"), None);
        assert_eq!(s.deactivate(&"a"), Ok(()));
        assert_eq!(s, seeds(None, None));
    }

    #[test]
    fn deactivation_when_not_active_is_refused() {
        let mut s = seeds(None, Some("p"));
        assert_eq!(s.deactivate(&"a"), Err(AccountRefusal::NotActive));
    }

    #[test]
    fn deactivation_of_a_seed_replaced_meanwhile_is_refused() {
        let mut s = seeds(Some("b"), None);
        assert_eq!(s.deactivate(&"a"), Err(AccountRefusal::ChangedMeanwhile));
        assert_eq!(s, seeds(Some("b"), None));
    }

    #[test]
    fn a_reset_removes_both_seeds() {
        let mut s = seeds(Some("a"), Some("p"));
        s.reset();
        assert_eq!(s, seeds(None, None));
    }

    #[test]
    fn a_check_holds_only_while_the_value_is_unchanged() {
        assert!(still_current(Some(&"h"), &"h"));
        assert!(!still_current(Some(&"h2"), &"h"));
        assert!(!still_current(None, &"h"));
    }

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn step_up_needs_two_step_verification_active() {
        assert_eq!(
            check_step_up(false, Some(NOW), NOW),
            Err(StepUpRefusal::TwoStepNotActive)
        );
    }

    #[test]
    fn a_session_that_never_confirmed_a_code_is_refused_with_how_to_confirm() {
        assert_eq!(
            check_step_up(true, None, NOW),
            Err(StepUpRefusal::NotConfirmed)
        );
        assert!(StepUpRefusal::NotConfirmed
            .to_string()
            .contains("POST /api/v1/me/step-up"));
    }

    #[test]
    fn a_confirmation_lasts_five_minutes() {
        assert_eq!(check_step_up(true, Some(NOW), NOW), Ok(()));
        assert_eq!(check_step_up(true, Some(NOW), NOW + 299), Ok(()));
        assert_eq!(
            check_step_up(true, Some(NOW), NOW + 300),
            Err(StepUpRefusal::NotConfirmed)
        );
    }

    #[test]
    fn a_confirmation_from_the_future_does_not_count() {
        assert_eq!(
            check_step_up(true, Some(NOW + 10), NOW),
            Err(StepUpRefusal::NotConfirmed)
        );
    }
}
