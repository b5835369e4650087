//! The documents kept in Workers KV, their keys, and the views built from them.
//!
//! KV keys:
//! - `user:{user id}` → [`UserRecord`], a read model for listings: the user's `UserGuard`
//!   Durable Object owns the record and every change goes through it; the copy here is
//!   published after each change (never replacing a newer `version`). `user-email:{email}` →
//!   user id (the sign-in index; uniqueness of the address is claimed in the registry Durable
//!   Object first).
//! - Company records ([`CompanyRecord`]: master data, settings, bank agreements) are not KV
//!   documents: the `Registry` Durable Object owns them and changes each atomically together with
//!   its debtor-account claims; [`load_company`] and [`all_companies`] read them there, so no
//!   reader acts on a stale bank agreement. `company:{company id}` in KV is only read once, to
//!   adopt the records an older version kept there.
//! - `integration-key:{sha256 hex of the key}` → [`IntegrationKeyRecord`];
//!   `integration-key-id:{key id}` → the hash (the administrators' listing).
//! - `event:{inverted millis}:{id}` → [`EventView`] (also its metadata), newest first by key.

use std::collections::HashMap;

use ap_core::api::{
    BankAgreementView, CompanySettings, CompanyView, IntegrationKeyView, MyCompany, Scope, UserView,
};
use ap_core::dates::Timestamp;
use ap_core::format::Lang;
use ap_core::ids::{CompanyId, Email, UserId};
use ap_core::readiness::{approve_and_pay_readiness, Readiness, ReadinessInput};
use ap_core::roles::{Role, UserRoles};
use serde::{Deserialize, Serialize};

use crate::do_registry::{self, CompanyAnswer, CompanyChange, RegistryCommand};
use crate::ledger::ProcessRecord;
use crate::problem::{ApiError, Missing, Unavailable};
use crate::store::Kv;

pub fn user_key(id: &UserId) -> String {
    format!("user:{id}")
}

pub fn email_key(email: &Email) -> String {
    format!("user-email:{email}")
}

pub fn integration_key_key(hash: &str) -> String {
    format!("integration-key:{hash}")
}

pub fn integration_key_id_key(id: &str) -> String {
    format!("integration-key-id:{id}")
}

/// A user as stored. The password only as its Argon2id hash; TOTP seeds only sealed. The
/// source of truth is the copy in the user's `UserGuard`; `version` counts its changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: UserId,
    pub name: String,
    pub email: Email,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub roles: UserRoles,
    /// The active TOTP seed, sealed with `SECRETS_KEY` (associated data: the user id).
    #[serde(default)]
    pub two_step: Option<String>,
    /// A seed shown at enrolment and not yet confirmed with a code, sealed likewise.
    #[serde(default)]
    pub pending_two_step: Option<String>,
    pub created_at: u64,
    /// Bumped by the user's guard with every change (0: not yet held by the guard).
    #[serde(default)]
    pub version: u64,
    /// The language chosen on My details (`None`: the browser's).
    #[serde(default)]
    pub language: Option<Lang>,
    /// Registered passkeys (kept by the guard beside the record; the count is here so readiness
    /// can be read from the KV copy).
    #[serde(default)]
    pub passkeys: u32,
}

impl UserRecord {
    /// A new, active user without two-step verification, created at `now` (version 0: the
    /// guard counts from its first change).
    pub fn new(
        id: UserId,
        name: String,
        email: Email,
        password_hash: String,
        roles: UserRoles,
        now: u64,
    ) -> Self {
        UserRecord {
            id,
            name,
            email,
            password_hash,
            active: true,
            must_change_password: false,
            roles,
            two_step: None,
            pending_two_step: None,
            created_at: now,
            version: 0,
            language: None,
            passkeys: 0,
        }
    }
}

impl UserRecord {
    pub fn view(&self, locked_until: Option<u64>) -> UserView {
        UserView {
            id: self.id.to_string(),
            name: self.name.clone(),
            email: self.email.to_string(),
            active: self.active,
            is_system_admin: self.roles.is_system_admin,
            two_step_active: self.two_step.is_some(),
            must_change_password: self.must_change_password,
            locked_until: locked_until.map(rfc3339),
            roles: self
                .roles
                .companies
                .iter()
                .map(|(c, roles)| (c.to_string(), roles.iter().copied().collect()))
                .collect(),
        }
    }
}

