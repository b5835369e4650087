//! The organisation-wide registry Durable Object: claims that must be unique, and the company
//! records (master data, settings, bank agreements) with the debtor accounts they claim.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object, named
//! [`crate::store::REGISTRY_NAME`].
//! - `claims`: one row per claimed `(kind, key)` with its `owner`; the primary key makes a claim
//!   first-come, first-served, even for two requests at the same instant. Kinds in use:
//!   `first-admin` (key `organisation`, owner the first System Administrator's user id) and
//!   `email` (key the normalised address, owner the user id).
//! - `companies`: one row per company, `id` and the [`CompanyRecord`] as JSON (with its
//!   `version`, counted up by every change). This is the only copy: every reader asks here.
//! - `debtor_accounts`: one row per debtor IBAN (electronic form, the primary key) with the
//!   company and bank agreement that hold it: a debtor account belongs to one bank agreement of
//!   one company in the whole organisation.
//! - `meta`: `companies_adopted` once the company records an older version kept in KV
//!   (`company:{id}`) were taken over; until then company commands answer
//!   [`CompanyAnswer::NotAdopted`].
//!
//! Each company command reads the record, applies the `ap_core::org` rule and writes the record
//! together with its debtor-account claims without awaiting in between, so it is one atomic
//! step: two changes of one company never undo each other, and of two agreements claiming one
//! account exactly one wins.

use crate::durable::{answer_command, Transactions};
use ap_core::api::{BankAgreementView, CompanySettingsPatch};
use ap_core::org::{
    apply_settings_patch, check_expected_version, may_claim_account, put_agreement,
    remove_agreement, AccountClaims, AccountHolder, AgreementRefusal, SettingsRefusal,
    StaleVersion,
};
use ap_core::roles::UserRoles;
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

use crate::records::CompanyRecord;

/// The claim that the organisation's first System Administrator exists.
pub const FIRST_ADMIN: (&str, &str) = ("first-admin", "organisation");
/// Kind of the claim on an e-mail address.
pub const EMAIL: &str = "email";
/// The `meta` key set once legacy KV company records were adopted.
const ADOPTED: &str = "companies_adopted";

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RegistryCommand {
    /// Claims `(kind, key)` for `owner` unless someone holds it already.
    Claim {
        kind: String,
        key: String,
        owner: String,
    },
    /// Gives up a claim, only if `owner` holds it.
    Release {
        kind: String,
        key: String,
        owner: String,
    },
    Lookup {
        kind: String,
        key: String,
    },
    /// At most `limit` claims of `kind` whose key sorts after `after`, in key order.
    ListClaims {
        kind: String,
        after: Option<String>,
        limit: usize,
    },
    /// A new company (no bank agreements yet).
    CreateCompany {
        record: CompanyRecord,
    },
    /// One change of one company, made on `expected_version` when given.
    ChangeCompany {
        company: String,
        expected_version: Option<u64>,
        change: CompanyChange,
    },
    GetCompany {
        company: String,
    },
    ListCompanies,
    /// Sets an absence (issue 10's substitutes) when `ap_core::workflow::check_absence` allows
    /// it against every stored absence, in one step: two absences that would have the two
    /// people substitute for each other cannot both be stored. `substitute_is_approver`: the
    /// substitute is an active Invoice Approver in a company of the absent user (read by the
    /// Worker).
    SetAbsence {
        id: String,
        absence: ap_core::workflow::Absence,
        substitute_is_approver: bool,
    },
    /// Removes an absence of `user`.
    RemoveAbsence {
        id: String,
        user: String,
    },
    /// The absences `user` is away in or substitutes in.
    Absences {
        user: String,
    },
    /// Takes over the company records an older version kept in KV (once).
    AdoptCompanies {
        records: Vec<CompanyRecord>,
    },
}

