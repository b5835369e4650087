//! The organisation's setup rules: what makes a company, a bank agreement or a person's name
//! valid, who may change which company setting, how a company's bank agreements change, and
//! that a debtor account belongs to one bank agreement of one company only.

use serde::{Deserialize, Serialize};

use crate::api::{
    BankAgreementRequest, BankAgreementView, CompanyRequest, CompanySettings, CompanySettingsPatch,
    FieldError,
};
use crate::iban::{Bic, Iban};
use crate::ids::CompanyId;
use crate::money::Currency;
use crate::roles::{Role, TwoStepLevel, UserRoles};

/// Longest name (of a company, bank, person or key label) accepted.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest approval token validity a company may choose.
pub const MAX_TOKEN_EXPIRY_DAYS: u32 = 365;
/// The most days before the due date from which a task is marked soon overdue.
pub const MAX_SOON_OVERDUE_DAYS: u32 = 30;
/// The longest escalation delay, in working days.
pub const MAX_ESCALATE_AFTER_DAYS: u32 = 30;
/// Most bank agreements one company may have.
pub const MAX_AGREEMENTS: usize = 50;

fn field(name: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: name.to_owned(),
        message: message.into(),
    }
}

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] characters.
pub fn check_name(name: &str, what: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errors.push(field(
            what,
            crate::sentence!("The {} is missing.", what.replace('_', " ")),
        ));
    } else if trimmed.chars().count() > MAX_NAME_CHARS {
        errors.push(field(
            what,
            crate::sentence!(
                "The {} is longer than {MAX_NAME_CHARS} characters.",
                what.replace('_', " ")
            ),
        ));
    } else if trimmed.chars().any(char::is_control) {
        errors.push(field(
            what,
            crate::sentence!(
                "The {} contains control characters.",
                what.replace('_', " ")
            ),
        ));
    }
    trimmed.to_owned()
}

/// A company's master data, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCompany {
    pub name: String,
    pub org_number: String,
    pub country: String,
    pub base_currency: Currency,
}

/// Checks every field of a company and reports all problems at once.
pub fn validate_company(req: &CompanyRequest) -> Result<ValidCompany, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = check_name(&req.name, "name", &mut errors);
    let org_number = check_name(&req.org_number, "org_number", &mut errors);
    let country = req.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(field(
            "country",
            "The country must be a two-letter ISO 3166 code such as NO or SE.",
        ));
    }
    let currency = Currency::parse(req.base_currency.trim()).map_err(|e| {
        field(
            "base_currency",
            crate::sentence!("The base currency is not valid: {e}."),
        )
    });
    match currency {
        Ok(base_currency) if errors.is_empty() => Ok(ValidCompany {
            name,
            org_number,
            country,
            base_currency,
        }),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(e);
            Err(errors)
        }
    }
}

/// A bank agreement, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidBankAgreement {
    pub bank_name: String,
    pub bic: Bic,
    pub debtor_account: Iban,
    pub two_step_level: TwoStepLevel,
    pub approvers_required: u8,
}

/// Checks every field of a bank agreement (IBAN checksum, BIC shape, 1 or 2 approvers).
pub fn validate_bank_agreement(
    req: &BankAgreementRequest,
) -> Result<ValidBankAgreement, Vec<FieldError>> {
    let mut errors = Vec::new();
    let bank_name = check_name(&req.bank_name, "bank_name", &mut errors);
    let bic = Bic::parse(&req.bic)
        .map_err(|e| errors.push(field("bic", crate::sentence!("The BIC is not valid: {e}."))))
        .ok();
    let iban = Iban::parse(&req.debtor_account)
        .map_err(|e| {
            errors.push(field(
                "debtor_account",
                crate::sentence!("The debtor account is not a valid IBAN: {e}."),
            ))
        })
        .ok();
    if !(1..=2).contains(&req.approvers_required) {
        errors.push(field(
            "approvers_required",
            "The number of approvers the bank requires must be 1 or 2.",
        ));
    }
    match (bic, iban) {
        (Some(bic), Some(debtor_account)) if errors.is_empty() => Ok(ValidBankAgreement {
            bank_name,
            bic,
            debtor_account,
            two_step_level: req.two_step_level,
            approvers_required: req.approvers_required,
        }),
        _ => Err(errors),
    }
}

