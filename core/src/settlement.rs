//! Settling a payment as it enters AutoPay: what it needs before it may go to the bank (fixed
//! once, at entry), what its presented approval token decides, and how the warnings it leaves
//! on an invoice's process stay bounded.
//!
//! The ledger Durable Object loads the records, calls these functions and saves what they
//! decided; nothing here reads storage, a clock or a setting that could change later.

use serde::{Deserialize, Serialize};

use crate::api_autopay::PaymentStatus;
use crate::ids::{PaymentFileId, PaymentId, UserId};
use crate::roles::TwoStepLevel;
use crate::token::{TokenBinding, TokenRecord};
use crate::warnings::Warning;

/// What a payment needs before it goes to the bank. Fixed when the payment enters AutoPay:
/// changing or deleting its bank agreement, or the company's settings, later never lowers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNeeds {
    /// Different approvers needed (at least one); a pre-approval is the signer's approval.
    pub approvals_required: u8,
    /// Every approval in AutoPay asks for a two-step code.
    pub code_on_approval: bool,
}

impl PaymentNeeds {
    /// What a payment under a bank agreement with `level` and `approvers_required` needs, in a
    /// company whose "Enable two-step verification for AutoPay" is `two_step_for_autopay`.
    /// Either of the two asking for a code is enough to ask for one.
    pub fn at_entry(
        level: TwoStepLevel,
        approvers_required: u8,
        two_step_for_autopay: bool,
    ) -> Self {
        Self {
            approvals_required: approvers_required.max(1),
            code_on_approval: level.includes_approval() || two_step_for_autopay,
        }
    }

    /// For a payment stored before its needs were recorded: its approvers as stored, and a
    /// code always (fail closed: an unknown level is never the weakest one).
    pub fn recorded_before(approvals_required: u8) -> Self {
        Self {
            approvals_required: approvals_required.max(1),
            code_on_approval: true,
        }
    }
}

/// What the ledger found for a received payment's `InstrId`.
#[derive(Debug)]
pub enum TokenLookup<'a> {
    /// No `InstrId`: a regular payment.
    NoToken,
    /// An `InstrId` that cannot be an approval token; the sentence says why.
    NotAToken(String),
    /// A well-formed token this company never issued.
    NotIssued,
    /// One of this company's tokens. `presented` is what the payment presents, `None` when it
    /// has no creditor account a token could be bound to.
    Issued {
        record: &'a mut TokenRecord,
        presented: Option<TokenBinding>,
    },
}

/// The outcome of settling a received payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// No token: the payment waits for normal approval.
    NoToken,
    /// Not pre-approved: the sentence for the payment, and the warning for the invoice's process
    /// when the token was one of this company's.
    Refused {
        reason: String,
        process_warning: Option<Warning>,
    },
    /// The token matched and is now consumed. The signer's pre-approval is the first approval;
    /// `complete` when that is all the payment needs (then it goes to the bank).
    PreApproved {
        signer: Option<UserId>,
        complete: bool,
    },
}

impl Settlement {
    /// The payment's status after settling.
    pub fn status(&self) -> PaymentStatus {
        match self {
            Settlement::PreApproved { complete: true, .. } => PaymentStatus::SentToBank,
            _ => PaymentStatus::PendingApproval,
        }
    }
}

/// Settles a received payment: a token that matches every bound field, was not used, revoked or
/// expired, in a company that allows pre-approval, is consumed for `payment` (the one change this
/// makes); anything else leaves the token as it was and the payment waits for normal approval.
pub fn settle(
    lookup: TokenLookup<'_>,
    allow_pre_approval: bool,
    needs: PaymentNeeds,
    payment: &PaymentId,
    file: &PaymentFileId,
    now: u64,
) -> Settlement {
    let (record, presented) = match lookup {
        TokenLookup::NoToken => return Settlement::NoToken,
        TokenLookup::NotAToken(reason) => {
            return Settlement::Refused {
                reason,
                process_warning: None,
            }
        }
        TokenLookup::NotIssued => {
            return Settlement::Refused {
                reason: "The approval token was not issued by this company (or not at all)."
                    .to_owned(),
                process_warning: None,
            }
        }
        TokenLookup::Issued { record, presented } => (record, presented),
    };
    let mismatch = |reason: &str| Settlement::Refused {
        reason: reason.to_owned(),
        process_warning: Some(Warning::TokenMismatch {
            reason: reason.to_owned(),
        }),
    };
    let Some(presented) = presented else {
        return mismatch("The payment has no creditor account the token could match.");
    };
    if !allow_pre_approval {
        return mismatch("Pre-approval is switched off for this company.");
    }
    match record.consume(&presented, now, payment.clone(), file.clone()) {
        Ok(()) => {
            let signer = record.signed_by.clone();
            // A token issued before signers were recorded counts as one approval by nobody
            // known, so any AutoPay Approver may give the second.
            Settlement::PreApproved {
                signer,
                complete: needs.approvals_required <= 1,
            }
        }
        Err(refusal) => Settlement::Refused {
            reason: refusal.to_string(),
            process_warning: Some(Warning::from(&refusal)),
        },
    }
}