/// What one `ChangeCompany` does; the rule is `ap_core::org`'s, applied to the stored record.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CompanyChange {
    /// Master data only (validated by the handler).
    MasterData {
        name: String,
        org_number: String,
        country: String,
        base_currency: String,
    },
    /// A settings patch on behalf of someone holding `roles`.
    Settings {
        patch: CompanySettingsPatch,
        roles: UserRoles,
    },
    /// Adds (`adding`) or replaces a bank agreement (validated by the handler).
    PutAgreement {
        agreement: BankAgreementView,
        adding: bool,
    },
    RemoveAgreement {
        agreement_id: String,
    },
    /// Replaces the approval workflow's draft (validated here, by `ap_core::workflow`).
    SaveWorkflowDraft {
        draft: ap_core::workflow::Workflow,
    },
    /// Makes the draft the active workflow version.
    ActivateWorkflow {
        by: ap_core::ids::UserId,
        at: ap_core::dates::Timestamp,
    },
    /// Sets (or with `None` removes) the company's webhook (checked by the handler).
    SetWebhook {
        webhook: Option<crate::records::CompanyWebhook>,
    },
}

/// Who holds the claim now (after a `Claim`: the caller if it won).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimAnswer {
    pub owner: Option<String>,
}

/// A page of claims: `(key, owner)` in key order, and whether more follow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimsPage {
    pub claims: Vec<(String, String)>,
    pub more: bool,
}

impl ClaimsPage {
    /// The cursor of the page after this one (`ap_core::listing::key_cursor` of its last key)
    /// while more claims follow.
    pub fn next_cursor(&self) -> Option<String> {
        self.more
            .then(|| self.claims.last())
            .flatten()
            .map(|(key, _)| ap_core::listing::key_cursor(key))
    }
}

/// The answer to a company command.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // a message, serialized at once: boxing gains nothing
pub enum CompanyAnswer {
    Found {
        company: CompanyRecord,
    },
    Listed {
        companies: Vec<CompanyRecord>,
    },
    Changed {
        before: CompanyRecord,
        after: CompanyRecord,
    },
    Created {
        company: CompanyRecord,
    },
    Adopted,
    NotFound,
    Refused {
        refusal: CompanyRefusal,
    },
    /// Legacy KV company records must be adopted before any company command.
    NotAdopted,
}

