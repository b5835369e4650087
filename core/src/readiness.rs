//! Whether "Approve and pay" is offered to a user for one company, and if not, why (SPEC §2).
//!
//! This is the one place the prerequisites are decided; the Worker gathers the facts, the SPA
//! shows the messages.

use serde::{Deserialize, Serialize};

use crate::roles::TwoStepLevel;

/// The facts about one user and one company that decide readiness.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessInput {
    /// The user holds Invoice Approver in the company.
    pub has_invoice_approver: bool,
    /// The user holds AutoPay Approver in the company.
    pub has_autopay_approver: bool,
    /// The company setting "Enable two-step verification for AutoPay".
    pub company_two_step_for_autopay: bool,
    /// The user has activated two-step verification on My details.
    pub user_two_step_active: bool,
    /// The two-step authentication level of each of the company's bank agreements.
    pub bank_agreement_levels: Vec<TwoStepLevel>,
    /// The AutoPay company setting "Allow pre-approval".
    pub allow_pre_approval: bool,
    /// The company setting "Require a passkey for Approve and pay".
    pub company_requires_passkey: bool,
    /// The user has registered at least one passkey.
    pub user_has_passkey: bool,
}

/// One unmet prerequisite. Messages name the company, passed in by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPrerequisite {
    InvoiceApproverRole,
    #[serde(rename = "autopay_approver_role")]
    AutoPayApproverRole,
    CompanyTwoStepForAutoPay,
    UserTwoStep,
    NoBankAgreement,
    NoBankAgreementWithTwoStepOnApproval,
    PreApprovalNotAllowed,
    /// The company requires a passkey for Approve and pay and the user has registered none.
    NoPasskey,
}

impl MissingPrerequisite {
    /// What the user reads on the task, for example
    /// "You need the Invoice Approver role in Acme AS."
    pub fn message(self, company_name: &str) -> String {
        match self {
            Self::InvoiceApproverRole => crate::sentence!(
                "You need the Invoice Approver role in {company_name}. Ask a System Administrator."
            ),
            Self::AutoPayApproverRole => crate::sentence!(
                "You need the AutoPay Approver role in {company_name}. Ask a System Administrator."
            ),
            Self::CompanyTwoStepForAutoPay => crate::sentence!(
                "Two-step verification for AutoPay is not enabled in {company_name}. \
                 It is turned on with the company setting “Enable two-step verification for AutoPay”."
            ),
            Self::UserTwoStep => crate::sentence!(
                "You have not activated two-step verification. Activate it on My details."
            ),
            Self::NoBankAgreement => crate::sentence!(
                "{company_name} has no bank agreement in AutoPay. \
                 An AutoPay Administrator can add one."
            ),
            Self::NoBankAgreementWithTwoStepOnApproval => crate::sentence!(
                "No bank agreement of {company_name} asks for two-step authentication on approval. \
                 An AutoPay Administrator can set a bank agreement to “on approval” or \
                 “on upload and approval”."
            ),
            Self::PreApprovalNotAllowed => crate::sentence!(
                "Pre-approval is not allowed in {company_name}. \
                 An AutoPay Administrator can turn on “Allow pre-approval”."
            ),
            Self::NoPasskey => crate::sentence!(
                "{company_name} requires a passkey for Approve and pay. Add one on My details."
            ),
        }
    }
}

impl MissingPrerequisite {
    /// What an administrator reads about another user (the readiness page), in the third
    /// person: "Ola Nordmann has not activated two-step verification. …". Prerequisites of the
    /// company read as in [`MissingPrerequisite::message`].
    pub fn message_about(self, user_name: &str, company_name: &str) -> String {
        match self {
            Self::InvoiceApproverRole => crate::sentence!(
                "{user_name} does not have the Invoice Approver role in {company_name}. \
                 A System Administrator gives it under Users."
            ),
            Self::AutoPayApproverRole => crate::sentence!(
                "{user_name} does not have the AutoPay Approver role in {company_name}. \
                 A System Administrator gives it under Users."
            ),
            Self::UserTwoStep => crate::sentence!(
                "{user_name} has not activated two-step verification. \
                 They activate it themselves on My details."
            ),
            Self::NoPasskey => crate::sentence!(
                "{company_name} requires a passkey for Approve and pay and {user_name} has none. \
                 They add one themselves on My details."
            ),
            Self::CompanyTwoStepForAutoPay
            | Self::NoBankAgreement
            | Self::NoBankAgreementWithTwoStepOnApproval
            | Self::PreApprovalNotAllowed => self.message(company_name),
        }
    }
}