/// How many payments of one file left the same kind of warning on one process, with the first
/// few of them named: a process keeps one warning per kind and file, however many payments of
/// that file carried its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningTally {
    pub warning: Warning,
    pub count: usize,
    pub examples: Vec<PaymentId>,
}

/// How many payments a tally names by id.
pub const TALLY_EXAMPLES: usize = 3;

/// The most warnings one process keeps; past it, new kinds are counted in the history only.
pub const MAX_PROCESS_WARNINGS: usize = 20;

impl WarningTally {
    pub fn new(warning: Warning, payment: &PaymentId) -> Self {
        Self {
            warning,
            count: 1,
            examples: vec![payment.clone()],
        }
    }

    /// One more payment with a warning of the same kind.
    pub fn add(&mut self, payment: &PaymentId) {
        self.count += 1;
        if self.examples.len() < TALLY_EXAMPLES {
            self.examples.push(payment.clone());
        }
    }

    /// The history entry: the warning, and which payments of `file` left it.
    /// The history entry: the warning, and which payments of `source` (a file, a status report,
    /// as "file F" or "status report R") left it.
    pub fn detail(&self, source: &str) -> String {
        let named = self
            .examples
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let more = self.count.saturating_sub(self.examples.len());
        let others = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        match self.count {
            1 => crate::sentence!("Payment {named} ({source}): {}", self.warning),
            n => format!(
                "{n} payments of {source} ({named}{others}): {}",
                self.warning
            ),
        }
    }
}

/// Adds `warning` to a process's warnings unless one of the same kind is there already (the
/// first stays: it names what happened first), and never past [`MAX_PROCESS_WARNINGS`]. Answers
/// whether the list changed.
pub fn add_process_warning(warnings: &mut Vec<Warning>, warning: Warning) -> bool {
    if warnings.iter().any(|w| w.kind() == warning.kind()) {
        return false;
    }
    if warnings.len() >= MAX_PROCESS_WARNINGS {
        return false;
    }
    warnings.push(warning);
    true
}

/// Why a normal approval was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PaymentApprovalRefusal {
    #[error(
        "The payment is {}; only a payment pending approval can be approved.",
        .0.label()
    )]
    NotPending(PaymentStatus),
    #[error(
        "You already approved this payment; its bank agreement needs another, different approver."
    )]
    SameApprover,
    #[error(
        "This payment asks for two-step verification on approval: enter the code your \
         authenticator app shows."
    )]
    CodeRequired,
}

/// Adds `user`'s approval to a payment pending approval; answers whether it is now complete
/// (`needs.approvals_required` different people approved, a pre-approval being the first).
/// `with_code`: the approver entered a two-step code that was accepted; refused without one when
/// the payment's needs (fixed at entry) ask for it.
pub fn approve_payment(
    status: PaymentStatus,
    approvals: &mut Vec<UserId>,
    user: &UserId,
    needs: PaymentNeeds,
    with_code: bool,
) -> Result<bool, PaymentApprovalRefusal> {
    if status != PaymentStatus::PendingApproval {
        return Err(PaymentApprovalRefusal::NotPending(status));
    }
    if approvals.contains(user) {
        return Err(PaymentApprovalRefusal::SameApprover);
    }
    if needs.code_on_approval && !with_code {
        return Err(PaymentApprovalRefusal::CodeRequired);
    }
    approvals.push(user.clone());
    Ok(approvals.len() >= usize::from(needs.approvals_required.max(1)))
}