/// Why a company command changed nothing: the `ap_core::org` rule that refused, or the
/// registry's own. Statuses in `problem.rs`.
#[derive(Debug, Serialize, Deserialize, thiserror::Error)]
pub enum CompanyRefusal {
    /// A new company drew an id that exists already.
    #[error("A company with this id exists already; please try again.")]
    IdTaken,
    /// The record changed since the caller read it.
    #[error(transparent)]
    Stale(#[from] StaleVersion),
    #[error(transparent)]
    Settings(#[from] SettingsRefusal),
    /// Includes a debtor account held by another agreement.
    #[error(transparent)]
    Agreement(#[from] AgreementRefusal),
    #[error(transparent)]
    Workflow(#[from] ap_core::workflow::WorkflowRefusal),
    /// A stored record could not be read: nothing is assumed in its place.
    #[error("A company record could not be read; nothing was changed. Please contact support.")]
    Unreadable,
}

#[derive(Deserialize)]
struct OwnerRow {
    owner: String,
}

#[derive(Deserialize)]
struct RecordRow {
    record: String,
}

#[derive(Deserialize)]
struct MetaRow {
    #[allow(dead_code)] // only its presence is read
    value: String,
}

#[derive(Deserialize)]
struct HolderRow {
    company: String,
    agreement: String,
}

#[durable_object]
pub struct Registry {
    sql: SqlStorage,
    transactions: Result<Transactions>,
}

impl DurableObject for Registry {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        for statement in [
            "CREATE TABLE IF NOT EXISTS claims (kind TEXT NOT NULL, key TEXT NOT NULL, \
             owner TEXT NOT NULL, PRIMARY KEY (kind, key))",
            "CREATE TABLE IF NOT EXISTS companies (id TEXT PRIMARY KEY, record TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS debtor_accounts (iban TEXT PRIMARY KEY, \
             company TEXT NOT NULL, agreement TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS absences (id TEXT PRIMARY KEY, user TEXT NOT NULL, \
             substitute TEXT NOT NULL, record TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS absences_user ON absences (user)",
            "CREATE INDEX IF NOT EXISTS absences_substitute ON absences (substitute)",
        ] {
            if let Err(e) = sql.exec(statement, None) {
                worker::console_error!("registry schema: {e}");
            }
        }
        let transactions = Transactions::of(&state);
        Self { sql, transactions }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        answer_command(&mut req, &self.transactions, "registry", |c| {
            self.dispatch(c)
        })
        .await
    }
}

impl Registry {
    /// Runs one command and answers its JSON.
    fn dispatch(&self, command: RegistryCommand) -> Result<String> {
        let (kind, key) = match command {
            RegistryCommand::Claim { kind, key, owner } => {
                self.sql.exec(
                    "INSERT OR IGNORE INTO claims (kind, key, owner) VALUES (?, ?, ?)",
                    vec![kind.clone().into(), key.clone().into(), owner.into()],
                )?;
                (kind, key)
            }
            RegistryCommand::Release { kind, key, owner } => {
                self.sql.exec(
                    "DELETE FROM claims WHERE kind = ? AND key = ? AND owner = ?",
                    vec![kind.clone().into(), key.clone().into(), owner.into()],
                )?;
                (kind, key)
            }
            RegistryCommand::Lookup { kind, key } => (kind, key),
            RegistryCommand::ListClaims { kind, after, limit } => {
                return to_json(&self.list_claims(&kind, after.as_deref(), limit)?)
            }
            RegistryCommand::AdoptCompanies { records } => return to_json(&self.adopt(records)?),
            RegistryCommand::SetAbsence {
                id,
                absence,
                substitute_is_approver,
            } => return to_json(&self.set_absence(id, absence, substitute_is_approver)?),
            RegistryCommand::RemoveAbsence { id, user } => {
                let removed = self
                    .sql
                    .exec(
                        "DELETE FROM absences WHERE id = ? AND user = ? RETURNING id",
                        vec![id.into(), user.into()],
                    )?
                    .to_array::<serde_json::Value>()?;
                return to_json(&if removed.is_empty() {
                    AbsenceAnswer::NotFound
                } else {
                    AbsenceAnswer::Removed
                });
            }
            RegistryCommand::Absences { user } => {
                return to_json(&AbsenceAnswer::Listed {
                    absences: self.absences_of(&user)?,
                })
            }
            company_command => {
                let answer = if self.adopted()? {
                    self.company(company_command)?
                } else {
                    CompanyAnswer::NotAdopted
                };
                return to_json(&answer);
            }
        };
        let rows: Vec<OwnerRow> = self
            .sql
            .exec(
                "SELECT owner FROM claims WHERE kind = ? AND key = ?",
                vec![kind.into(), key.into()],
            )?
            .to_array()?;
        to_json(&ClaimAnswer {
            owner: rows.into_iter().next().map(|r| r.owner),
        })
    }
}

/// An absence as stored, with its id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredAbsence {
    pub id: String,
    pub absence: ap_core::workflow::Absence,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum AbsenceAnswer {
    Listed {
        absences: Vec<StoredAbsence>,
    },
    Set {
        absence: StoredAbsence,
    },
    Refused {
        refusal: ap_core::workflow::AbsenceRefusal,
    },
    Removed,
    NotFound,
}

impl Registry {
    /// Every absence `user` is away in or substitutes in.
    fn absences_of(&self, user: &str) -> Result<Vec<StoredAbsence>> {
        let rows: Vec<RecordRow> = self
            .sql
            .exec(
                "SELECT record FROM absences WHERE user = ? OR substitute = ?",
                vec![user.into(), user.into()],
            )?
            .to_array()?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(&r.record)
                    .map_err(|e| worker::Error::RustError(format!("unreadable absence: {e}")))
            })
            .collect()
    }

    fn set_absence(
        &self,
        id: String,
        absence: ap_core::workflow::Absence,
        substitute_is_approver: bool,
    ) -> Result<AbsenceAnswer> {
        // The absences that can conflict: the absent user's own, and the substitute's.
        let mut existing: Vec<ap_core::workflow::Absence> = self
            .absences_of(absence.user.as_str())?
            .into_iter()
            .chain(self.absences_of(absence.substitute.as_str())?)
            .map(|s| s.absence)
            .collect();
        existing.dedup();
        let mut directory = ap_core::workflow::Directory::default();
        if substitute_is_approver {
            directory
                .invoice_approvers
                .insert(absence.substitute.clone());
        }
        if let Err(refusal) = ap_core::workflow::check_absence(&absence, &existing, &directory) {
            return Ok(AbsenceAnswer::Refused { refusal });
        }
        let stored = StoredAbsence { id, absence };
        self.sql.exec(
            "INSERT INTO absences (id, user, substitute, record) VALUES (?, ?, ?, ?)",
            vec![
                stored.id.clone().into(),
                stored.absence.user.to_string().into(),
                stored.absence.substitute.to_string().into(),
                to_json(&stored)?.into(),
            ],
        )?;
        Ok(AbsenceAnswer::Set { absence: stored })
    }

    fn list_claims(&self, kind: &str, after: Option<&str>, limit: usize) -> Result<ClaimsPage> {
        #[derive(Deserialize)]
        struct Row {
            key: String,
            owner: String,
        }
        let limit = limit.clamp(1, 1000);
        let mut rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT key, owner FROM claims WHERE kind = ? AND key > ? ORDER BY key LIMIT ?",
                vec![
                    kind.into(),
                    after.unwrap_or("").into(),
                    ((limit + 1) as i64).into(),
                ],
            )?
            .to_array()?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        Ok(ClaimsPage {
            claims: rows.into_iter().map(|r| (r.key, r.owner)).collect(),
            more,
        })
    }