/// A company as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompanyRecord {
    pub id: CompanyId,
    pub name: String,
    pub org_number: String,
    pub country: String,
    pub base_currency: String,
    pub settings: CompanySettings,
    pub bank_agreements: Vec<BankAgreementView>,
    /// Counts the changes of this record (1 when created).
    #[serde(default)]
    pub version: u64,
    /// The approval workflow's draft and active version (`ap_core::workflow::Workflows`).
    #[serde(default)]
    pub workflows: ap_core::workflow::Workflows,
    /// Where the company's events are sent (`notify.rs`), if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<CompanyWebhook>,
}

/// The company's outgoing webhook: its address, and its signing secret sealed with
/// `SECRETS_KEY` (associated data: the company id), never in plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyWebhook {
    pub url: String,
    pub sealed_secret: String,
}

impl CompanyRecord {
    pub fn view(&self) -> CompanyView {
        CompanyView {
            id: self.id.to_string(),
            name: self.name.clone(),
            org_number: self.org_number.clone(),
            country: self.country.clone(),
            base_currency: self.base_currency.clone(),
            settings: self.settings.clone(),
            bank_agreements: self.bank_agreements.clone(),
            version: self.version,
        }
    }

    /// Can `user` approve and pay here, and if not, why.
    pub fn readiness_of(&self, user: &UserRecord) -> Readiness {
        approve_and_pay_readiness(&ReadinessInput {
            has_invoice_approver: user.roles.has(&self.id, Role::InvoiceApprover),
            has_autopay_approver: user.roles.has(&self.id, Role::AutoPayApprover),
            company_two_step_for_autopay: self.settings.two_step_for_autopay,
            user_two_step_active: user.two_step.is_some(),
            bank_agreement_levels: self
                .bank_agreements
                .iter()
                .map(|a| a.two_step_level)
                .collect(),
            allow_pre_approval: self.settings.allow_pre_approval,
            company_requires_passkey: self.settings.require_passkey,
            user_has_passkey: user.passkeys > 0,
        })
    }

    pub fn my_company(&self, user: &UserRecord) -> MyCompany {
        let readiness = self.readiness_of(user);
        MyCompany {
            id: self.id.to_string(),
            name: self.name.clone(),
            roles: user
                .roles
                .companies
                .get(&self.id)
                .map(|r| r.iter().copied().collect())
                .unwrap_or_default(),
            approve_and_pay_ready: readiness.ready,
            missing: readiness.messages(&self.name),
        }
    }
}

/// An integration key as stored: never the key itself, only its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntegrationKeyRecord {
    pub id: String,
    pub company_id: CompanyId,
    pub label: String,
    pub scopes: Vec<Scope>,
    pub prefix: String,
    pub hash: String,
    pub created_at: u64,
    pub last_used_at: Option<u64>,
    pub revoked_at: Option<u64>,
}

impl IntegrationKeyRecord {
    pub fn view(&self) -> IntegrationKeyView {
        IntegrationKeyView {
            id: self.id.clone(),
            company_id: self.company_id.to_string(),
            label: self.label.clone(),
            scopes: self.scopes.clone(),
            prefix: self.prefix.clone(),
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
            revoked_at: self.revoked_at.map(rfc3339),
        }
    }
}

pub fn rfc3339(secs: u64) -> String {
    Timestamp(secs).to_rfc3339()
}

pub async fn load_user(kv: &Kv, id: &UserId) -> Result<Option<UserRecord>, ApiError> {
    kv.get(&user_key(id)).await
}

/// Publishes the guard's record as the KV read model, unless KV already holds a newer version
/// (two changes may publish in either order).
pub async fn publish_user(kv: &Kv, user: &UserRecord) -> Result<(), ApiError> {
    if let Some(held) = load_user(kv, &user.id).await? {
        if held.version > user.version {
            return Ok(());
        }
    }
    kv.put(&user_key(&user.id), user).await
}

/// One command to the registry about company records. Before the first one the registry asks
/// for the records an older version kept in KV (`company:{id}`), adopts them, and the command
/// is sent again.
async fn company_command(kv: &Kv, command: &RegistryCommand) -> Result<CompanyAnswer, ApiError> {
    let answer = do_registry::company_command(kv.env(), command).await?;
    if !matches!(answer, CompanyAnswer::NotAdopted) {
        return Ok(answer);
    }
    // Every legacy record, however many: adopting only some would lose the rest for good.
    let records: Vec<CompanyRecord> = kv.values("company:", usize::MAX).await?;
    do_registry::company_command(kv.env(), &RegistryCommand::AdoptCompanies { records }).await?;
    match do_registry::company_command(kv.env(), command).await? {
        CompanyAnswer::NotAdopted => Err(Unavailable::CompanyRecordsSettingUp.into()),
        answer => Ok(answer),
    }
}