/// How a signer showed it is them when signing a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningMethod {
    /// Password and a TOTP code: bound to a time, not to what is paid.
    PasswordAndCode,
    /// A passkey with user verification whose challenge binds the bundle digest.
    Passkey,
}

impl SigningMethod {
    /// Whether a company accepts this method for Approve and pay: one with "Require a passkey
    /// for Approve and pay" accepts only a passkey.
    pub fn accepted_by(self, company_requires_passkey: bool) -> bool {
        self == Self::Passkey || !company_requires_passkey
    }
}

/// The answer: ready, or the prerequisites still missing, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub ready: bool,
    pub missing: Vec<MissingPrerequisite>,
}

impl Readiness {
    /// Every missing prerequisite as a sentence naming `company_name`.
    pub fn messages(&self, company_name: &str) -> Vec<String> {
        self.missing
            .iter()
            .map(|missing| missing.message(company_name))
            .collect()
    }

    /// Every missing prerequisite as an administrator reads it about `user_name`
    /// ([`MissingPrerequisite::message_about`]).
    pub fn messages_about(&self, user_name: &str, company_name: &str) -> Vec<String> {
        self.missing
            .iter()
            .map(|missing| missing.message_about(user_name, company_name))
            .collect()
    }
}

/// Decides whether "Approve and pay" is offered. All prerequisites are reported, not just the
/// first, so one visit to the settings fixes them all.
pub fn approve_and_pay_readiness(input: &ReadinessInput) -> Readiness {
    let mut missing = Vec::new();
    if !input.has_invoice_approver {
        missing.push(MissingPrerequisite::InvoiceApproverRole);
    }
    if !input.has_autopay_approver {
        missing.push(MissingPrerequisite::AutoPayApproverRole);
    }
    if !input.company_two_step_for_autopay {
        missing.push(MissingPrerequisite::CompanyTwoStepForAutoPay);
    }
    if !input.user_two_step_active {
        missing.push(MissingPrerequisite::UserTwoStep);
    }
    if input.bank_agreement_levels.is_empty() {
        missing.push(MissingPrerequisite::NoBankAgreement);
    } else if !input
        .bank_agreement_levels
        .iter()
        .any(|level| level.includes_approval())
    {
        missing.push(MissingPrerequisite::NoBankAgreementWithTwoStepOnApproval);
    }
    if !input.allow_pre_approval {
        missing.push(MissingPrerequisite::PreApprovalNotAllowed);
    }
    if input.company_requires_passkey && !input.user_has_passkey {
        missing.push(MissingPrerequisite::NoPasskey);
    }
    Readiness {
        ready: missing.is_empty(),
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn everything_in_place() -> ReadinessInput {
        ReadinessInput {
            has_invoice_approver: true,
            has_autopay_approver: true,
            company_two_step_for_autopay: true,
            user_two_step_active: true,
            bank_agreement_levels: vec![TwoStepLevel::OnApproval],
            allow_pre_approval: true,
            company_requires_passkey: false,
            user_has_passkey: false,
        }
    }

    fn missing_after(change: impl FnOnce(&mut ReadinessInput)) -> Vec<MissingPrerequisite> {
        let mut input = everything_in_place();
        change(&mut input);
        let readiness = approve_and_pay_readiness(&input);
        assert_eq!(readiness.ready, readiness.missing.is_empty());
        readiness.missing
    }

    #[test]
    fn approve_and_pay_is_offered_when_every_prerequisite_holds() {
        let readiness = approve_and_pay_readiness(&everything_in_place());
        assert!(readiness.ready);
        assert!(readiness.missing.is_empty());
    }

    #[test]
    fn each_missing_prerequisite_is_named() {
        use MissingPrerequisite::*;
        assert_eq!(
            missing_after(|i| i.has_invoice_approver = false),
            [InvoiceApproverRole]
        );
        assert_eq!(
            missing_after(|i| i.has_autopay_approver = false),
            [AutoPayApproverRole]
        );
        assert_eq!(
            missing_after(|i| i.company_two_step_for_autopay = false),
            [CompanyTwoStepForAutoPay]
        );
        assert_eq!(
            missing_after(|i| i.user_two_step_active = false),
            [UserTwoStep]
        );
        assert_eq!(
            missing_after(|i| i.allow_pre_approval = false),
            [PreApprovalNotAllowed]
        );
        assert_eq!(
            missing_after(|i| i.bank_agreement_levels.clear()),
            [NoBankAgreement]
        );
        assert_eq!(
            missing_after(|i| i.company_requires_passkey = true),
            [NoPasskey]
        );
    }

    #[test]
    fn a_company_that_requires_a_passkey_accepts_no_password_and_code() {
        assert!(SigningMethod::Passkey.accepted_by(true));
        assert!(SigningMethod::Passkey.accepted_by(false));
        assert!(SigningMethod::PasswordAndCode.accepted_by(false));
        assert!(!SigningMethod::PasswordAndCode.accepted_by(true));
    }

    #[test]
    fn a_passkey_is_needed_only_where_the_company_requires_one() {
        assert!(missing_after(|i| {
            i.company_requires_passkey = true;
            i.user_has_passkey = true;
        })
        .is_empty());
        assert!(missing_after(|i| i.user_has_passkey = true).is_empty());
        assert_eq!(
            MissingPrerequisite::NoPasskey.message_about("Ola Nordmann", "Acme AS"),
            "Acme AS requires a passkey for Approve and pay and Ola Nordmann has none. They add \
             one themselves on My details."
        );
    }

    #[test]
    fn bank_agreements_without_two_step_on_approval_are_not_enough() {
        let missing = missing_after(|i| {
            i.bank_agreement_levels = vec![TwoStepLevel::None, TwoStepLevel::OnUpload];
        });
        assert_eq!(
            missing,
            [MissingPrerequisite::NoBankAgreementWithTwoStepOnApproval]
        );
    }

    #[test]
    fn one_bank_agreement_on_upload_and_approval_is_enough() {
        let missing = missing_after(|i| {
            i.bank_agreement_levels = vec![TwoStepLevel::None, TwoStepLevel::OnUploadAndApproval];
        });
        assert!(missing.is_empty());
    }

    #[test]
    fn all_missing_prerequisites_are_listed_in_a_fixed_order() {
        let readiness = approve_and_pay_readiness(&ReadinessInput::default());
        assert!(!readiness.ready);
        assert_eq!(readiness.missing.len(), 6);
        let mut sorted = readiness.missing.clone();
        sorted.sort();
        assert_eq!(sorted, readiness.missing);
    }

    #[test]
    fn messages_name_the_company_in_plain_words() {
        let readiness = approve_and_pay_readiness(&ReadinessInput {
            has_invoice_approver: false,
            ..everything_in_place()
        });
        assert_eq!(
            readiness.messages("Acme AS"),
            ["You need the Invoice Approver role in Acme AS. Ask a System Administrator."]
        );
        assert_eq!(
            MissingPrerequisite::PreApprovalNotAllowed.message("Acme AS"),
            "Pre-approval is not allowed in Acme AS. An AutoPay Administrator can turn on “Allow pre-approval”."
        );
    }

    #[test]
    fn an_administrator_reads_about_another_user_in_the_third_person() {
        let all = approve_and_pay_readiness(&ReadinessInput::default());
        let about = all.messages_about("Ola Nordmann", "Acme AS");
        assert_eq!(
            about,
            [
                "Ola Nordmann does not have the Invoice Approver role in Acme AS. A System \
                 Administrator gives it under Users.",
                "Ola Nordmann does not have the AutoPay Approver role in Acme AS. A System \
                 Administrator gives it under Users.",
                "Two-step verification for AutoPay is not enabled in Acme AS. It is turned on \
                 with the company setting “Enable two-step verification for AutoPay”.",
                "Ola Nordmann has not activated two-step verification. They activate it \
                 themselves on My details.",
                "Acme AS has no bank agreement in AutoPay. An AutoPay Administrator can add one.",
                "Pre-approval is not allowed in Acme AS. An AutoPay Administrator can turn on \
                 “Allow pre-approval”.",
            ]
        );
        for line in &about {
            assert!(!line.starts_with("You "), "{line}");
        }
        assert_eq!(
            MissingPrerequisite::NoBankAgreementWithTwoStepOnApproval
                .message_about("Ola Nordmann", "Acme AS"),
            MissingPrerequisite::NoBankAgreementWithTwoStepOnApproval.message("Acme AS")
        );
    }

    #[test]
    fn missing_prerequisites_travel_as_snake_case() {
        assert_eq!(
            serde_json::to_string(&MissingPrerequisite::AutoPayApproverRole).unwrap(),
            "\"autopay_approver_role\""
        );
        assert_eq!(
            serde_json::to_string(&MissingPrerequisite::NoBankAgreementWithTwoStepOnApproval)
                .unwrap(),
            "\"no_bank_agreement_with_two_step_on_approval\""
        );
    }
}