    fn adopted(&self) -> Result<bool> {
        let rows: Vec<MetaRow> = self
            .sql
            .exec("SELECT value FROM meta WHERE key = ?", vec![ADOPTED.into()])?
            .to_array()?;
        Ok(!rows.is_empty())
    }

    fn company(&self, command: RegistryCommand) -> Result<CompanyAnswer> {
        match command {
            RegistryCommand::CreateCompany { record } => self.create(record),
            RegistryCommand::ChangeCompany {
                company,
                expected_version,
                change,
            } => self.change(&company, expected_version, change),
            RegistryCommand::GetCompany { company } => Ok(match self.record(&company)? {
                Ok(Some(company)) => CompanyAnswer::Found { company },
                Ok(None) => CompanyAnswer::NotFound,
                Err(refusal) => CompanyAnswer::Refused { refusal },
            }),
            RegistryCommand::ListCompanies => self.list(),
            _ => Err(worker::Error::RustError("not a company command".into())),
        }
    }

    /// The stored record of `id`; `Err` when it cannot be read (never a default in its place).
    fn record(
        &self,
        id: &str,
    ) -> Result<std::result::Result<Option<CompanyRecord>, CompanyRefusal>> {
        let rows: Vec<RecordRow> = self
            .sql
            .exec("SELECT record FROM companies WHERE id = ?", vec![id.into()])?
            .to_array()?;
        Ok(match rows.into_iter().next() {
            None => Ok(None),
            Some(row) => parse_record(&row.record).map(Some),
        })
    }

    fn list(&self) -> Result<CompanyAnswer> {
        let rows: Vec<RecordRow> = self
            .sql
            .exec("SELECT record FROM companies", None)?
            .to_array()?;
        let mut companies = Vec::with_capacity(rows.len());
        for row in rows {
            match parse_record(&row.record) {
                Ok(company) => companies.push(company),
                Err(refusal) => return Ok(CompanyAnswer::Refused { refusal }),
            }
        }
        Ok(CompanyAnswer::Listed { companies })
    }

    fn create(&self, mut record: CompanyRecord) -> Result<CompanyAnswer> {
        record.version = 1;
        record.bank_agreements.clear();
        if !matches!(self.record(record.id.as_str())?, Ok(None)) {
            return Ok(refused(CompanyRefusal::IdTaken));
        }
        self.sql.exec(
            "INSERT INTO companies (id, record) VALUES (?, ?)",
            vec![record.id.to_string().into(), to_json(&record)?.into()],
        )?;
        Ok(CompanyAnswer::Created { company: record })
    }