/// Why a settings change was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SettingsRefusal {
    #[error("Changing “Allow pre-approval” needs the AutoPay Administrator role in this company.")]
    NeedsAutoPayAdministrator,
    #[error("Changing this company setting needs the System Administrator role.")]
    NeedsSystemAdministrator,
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "))]
    Invalid(Vec<FieldError>),
}

/// Applies `patch` to `current` on behalf of someone holding `roles`: Allow pre-approval only by
/// an AutoPay Administrator of `company`, everything else only by a System Administrator. The
/// whole patch is refused if any part is not allowed, so nothing changes halfway.
pub fn apply_settings_patch(
    current: &CompanySettings,
    patch: &CompanySettingsPatch,
    roles: &UserRoles,
    company: &CompanyId,
) -> Result<CompanySettings, SettingsRefusal> {
    let touches_admin_settings = patch.two_step_for_autopay.is_some()
        || patch.send_workflows_to_approval.is_some()
        || patch.token_expiry_days.is_some()
        || patch.four_eyes_threshold_minor.is_some()
        || patch.require_passkey.is_some()
        || patch.soon_overdue_days.is_some()
        || patch.escalate_after_days.is_some()
        || patch.escalation_user.is_some();
    if patch.allow_pre_approval.is_some() && !roles.has(company, Role::AutoPayAdministrator) {
        return Err(SettingsRefusal::NeedsAutoPayAdministrator);
    }
    if touches_admin_settings && !roles.is_system_admin {
        return Err(SettingsRefusal::NeedsSystemAdministrator);
    }
    let mut errors = Vec::new();
    if let Some(days) = patch.token_expiry_days {
        if !(1..=MAX_TOKEN_EXPIRY_DAYS).contains(&days) {
            errors.push(field(
                "token_expiry_days",
                crate::sentence!(
                    "Approval tokens must stay valid between 1 and {MAX_TOKEN_EXPIRY_DAYS} days."
                ),
            ));
        }
    }
    if let Some(days) = patch.soon_overdue_days {
        if days > MAX_SOON_OVERDUE_DAYS {
            errors.push(field(
                "soon_overdue_days",
                crate::sentence!(
                    "Tasks can be marked soon overdue from 0 to {MAX_SOON_OVERDUE_DAYS} days \
                     before their due date."
                ),
            ));
        }
    }
    if let Some(days) = patch.escalate_after_days {
        if !(1..=MAX_ESCALATE_AFTER_DAYS).contains(&days) {
            errors.push(field(
                "escalate_after_days",
                crate::sentence!(
                    "Overdue tasks can be escalated after 1 to {MAX_ESCALATE_AFTER_DAYS} working \
                     days."
                ),
            ));
        }
    }
    if let Some(Some(threshold)) = patch.four_eyes_threshold_minor {
        if threshold < 0 {
            errors.push(field(
                "four_eyes_threshold_minor",
                "The four-eyes threshold cannot be negative.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(SettingsRefusal::Invalid(errors));
    }
    let mut next = current.clone();
    if let Some(v) = patch.two_step_for_autopay {
        next.two_step_for_autopay = v;
    }
    if let Some(v) = patch.send_workflows_to_approval {
        next.send_workflows_to_approval = v;
    }
    if let Some(v) = patch.allow_pre_approval {
        next.allow_pre_approval = v;
    }
    if let Some(v) = patch.token_expiry_days {
        next.token_expiry_days = v;
    }
    if let Some(v) = patch.four_eyes_threshold_minor {
        next.four_eyes_threshold_minor = v;
    }
    if let Some(v) = patch.require_passkey {
        next.require_passkey = v;
    }
    if let Some(v) = patch.soon_overdue_days {
        next.soon_overdue_days = v;
    }
    if let Some(v) = patch.escalate_after_days {
        next.escalate_after_days = v;
    }
    if let Some(v) = &patch.escalation_user {
        next.escalation_user = v.clone();
    }
    Ok(next)
}

/// A change refused because the company changed since the caller read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error(
    "This company was changed meanwhile (it is at version {current}, you sent {expected}). \
     Reload it and make your change again."
)]
pub struct StaleVersion {
    pub current: u64,
    pub expected: u64,
}

/// A change made on an `expected` version (if the caller sent one) applies only to that version.
pub fn check_expected_version(current: u64, expected: Option<u64>) -> Result<(), StaleVersion> {
    match expected {
        Some(expected) if expected != current => Err(StaleVersion { current, expected }),
        _ => Ok(()),
    }
}

/// Who holds a debtor account: one bank agreement of one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHolder {
    pub company: String,
    pub agreement: String,
}

