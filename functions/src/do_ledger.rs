//! The per-company ledger Durable Object: the source of truth for invoice processes and
//! approval tokens.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object per company, named by the
//! company id.
//! - `processes`: one row per invoice process: `id`, the Document Center `document_id`
//!   (unique: idempotency), the document's content `fingerprint`, `supplier_org` (for duplicate
//!   and account checks), `state` and `version` (also inside `data`, the `ap_core` `Process` as
//!   JSON) and the stored `warnings` (JSON).
//! - `tokens`: one row per issued approval token: its SHA-256 (`token_hash`, never the token),
//!   the `process_id`, and the `TokenRecord` (binding, expiry, revoked, consumed) as JSON.
//! - `approved`: the approval order the ERP pages through: `seq`, `process_id`, `approved_at`,
//!   and for pre-approved invoices the token sealed with `SECRETS_KEY` (associated data: the
//!   process id), never in plain text.
//! - `history`: every event of every process (who, when, what, bundle id, two-step method).
//! - `probe`: the health check's counter.
//!
//! Each command runs its reads and writes without awaiting in between, so it is one atomic
//! step: of two approvers acting on the same version exactly one wins, and signing a company's
//! part of a bundle either issues every token or none.

use ap_core::api_autopay::PaymentStatus;
use ap_core::approval::revokes_on_account_change;
use ap_core::bank_report::ReportItem;
use ap_core::bundle::BundleItem;
use ap_core::ids::{BankAgreementId, CompanyId, InvoiceId, PaymentId, UserId};
use ap_core::process::{
    opening_warnings, Change, Process, ProcessRefusal, ProcessState, Transition,
};
use ap_core::token::{ApprovalToken, TokenRecord};
use ap_core::warnings::Warning;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, SqlStorageValue,
    State,
};

use crate::durable::{answer_command, Transactions};
use crate::problem::ApiError;

mod payments;
pub use payments::{
    ApprovePaymentAnswer, ExportAck, ExportAnswer, NewFile, NewPayment, Presented, SignFileAnswer,
    UploadOutcome,
};

/// What an approver does to one process.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    Approve {
        expected_version: u64,
    },
    ApproveAndPay {
        expected_version: u64,
    },
    Reject {
        expected_version: u64,
        comment: String,
    },
    Comment {
        text: String,
    },
    RemoveFromBundle {
        expected_version: u64,
    },
}

/// One invoice of a signing, with its freshly drawn token and the token sealed for the ERP.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignItem {
    pub process_id: InvoiceId,
    pub expected_version: u64,
    /// What the signing dialog showed; must still be true of the process.
    pub shown: BundleItem,
    pub token: ApprovalToken,
    pub sealed_token: String,
}