    fn change(
        &self,
        id: &str,
        expected_version: Option<u64>,
        change: CompanyChange,
    ) -> Result<CompanyAnswer> {
        let before = match self.record(id)? {
            Ok(Some(record)) => record,
            Ok(None) => return Ok(CompanyAnswer::NotFound),
            Err(refusal) => return Ok(CompanyAnswer::Refused { refusal }),
        };
        if let Err(stale) = check_expected_version(before.version, expected_version) {
            return Ok(refused(stale));
        }
        let mut after = before.clone();
        let (claims, agreement) = match apply(&mut after, change) {
            Ok(applied) => applied,
            Err(refusal) => return Ok(refused(refusal)),
        };
        let claimant = AccountHolder {
            company: id.to_owned(),
            agreement: agreement.unwrap_or_default(),
        };
        if let Some(account) = &claims.claim {
            if let Some(refusal) = self.account_refusal(account, &claimant)? {
                return Ok(refused(refusal));
            }
        }
        after.version = before.version + 1;
        // Every check is done: the writes below cannot be refused, so all of them happen.
        self.sql.exec(
            "UPDATE companies SET record = ? WHERE id = ?",
            vec![to_json(&after)?.into(), id.into()],
        )?;
        if let Some(account) = claims.release {
            self.sql.exec(
                "DELETE FROM debtor_accounts WHERE iban = ? AND company = ? AND agreement = ?",
                vec![
                    account.into(),
                    claimant.company.clone().into(),
                    claimant.agreement.clone().into(),
                ],
            )?;
        }
        if let Some(account) = claims.claim {
            self.sql.exec(
                "INSERT OR REPLACE INTO debtor_accounts (iban, company, agreement) VALUES (?, ?, ?)",
                vec![
                    account.into(),
                    claimant.company.into(),
                    claimant.agreement.into(),
                ],
            )?;
        }
        Ok(CompanyAnswer::Changed { before, after })
    }

    /// Who holds `account` now, if anyone.
    fn holder(&self, account: &str) -> Result<Option<AccountHolder>> {
        let rows: Vec<HolderRow> = self
            .sql
            .exec(
                "SELECT company, agreement FROM debtor_accounts WHERE iban = ?",
                vec![account.into()],
            )?
            .to_array()?;
        Ok(rows.into_iter().next().map(|r| AccountHolder {
            company: r.company,
            agreement: r.agreement,
        }))
    }

    /// Why `claimant` may not take `account`, naming the company and bank that hold it.
    fn account_refusal(
        &self,
        account: &str,
        claimant: &AccountHolder,
    ) -> Result<Option<CompanyRefusal>> {
        let holder = self.holder(account)?;
        if may_claim_account(holder.as_ref(), claimant) {
            return Ok(None);
        }
        let Some(holder) = holder else {
            return Ok(None);
        };
        let (company, bank) = match self.record(&holder.company)? {
            Ok(Some(record)) => {
                let bank = record
                    .bank_agreements
                    .iter()
                    .find(|a| a.id == holder.agreement)
                    .map(|a| a.bank_name.clone())
                    .unwrap_or_else(|| "a bank".to_owned());
                (record.name, bank)
            }
            _ => (format!("company {}", holder.company), "a bank".to_owned()),
        };
        Ok(Some(
            AgreementRefusal::AccountInUse {
                account: account.to_owned(),
                company,
                bank,
            }
            .into(),
        ))
    }

    /// Takes over legacy records not known yet. An agreement whose account another agreement
    /// holds already is left out (logged): that account then pays nothing until an
    /// administrator sorts it out, rather than two companies paying from it.
    fn adopt(&self, records: Vec<CompanyRecord>) -> Result<CompanyAnswer> {
        if self.adopted()? {
            return Ok(CompanyAnswer::Adopted);
        }
        for mut record in records {
            let id = record.id.to_string();
            if !matches!(self.record(&id)?, Ok(None)) {
                continue;
            }
            let mut kept = Vec::new();
            for agreement in std::mem::take(&mut record.bank_agreements) {
                let claimant = AccountHolder {
                    company: id.clone(),
                    agreement: agreement.id.clone(),
                };
                let holder = self.holder(&agreement.debtor_account)?;
                if may_claim_account(holder.as_ref(), &claimant) {
                    self.sql.exec(
                        "INSERT OR REPLACE INTO debtor_accounts (iban, company, agreement) \
                         VALUES (?, ?, ?)",
                        vec![
                            agreement.debtor_account.clone().into(),
                            id.clone().into(),
                            agreement.id.clone().into(),
                        ],
                    )?;
                    kept.push(agreement);
                } else {
                    worker::console_warn!(
                        "registry: bank agreement {} of company {id} left out: its debtor \
                         account belongs to another agreement",
                        agreement.id
                    );
                }
            }
            record.bank_agreements = kept;
            record.version = record.version.max(1);
            self.sql.exec(
                "INSERT INTO companies (id, record) VALUES (?, ?)",
                vec![id.into(), to_json(&record)?.into()],
            )?;
        }
        self.sql.exec(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            vec![ADOPTED.into(), "yes".into()],
        )?;
        Ok(CompanyAnswer::Adopted)
    }
}