/// What a bank-agreement change does to the organisation's debtor-account claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountClaims {
    /// The account the agreement held before and holds no longer.
    pub release: Option<String>,
    /// The account the agreement holds afterwards.
    pub claim: Option<String>,
}

/// Why a bank-agreement change was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AgreementRefusal {
    #[error("This company has no such bank agreement.")]
    NoSuchAgreement,
    #[error("A company can have at most {MAX_AGREEMENTS} bank agreements.")]
    TooMany,
    #[error(
        "The debtor account {account} is already used by the bank agreement with {bank} of \
         {company}. A debtor account can belong to one bank agreement only; remove it there first."
    )]
    AccountInUse {
        account: String,
        company: String,
        bank: String,
    },
}

/// Adds `next` to `agreements` (`adding`) or replaces the agreement with `next`'s id, and
/// answers which debtor accounts to release and claim. Nothing changes when refused.
pub fn put_agreement(
    agreements: &mut Vec<BankAgreementView>,
    next: BankAgreementView,
    adding: bool,
) -> Result<AccountClaims, AgreementRefusal> {
    let claim = Some(next.debtor_account.clone());
    if adding {
        if agreements.len() >= MAX_AGREEMENTS {
            return Err(AgreementRefusal::TooMany);
        }
        agreements.push(next);
        return Ok(AccountClaims {
            release: None,
            claim,
        });
    }
    let existing = agreements
        .iter_mut()
        .find(|a| a.id == next.id)
        .ok_or(AgreementRefusal::NoSuchAgreement)?;
    let release =
        (existing.debtor_account != next.debtor_account).then(|| existing.debtor_account.clone());
    *existing = next;
    Ok(AccountClaims { release, claim })
}

/// Removes the agreement `id`; answers it and the account it releases.
pub fn remove_agreement(
    agreements: &mut Vec<BankAgreementView>,
    id: &str,
) -> Result<(BankAgreementView, AccountClaims), AgreementRefusal> {
    let pos = agreements
        .iter()
        .position(|a| a.id == id)
        .ok_or(AgreementRefusal::NoSuchAgreement)?;
    let removed = agreements.remove(pos);
    let claims = AccountClaims {
        release: Some(removed.debtor_account.clone()),
        claim: None,
    };
    Ok((removed, claims))
}