/// Commands the Worker sends to a ledger. Times are unix seconds from the Worker's clock.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // a message, serialized at once: boxing gains nothing
pub enum LedgerCommand {
    /// Records one probe and answers how many were recorded so far.
    Probe,
    /// Answers how many probes were recorded, recording none (the anonymous health check).
    ProbeCount,
    /// A new document: idempotent on its document id.
    Open {
        process: Process,
        fingerprint: String,
        transition: Transition,
    },
    Act {
        process_id: InvoiceId,
        user: UserId,
        actor: String,
        action: Action,
        now: u64,
    },
    /// "Cancel approval": every invoice of `user`'s bundle in this company back to the tasks.
    CancelBundle {
        user: UserId,
        actor: String,
        now: u64,
    },
    /// Signs this company's part of a bundle: all or nothing.
    Sign {
        user: UserId,
        actor: String,
        bundle_id: String,
        bank_agreement_id: BankAgreementId,
        debtor_iban: ap_core::iban::Iban,
        expiry_days: u32,
        items: Vec<SignItem>,
        now: u64,
    },
    /// A System Administrator withdraws a token.
    Revoke {
        process_id: InvoiceId,
        actor: String,
        now: u64,
    },
    List,
    Get {
        process_id: InvoiceId,
    },
    /// Approvals after `after` (a sequence number), oldest first.
    Approved {
        after: u64,
        limit: usize,
    },
    /// AutoPay: a payment file's payments, checked (or waiting for signing), idempotent on the
    /// content hash and the idempotency key.
    Upload {
        company: CompanyId,
        file: NewFile,
        payments: Vec<NewPayment>,
        allow_pre_approval: bool,
        now: u64,
    },
    SignFile {
        company: CompanyId,
        file_id: String,
        actor: String,
        allow_pre_approval: bool,
        now: u64,
    },
    FileResult {
        company: CompanyId,
        file_id: String,
    },
    ListFiles {
        company: CompanyId,
    },
    ListPayments {
        company: CompanyId,
        status: Option<PaymentStatus>,
        file: Option<String>,
        date: Option<String>,
        limit: usize,
    },
    PaymentEvents {
        company: CompanyId,
        payment_id: PaymentId,
    },
    ApprovePayment {
        company: CompanyId,
        payment_id: PaymentId,
        user: UserId,
        actor: String,
        method: Option<String>,
        /// The approver confirmed the payment's warning.
        #[serde(default)]
        confirm_warning: bool,
        now: u64,
    },
    /// An AutoPay Approver stops a payment pending approval.
    RejectPayment {
        company: CompanyId,
        payment_id: PaymentId,
        actor: String,
        reason: String,
        now: u64,
    },
    BankReport {
        company: CompanyId,
        report_msg_id: String,
        original_msg_id: String,
        items: Vec<ReportItem>,
        now: u64,
    },
    /// The ERP export of one kind: the unacknowledged one, or a new one under `export_id` of
    /// approved invoices in no export yet. Reading marks nothing.
    Export {
        pre_approved: bool,
        export_id: String,
        limit: usize,
        now: u64,
    },
    /// The ERP acknowledges an export: its invoices are exported. Idempotent.
    AcknowledgeExport {
        pre_approved: bool,
        export_id: String,
        now: u64,
    },
}

/// A process with what is stored beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessRecord {
    pub process: Process,
    pub warnings: Vec<Warning>,
    pub token: Option<TokenRecord>,
}

/// One history entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at: i64,
    pub kind: String,
    pub actor: String,
    pub detail: String,
    pub bundle_id: Option<String>,
    pub method: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OpenAnswer {
    Created { record: ProcessRecord },
    Existing { record: ProcessRecord },
    DifferentContent { process_id: InvoiceId },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // a message, serialized at once: boxing gains nothing
pub enum ActAnswer {
    Done {
        record: ProcessRecord,
        transition: Transition,
    },
    Refused {
        refusal: ProcessRefusal,
    },
    NotFound,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SignAnswer {
    Signed { records: Vec<ProcessRecord> },
    Refused { reason: String },
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProcessWithHistory {
    pub record: ProcessRecord,
    pub history: Vec<HistoryRow>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ApprovedRow {
    pub seq: i64,
    pub approved_at: i64,
    pub sealed_token: Option<String>,
    pub record: ProcessRecord,
}

/// Answer to [`LedgerCommand::Probe`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ProbeAnswer {
    pub probes: i64,
}

#[durable_object]
pub struct Ledger {
    sql: SqlStorage,
    transactions: Result<Transactions>,
}

#[derive(Deserialize)]
struct DataRow {
    data: String,
    warnings: String,
}

#[derive(Deserialize)]
struct TokenRow {
    record: String,
}

fn int(v: u64) -> SqlStorageValue {
    SqlStorageValue::from(i64::try_from(v).unwrap_or(i64::MAX))
}

fn text(v: impl Into<String>) -> SqlStorageValue {
    SqlStorageValue::from(v.into())
}

fn opt_text(v: Option<String>) -> SqlStorageValue {
    v.map(SqlStorageValue::from)
        .unwrap_or(SqlStorageValue::Null)
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| worker::Error::RustError(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| worker::Error::RustError(e.to_string()))
}

impl DurableObject for Ledger {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        // SQLite-backed objects always have transactionSync; without it no command can run all
        // or nothing, so every command is refused (an outage, never a half-written command).
        let transactions = Transactions::of(&state);
        for statement in [
            "CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS processes (id TEXT PRIMARY KEY, document_id TEXT NOT NULL UNIQUE, \
             fingerprint TEXT NOT NULL, supplier_org TEXT NOT NULL, state TEXT NOT NULL, \
             version INTEGER NOT NULL, data TEXT NOT NULL, warnings TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS processes_supplier ON processes (supplier_org)",
            "CREATE TABLE IF NOT EXISTS tokens (token_hash TEXT PRIMARY KEY, process_id TEXT NOT NULL UNIQUE, \
             record TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS approved (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
             process_id TEXT NOT NULL UNIQUE, approved_at INTEGER NOT NULL, sealed_token TEXT)",
            "CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
             process_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, \
             detail TEXT NOT NULL, bundle_id TEXT, method TEXT, comment TEXT)",
            "CREATE INDEX IF NOT EXISTS history_process ON history (process_id, seq)",
        ]
        .into_iter()
        .chain(payments::SCHEMA)
        .chain(payments::EXPORT_SCHEMA)
        {
            if let Err(e) = sql.exec(statement, None) {
                worker::console_error!("ledger schema: {e}");
            }
        }
        Self { sql, transactions }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        answer_command(&mut req, &self.transactions, "ledger", |c| self.dispatch(c)).await
    }
}