/// Which payment-suggestion file an approved invoice belongs in: the pre-approved one when its
/// approval token can still be used (sealed for the ERP, not revoked, not used, not expired at
/// `now`); the regular one otherwise, so an invoice whose token can no longer pre-approve is
/// paid through normal approval, never lost between the two.
pub fn exports_as_pre_approved(token: Option<&TokenRecord>, sealed: bool, now: u64) -> bool {
    sealed && token.is_some_and(|t| !t.revoked && t.consumed.is_none() && now < t.expires_at)
}

/// Longest reason for stopping a payment.
pub const MAX_REJECT_REASON: usize = 500;

/// Why a payment could not be rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RejectRefusal {
    #[error(
        "The payment is {}; only a payment pending approval can be rejected.",
        .0.label()
    )]
    NotPending(PaymentStatus),
    #[error("Say why the payment is rejected: the reason is kept in its events.")]
    NoReason,
    #[error("The reason is too long: at most {MAX_REJECT_REASON} characters.")]
    ReasonTooLong,
}

/// A reason for stopping a payment, as it is kept: trimmed, present, not too long.
pub fn reject_reason(reason: &str) -> Result<String, RejectRefusal> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RejectRefusal::NoReason);
    }
    if reason.chars().count() > MAX_REJECT_REASON {
        return Err(RejectRefusal::ReasonTooLong);
    }
    Ok(reason.to_owned())
}

/// Checks that a payment may be stopped with `reason`; answers the reason as it is kept.
pub fn reject_payment(status: PaymentStatus, reason: &str) -> Result<String, RejectRefusal> {
    let reason = reject_reason(reason)?;
    if status != PaymentStatus::PendingApproval {
        return Err(RejectRefusal::NotPending(status));
    }
    Ok(reason)
}

/// A payment whose approval token was refused must be looked at before it is approved: the
/// approval names the warning it overrides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error(
    "This payment carried an approval token that was refused: {warning} Check it, then confirm \
     that you approve it all the same."
)]
pub struct UnconfirmedWarning {
    pub warning: String,
}

