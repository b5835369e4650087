//! AutoPay in the company's ledger: uploaded payment files, their payments, token consumption,
//! normal approval, bank status reports and the ERP's payment-suggestion export.
//!
//! Storage model (beside the ledger's invoice tables):
//! - `payment_files`: one row per upload: `id` (`{company}_{first 20 hex of the SHA-256}`),
//!   `content_hash` (unique: the same bytes are the same upload), `idempotency_key` (unique when
//!   given), `msg_id`, `status` (`pending_signing`/`processed`), `data` (a [`FileData`] as JSON).
//! - `payments`: one row per payment: `id` (`{file id}-{seq}`), `file_id`, `seq`, `status`,
//!   `exec_date`, `end_to_end_id`, `pmt_inf_id`, `instr_hash` (SHA-256 of the `InstrId`, never
//!   the token) and `data` (a [`StoredPayment`] as JSON).
//! - `payment_events`: every event of every payment, in order.
//! - `exports`: which approved invoices the ERP acknowledged in which payment-suggestion file;
//!   `export_files` and `export_items` (see [`EXPORT_SCHEMA`]): the exports themselves.
//!
//! Every command is one atomic step (no await inside), so a token is consumed at most once:
//! of two uploads carrying it, the second finds it used.

use ap_core::api_approval::AmountView;
use ap_core::api_autopay::{
    FileStatus, PaymentEvent, PaymentEvents, PaymentFileRow, PaymentRow, PaymentStatus,
    StatusReportResult, UploadResult, UploadSummary, UploadedPayment,
};
use ap_core::approval::amount_view;
use ap_core::bank_report::{match_report, ReportItem, ReportedPayment};
use ap_core::dates::{Date, Timestamp};
use ap_core::iban::Iban;
use ap_core::ids::{BankAgreementId, CompanyId, InvoiceId, PaymentFileId, PaymentId, UserId};
use ap_core::money::{Money, Totals};
use ap_core::settlement::{
    add_process_warning, approve_payment, check_warning_confirmed, exports_as_pre_approved,
    pre_approval_detail, reject_payment, settle, PaymentNeeds, Settlement, TokenLookup,
    WarningTally,
};
use ap_core::token::{CreditorAccount, TokenBinding, TokenHash, TokenRecord};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// The warnings one command leaves on processes, one per process and kind, written once at the
/// end of the command (so a file of 10,000 mismatching payments costs one write per process).
type Tallies = BTreeMap<(String, &'static str), WarningTally>;
use ap_core::warnings::Warning;
use serde::{Deserialize, Serialize};
use worker::Result;

use super::{from_json, int, opt_text, text, to_json, ApprovedRow, Ledger};

pub const SCHEMA: [&str; 8] = [
    "CREATE TABLE IF NOT EXISTS payment_files (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, \
     idempotency_key TEXT UNIQUE, msg_id TEXT NOT NULL, status TEXT NOT NULL, uploaded_at INTEGER NOT NULL, \
     data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, file_id TEXT NOT NULL, seq INTEGER NOT NULL, \
     status TEXT NOT NULL, exec_date TEXT NOT NULL, end_to_end_id TEXT NOT NULL, pmt_inf_id TEXT NOT NULL, \
     instr_hash TEXT, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS payments_file ON payments (file_id, seq)",
    "CREATE INDEX IF NOT EXISTS payments_e2e ON payments (end_to_end_id)",
    "CREATE INDEX IF NOT EXISTS payments_instr ON payments (instr_hash)",
    "CREATE TABLE IF NOT EXISTS payment_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
     payment_id TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS payment_events_payment ON payment_events (payment_id, seq)",
    "CREATE TABLE IF NOT EXISTS exports (process_id TEXT PRIMARY KEY, export_id TEXT NOT NULL, \
     kind TEXT NOT NULL, exported_at INTEGER NOT NULL)",
];

/// What a payment's `InstrId` presented, as stored (a hash, never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Presented {
    None,
    Token { hash: TokenHash },
    NotAToken { reason: String },
}

/// One payment of an upload, as the Worker read it from the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewPayment {
    pub pmt_inf_id: String,
    pub end_to_end_id: String,
    pub instr_hash: Option<String>,
    pub presented: Presented,
    pub debtor_name: String,
    pub debtor_iban: Iban,
    pub bank_agreement_id: BankAgreementId,
    pub approvals_required: u8,
    /// What the payment needs before the bank, fixed when it entered AutoPay (absent on
    /// payments stored before: see [`NewPayment::needs`]).
    #[serde(default)]
    pub needs: Option<PaymentNeeds>,
    pub creditor_name: String,
    pub creditor_account: String,
    /// `CdtrAgt/FinInstnId/BIC(FI)` as the file wrote it.
    #[serde(default)]
    pub creditor_bic: Option<String>,
    /// `RmtInf/Strd/CdtrRefInf/Ref`: the structured payment reference (KID or RF).
    #[serde(default)]
    pub creditor_reference: Option<String>,
    pub amount: Money,
    pub requested_execution_date: Date,
}

impl NewPayment {
    /// What this payment needs; for a payment stored before needs were recorded, the strictest
    /// reading of what was stored (fail closed).
    pub fn needs(&self) -> PaymentNeeds {
        self.needs
            .unwrap_or_else(|| PaymentNeeds::recorded_before(self.approvals_required))
    }
}