impl Ledger {
    /// Runs one command and answers its JSON.
    fn dispatch(&self, command: LedgerCommand) -> Result<String> {
        match command {
            LedgerCommand::Probe => to_json(&self.probe()?),
            LedgerCommand::ProbeCount => to_json(&self.probe_count()?),
            LedgerCommand::Open {
                process,
                fingerprint,
                transition,
            } => to_json(&self.open(process, fingerprint, transition)?),
            LedgerCommand::Act {
                process_id,
                user,
                actor,
                action,
                now,
            } => to_json(&self.act(&process_id, &user, &actor, action, now)?),
            LedgerCommand::CancelBundle { user, actor, now } => {
                to_json(&self.cancel_bundle(&user, &actor, now)?)
            }
            LedgerCommand::Sign {
                user,
                actor,
                bundle_id,
                bank_agreement_id,
                debtor_iban,
                expiry_days,
                items,
                now,
            } => to_json(&self.sign(
                &user,
                &actor,
                &bundle_id,
                &bank_agreement_id,
                &debtor_iban,
                expiry_days,
                items,
                now,
            )?),
            LedgerCommand::Revoke {
                process_id,
                actor,
                now,
            } => to_json(&self.revoke(&process_id, &actor, now)?),
            LedgerCommand::List => to_json(&self.list()?),
            LedgerCommand::Get { process_id } => to_json(&self.get(&process_id)?),
            LedgerCommand::Approved { after, limit } => to_json(&self.approved(after, limit)?),
            LedgerCommand::Upload {
                company,
                file,
                payments,
                allow_pre_approval,
                now,
            } => to_json(&self.upload(&company, file, payments, allow_pre_approval, now)?),
            LedgerCommand::SignFile {
                company,
                file_id,
                actor,
                allow_pre_approval,
                now,
            } => to_json(&self.sign_file(&company, &file_id, &actor, allow_pre_approval, now)?),
            LedgerCommand::FileResult { company, file_id } => {
                to_json(&self.file_result(&company, &file_id)?)
            }
            LedgerCommand::ListFiles { company } => to_json(&self.list_files(&company)?),
            LedgerCommand::ListPayments {
                company,
                status,
                file,
                date,
                limit,
            } => to_json(&self.list_payments(&company, status, file, date, limit)?),
            LedgerCommand::PaymentEvents {
                company,
                payment_id,
            } => to_json(&self.events(&company, &payment_id)?),
            LedgerCommand::ApprovePayment {
                company,
                payment_id,
                user,
                actor,
                method,
                confirm_warning,
                now,
            } => to_json(&self.approve(
                &company,
                &payment_id,
                &user,
                &actor,
                method,
                confirm_warning,
                now,
            )?),
            LedgerCommand::RejectPayment {
                company,
                payment_id,
                actor,
                reason,
                now,
            } => to_json(&self.reject(&company, &payment_id, &actor, &reason, now)?),
            LedgerCommand::BankReport {
                company,
                report_msg_id,
                original_msg_id,
                items,
                now,
            } => to_json(&self.bank_report(
                &company,
                &report_msg_id,
                &original_msg_id,
                items,
                now,
            )?),
            LedgerCommand::Export {
                pre_approved,
                export_id,
                limit,
                now,
            } => to_json(&self.export(pre_approved, &export_id, limit, now)?),
            LedgerCommand::AcknowledgeExport {
                pre_approved,
                export_id,
                now,
            } => to_json(&self.acknowledge_export(pre_approved, &export_id, now)?),
        }
    }
}

