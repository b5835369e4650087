//! Who may do what: roles per company, the organisation-wide System Administrator, and the
//! two-step authentication level of a bank agreement.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::CompanyId;

/// The display name of the organisation-wide administrator flag ([`UserRoles::is_system_admin`]).
pub const SYSTEM_ADMINISTRATOR: &str = "System Administrator";

/// A role a user holds in one company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Approves invoices in Approval (and, with the other prerequisites, approves and pays).
    InvoiceApprover,
    /// Approves payments in AutoPay.
    #[serde(rename = "autopay_approver")]
    AutoPayApprover,
    /// May toggle Allow pre-approval and edit bank agreements.
    #[serde(rename = "autopay_administrator")]
    AutoPayAdministrator,
}

impl Role {
    pub const ALL: [Role; 3] = [
        Role::InvoiceApprover,
        Role::AutoPayApprover,
        Role::AutoPayAdministrator,
    ];

    /// The name shown to users.
    pub fn display_name(self) -> &'static str {
        match self {
            Role::InvoiceApprover => "Invoice Approver",
            Role::AutoPayApprover => "AutoPay Approver",
            Role::AutoPayAdministrator => "AutoPay Administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Everything a user may do: the System Administrator flag plus roles per company.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRoles {
    #[serde(default)]
    pub is_system_admin: bool,
    #[serde(default)]
    pub companies: BTreeMap<CompanyId, BTreeSet<Role>>,
}

impl UserRoles {
    pub fn has(&self, company: &CompanyId, role: Role) -> bool {
        self.companies
            .get(company)
            .is_some_and(|roles| roles.contains(&role))
    }

    pub fn grant(&mut self, company: CompanyId, role: Role) {
        self.companies.entry(company).or_default().insert(role);
    }

    pub fn revoke(&mut self, company: &CompanyId, role: Role) {
        if let Some(roles) = self.companies.get_mut(company) {
            roles.remove(&role);
            if roles.is_empty() {
                self.companies.remove(company);
            }
        }
    }

    /// The companies in which the user holds `role`.
    pub fn companies_with(&self, role: Role) -> impl Iterator<Item = &CompanyId> {
        self.companies
            .iter()
            .filter(move |(_, roles)| roles.contains(&role))
            .map(|(company, _)| company)
    }
}

/// When a bank agreement asks for two-step authentication.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TwoStepLevel {
    #[default]
    None,
    OnUpload,
    OnApproval,
    OnUploadAndApproval,
}

/// A two-step level name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not a two-step authentication level. Choose none, on upload, on approval, or on upload and approval.")]
pub struct UnknownTwoStepLevel(pub String);

impl TwoStepLevel {
    pub const ALL: [TwoStepLevel; 4] = [
        TwoStepLevel::None,
        TwoStepLevel::OnUpload,
        TwoStepLevel::OnApproval,
        TwoStepLevel::OnUploadAndApproval,
    ];

    pub fn includes_upload(self) -> bool {
        matches!(
            self,
            TwoStepLevel::OnUpload | TwoStepLevel::OnUploadAndApproval
        )
    }

    /// Pre-approval needs this: the approval itself is signed with two-step verification.
    pub fn includes_approval(self) -> bool {
        matches!(
            self,
            TwoStepLevel::OnApproval | TwoStepLevel::OnUploadAndApproval
        )
    }

    /// The machine name used in JSON (`on_upload_and_approval`).
    pub fn as_key(self) -> &'static str {
        match self {
            TwoStepLevel::None => "none",
            TwoStepLevel::OnUpload => "on_upload",
            TwoStepLevel::OnApproval => "on_approval",
            TwoStepLevel::OnUploadAndApproval => "on_upload_and_approval",
        }
    }

    /// The words shown to users (`on upload and approval`).
    pub fn display_name(self) -> &'static str {
        match self {
            TwoStepLevel::None => "none",
            TwoStepLevel::OnUpload => "on upload",
            TwoStepLevel::OnApproval => "on approval",
            TwoStepLevel::OnUploadAndApproval => "on upload and approval",
        }
    }

    /// Accepts the machine name or the display words, as a form or a CSV import may send either.
    pub fn parse(text: &str) -> Result<Self, UnknownTwoStepLevel> {
        let wanted = text.trim();
        Self::ALL
            .into_iter()
            .find(|level| {
                level.as_key() == wanted || level.display_name().eq_ignore_ascii_case(wanted)
            })
            .ok_or_else(|| UnknownTwoStepLevel(text.to_owned()))
    }
}

impl fmt::Display for TwoStepLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

impl std::str::FromStr for TwoStepLevel {
    type Err = UnknownTwoStepLevel;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(id: &str) -> CompanyId {
        CompanyId::parse(id).unwrap()
    }

    #[test]
    fn roles_show_their_product_names() {
        let names: Vec<String> = Role::ALL.iter().map(Role::to_string).collect();
        assert_eq!(
            names,
            [
                "Invoice Approver",
                "AutoPay Approver",
                "AutoPay Administrator"
            ]
        );
        assert_eq!(SYSTEM_ADMINISTRATOR, "System Administrator");
    }

    #[test]
    fn roles_travel_as_snake_case() {
        assert_eq!(
            serde_json::to_string(&Role::ALL).unwrap(),
            r#"["invoice_approver","autopay_approver","autopay_administrator"]"#
        );
    }

    #[test]
    fn a_role_in_one_company_does_not_apply_in_another() {
        let mut roles = UserRoles::default();
        roles.grant(company("acme"), Role::InvoiceApprover);
        assert!(roles.has(&company("acme"), Role::InvoiceApprover));
        assert!(!roles.has(&company("globex"), Role::InvoiceApprover));
        assert!(!roles.has(&company("acme"), Role::AutoPayApprover));
    }

    #[test]
    fn a_revoked_role_is_gone() {
        let mut roles = UserRoles::default();
        roles.grant(company("acme"), Role::AutoPayApprover);
        roles.revoke(&company("acme"), Role::AutoPayApprover);
        assert!(!roles.has(&company("acme"), Role::AutoPayApprover));
        assert!(roles.companies.is_empty());
    }

    #[test]
    fn only_approval_levels_include_approval() {
        let with_approval: Vec<_> = TwoStepLevel::ALL
            .into_iter()
            .filter(|level| level.includes_approval())
            .collect();
        assert_eq!(
            with_approval,
            [TwoStepLevel::OnApproval, TwoStepLevel::OnUploadAndApproval]
        );
        let with_upload: Vec<_> = TwoStepLevel::ALL
            .into_iter()
            .filter(|level| level.includes_upload())
            .collect();
        assert_eq!(
            with_upload,
            [TwoStepLevel::OnUpload, TwoStepLevel::OnUploadAndApproval]
        );
    }

    #[test]
    fn two_step_levels_have_snake_case_keys_and_plain_words() {
        for level in TwoStepLevel::ALL {
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{}\"", level.as_key())
            );
            assert_eq!(TwoStepLevel::parse(level.as_key()), Ok(level));
            assert_eq!(TwoStepLevel::parse(level.display_name()), Ok(level));
        }
        assert_eq!(
            TwoStepLevel::OnUploadAndApproval.to_string(),
            "on upload and approval"
        );
        assert!(TwoStepLevel::parse("always").is_err());
    }
}