/// Whether an approval may go ahead given the payment's `warning` and the approver's
/// confirmation.
pub fn check_warning_confirmed(
    warning: Option<&str>,
    confirmed: bool,
) -> Result<(), UnconfirmedWarning> {
    match warning {
        Some(w) if !confirmed => Err(UnconfirmedWarning {
            warning: w.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// The per-payment sentence of a pre-approval, for the payment's events.
pub fn pre_approval_detail(
    signer: &str,
    invoice: &str,
    file: &PaymentFileId,
    needs: PaymentNeeds,
) -> String {
    if needs.approvals_required <= 1 {
        crate::sentence!(
            "Pre-approved by {signer} with invoice {invoice}; the approval token matched and was \
             consumed. Carried by file {file}."
        )
    } else {
        crate::sentence!(
            "Pre-approved by {signer} with invoice {invoice}; the approval token matched and was \
             consumed (1 of {} approvals). Carried by file {file}. The bank agreement needs \
             another, different AutoPay Approver.",
            needs.approvals_required
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Date;
    use crate::iban::Iban;
    use crate::ids::{BankAgreementId, CompanyId};
    use crate::money::{Currency, Money};
    use crate::token::{ApprovalToken, CreditorAccount, TokenRefusal};

    const NOW: u64 = 1_780_000_000;

    fn binding() -> TokenBinding {
        TokenBinding {
            company_id: CompanyId::parse("acme").unwrap(),
            bank_agreement_id: BankAgreementId::parse("ba_1").unwrap(),
            debtor_iban: Iban::parse("NO9386011117947").unwrap(),
            creditor_account: CreditorAccount::parse("NO8330001234567").unwrap(),
            amount: Money::from_minor(125_050, Currency::parse("NOK").unwrap()),
            due_date: Date::parse("2026-12-15").unwrap(),
            creditor_bic: None,
            payment_reference: None,
        }
    }

    fn record() -> TokenRecord {
        let mut r = TokenRecord::issue(&ApprovalToken::from_random_bytes([7; 17]), binding(), NOW);
        r.signed_by = Some(UserId::parse("u_signer").unwrap());
        r
    }

    fn ids() -> (PaymentId, PaymentFileId) {
        (
            PaymentId::parse("acme_0123456789abcdef0123-1").unwrap(),
            PaymentFileId::parse("acme_0123456789abcdef0123").unwrap(),
        )
    }

    fn one() -> PaymentNeeds {
        PaymentNeeds::at_entry(TwoStepLevel::OnApproval, 1, true)
    }

    fn two() -> PaymentNeeds {
        PaymentNeeds::at_entry(TwoStepLevel::OnApproval, 2, true)
    }

    fn run(
        record: &mut TokenRecord,
        presented: Option<TokenBinding>,
        allow: bool,
        needs: PaymentNeeds,
    ) -> Settlement {
        let (p, f) = ids();
        settle(
            TokenLookup::Issued { record, presented },
            allow,
            needs,
            &p,
            &f,
            NOW + 60,
        )
    }

    #[test]
    fn needs_at_entry_ask_for_a_code_when_the_level_or_the_company_does() {
        assert!(PaymentNeeds::at_entry(TwoStepLevel::OnApproval, 1, false).code_on_approval);
        assert!(
            PaymentNeeds::at_entry(TwoStepLevel::OnUploadAndApproval, 1, false).code_on_approval
        );
        assert!(PaymentNeeds::at_entry(TwoStepLevel::None, 1, true).code_on_approval);
        assert!(!PaymentNeeds::at_entry(TwoStepLevel::OnUpload, 1, false).code_on_approval);
        assert!(!PaymentNeeds::at_entry(TwoStepLevel::None, 1, false).code_on_approval);
    }

    #[test]
    fn needs_at_entry_ask_for_at_least_one_approver() {
        assert_eq!(
            PaymentNeeds::at_entry(TwoStepLevel::None, 0, false).approvals_required,
            1
        );
        assert_eq!(
            PaymentNeeds::at_entry(TwoStepLevel::None, 2, false).approvals_required,
            2
        );
    }

    #[test]
    fn needs_recorded_before_fail_closed_with_a_code() {
        let needs = PaymentNeeds::recorded_before(0);
        assert_eq!(needs.approvals_required, 1);
        assert!(needs.code_on_approval);
        assert_eq!(PaymentNeeds::recorded_before(2).approvals_required, 2);
    }

    #[test]
    fn no_token_waits_for_normal_approval() {
        let (p, f) = ids();
        let s = settle(TokenLookup::NoToken, true, one(), &p, &f, NOW);
        assert_eq!(s, Settlement::NoToken);
        assert_eq!(s.status(), PaymentStatus::PendingApproval);
    }

    #[test]
    fn an_instr_id_that_is_not_a_token_is_refused_without_a_process_warning() {
        let (p, f) = ids();
        let s = settle(
            TokenLookup::NotAToken("not one".into()),
            true,
            one(),
            &p,
            &f,
            NOW,
        );
        assert_eq!(
            s,
            Settlement::Refused {
                reason: "not one".into(),
                process_warning: None
            }
        );
    }

    #[test]
    fn a_token_this_company_never_issued_is_refused() {
        let (p, f) = ids();
        let s = settle(TokenLookup::NotIssued, true, one(), &p, &f, NOW);
        assert!(
            matches!(&s, Settlement::Refused { reason, process_warning: None } if reason.contains("not issued by this company"))
        );
        assert_eq!(s.status(), PaymentStatus::PendingApproval);
    }

    #[test]
    fn a_matching_token_is_consumed_and_sent_to_the_bank_when_one_approver_suffices() {
        let mut r = record();
        let s = run(&mut r, Some(binding()), true, one());
        assert_eq!(
            s,
            Settlement::PreApproved {
                signer: Some(UserId::parse("u_signer").unwrap()),
                complete: true
            }
        );
        assert_eq!(s.status(), PaymentStatus::SentToBank);
        assert_eq!(r.consumed.as_ref().map(|c| c.at), Some(NOW + 60));
    }

    #[test]
    fn a_pre_approval_is_one_of_two_approvals_when_the_bank_needs_two() {
        let mut r = record();
        let s = run(&mut r, Some(binding()), true, two());
        assert!(matches!(
            s,
            Settlement::PreApproved {
                complete: false,
                ..
            }
        ));
        assert_eq!(s.status(), PaymentStatus::PendingApproval);
        assert!(r.consumed.is_some(), "the token is used up all the same");
    }

    #[test]
    fn a_token_issued_before_signers_were_recorded_has_no_known_signer() {
        let mut r = record();
        r.signed_by = None;
        assert_eq!(
            run(&mut r, Some(binding()), true, two()),
            Settlement::PreApproved {
                signer: None,
                complete: false
            }
        );
    }

    #[test]
    fn a_payment_without_a_creditor_account_is_a_mismatch_and_leaves_the_token() {
        let mut r = record();
        let s = run(&mut r, None, true, one());
        assert!(
            matches!(&s, Settlement::Refused { process_warning: Some(Warning::TokenMismatch { .. }), reason } if reason.contains("no creditor account"))
        );
        assert!(r.consumed.is_none());
    }

    #[test]
    fn pre_approval_switched_off_leaves_the_token_unused() {
        let mut r = record();
        let s = run(&mut r, Some(binding()), false, one());
        assert!(
            matches!(&s, Settlement::Refused { reason, .. } if reason.contains("switched off"))
        );
        assert!(r.consumed.is_none());
    }

    #[test]
    fn a_changed_amount_is_refused_with_the_refusal_as_warning() {
        let mut r = record();
        let mut other = binding();
        other.amount = Money::from_minor(125_051, Currency::parse("NOK").unwrap());
        let s = run(&mut r, Some(other), true, one());
        let Settlement::Refused {
            reason,
            process_warning: Some(Warning::TokenMismatch { .. }),
        } = s
        else {
            panic!("{s:?}")
        };
        assert!(
            reason.contains("1,250.50\u{a0}NOK was approved"),
            "{reason}"
        );
        assert!(r.consumed.is_none());
    }

    #[test]
    fn a_used_token_is_refused_as_reused() {
        let mut r = record();
        assert!(matches!(
            run(&mut r, Some(binding()), true, one()),
            Settlement::PreApproved { .. }
        ));
        let again = run(&mut r, Some(binding()), true, one());
        assert!(matches!(
            again,
            Settlement::Refused {
                process_warning: Some(Warning::TokenReused),
                ..
            }
        ));
    }

    #[test]
    fn a_revoked_token_is_refused_as_revoked() {
        let mut r = record();
        r.revoke();
        assert!(matches!(
            run(&mut r, Some(binding()), true, one()),
            Settlement::Refused {
                process_warning: Some(Warning::TokenRevoked),
                ..
            }
        ));
        assert!(r.consumed.is_none());
    }

    #[test]
    fn an_expired_token_is_refused_as_expired() {
        let mut r = record();
        r.expires_at = NOW;
        let s = run(&mut r, Some(binding()), true, one());
        assert!(matches!(
            s,
            Settlement::Refused {
                process_warning: Some(Warning::TokenExpired),
                ..
            }
        ));
        let _ = TokenRefusal::Revoked; // the refusal type the warnings come from
    }

    #[test]
    fn a_process_keeps_one_warning_per_kind() {
        let mut warnings = Vec::new();
        assert!(add_process_warning(
            &mut warnings,
            Warning::TokenMismatch { reason: "a".into() }
        ));
        assert!(!add_process_warning(
            &mut warnings,
            Warning::TokenMismatch { reason: "b".into() }
        ));
        assert!(add_process_warning(&mut warnings, Warning::TokenReused));
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0], Warning::TokenMismatch { reason: "a".into() });
    }

    #[test]
    fn a_process_keeps_at_most_the_bounded_number_of_warnings() {
        let mut warnings: Vec<Warning> = (0..MAX_PROCESS_WARNINGS)
            .map(|i| Warning::SupplierAccountChanged {
                previous_last4: format!("{i:04}"),
            })
            .collect();
        assert!(!add_process_warning(&mut warnings, Warning::TokenReused));
        assert_eq!(warnings.len(), MAX_PROCESS_WARNINGS);
    }

    #[test]
    fn a_tally_counts_every_payment_and_names_the_first_few() {
        let (p, f) = ids();
        let mut tally = WarningTally::new(Warning::TokenReused, &p);
        assert!(tally
            .detail(&format!("file {f}"))
            .starts_with(&format!("Payment {p} (file {f})")));
        for i in 2..=10 {
            tally.add(&PaymentId::parse(&format!("{f}-{i}")).unwrap());
        }
        assert_eq!(tally.count, 10);
        assert_eq!(tally.examples.len(), TALLY_EXAMPLES);
        let detail = tally.detail(&format!("file {f}"));
        assert!(
            detail.starts_with(&format!("10 payments of file {f}")),
            "{detail}"
        );
        assert!(detail.contains("and 7 more"), "{detail}");
    }

    fn user(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    #[test]
    fn one_approval_completes_a_single_approver_agreement() {
        let mut approvals = Vec::new();
        let s = PaymentStatus::PendingApproval;
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u1"), one(), true),
            Ok(true)
        );
    }

    #[test]
    fn two_approver_agreements_need_two_different_people() {
        let mut approvals = Vec::new();
        let s = PaymentStatus::PendingApproval;
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u1"), two(), true),
            Ok(false)
        );
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u1"), two(), true),
            Err(PaymentApprovalRefusal::SameApprover)
        );
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u2"), two(), true),
            Ok(true)
        );
    }

    #[test]
    fn the_signer_of_a_pre_approval_cannot_give_the_second_approval() {
        let mut approvals = vec![user("u_signer")];
        let s = PaymentStatus::PendingApproval;
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u_signer"), two(), true),
            Err(PaymentApprovalRefusal::SameApprover)
        );
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u2"), two(), true),
            Ok(true)
        );
    }

    #[test]
    fn an_approval_without_a_code_is_refused_when_the_payment_asks_for_one() {
        let mut approvals = Vec::new();
        let s = PaymentStatus::PendingApproval;
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u1"), one(), false),
            Err(PaymentApprovalRefusal::CodeRequired)
        );
        assert!(approvals.is_empty());
        let no_code = PaymentNeeds::at_entry(TwoStepLevel::None, 1, false);
        assert_eq!(
            approve_payment(s, &mut approvals, &user("u1"), no_code, false),
            Ok(true)
        );
    }

    #[test]
    fn only_a_pending_payment_can_be_approved() {
        let mut approvals = Vec::new();
        assert!(matches!(
            approve_payment(
                PaymentStatus::SentToBank,
                &mut approvals,
                &user("u1"),
                one(),
                true
            ),
            Err(PaymentApprovalRefusal::NotPending(_))
        ));
        assert!(approvals.is_empty());
    }

    #[test]
    fn only_a_usable_sealed_token_makes_an_invoice_pre_approved_in_the_export() {
        let r = record();
        assert!(exports_as_pre_approved(Some(&r), true, NOW));
        assert!(
            !exports_as_pre_approved(Some(&r), false, NOW),
            "not sealed for the ERP"
        );
        assert!(!exports_as_pre_approved(None, true, NOW), "no token");
        let mut revoked = record();
        revoked.revoke();
        assert!(!exports_as_pre_approved(Some(&revoked), true, NOW));
        let mut used = record();
        assert!(matches!(
            run(&mut used, Some(binding()), true, one()),
            Settlement::PreApproved { .. }
        ));
        assert!(!exports_as_pre_approved(Some(&used), true, NOW));
        assert!(
            !exports_as_pre_approved(Some(&r), true, r.expires_at),
            "expired"
        );
    }

    #[test]
    fn a_pending_payment_can_be_rejected_with_a_reason() {
        let s = PaymentStatus::PendingApproval;
        assert_eq!(
            reject_payment(s, "  Unknown supplier  "),
            Ok("Unknown supplier".into())
        );
        assert_eq!(reject_payment(s, "   "), Err(RejectRefusal::NoReason));
        assert_eq!(
            reject_payment(s, &"x".repeat(MAX_REJECT_REASON + 1)),
            Err(RejectRefusal::ReasonTooLong)
        );
        assert!(reject_payment(s, &"x".repeat(MAX_REJECT_REASON)).is_ok());
    }

    #[test]
    fn only_a_pending_payment_can_be_rejected() {
        for status in [
            PaymentStatus::SentToBank,
            PaymentStatus::Rejected,
            PaymentStatus::PendingSigning,
        ] {
            assert!(matches!(
                reject_payment(status, "why"),
                Err(RejectRefusal::NotPending(_))
            ));
        }
    }

    #[test]
    fn a_warned_payment_needs_a_confirmation_before_approval() {
        assert_eq!(check_warning_confirmed(None, false), Ok(()));
        assert_eq!(check_warning_confirmed(Some("reused"), true), Ok(()));
        let refused =
            check_warning_confirmed(Some("The token was already used."), false).unwrap_err();
        assert!(refused.to_string().contains("already used"), "{refused}");
    }

    #[test]
    fn the_pre_approval_sentence_says_when_a_second_approver_is_needed() {
        let (_, f) = ids();
        assert!(!pre_approval_detail("Pia", "i1", &f, one()).contains("another"));
        let two = pre_approval_detail("Pia", "i1", &f, two());
        assert!(
            two.contains("1 of 2 approvals") && two.contains("another, different"),
            "{two}"
        );
    }
}