impl Ledger {
    fn probe(&self) -> Result<ProbeAnswer> {
        self.sql.exec(
            "INSERT INTO probe (at) VALUES (?)",
            vec![text(worker::Date::now().to_string())],
        )?;
        self.probe_count()
    }

    fn probe_count(&self) -> Result<ProbeAnswer> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let count: Count = self
            .sql
            .exec("SELECT COUNT(*) AS n FROM probe", None)?
            .one()?;
        Ok(ProbeAnswer { probes: count.n })
    }

    fn token_of(&self, process_id: &InvoiceId) -> Result<Option<TokenRecord>> {
        let rows: Vec<TokenRow> = self
            .sql
            .exec(
                "SELECT record FROM tokens WHERE process_id = ?",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        rows.first().map(|r| from_json(&r.record)).transpose()
    }

    fn record_from(&self, row: &DataRow) -> Result<ProcessRecord> {
        let process: Process = from_json(&row.data)?;
        let token = self.token_of(process.id())?;
        Ok(ProcessRecord {
            warnings: from_json(&row.warnings)?,
            token,
            process,
        })
    }

    fn load(&self, process_id: &InvoiceId) -> Result<Option<ProcessRecord>> {
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE id = ?",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        rows.first().map(|r| self.record_from(r)).transpose()
    }

    fn save(&self, process: &Process, warnings: &[Warning]) -> Result<()> {
        self.sql.exec(
            "UPDATE processes SET state = ?, version = ?, data = ?, warnings = ? WHERE id = ?",
            vec![
                text(process.state().name()),
                int(process.version()),
                text(to_json(process)?),
                text(to_json(&warnings)?),
                text(process.id().as_str()),
            ],
        )?;
        Ok(())
    }

    fn save_token(&self, process_id: &InvoiceId, token: &TokenRecord) -> Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO tokens (token_hash, process_id, record) VALUES (?, ?, ?)",
            vec![
                text(token.token_hash.to_hex()),
                text(process_id.as_str()),
                text(to_json(token)?),
            ],
        )?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn history(
        &self,
        process_id: &InvoiceId,
        at: u64,
        kind: &str,
        actor: &str,
        detail: &str,
        bundle_id: Option<String>,
        method: Option<String>,
        comment: Option<String>,
    ) -> Result<()> {
        self.sql.exec(
            "INSERT INTO history (process_id, at, kind, actor, detail, bundle_id, method, comment) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(process_id.as_str()),
                int(at),
                text(kind),
                text(actor),
                text(detail),
                opt_text(bundle_id),
                opt_text(method),
                opt_text(comment),
            ],
        )?;
        Ok(())
    }

    fn transition_history(&self, t: &Transition, actor: &str) -> Result<()> {
        let comment = match &t.change {
            Change::Commented { text } => Some(text.to_string()),
            Change::Rejected { comment } => Some(comment.to_string()),
            _ => None,
        };
        self.history(
            &t.process_id,
            t.at.unix_secs(),
            change_kind(&t.change),
            actor,
            &t.change.describe(),
            None,
            None,
            comment,
        )
    }

    fn same_supplier(&self, supplier_org: &str) -> Result<Vec<ProcessRecord>> {
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE supplier_org = ?",
                vec![text(supplier_org)],
            )?
            .to_array()?;
        rows.iter().map(|r| self.record_from(r)).collect()
    }

    fn open(
        &self,
        process: Process,
        fingerprint: String,
        transition: Transition,
    ) -> Result<OpenAnswer> {
        #[derive(Deserialize)]
        struct Existing {
            id: String,
            fingerprint: String,
            data: String,
            warnings: String,
        }
        let document_id = process.document().document_id.as_str().to_owned();
        let existing: Vec<Existing> = self
            .sql
            .exec(
                "SELECT id, fingerprint, data, warnings FROM processes WHERE document_id = ?",
                vec![text(document_id)],
            )?
            .to_array()?;
        if let Some(row) = existing.first() {
            if row.fingerprint == fingerprint {
                let record = self.record_from(&DataRow {
                    data: row.data.clone(),
                    warnings: row.warnings.clone(),
                })?;
                return Ok(OpenAnswer::Existing { record });
            }
            let process_id =
                InvoiceId::parse(&row.id).map_err(|e| worker::Error::RustError(e.to_string()))?;
            return Ok(OpenAnswer::DifferentContent { process_id });
        }

        let new = process.document().clone();
        let supplier_org = new.supplier.organisation_number.as_str().to_owned();
        let others = self.same_supplier(&supplier_org)?;
        let same_supplier: Vec<&Process> = others.iter().map(|r| &r.process).collect();
        let warnings = opening_warnings(&new, &same_supplier);

        self.sql.exec(
            "INSERT INTO processes (id, document_id, fingerprint, supplier_org, state, version, data, warnings) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(process.id().as_str()),
                text(new.document_id.as_str()),
                text(fingerprint),
                text(supplier_org),
                text(process.state().name()),
                int(process.version()),
                text(to_json(&process)?),
                text(to_json(&warnings)?),
            ],
        )?;
        self.transition_history(&transition, "Document Center")?;

        // A pre-approval names an account; a later document of the same supplier naming another
        // account means the approved one can no longer be trusted.
        for other in &others {
            let Some(mut token) = other.token.clone() else {
                continue;
            };
            if !revokes_on_account_change(&new, other.process.document(), &token) {
                continue;
            }
            token.revoke();
            self.save_token(other.process.id(), &token)?;
            let mut other_warnings = other.warnings.clone();
            other_warnings.push(Warning::AccountChangedAfterApproval {
                by_document: new.document_id.clone(),
            });
            self.save(&other.process, &other_warnings)?;
            self.history(
                other.process.id(),
                transition.at.unix_secs(),
                "token_revoked",
                "system",
                &format!(
                    "Approval token revoked: document {} names another bank account for this supplier.",
                    new.document_id
                ),
                None,
                None,
                None,
            )?;
        }

        let record = self
            .load(process.id())?
            .ok_or_else(|| worker::Error::RustError("process vanished".into()))?;
        Ok(OpenAnswer::Created { record })
    }

    fn act(
        &self,
        process_id: &InvoiceId,
        user: &UserId,
        actor: &str,
        action: Action,
        now: u64,
    ) -> Result<ActAnswer> {
        let Some(record) = self.load(process_id)? else {
            return Ok(ActAnswer::NotFound);
        };
        let mut process = record.process.clone();
        let at = ap_core::dates::Timestamp(now);
        let result = match &action {
            Action::Approve { expected_version } => process.approve(user, *expected_version, at),
            Action::ApproveAndPay { expected_version } => {
                process.approve_and_pay(user, *expected_version, at)
            }
            Action::Reject {
                expected_version,
                comment,
            } => process.reject(user, comment, *expected_version, at),
            Action::Comment { text } => process.comment(user, text, at),
            Action::RemoveFromBundle { expected_version } => {
                process.remove_from_bundle(user, *expected_version, at)
            }
        };
        let transition = match result {
            Ok(t) => t,
            Err(refusal) => return Ok(ActAnswer::Refused { refusal }),
        };
        self.save(&process, &record.warnings)?;
        self.transition_history(&transition, actor)?;
        if matches!(process.state(), ProcessState::Approved) {
            self.sql.exec(
                "INSERT OR IGNORE INTO approved (process_id, approved_at, sealed_token) VALUES (?, ?, NULL)",
                vec![text(process_id.as_str()), int(now)],
            )?;
        }
        Ok(ActAnswer::Done {
            record: ProcessRecord { process, ..record },
            transition,
        })
    }

    fn all(&self) -> Result<Vec<ProcessRecord>> {
        let rows: Vec<DataRow> = self
            .sql
            .exec("SELECT data, warnings FROM processes ORDER BY id", None)?
            .to_array()?;
        rows.iter().map(|r| self.record_from(r)).collect()
    }

    fn list(&self) -> Result<Vec<ProcessRecord>> {
        self.all()
    }

    fn cancel_bundle(&self, user: &UserId, actor: &str, now: u64) -> Result<Vec<ProcessRecord>> {
        let mut out = Vec::new();
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE state = 'in_bundle'",
                None,
            )?
            .to_array()?;
        for row in &rows {
            let record = self.record_from(row)?;
            let mut process = record.process.clone();
            let version = process.version();
            if let Ok(t) = process.cancel_bundle(user, version, ap_core::dates::Timestamp(now)) {
                self.save(&process, &record.warnings)?;
                self.transition_history(&t, actor)?;
                out.push(ProcessRecord { process, ..record });
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn sign(
        &self,
        user: &UserId,
        actor: &str,
        bundle_id: &str,
        bank_agreement_id: &BankAgreementId,
        debtor_iban: &ap_core::iban::Iban,
        expiry_days: u32,
        items: Vec<SignItem>,
        now: u64,
    ) -> Result<SignAnswer> {
        // Check everything first: the company's part is signed whole or not at all.
        let mut loaded = Vec::new();
        for item in &items {
            let Some(record) = self.load(&item.process_id)? else {
                return Ok(SignAnswer::Refused {
                    reason: format!("Invoice {} no longer exists.", item.process_id),
                });
            };
            let doc = record.process.document();
            let still_shown = record.process.version() == item.expected_version
                && matches!(record.process.state(), ProcessState::InBundle { user: u } if u == user)
                && doc.amount == item.shown.amount
                && doc.due_date == item.shown.due_date
                && doc.supplier.account.creditor_account() == item.shown.creditor_account;
            if !still_shown {
                return Ok(SignAnswer::Refused {
                    reason: "The bundle changed since it was shown; nothing was signed in this \
                             company. Review the bundle and sign again."
                        .to_owned(),
                });
            }
            loaded.push(record);
        }
        let mut out = Vec::new();
        for (item, record) in items.into_iter().zip(loaded) {
            let mut process = record.process.clone();
            let doc = process.document().clone();
            let binding = ap_core::approval::token_binding(
                &doc,
                bank_agreement_id.clone(),
                debtor_iban.clone(),
            );
            let mut token = TokenRecord::issue(&item.token, binding, now);
            token.expires_at = ap_core::approval::token_expiry(now, expiry_days);
            token.signed_by = Some(user.clone());
            let transition = match process.mark_signed(
                user,
                &item.token,
                item.expected_version,
                ap_core::dates::Timestamp(now),
            ) {
                Ok(t) => t,
                Err(refusal) => {
                    // Unreachable after the checks above; refuse rather than half-sign.
                    return Ok(SignAnswer::Refused {
                        reason: refusal.to_string(),
                    });
                }
            };
            self.save_token(process.id(), &token)?;
            self.save(&process, &record.warnings)?;
            self.sql.exec(
                "INSERT OR REPLACE INTO approved (process_id, approved_at, sealed_token) VALUES (?, ?, ?)",
                vec![text(process.id().as_str()), int(now), text(item.sealed_token)],
            )?;
            self.history(
                process.id(),
                now,
                change_kind(&transition.change),
                actor,
                &transition.change.describe(),
                Some(bundle_id.to_owned()),
                Some("TOTP".to_owned()),
                None,
            )?;
            out.push(ProcessRecord {
                process,
                warnings: record.warnings,
                token: Some(token),
            });
        }
        Ok(SignAnswer::Signed { records: out })
    }

    /// `None`: no such process; `Some(None)`: it has no token; else the record after.
    fn revoke(
        &self,
        process_id: &InvoiceId,
        actor: &str,
        now: u64,
    ) -> Result<Option<Option<ProcessRecord>>> {
        let Some(record) = self.load(process_id)? else {
            return Ok(None);
        };
        let Some(mut token) = record.token.clone() else {
            return Ok(Some(None));
        };
        let mut warnings = record.warnings.clone();
        if !token.revoked {
            token.revoke();
            self.save_token(process_id, &token)?;
            warnings.push(Warning::TokenRevoked);
            self.save(&record.process, &warnings)?;
            self.history(
                process_id,
                now,
                "token_revoked",
                actor,
                "Revoked the approval token; the payment needs normal approval in AutoPay.",
                None,
                None,
                None,
            )?;
        }
        Ok(Some(Some(ProcessRecord {
            process: record.process,
            warnings,
            token: Some(token),
        })))
    }

    fn get(&self, process_id: &InvoiceId) -> Result<Option<ProcessWithHistory>> {
        let Some(record) = self.load(process_id)? else {
            return Ok(None);
        };
        let history: Vec<HistoryRow> = self
            .sql
            .exec(
                "SELECT at, kind, actor, detail, bundle_id, method, comment FROM history \
                 WHERE process_id = ? ORDER BY seq",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        Ok(Some(ProcessWithHistory { record, history }))
    }

    fn approved(&self, after: u64, limit: usize) -> Result<Vec<ApprovedRow>> {
        self.approved_rows(
            "a.seq > ? ORDER BY a.seq LIMIT ?",
            vec![int(after), int(limit as u64)],
        )
    }

    /// Approved invoices (the ERP outbox joined with their processes) matching `filter`, an SQL
    /// `WHERE` tail over `approved a` with its positional `bindings`.
    fn approved_rows(
        &self,
        filter: &str,
        bindings: Vec<worker::SqlStorageValue>,
    ) -> Result<Vec<ApprovedRow>> {
        #[derive(Deserialize)]
        struct Row {
            seq: i64,
            approved_at: i64,
            sealed_token: Option<String>,
            data: String,
            warnings: String,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                &format!(
                    "SELECT a.seq, a.approved_at, a.sealed_token, p.data, p.warnings FROM approved a \
                     JOIN processes p ON p.id = a.process_id WHERE {filter}"
                ),
                bindings,
            )?
            .to_array()?;
        rows.into_iter()
            .map(|r| {
                Ok(ApprovedRow {
                    seq: r.seq,
                    approved_at: r.approved_at,
                    sealed_token: r.sealed_token,
                    record: self.record_from(&DataRow {
                        data: r.data,
                        warnings: r.warnings,
                    })?,
                })
            })
            .collect()
    }
}

/// The history `kind` of a change.
fn change_kind(change: &Change) -> &'static str {
    match change {
        Change::Opened { .. } => "opened",
        Change::Approved { complete: true } => "approved",
        Change::Approved { complete: false } => "first_approval",
        Change::AddedToBundle => "added_to_bundle",
        Change::RemovedFromBundle => "removed_from_bundle",
        Change::BundleCancelled => "bundle_cancelled",
        Change::PaymentApproved { .. } => "payment_approved",
        Change::Rejected { .. } => "rejected",
        Change::Commented { .. } => "commented",
    }
}

/// Sends one command to `company`'s ledger.
pub async fn ask_ledger<R: serde::de::DeserializeOwned>(
    env: &Env,
    company: &ap_core::ids::CompanyId,
    command: &LedgerCommand,
) -> std::result::Result<R, ApiError> {
    crate::store::call_object(env, crate::store::LEDGER_BINDING, company.as_str(), command).await
}
