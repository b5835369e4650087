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
    /// is still the pending one: a reset or a new enrolment in between wins.
    pub fn activate(&mut self, checked: &S) -> Result<(), AccountRefusal> {
        match &self.pending {
            None => Err(AccountRefusal::NoEnrolment),
            Some(pending) if pending != checked => Err(AccountRefusal::ChangedMeanwhile),
            Some(_) => {
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