/// A debtor account may be claimed when nobody holds it, or when the claimant (the same
/// agreement of the same company) holds it already. Another agreement, even of the same
/// company, may not: one account, one agreement, one set of approval rules.
pub fn may_claim_account(holder: Option<&AccountHolder>, claimant: &AccountHolder) -> bool {
    holder.is_none_or(|h| h == claimant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company_req() -> CompanyRequest {
        CompanyRequest {
            name: " Acme AS ".into(),
            org_number: "912345678".into(),
            country: "no".into(),
            base_currency: "NOK".into(),
        }
    }

    fn agreement_req() -> BankAgreementRequest {
        BankAgreementRequest {
            bank_name: "DNB".into(),
            bic: "DNBANOKK".into(),
            debtor_account: "NO93 8601 1117 947".into(),
            two_step_level: TwoStepLevel::OnApproval,
            approvers_required: 1,
        }
    }

    fn acme() -> CompanyId {
        CompanyId::parse("acme").unwrap()
    }

    #[test]
    fn a_valid_company_is_trimmed_and_normalised() {
        let c = validate_company(&company_req()).unwrap();
        assert_eq!(c.name, "Acme AS");
        assert_eq!(c.country, "NO");
        assert_eq!(c.base_currency, Currency::NOK);
    }

    #[test]
    fn every_invalid_company_field_is_named() {
        let errors = validate_company(&CompanyRequest {
            name: "".into(),
            org_number: " ".into(),
            country: "Norway".into(),
            base_currency: "XYZ".into(),
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "org_number", "country", "base_currency"]);
    }

    #[test]
    fn a_bank_agreement_with_a_bad_iban_checksum_names_the_account() {
        let errors = validate_bank_agreement(&BankAgreementRequest {
            debtor_account: "NO94 8601 1117 947".into(),
            ..agreement_req()
        })
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "debtor_account");
        assert!(errors[0].message.contains("check digits"));
    }

    #[test]
    fn a_bank_agreement_needs_one_or_two_approvers_and_a_bic() {
        let errors = validate_bank_agreement(&BankAgreementRequest {
            approvers_required: 3,
            bic: "DNB".into(),
            ..agreement_req()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["bic", "approvers_required"]);
        let ok = validate_bank_agreement(&agreement_req()).unwrap();
        assert_eq!(ok.debtor_account.as_str(), "NO9386011117947");
    }

    #[test]
    fn a_system_administrator_without_autopay_administrator_cannot_allow_pre_approval() {
        let roles = UserRoles {
            is_system_admin: true,
            ..UserRoles::default()
        };
        let patch = CompanySettingsPatch {
            allow_pre_approval: Some(true),
            ..CompanySettingsPatch::default()
        };
        let refusal =
            apply_settings_patch(&CompanySettings::default(), &patch, &roles, &acme()).unwrap_err();
        assert_eq!(refusal, SettingsRefusal::NeedsAutoPayAdministrator);
        assert!(refusal.to_string().contains("AutoPay Administrator"));
    }

    #[test]
    fn an_autopay_administrator_may_allow_pre_approval_but_not_change_other_settings() {
        let mut roles = UserRoles::default();
        roles.grant(acme(), Role::AutoPayAdministrator);
        let allow = CompanySettingsPatch {
            allow_pre_approval: Some(true),
            ..CompanySettingsPatch::default()
        };
        let next =
            apply_settings_patch(&CompanySettings::default(), &allow, &roles, &acme()).unwrap();
        assert!(next.allow_pre_approval);
        let both = CompanySettingsPatch {
            two_step_for_autopay: Some(true),
            ..allow
        };
        assert_eq!(
            apply_settings_patch(&CompanySettings::default(), &both, &roles, &acme()),
            Err(SettingsRefusal::NeedsSystemAdministrator)
        );
        let passkeys = CompanySettingsPatch {
            require_passkey: Some(true),
            ..CompanySettingsPatch::default()
        };
        assert_eq!(
            apply_settings_patch(&CompanySettings::default(), &passkeys, &roles, &acme()),
            Err(SettingsRefusal::NeedsSystemAdministrator)
        );
    }

    #[test]
    fn the_autopay_administrator_role_of_another_company_does_not_count() {
        let mut roles = UserRoles::default();
        roles.grant(
            CompanyId::parse("globex").unwrap(),
            Role::AutoPayAdministrator,
        );
        let allow = CompanySettingsPatch {
            allow_pre_approval: Some(true),
            ..CompanySettingsPatch::default()
        };
        assert!(
            apply_settings_patch(&CompanySettings::default(), &allow, &roles, &acme()).is_err()
        );
    }

    #[test]
    fn escalation_settings_are_a_system_administrators_and_bounded() {
        let admin = UserRoles {
            is_system_admin: true,
            ..UserRoles::default()
        };
        assert_eq!(CompanySettings::default().escalate_after_days, 2);
        assert_eq!(CompanySettings::default().escalation_user, None);
        let boss = crate::ids::UserId::parse("u-boss").unwrap();
        let patch = CompanySettingsPatch {
            escalate_after_days: Some(5),
            escalation_user: Some(Some(boss.clone())),
            ..CompanySettingsPatch::default()
        };
        let next =
            apply_settings_patch(&CompanySettings::default(), &patch, &admin, &acme()).unwrap();
        assert_eq!(next.escalate_after_days, 5);
        assert_eq!(next.escalation_user, Some(boss));
        let cleared = CompanySettingsPatch {
            escalation_user: Some(None),
            ..CompanySettingsPatch::default()
        };
        let again = apply_settings_patch(&next, &cleared, &admin, &acme()).unwrap();
        assert_eq!(again.escalation_user, None);
        assert_eq!(again.escalate_after_days, 5);
        for days in [0, MAX_ESCALATE_AFTER_DAYS + 1] {
            let bad = CompanySettingsPatch {
                escalate_after_days: Some(days),
                ..CompanySettingsPatch::default()
            };
            assert!(matches!(
                apply_settings_patch(&next, &bad, &admin, &acme()),
                Err(SettingsRefusal::Invalid(errors)) if errors[0].field == "escalate_after_days"
            ));
        }
        assert_eq!(
            apply_settings_patch(&next, &patch, &UserRoles::default(), &acme()),
            Err(SettingsRefusal::NeedsSystemAdministrator)
        );
    }

    #[test]
    fn a_system_administrator_changes_switches_and_clears_the_threshold() {
        let roles = UserRoles {
            is_system_admin: true,
            ..UserRoles::default()
        };
        let current = CompanySettings {
            four_eyes_threshold_minor: Some(100),
            ..CompanySettings::default()
        };
        let patch = CompanySettingsPatch {
            two_step_for_autopay: Some(true),
            send_workflows_to_approval: Some(true),
            four_eyes_threshold_minor: Some(None),
            require_passkey: Some(true),
            soon_overdue_days: Some(5),
            ..CompanySettingsPatch::default()
        };
        let next = apply_settings_patch(&current, &patch, &roles, &acme()).unwrap();
        assert_eq!(next.soon_overdue_days, 5);
        let too_many = CompanySettingsPatch {
            soon_overdue_days: Some(MAX_SOON_OVERDUE_DAYS + 1),
            ..CompanySettingsPatch::default()
        };
        assert!(matches!(
            apply_settings_patch(&current, &too_many, &roles, &acme()),
            Err(SettingsRefusal::Invalid(errors)) if errors[0].field == "soon_overdue_days"
        ));
        assert_eq!(CompanySettings::default().soon_overdue_days, 3);
        let old: CompanySettings = serde_json::from_str(
            r#"{"two_step_for_autopay":true,"send_workflows_to_approval":true,
                "allow_pre_approval":false,"token_expiry_days":90,"four_eyes_threshold_minor":null}"#,
        )
        .unwrap();
        assert_eq!(
            old.soon_overdue_days, 3,
            "a company stored before the setting gets 3"
        );
        assert!(next.two_step_for_autopay && next.send_workflows_to_approval);
        assert!(next.require_passkey);
        assert_eq!(next.four_eyes_threshold_minor, None);
        assert!(!next.allow_pre_approval);
    }

    fn view(id: &str, account: &str) -> BankAgreementView {
        BankAgreementView {
            id: id.into(),
            bank_name: "DNB".into(),
            bic: "DNBANOKK".into(),
            debtor_account: account.into(),
            two_step_level: TwoStepLevel::OnApproval,
            approvers_required: 1,
        }
    }

    fn holder(company: &str, agreement: &str) -> AccountHolder {
        AccountHolder {
            company: company.into(),
            agreement: agreement.into(),
        }
    }

    #[test]
    fn a_change_on_an_old_version_is_stale_and_one_without_a_version_is_not() {
        assert_eq!(check_expected_version(3, Some(3)), Ok(()));
        assert_eq!(check_expected_version(3, None), Ok(()));
        let stale = check_expected_version(4, Some(3)).unwrap_err();
        assert_eq!(
            stale,
            StaleVersion {
                current: 4,
                expected: 3
            }
        );
        assert!(stale.to_string().contains("changed meanwhile"));
    }

    #[test]
    fn adding_an_agreement_claims_its_account() {
        let mut agreements = vec![view("a", "NO9386011117947")];
        let claims = put_agreement(&mut agreements, view("b", "NO8330001234567"), true).unwrap();
        assert_eq!(claims.release, None);
        assert_eq!(claims.claim.as_deref(), Some("NO8330001234567"));
        assert_eq!(agreements.len(), 2);
    }

    #[test]
    fn a_company_cannot_have_more_than_the_most_agreements() {
        let mut agreements: Vec<_> = (0..MAX_AGREEMENTS)
            .map(|i| view(&i.to_string(), "NO9386011117947"))
            .collect();
        assert_eq!(
            put_agreement(&mut agreements, view("new", "NO8330001234567"), true),
            Err(AgreementRefusal::TooMany)
        );
        assert_eq!(agreements.len(), MAX_AGREEMENTS);
    }

    #[test]
    fn changing_an_agreements_account_releases_the_old_one() {
        let mut agreements = vec![view("a", "NO9386011117947")];
        let claims = put_agreement(&mut agreements, view("a", "NO8330001234567"), false).unwrap();
        assert_eq!(claims.release.as_deref(), Some("NO9386011117947"));
        assert_eq!(claims.claim.as_deref(), Some("NO8330001234567"));
        assert_eq!(agreements[0].debtor_account, "NO8330001234567");
    }

    #[test]
    fn editing_an_agreement_without_changing_its_account_releases_nothing() {
        let mut agreements = vec![view("a", "NO9386011117947")];
        let mut next = view("a", "NO9386011117947");
        next.approvers_required = 2;
        let claims = put_agreement(&mut agreements, next, false).unwrap();
        assert_eq!(claims.release, None);
        assert_eq!(claims.claim.as_deref(), Some("NO9386011117947"));
        assert_eq!(agreements[0].approvers_required, 2);
    }

    #[test]
    fn editing_or_removing_an_unknown_agreement_is_refused() {
        let mut agreements = vec![view("a", "NO9386011117947")];
        assert_eq!(
            put_agreement(&mut agreements, view("b", "NO8330001234567"), false),
            Err(AgreementRefusal::NoSuchAgreement)
        );
        assert_eq!(
            remove_agreement(&mut agreements, "b").unwrap_err(),
            AgreementRefusal::NoSuchAgreement
        );
        assert_eq!(agreements, vec![view("a", "NO9386011117947")]);
    }

    #[test]
    fn removing_an_agreement_releases_its_account() {
        let mut agreements = vec![view("a", "NO9386011117947")];
        let (removed, claims) = remove_agreement(&mut agreements, "a").unwrap();
        assert_eq!(removed.id, "a");
        assert_eq!(claims.release.as_deref(), Some("NO9386011117947"));
        assert_eq!(claims.claim, None);
        assert!(agreements.is_empty());
    }

    #[test]
    fn a_free_account_or_ones_own_can_be_claimed() {
        assert!(may_claim_account(None, &holder("acme", "a")));
        assert!(may_claim_account(
            Some(&holder("acme", "a")),
            &holder("acme", "a")
        ));
    }

    #[test]
    fn an_account_held_by_another_company_or_another_agreement_cannot_be_claimed() {
        assert!(!may_claim_account(
            Some(&holder("acme", "a")),
            &holder("globex", "a")
        ));
        assert!(!may_claim_account(
            Some(&holder("acme", "a")),
            &holder("acme", "b")
        ));
    }

    #[test]
    fn the_account_in_use_refusal_names_the_company_and_the_bank() {
        let text = AgreementRefusal::AccountInUse {
            account: "NO9386011117947".into(),
            company: "Acme AS".into(),
            bank: "DNB".into(),
        }
        .to_string();
        assert!(
            text.contains("Acme AS") && text.contains("DNB") && text.contains("NO9386011117947")
        );
    }

    #[test]
    fn out_of_range_settings_are_named() {
        let roles = UserRoles {
            is_system_admin: true,
            ..UserRoles::default()
        };
        let patch = CompanySettingsPatch {
            token_expiry_days: Some(0),
            four_eyes_threshold_minor: Some(Some(-1)),
            ..CompanySettingsPatch::default()
        };
        match apply_settings_patch(&CompanySettings::default(), &patch, &roles, &acme()) {
            Err(SettingsRefusal::Invalid(errors)) => assert_eq!(errors.len(), 2),
            other => panic!("{other:?}"),
        }
    }
}