fn unexpected(answer: &CompanyAnswer) -> ApiError {
    ApiError::internal("registry", format!("unexpected answer {answer:?}"))
}

/// The company as the registry holds it now; an unreadable record is a 503, never a default.
pub async fn load_company(kv: &Kv, id: &CompanyId) -> Result<Option<CompanyRecord>, ApiError> {
    let command = RegistryCommand::GetCompany {
        company: id.to_string(),
    };
    match company_command(kv, &command).await? {
        CompanyAnswer::Found { company } => Ok(Some(company)),
        CompanyAnswer::NotFound => Ok(None),
        CompanyAnswer::Refused { refusal } => Err(refusal.into()),
        other => Err(unexpected(&other)),
    }
}

/// Every company, by name (one registry call).
pub async fn all_companies(kv: &Kv) -> Result<Vec<CompanyRecord>, ApiError> {
    let mut companies = match company_command(kv, &RegistryCommand::ListCompanies).await? {
        CompanyAnswer::Listed { companies } => companies,
        CompanyAnswer::Refused { refusal } => return Err(refusal.into()),
        other => return Err(unexpected(&other)),
    };
    companies.sort_by_key(|c| c.name.to_lowercase());
    Ok(companies)
}

/// Stores a new company (version 1, no bank agreements).
pub async fn create_company(kv: &Kv, record: CompanyRecord) -> Result<CompanyRecord, ApiError> {
    match company_command(kv, &RegistryCommand::CreateCompany { record }).await? {
        CompanyAnswer::Created { company } => Ok(company),
        CompanyAnswer::Refused { refusal } => Err(refusal.into()),
        other => Err(unexpected(&other)),
    }
}

/// Makes one change of one company atomically (made on `expected_version` when given);
/// answers the record before and after.
pub async fn change_company(
    kv: &Kv,
    id: &CompanyId,
    expected_version: Option<u64>,
    change: CompanyChange,
) -> Result<(CompanyRecord, CompanyRecord), ApiError> {
    let command = RegistryCommand::ChangeCompany {
        company: id.to_string(),
        expected_version,
        change,
    };
    match company_command(kv, &command).await? {
        CompanyAnswer::Changed { before, after } => Ok((before, after)),
        CompanyAnswer::NotFound => Err(Missing::Company.into()),
        CompanyAnswer::Refused { refusal } => Err(refusal.into()),
        other => Err(unexpected(&other)),
    }
}

/// A company id from a path segment; a malformed one is simply not found.
pub fn company_id(segment: &str) -> Result<CompanyId, ApiError> {
    CompanyId::parse(segment).map_err(|_| Missing::Company.into())
}

pub fn user_id(segment: &str) -> Result<UserId, ApiError> {
    UserId::parse(segment).map_err(|_| Missing::User.into())
}

pub async fn existing_company(kv: &Kv, segment: &str) -> Result<CompanyRecord, ApiError> {
    load_company(kv, &company_id(segment)?)
        .await?
        .ok_or_else(|| Missing::Company.into())
}

/// "Name <e-mail>": who did something, in histories and events.
pub fn actor_label(user: &UserRecord) -> String {
    format!("{} <{}>", user.name, user.email)
}

/// Names of users, read once per request.
#[derive(Default)]
pub struct Names(HashMap<UserId, String>);

impl Names {
    pub async fn of(&mut self, kv: &Kv, id: &UserId) -> Result<String, ApiError> {
        if let Some(name) = self.0.get(id) {
            return Ok(name.clone());
        }
        let name = load_user(kv, id)
            .await?
            .map_or_else(|| id.to_string(), |u| u.name);
        self.0.insert(id.clone(), name.clone());
        Ok(name)
    }

    pub async fn approvers(
        &mut self,
        kv: &Kv,
        record: &ProcessRecord,
    ) -> Result<Vec<String>, ApiError> {
        let mut out = Vec::new();
        for approval in record.process.approvals() {
            out.push(self.of(kv, &approval.user).await?);
        }
        Ok(out)
    }
}