fn refused(refusal: impl Into<CompanyRefusal>) -> CompanyAnswer {
    CompanyAnswer::Refused {
        refusal: refusal.into(),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))
}

fn parse_record(text: &str) -> std::result::Result<CompanyRecord, CompanyRefusal> {
    serde_json::from_str(text).map_err(|e| {
        worker::console_error!("registry: unreadable company record: {e}");
        CompanyRefusal::Unreadable
    })
}

/// Applies one change to `record` with the `ap_core::org` rules; answers the account claims and
/// the bank agreement they are made for.
fn apply(
    record: &mut CompanyRecord,
    change: CompanyChange,
) -> std::result::Result<(AccountClaims, Option<String>), CompanyRefusal> {
    match change {
        CompanyChange::MasterData {
            name,
            org_number,
            country,
            base_currency,
        } => {
            record.name = name;
            record.org_number = org_number;
            record.country = country;
            record.base_currency = base_currency;
            Ok((AccountClaims::default(), None))
        }
        CompanyChange::Settings { patch, roles } => {
            record.settings = apply_settings_patch(&record.settings, &patch, &roles, &record.id)?;
            Ok((AccountClaims::default(), None))
        }
        CompanyChange::PutAgreement { agreement, adding } => {
            let id = agreement.id.clone();
            let claims = put_agreement(&mut record.bank_agreements, agreement, adding)?;
            Ok((claims, Some(id)))
        }
        CompanyChange::RemoveAgreement { agreement_id } => {
            let (removed, claims) = remove_agreement(&mut record.bank_agreements, &agreement_id)?;
            Ok((claims, Some(removed.id)))
        }
        CompanyChange::SaveWorkflowDraft { draft } => {
            record.workflows.save_draft(draft)?;
            Ok((AccountClaims::default(), None))
        }
        CompanyChange::ActivateWorkflow { by, at } => {
            record.workflows.activate(&by, at)?;
            Ok((AccountClaims::default(), None))
        }
        CompanyChange::SetWebhook { webhook } => {
            record.webhook = webhook;
            Ok((AccountClaims::default(), None))
        }
    }
}

/// Sends one command to the registry and answers who holds the claim.
pub async fn ask_registry(
    env: &Env,
    command: &RegistryCommand,
) -> std::result::Result<Option<String>, crate::problem::ApiError> {
    let answer: ClaimAnswer = crate::store::call_object(
        env,
        crate::store::REGISTRY_BINDING,
        crate::store::REGISTRY_NAME,
        command,
    )
    .await?;
    Ok(answer.owner)
}

/// A page of the claims of `kind` after key `after`, in key order.
pub async fn list_claims(
    env: &Env,
    kind: &str,
    after: Option<String>,
    limit: usize,
) -> std::result::Result<ClaimsPage, crate::problem::ApiError> {
    crate::store::call_object(
        env,
        crate::store::REGISTRY_BINDING,
        crate::store::REGISTRY_NAME,
        &RegistryCommand::ListClaims {
            kind: kind.to_owned(),
            after,
            limit,
        },
    )
    .await
}

/// Sends one company command to the registry.
pub async fn company_command(
    env: &Env,
    command: &RegistryCommand,
) -> std::result::Result<CompanyAnswer, crate::problem::ApiError> {
    crate::store::call_object(
        env,
        crate::store::REGISTRY_BINDING,
        crate::store::REGISTRY_NAME,
        command,
    )
    .await
}

/// Claims `(kind, key)` for `owner`; true when `owner` holds it afterwards.
pub async fn claim(
    env: &Env,
    kind: &str,
    key: &str,
    owner: &str,
) -> std::result::Result<bool, crate::problem::ApiError> {
    let command = RegistryCommand::Claim {
        kind: kind.to_owned(),
        key: key.to_owned(),
        owner: owner.to_owned(),
    };
    Ok(ask_registry(env, &command).await?.as_deref() == Some(owner))
}