/// A payment as stored in `payments.data`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredPayment {
    pub id: PaymentId,
    pub file_id: PaymentFileId,
    pub payment: NewPayment,
    pub status: PaymentStatus,
    /// The status the upload (or its signing) gave: the upload's outcome, answered again on
    /// a replay.
    pub upload_status: PaymentStatus,
    pub pre_approved: bool,
    pub process_id: Option<InvoiceId>,
    pub approver_ids: Vec<UserId>,
    pub approver_names: Vec<String>,
    pub warning: Option<String>,
    pub bank_reason: Option<String>,
    pub created_at: u64,
    pub updated_at: u64,
}

/// A file as stored in `payment_files.data`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileData {
    pub id: PaymentFileId,
    pub content_hash: String,
    pub msg_id: String,
    pub status: FileStatus,
    pub uploaded_at: u64,
    pub uploaded_by: String,
    pub payment_count: usize,
    pub signed_by: Option<String>,
    pub signed_at: Option<u64>,
}

/// A new upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewFile {
    pub id: PaymentFileId,
    pub content_hash: String,
    pub idempotency_key: Option<String>,
    pub msg_id: String,
    pub uploaded_by: String,
    pub needs_signing: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct UploadAnswer {
    pub replayed: bool,
    pub result: UploadResult,
}

/// The ledger's answer to an upload.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum UploadOutcome {
    Accepted(UploadAnswer),
    /// The idempotency key was used before for a file with other content: nothing was stored.
    IdempotencyKeyReused {
        key: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SignFileAnswer {
    Signed { result: UploadResult },
    NotPending,
    NotFound,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ApprovePaymentAnswer {
    Done { row: Box<PaymentRow> },
    Refused { reason: String },
    NotFound,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct NewEvent {
    pub kind: String,
    pub actor: String,
    pub detail: String,
    pub file_id: Option<String>,
    pub bundle_id: Option<String>,
    pub method: Option<String>,
    pub approved_at: Option<String>,
    pub from_status: Option<PaymentStatus>,
    pub to_status: Option<PaymentStatus>,
}

impl NewEvent {
    fn simple(kind: &str, actor: &str, detail: String) -> Self {
        Self {
            kind: kind.to_owned(),
            actor: actor.to_owned(),
            detail,
            file_id: None,
            bundle_id: None,
            method: None,
            approved_at: None,
            from_status: None,
            to_status: None,
        }
    }

    /// A status change; `from` is `None` for a payment's first status (it was only received).
    fn status(
        actor: &str,
        detail: String,
        from: impl Into<Option<PaymentStatus>>,
        to: PaymentStatus,
    ) -> Self {
        Self {
            from_status: from.into(),
            to_status: Some(to),
            ..Self::simple(to.as_key(), actor, detail)
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredEvent {
    at: u64,
    #[serde(flatten)]
    event: NewEvent,
}

#[derive(Deserialize)]
struct Data {
    data: String,
}

fn rfc3339(secs: u64) -> String {
    Timestamp(secs).to_rfc3339()
}

fn file_status_key(status: FileStatus) -> &'static str {
    match status {
        FileStatus::PendingSigning => "pending_signing",
        FileStatus::Processed => "processed",
    }
}

fn uploaded_view(p: &StoredPayment) -> UploadedPayment {
    UploadedPayment {
        payment_id: p.id.to_string(),
        end_to_end_id: p.payment.end_to_end_id.clone(),
        instr_id_present: p.payment.instr_hash.is_some(),
        creditor_name: p.payment.creditor_name.clone(),
        creditor_account: p.payment.creditor_account.clone(),
        amount: amount_view(p.payment.amount),
        requested_execution_date: p.payment.requested_execution_date.to_string(),
        status: p.upload_status,
        status_label: p.upload_status.label().to_owned(),
        pre_approved: p.pre_approved,
        warning: p.warning.clone(),
    }
}

fn tally(tallies: &mut Tallies, process: &InvoiceId, warning: Warning, payment: &PaymentId) {
    tallies
        .entry((process.to_string(), warning.kind()))
        .and_modify(|t| t.add(payment))
        .or_insert_with(|| WarningTally::new(warning, payment));
}

/// The overview row of a stored payment.
pub fn payment_row(company: &CompanyId, p: &StoredPayment) -> PaymentRow {
    PaymentRow {
        id: p.id.to_string(),
        company_id: company.to_string(),
        file_id: p.file_id.to_string(),
        pmt_inf_id: p.payment.pmt_inf_id.clone(),
        end_to_end_id: p.payment.end_to_end_id.clone(),
        instr_id_present: p.payment.instr_hash.is_some(),
        debtor_name: p.payment.debtor_name.clone(),
        debtor_account: p.payment.debtor_iban.to_string(),
        bank_agreement_id: p.payment.bank_agreement_id.to_string(),
        creditor_name: p.payment.creditor_name.clone(),
        creditor_account: p.payment.creditor_account.clone(),
        amount: amount_view(p.payment.amount),
        requested_execution_date: p.payment.requested_execution_date.to_string(),
        status: p.status,
        status_label: p.status.label().to_owned(),
        pre_approved: p.pre_approved,
        process_id: p.process_id.as_ref().map(ToString::to_string),
        approvals_required: p.payment.needs().approvals_required,
        code_on_approval: p.payment.needs().code_on_approval,
        approvals: p.approver_names.clone(),
        warning: p.warning.clone(),
        bank_reason: p.bank_reason.clone(),
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(p.updated_at),
    }
}

impl Ledger {
    fn payment_event(&self, payment: &PaymentId, at: u64, event: NewEvent) -> Result<()> {
        self.sql.exec(
            "INSERT INTO payment_events (payment_id, data) VALUES (?, ?)",
            vec![
                text(payment.as_str()),
                text(to_json(&StoredEvent { at, event })?),
            ],
        )?;
        Ok(())
    }

    fn save_payment(&self, p: &StoredPayment) -> Result<()> {
        self.sql.exec(
            "UPDATE payments SET status = ?, data = ? WHERE id = ?",
            vec![
                text(p.status.as_key()),
                text(to_json(p)?),
                text(p.id.as_str()),
            ],
        )?;
        Ok(())
    }

    fn load_payment(&self, id: &PaymentId) -> Result<Option<StoredPayment>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payments WHERE id = ?",
                vec![text(id.as_str())],
            )?
            .to_array()?;
        rows.first().map(|r| from_json(&r.data)).transpose()
    }

    fn file_payments(&self, file_id: &str) -> Result<Vec<StoredPayment>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payments WHERE file_id = ? ORDER BY seq",
                vec![text(file_id)],
            )?
            .to_array()?;
        rows.iter().map(|r| from_json(&r.data)).collect()
    }

    fn load_file(&self, where_sql: &str, value: &str) -> Result<Option<FileData>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                &format!("SELECT data FROM payment_files WHERE {where_sql} = ?"),
                vec![text(value)],
            )?
            .to_array()?;
        rows.first().map(|r| from_json(&r.data)).transpose()
    }

    fn save_file(&self, file: &FileData) -> Result<()> {
        self.sql.exec(
            "UPDATE payment_files SET status = ?, data = ? WHERE id = ?",
            vec![
                text(file_status_key(file.status)),
                text(to_json(file)?),
                text(file.id.as_str()),
            ],
        )?;
        Ok(())
    }

    fn upload_result(
        &self,
        company: &CompanyId,
        file: &FileData,
        replayed: bool,
    ) -> Result<UploadResult> {
        let payments = self.file_payments(file.id.as_str())?;
        let mut summary = UploadSummary {
            payments: payments.len(),
            ..UploadSummary::default()
        };
        let mut totals = Totals::new();
        for p in &payments {
            match p.upload_status {
                PaymentStatus::SentToBank => summary.sent_to_bank += 1,
                PaymentStatus::PendingSigning => summary.pending_signing += 1,
                _ => summary.pending_approval += 1,
            }
            if p.warning.is_some() {
                summary.warnings += 1;
            }
            // The reader checked the control sum, so totals of a read file cannot overflow.
            let _ = totals.add(p.payment.amount);
        }
        Ok(UploadResult {
            file_id: file.id.to_string(),
            company_id: company.to_string(),
            msg_id: file.msg_id.clone(),
            status: file.status,
            status_label: file.status.label().to_owned(),
            content_sha256: file.content_hash.clone(),
            uploaded_at: rfc3339(file.uploaded_at),
            replayed,
            summary,
            totals: totals.iter().map(amount_view).collect::<Vec<AmountView>>(),
            payments: payments.iter().map(uploaded_view).collect(),
        })
    }

    /// A new upload, or the first outcome of the same content or idempotency key.
    pub(super) fn upload(
        &self,
        company: &CompanyId,
        file: NewFile,
        payments: Vec<NewPayment>,
        allow_pre_approval: bool,
        now: u64,
    ) -> Result<UploadOutcome> {
        let mut existing = self.load_file("content_hash", &file.content_hash)?;
        if existing.is_none() {
            if let Some(key) = &file.idempotency_key {
                existing = self.load_file("idempotency_key", key)?;
                if existing.is_some() {
                    // As Stripe does: the same key with other content is a client error, never
                    // the first file's outcome for a file that was silently dropped.
                    return Ok(UploadOutcome::IdempotencyKeyReused { key: key.clone() });
                }
            }
        }
        if let Some(first) = existing {
            return Ok(UploadOutcome::Accepted(UploadAnswer {
                replayed: true,
                result: self.upload_result(company, &first, true)?,
            }));
        }
        let status = if file.needs_signing {
            FileStatus::PendingSigning
        } else {
            FileStatus::Processed
        };
        let data = FileData {
            id: file.id.clone(),
            content_hash: file.content_hash.clone(),
            msg_id: file.msg_id.clone(),
            status,
            uploaded_at: now,
            uploaded_by: file.uploaded_by.clone(),
            payment_count: payments.len(),
            signed_by: None,
            signed_at: None,
        };
        self.sql.exec(
            "INSERT INTO payment_files (id, content_hash, idempotency_key, msg_id, status, uploaded_at, data) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(file.id.as_str()),
                text(&file.content_hash),
                opt_text(file.idempotency_key.clone()),
                text(&file.msg_id),
                text(file_status_key(status)),
                int(now),
                text(to_json(&data)?),
            ],
        )?;
        let mut tallies = Tallies::new();
        for (index, payment) in payments.into_iter().enumerate() {
            let seq = index + 1;
            let id = PaymentId::parse(&format!("{}-{seq}", file.id))
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            let mut stored = StoredPayment {
                id: id.clone(),
                file_id: file.id.clone(),
                status: PaymentStatus::PendingSigning,
                upload_status: PaymentStatus::PendingSigning,
                pre_approved: false,
                process_id: None,
                approver_ids: Vec::new(),
                approver_names: Vec::new(),
                warning: None,
                bank_reason: None,
                created_at: now,
                updated_at: now,
                payment,
            };
            self.sql.exec(
                "INSERT INTO payments (id, file_id, seq, status, exec_date, end_to_end_id, pmt_inf_id, instr_hash, data) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')",
                vec![
                    text(id.as_str()),
                    text(file.id.as_str()),
                    int(seq as u64),
                    text(stored.status.as_key()),
                    text(stored.payment.requested_execution_date.to_string()),
                    text(&stored.payment.end_to_end_id),
                    text(&stored.payment.pmt_inf_id),
                    opt_text(stored.payment.instr_hash.clone()),
                ],
            )?;
            let mut received = NewEvent::simple(
                "received",
                &file.uploaded_by,
                format!(
                    "Received in payment file {} (message {}).",
                    file.id, file.msg_id
                ),
            );
            received.file_id = Some(file.id.to_string());
            self.payment_event(&id, now, received)?;
            if file.needs_signing {
                self.save_payment(&stored)?;
            } else {
                self.settle(
                    company,
                    &mut stored,
                    allow_pre_approval,
                    false,
                    now,
                    &mut tallies,
                )?;
            }
        }
        self.write_tallies(tallies, &format!("file {}", file.id), now)?;
        Ok(UploadOutcome::Accepted(UploadAnswer {
            replayed: false,
            result: self.upload_result(company, &data, false)?,
        }))
    }

    /// The token this company issued with `hash`, and its process.
    fn token_by_hash(&self, hash: &TokenHash) -> Result<Option<(InvoiceId, TokenRecord)>> {
        #[derive(Deserialize)]
        struct Row {
            process_id: String,
            record: String,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT process_id, record FROM tokens WHERE token_hash = ?",
                vec![text(hash.to_hex())],
            )?
            .to_array()?;
        rows.first()
            .map(|row| {
                let process_id = InvoiceId::parse(&row.process_id)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                Ok((process_id, from_json(&row.record)?))
            })
            .transpose()
    }

    /// Settles a received payment through [`settle`]: its token consumed (Sent to bank, or
    /// Pending approval for a second approver), or Pending approval with the reason as a warning
    /// on the payment and, tallied in `tallies`, on the invoice's process.
    fn settle(
        &self,
        company: &CompanyId,
        p: &mut StoredPayment,
        allow_pre_approval: bool,
        was_pending_signing: bool,
        now: u64,
        tallies: &mut Tallies,
    ) -> Result<()> {
        // A payment of a file that needed no signing had no status before this one.
        let from = Some(p.status).filter(|_| was_pending_signing);
        let needs = p.payment.needs();
        let mut token = match &p.payment.presented {
            Presented::Token { hash } => self.token_by_hash(hash)?,
            Presented::None | Presented::NotAToken { .. } => None,
        };
        let presented = CreditorAccount::parse(&p.payment.creditor_account)
            .ok()
            .map(|creditor_account| TokenBinding {
                company_id: company.clone(),
                bank_agreement_id: p.payment.bank_agreement_id.clone(),
                debtor_iban: p.payment.debtor_iban.clone(),
                creditor_account,
                amount: p.payment.amount,
                due_date: p.payment.requested_execution_date,
                creditor_bic: p
                    .payment
                    .creditor_bic
                    .as_deref()
                    .and_then(|b| ap_core::iban::Bic::parse(b).ok()),
                payment_reference: p.payment.creditor_reference.clone(),
            });
        let lookup = match (&p.payment.presented, token.as_mut()) {
            (Presented::None, _) => TokenLookup::NoToken,
            (Presented::NotAToken { reason }, _) => TokenLookup::NotAToken(reason.clone()),
            (Presented::Token { .. }, None) => TokenLookup::NotIssued,
            (Presented::Token { .. }, Some((_, record))) => {
                TokenLookup::Issued { record, presented }
            }
        };
        let settlement = settle(lookup, allow_pre_approval, needs, &p.id, &p.file_id, now);
        p.process_id = token.as_ref().map(|(id, _)| id.clone());
        p.status = settlement.status();
        match settlement {
            Settlement::NoToken => {
                self.payment_event(
                    &p.id,
                    now,
                    NewEvent::status(
                        "system",
                        "No approval token: the payment needs normal approval.".to_owned(),
                        from,
                        PaymentStatus::PendingApproval,
                    ),
                )?;
            }
            Settlement::Refused {
                reason,
                process_warning,
            } => {
                p.warning = Some(reason.clone());
                let mut event = NewEvent::status(
                    "system",
                    format!("Not pre-approved: {reason} The payment needs normal approval."),
                    from,
                    PaymentStatus::PendingApproval,
                );
                event.kind = "token_refused".to_owned();
                event.file_id = Some(p.file_id.to_string());
                self.payment_event(&p.id, now, event)?;
                if let (Some(warning), Some(process_id)) = (process_warning, &p.process_id) {
                    tally(tallies, process_id, warning, &p.id);
                }
            }
            Settlement::PreApproved { signer, .. } => {
                let (process_id, record) = token.as_ref().ok_or_else(|| {
                    worker::Error::RustError("pre-approved without a token".into())
                })?;
                self.save_token(process_id, record)?;
                self.pre_approved(p, process_id, signer, needs, from, now)?;
            }
        }
        p.upload_status = p.status;
        p.updated_at = now;
        self.save_payment(p)
    }

    fn pre_approved(
        &self,
        p: &mut StoredPayment,
        process_id: &InvoiceId,
        signer: Option<UserId>,
        needs: PaymentNeeds,
        from: Option<PaymentStatus>,
        now: u64,
    ) -> Result<()> {
        #[derive(Deserialize)]
        struct Signed {
            at: i64,
            actor: String,
            bundle_id: Option<String>,
            method: Option<String>,
        }
        let signed: Vec<Signed> = self
            .sql
            .exec(
                "SELECT at, actor, bundle_id, method FROM history WHERE process_id = ? \
                 AND bundle_id IS NOT NULL ORDER BY seq DESC LIMIT 1",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        p.pre_approved = true;
        let signed = signed.first();
        let approver = signed.map_or("unknown", |s| s.actor.as_str()).to_owned();
        // The signer's pre-approval is the payment's first approval.
        if let Some(signer) = signer {
            p.approver_ids.push(signer);
        }
        p.approver_names.push(approver.clone());
        self.payment_event(
            &p.id,
            now,
            NewEvent {
                kind: "pre_approved".to_owned(),
                actor: approver.clone(),
                detail: pre_approval_detail(&approver, process_id.as_str(), &p.file_id, needs),
                file_id: Some(p.file_id.to_string()),
                bundle_id: signed.and_then(|s| s.bundle_id.clone()),
                method: signed.and_then(|s| s.method.clone()),
                approved_at: signed.map(|s| rfc3339(u64::try_from(s.at).unwrap_or(0))),
                from_status: from,
                to_status: Some(p.status),
            },
        )?;
        let (kind, detail) = if p.status == PaymentStatus::SentToBank {
            (
                "payment_sent",
                format!(
                    "Payment {} (file {}) used the approval token and was sent to the bank.",
                    p.id, p.file_id
                ),
            )
        } else {
            (
                "payment_pre_approved",
                format!(
                "Payment {} (file {}) used the approval token; it waits for a second, different \
                 AutoPay Approver (1 of {} approvals).",
                p.id, p.file_id, needs.approvals_required
            ),
            )
        };
        self.history(process_id, now, kind, "AutoPay", &detail, None, None, None)
    }

    /// Writes what one command tallied: per process, each new kind of warning once, and one
    /// history entry per kind with how many payments of `source` left it.
    fn write_tallies(&self, tallies: Tallies, source: &str, now: u64) -> Result<()> {
        let mut by_process: BTreeMap<String, Vec<WarningTally>> = BTreeMap::new();
        for ((process, _), t) in tallies {
            by_process.entry(process).or_default().push(t);
        }
        for (process, list) in by_process {
            let process_id =
                InvoiceId::parse(&process).map_err(|e| worker::Error::RustError(e.to_string()))?;
            let Some(record) = self.load(&process_id)? else {
                continue;
            };
            let mut warnings = record.warnings.clone();
            let mut changed = false;
            for t in &list {
                changed |= add_process_warning(&mut warnings, t.warning.clone());
                self.history(
                    &process_id,
                    now,
                    t.warning.kind(),
                    "AutoPay",
                    &t.detail(source),
                    None,
                    None,
                    None,
                )?;
            }
            if changed {
                self.save(&record.process, &warnings)?;
            }
        }
        Ok(())
    }

    /// An AutoPay Approver signed an upload: its payments are checked now.
    pub(super) fn sign_file(
        &self,
        company: &CompanyId,
        file_id: &str,
        actor: &str,
        allow_pre_approval: bool,
        now: u64,
    ) -> Result<SignFileAnswer> {
        let Some(mut file) = self.load_file("id", file_id)? else {
            return Ok(SignFileAnswer::NotFound);
        };
        if file.status != FileStatus::PendingSigning {
            return Ok(SignFileAnswer::NotPending);
        }
        file.status = FileStatus::Processed;
        file.signed_by = Some(actor.to_owned());
        file.signed_at = Some(now);
        self.save_file(&file)?;
        let mut tallies = Tallies::new();
        for mut p in self.file_payments(file_id)? {
            let mut event = NewEvent::simple(
                "signed_upload",
                actor,
                format!("Upload of file {file_id} signed with TOTP."),
            );
            event.method = Some("TOTP".to_owned());
            event.file_id = Some(file_id.to_owned());
            self.payment_event(&p.id, now, event)?;
            self.settle(company, &mut p, allow_pre_approval, true, now, &mut tallies)?;
        }
        self.write_tallies(tallies, &format!("file {}", file.id), now)?;
        Ok(SignFileAnswer::Signed {
            result: self.upload_result(company, &file, false)?,
        })
    }

    pub(super) fn file_result(
        &self,
        company: &CompanyId,
        file_id: &str,
    ) -> Result<Option<UploadResult>> {
        self.load_file("id", file_id)?
            .map(|f| self.upload_result(company, &f, false))
            .transpose()
    }

    pub(super) fn list_files(&self, company: &CompanyId) -> Result<Vec<PaymentFileRow>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payment_files ORDER BY uploaded_at DESC LIMIT 500",
                None,
            )?
            .to_array()?;
        rows.iter()
            .map(|r| {
                let f: FileData = from_json(&r.data)?;
                Ok(PaymentFileRow {
                    id: f.id.to_string(),
                    company_id: company.to_string(),
                    msg_id: f.msg_id,
                    status: f.status,
                    status_label: f.status.label().to_owned(),
                    content_sha256: f.content_hash,
                    uploaded_at: rfc3339(f.uploaded_at),
                    uploaded_by: f.uploaded_by,
                    payment_count: f.payment_count,
                    signed_by: f.signed_by,
                    signed_at: f.signed_at.map(rfc3339),
                })
            })
            .collect()
    }

    pub(super) fn list_payments(
        &self,
        company: &CompanyId,
        status: Option<PaymentStatus>,
        file: Option<String>,
        date: Option<String>,
        limit: usize,
    ) -> Result<Vec<PaymentRow>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payments WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR file_id = ?2) \
                 AND (?3 IS NULL OR exec_date = ?3) ORDER BY rowid DESC LIMIT ?4",
                vec![
                    opt_text(status.map(|s| s.as_key().to_owned())),
                    opt_text(file),
                    opt_text(date),
                    int(limit as u64),
                ],
            )?
            .to_array()?;
        rows.iter()
            .map(|r| Ok(payment_row(company, &from_json(&r.data)?)))
            .collect()
    }

    pub(super) fn events(
        &self,
        company: &CompanyId,
        id: &PaymentId,
    ) -> Result<Option<PaymentEvents>> {
        let Some(p) = self.load_payment(id)? else {
            return Ok(None);
        };
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payment_events WHERE payment_id = ? ORDER BY seq",
                vec![text(id.as_str())],
            )?
            .to_array()?;
        let events = rows
            .iter()
            .map(|r| {
                let e: StoredEvent = from_json(&r.data)?;
                Ok(PaymentEvent {
                    at: rfc3339(e.at),
                    kind: e.event.kind,
                    actor: e.event.actor,
                    detail: e.event.detail,
                    file_id: e.event.file_id,
                    bundle_id: e.event.bundle_id,
                    method: e.event.method,
                    approved_at: e.event.approved_at,
                    from_status: e.event.from_status,
                    to_status: e.event.to_status,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(PaymentEvents {
            payment: payment_row(company, &p),
            events,
        }))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn approve(
        &self,
        company: &CompanyId,
        id: &PaymentId,
        user: &UserId,
        actor: &str,
        method: Option<String>,
        confirm_warning: bool,
        now: u64,
    ) -> Result<ApprovePaymentAnswer> {
        let Some(mut p) = self.load_payment(id)? else {
            return Ok(ApprovePaymentAnswer::NotFound);
        };
        if let Err(unconfirmed) = check_warning_confirmed(p.warning.as_deref(), confirm_warning) {
            return Ok(ApprovePaymentAnswer::Refused {
                reason: unconfirmed.to_string(),
            });
        }
        let needs = p.payment.needs();
        let complete =
            match approve_payment(p.status, &mut p.approver_ids, user, needs, method.is_some()) {
                Ok(complete) => complete,
                Err(refusal) => {
                    return Ok(ApprovePaymentAnswer::Refused {
                        reason: refusal.to_string(),
                    })
                }
            };
        p.approver_names.push(actor.to_owned());
        p.updated_at = now;
        let mut event = NewEvent::simple(
            "approved",
            actor,
            format!(
                "Approved ({} of {} approvals).",
                p.approver_names.len(),
                needs.approvals_required
            ),
        );
        event.method = method;
        if let Some(warning) = &p.warning {
            event
                .detail
                .push_str(&format!(" Approved despite the warning: {warning}"));
        }
        self.payment_event(id, now, event)?;
        if complete {
            let from = p.status;
            p.status = PaymentStatus::SentToBank;
            self.payment_event(
                id,
                now,
                NewEvent::status(
                    actor,
                    "Approved in AutoPay and sent to the bank.".to_owned(),
                    from,
                    PaymentStatus::SentToBank,
                ),
            )?;
        }
        self.save_payment(&p)?;
        Ok(ApprovePaymentAnswer::Done {
            row: Box::new(payment_row(company, &p)),
        })
    }

    /// An AutoPay Approver stops a payment pending approval: it is never sent.
    pub(super) fn reject(
        &self,
        company: &CompanyId,
        id: &PaymentId,
        actor: &str,
        reason: &str,
        now: u64,
    ) -> Result<ApprovePaymentAnswer> {
        let Some(mut p) = self.load_payment(id)? else {
            return Ok(ApprovePaymentAnswer::NotFound);
        };
        let reason = match reject_payment(p.status, reason) {
            Ok(reason) => reason,
            Err(refusal) => {
                return Ok(ApprovePaymentAnswer::Refused {
                    reason: refusal.to_string(),
                })
            }
        };
        let from = p.status;
        p.status = PaymentStatus::Rejected;
        p.updated_at = now;
        self.payment_event(
            id,
            now,
            NewEvent::status(
                actor,
                format!("Rejected in AutoPay: {reason}. The payment will not be sent."),
                from,
                PaymentStatus::Rejected,
            ),
        )?;
        self.save_payment(&p)?;
        Ok(ApprovePaymentAnswer::Done {
            row: Box::new(payment_row(company, &p)),
        })
    }

    /// A bank status report on the files with message id `original_msg_id`: the payments of
    /// those files are matched by [`match_report`]; each status change is written as a "bank"
    /// event, the changed payments once each, and rejected token payments' warnings tallied on
    /// their processes.
    pub(super) fn bank_report(
        &self,
        company: &CompanyId,
        report_msg_id: &str,
        original_msg_id: &str,
        items: Vec<ReportItem>,
        now: u64,
    ) -> Result<StatusReportResult> {
        let payments = self.reported_payments(original_msg_id)?;
        let decided = match_report(report_msg_id, &items, &payments);
        let mut changed: BTreeMap<usize, StoredPayment> = BTreeMap::new();
        let mut rows = Vec::new();
        let mut tallies = Tallies::new();
        for change in decided.changes() {
            let p = match changed.entry(change.payment) {
                Entry::Occupied(loaded) => loaded.into_mut(),
                Entry::Vacant(slot) => {
                    let id = &payments[change.payment].id;
                    let p = self.load_payment(id)?.ok_or_else(|| {
                        worker::Error::RustError(format!("payment {id} vanished"))
                    })?;
                    slot.insert(p)
                }
            };
            p.status = change.to;
            p.updated_at = now;
            if let Some(reason) = &change.bank_reason {
                p.bank_reason = Some(reason.clone());
            }
            self.payment_event(
                &p.id,
                now,
                NewEvent::status("bank", change.detail.clone(), change.from, change.to),
            )?;
            if let Some(w) = &change.process_warning {
                tally(&mut tallies, &w.process, w.warning.clone(), &p.id);
            }
            rows.push(payment_row(company, p));
        }
        for p in changed.values() {
            self.save_payment(p)?;
        }
        self.write_tallies(tallies, &format!("status report {report_msg_id}"), now)?;
        Ok(StatusReportResult {
            report_msg_id: report_msg_id.to_owned(),
            original_msg_id: original_msg_id.to_owned(),
            matched: decided.matched(),
            changed: decided.changed(),
            unchanged: decided.unchanged(),
            unmatched: decided.unmatched(),
            payments: rows,
        })
    }

    /// The payments of every file with message id `msg_id`, file by file (in upload order),
    /// each in file order: what a status report on that message can name. Only the columns
    /// matching needs, so a report costs one parse per changed payment, not per payment.
    fn reported_payments(&self, msg_id: &str) -> Result<Vec<ReportedPayment>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            file_id: String,
            status: String,
            instr_hash: Option<String>,
            end_to_end_id: String,
            pmt_inf_id: String,
            process_id: Option<String>,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT p.id, p.file_id, p.status, p.instr_hash, p.end_to_end_id, p.pmt_inf_id, \
                 json_extract(p.data, '$.process_id') AS process_id \
                 FROM payments p JOIN payment_files f ON f.id = p.file_id \
                 WHERE f.msg_id = ? ORDER BY f.uploaded_at, f.id, p.seq",
                vec![text(msg_id)],
            )?
            .to_array()?;
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            worker::Error::RustError(format!("stored payment {what}: {e}"))
        };
        rows.into_iter()
            .map(|r| {
                Ok(ReportedPayment {
                    id: PaymentId::parse(&r.id).map_err(|e| bad("id", &e))?,
                    file_id: PaymentFileId::parse(&r.file_id).map_err(|e| bad("file", &e))?,
                    status: PaymentStatus::parse_key(&r.status)
                        .ok_or_else(|| bad("status", &r.status))?,
                    instr_hash: r.instr_hash,
                    end_to_end_id: r.end_to_end_id,
                    pmt_inf_id: r.pmt_inf_id,
                    process_id: r
                        .process_id
                        .map(|p| InvoiceId::parse(&p).map_err(|e| bad("process", &e)))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The current payment-suggestion export of one kind: the unacknowledged one if there is
    /// one (the same invoices, id and creation time however often it is read), otherwise a new
    /// one of up to `limit` approved invoices that are in no export yet, under `export_id`;
    /// `None` when there is nothing to export. Marks nothing exported: only
    /// [`Ledger::acknowledge_export`] does. Pre-approved: invoices with a token that can still
    /// be used when the export is made; regular: every other approved invoice.
    pub(super) fn export(
        &self,
        pre_approved: bool,
        export_id: &str,
        limit: usize,
        now: u64,
    ) -> Result<Option<ExportAnswer>> {
        let kind = export_kind(pre_approved);
        let pending: Vec<ExportFileRow> = self
            .sql
            .exec(
                "SELECT export_id, created_at FROM export_files WHERE kind = ? \
                 AND acknowledged_at IS NULL ORDER BY created_at LIMIT 1",
                vec![text(kind)],
            )?
            .to_array()?;
        if let Some(file) = pending.into_iter().next() {
            let rows = self.export_rows(&file.export_id, pre_approved)?;
            return Ok(Some(ExportAnswer {
                export_id: file.export_id,
                created_at: u64::try_from(file.created_at).unwrap_or_default(),
                rows,
            }));
        }
        let candidates = self.approved_rows(
            "a.process_id NOT IN (SELECT process_id FROM exports) \
             AND a.process_id NOT IN (SELECT i.process_id FROM export_items i \
             JOIN export_files f ON f.export_id = i.export_id WHERE f.acknowledged_at IS NULL) \
             ORDER BY a.seq",
            Vec::new(),
        )?;
        let mut rows = Vec::new();
        for mut row in candidates {
            if rows.len() >= limit {
                break;
            }
            let usable =
                exports_as_pre_approved(row.record.token.as_ref(), row.sealed_token.is_some(), now);
            if usable != pre_approved {
                continue;
            }
            if !pre_approved {
                row.sealed_token = None;
            }
            rows.push(row);
        }
        if rows.is_empty() {
            return Ok(None);
        }
        self.sql.exec(
            "INSERT INTO export_files (export_id, kind, created_at, acknowledged_at) \
             VALUES (?, ?, ?, NULL)",
            vec![text(export_id), text(kind), int(now)],
        )?;
        for (pos, row) in rows.iter().enumerate() {
            self.sql.exec(
                "INSERT INTO export_items (export_id, pos, process_id) VALUES (?, ?, ?)",
                vec![
                    text(export_id),
                    int(pos as u64),
                    text(row.record.process.id().as_str()),
                ],
            )?;
        }
        Ok(Some(ExportAnswer {
            export_id: export_id.to_owned(),
            created_at: now,
            rows,
        }))
    }

    /// The invoices of one export, in approval order.
    fn export_rows(&self, export_id: &str, pre_approved: bool) -> Result<Vec<ApprovedRow>> {
        let mut rows = self.approved_rows(
            "a.process_id IN (SELECT process_id FROM export_items WHERE export_id = ?) \
             ORDER BY a.seq",
            vec![text(export_id)],
        )?;
        if !pre_approved {
            for row in &mut rows {
                row.sealed_token = None;
            }
        }
        Ok(rows)
    }

    /// The ERP acknowledges an export: its invoices are exported (one "exported" history entry
    /// each) and never offered again. Acknowledging again answers the same; `None`: no export of
    /// this kind has that id in this company.
    pub(super) fn acknowledge_export(
        &self,
        pre_approved: bool,
        export_id: &str,
        now: u64,
    ) -> Result<Option<ExportAck>> {
        let kind = export_kind(pre_approved);
        #[derive(Deserialize)]
        struct Row {
            acknowledged_at: Option<i64>,
        }
        let found: Vec<Row> = self
            .sql
            .exec(
                "SELECT acknowledged_at FROM export_files WHERE export_id = ? AND kind = ?",
                vec![text(export_id), text(kind)],
            )?
            .to_array()?;
        let Some(file) = found.into_iter().next() else {
            return Ok(None);
        };
        #[derive(Deserialize)]
        struct Item {
            process_id: String,
        }
        let items: Vec<Item> = self
            .sql
            .exec(
                "SELECT process_id FROM export_items WHERE export_id = ? ORDER BY pos",
                vec![text(export_id)],
            )?
            .to_array()?;
        if let Some(at) = file.acknowledged_at {
            return Ok(Some(ExportAck {
                export_id: export_id.to_owned(),
                invoices: items.len(),
                acknowledged_at: u64::try_from(at).unwrap_or_default(),
                newly: false,
            }));
        }
        self.sql.exec(
            "UPDATE export_files SET acknowledged_at = ? WHERE export_id = ?",
            vec![int(now), text(export_id)],
        )?;
        for item in &items {
            self.sql.exec(
                "INSERT OR IGNORE INTO exports (process_id, export_id, kind, exported_at) \
                 VALUES (?, ?, ?, ?)",
                vec![
                    text(&item.process_id),
                    text(export_id),
                    text(kind),
                    int(now),
                ],
            )?;
            let process = InvoiceId::parse(&item.process_id)
                .map_err(|e| worker::Error::RustError(format!("export item: {e}")))?;
            self.history(
                &process,
                now,
                "exported",
                "ERP",
                &format!(
                    "Exported to the ERP in the {} payment-suggestion file {export_id} \
                     (acknowledged).",
                    if pre_approved {
                        "pre-approved"
                    } else {
                        "regular"
                    }
                ),
                None,
                None,
                None,
            )?;
        }
        Ok(Some(ExportAck {
            export_id: export_id.to_owned(),
            invoices: items.len(),
            acknowledged_at: now,
            newly: true,
        }))
    }
}

/// The tables of the payment-suggestion exports (beside `exports`, which holds every
/// acknowledged invoice):
/// - `export_files`: one row per export: `export_id`, `kind` (`pre_approved`/`regular`),
///   `created_at`, `acknowledged_at` (NULL while the ERP has not acknowledged it; at most one
///   unacknowledged export per kind).
/// - `export_items`: the invoices of each export in file order.
pub const EXPORT_SCHEMA: [&str; 3] = [
    "CREATE TABLE IF NOT EXISTS export_files (export_id TEXT PRIMARY KEY, kind TEXT NOT NULL, \
     created_at INTEGER NOT NULL, acknowledged_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS export_items (export_id TEXT NOT NULL, pos INTEGER NOT NULL, \
     process_id TEXT NOT NULL, PRIMARY KEY (export_id, pos))",
    "CREATE INDEX IF NOT EXISTS export_items_process ON export_items (process_id)",
];

fn export_kind(pre_approved: bool) -> &'static str {
    if pre_approved {
        "pre_approved"
    } else {
        "regular"
    }
}

#[derive(Deserialize)]
struct ExportFileRow {
    export_id: String,
    created_at: i64,
}

/// A payment-suggestion export: its id, when it was made, and its invoices.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportAnswer {
    pub export_id: String,
    pub created_at: u64,
    pub rows: Vec<ApprovedRow>,
}

/// An acknowledged export; `newly` when this call acknowledged it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportAck {
    pub export_id: String,
    pub invoices: usize,
    pub acknowledged_at: u64,
    pub newly: bool,
}
