//! The ledger's command protocol: the commands the Worker sends to a company's ledger
//! ([`LedgerCommand`], one JSON message each), what they carry, the ledger's answers, and
//! [`ask_ledger`], the one way to send them.

use ap_core::api_approval::ProcessFilter;
use ap_core::api_autopay::{FileStatus, PaymentRow, PaymentStatus, UploadResult};
use ap_core::approval::{warnings_now, TaskSort};
use ap_core::bank_report::ReportItem;
use ap_core::bundle::BundleItem;
use ap_core::dates::Date;
use ap_core::iban::Iban;
use ap_core::ids::{BankAgreementId, CompanyId, InvoiceId, PaymentFileId, PaymentId, UserId};
use ap_core::listing::{FileKey, PaymentKey, ProcessKey};
use ap_core::money::Money;
use ap_core::process::{Process, ProcessRefusal, ProcessState, Transition};
use ap_core::settlement::{
    PaymentApprovalRefusal, PaymentNeeds, RejectRefusal, UnconfirmedWarning,
};
use ap_core::signings::SigningKey;
use ap_core::task_list::TaskKey;
use ap_core::token::{ApprovalToken, TokenHash, TokenRecord};
use ap_core::warnings::Warning;
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::problem::ApiError;

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
    Forward {
        expected_version: u64,
        to: UserId,
        to_name: String,
        comment: String,
    },
    RequestReview {
        expected_version: u64,
        user_name: String,
        reviewer: UserId,
        reviewer_name: String,
        question: String,
    },
    AnswerReview {
        expected_version: u64,
        answer: String,
    },
    Postpone {
        expected_version: u64,
        until: ap_core::dates::Date,
        today: ap_core::dates::Date,
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
        /// The company's active workflow: the ledger routes the process with what it knows of
        /// the supplier (`ap_core::process_route::Routing`).
        #[serde(default)]
        routing: Option<ap_core::process_route::Routing>,
    },
    Act {
        process_id: InvoiceId,
        user: UserId,
        actor: String,
        action: Action,
        now: u64,
        /// The absent approvers `user` substitutes for today, with their names; `user` then
        /// decides their tasks on their behalf (`Process::stand_in`).
        #[serde(default)]
        stand_in: Vec<(UserId, String)>,
        #[serde(default)]
        user_name: String,
    },
    /// "Cancel approval": every invoice of `user`'s bundle in this company back to the tasks.
    CancelBundle {
        user: UserId,
        actor: String,
        now: u64,
    },
    /// Signs this company's part of a bundle: all or nothing.
    Sign(Signing),
    /// A System Administrator withdraws a token.
    Revoke {
        process_id: InvoiceId,
        actor: String,
        now: u64,
    },
    /// The processes in `user`'s bundle (`ProcessState::InBundle`), in process-id order.
    InBundle {
        user: UserId,
    },
    /// "Signed by me": this company's parts of `user`'s first `limit` signings after `after`
    /// (`ap_core::signings::SigningKey`'s order, newest first).
    Signings {
        user: UserId,
        after: Option<SigningKey>,
        limit: usize,
    },
    /// One page of the process overview (`ap_core::listing::ProcessKey`'s order): at most
    /// `limit` processes after `after` that `filter` keeps (its warnings as at `now`).
    ListProcesses {
        company: CompanyId,
        filter: ProcessFilter,
        now: u64,
        after: Option<ProcessKey>,
        limit: usize,
    },
    /// One page of the company's open tasks in the task list's order, after `after`
    /// (`ap_core::task_list`): at most `limit` records.
    OpenTasks {
        sort: TaskSort,
        after: Option<TaskKey>,
        limit: usize,
        /// Only the tasks these users (the user, and the absent approvers they substitute for
        /// today) have now: every task without an assignee, and those naming one of them.
        users: Vec<UserId>,
        /// Tasks postponed until after this day (`YYYY-MM-DD`) are left out.
        today: String,
    },
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
    /// One page of the payment files, newest first (`ap_core::listing::FileKey`), each with
    /// its key: at most `limit` after `after`.
    ListFiles {
        company: CompanyId,
        status: Option<FileStatus>,
        after: Option<FileKey>,
        limit: usize,
    },
    /// One page of the payments the filters keep, newest first (`ap_core::listing::PaymentKey`),
    /// each with its key: at most `limit` after `after`.
    ListPayments {
        company: CompanyId,
        status: Option<PaymentStatus>,
        file: Option<String>,
        date: Option<String>,
        after: Option<PaymentKey>,
        limit: usize,
    },
    PaymentEvents {
        company: CompanyId,
        payment_id: PaymentId,
    },
    ApprovePayment(PaymentApproval),
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
    /// The hourly run: the reminders owed today (each once) and the escalations; answers who is
    /// told what (`Vec<ap_core::notify::Addressed>`).
    Remind {
        today: Date,
        now: u64,
        settings: super::RemindSettings,
    },
    /// Keeps events for the company's webhook, once each (by the notice's id).
    EnqueueDeliveries {
        notices: Vec<ap_core::notify::Notice>,
        now: u64,
    },
    /// The webhook deliveries due at `now` (`Vec<super::DueDelivery>`).
    DueDeliveries {
        now: u64,
        limit: usize,
    },
    /// One delivery attempt's result.
    DeliveryAttempted {
        id: String,
        ok: bool,
        result: String,
        now: u64,
    },
    /// The webhook's delivery log, newest first (`Vec<DeliveryView>`).
    Deliveries {
        limit: usize,
    },
}

/// [`LedgerCommand::Sign`]: one company's part of a signed bundle.
#[derive(Debug, Serialize, Deserialize)]
pub struct Signing {
    pub user: UserId,
    pub actor: String,
    pub bundle_id: String,
    pub bank_agreement_id: BankAgreementId,
    pub debtor_iban: Iban,
    pub expiry_days: u32,
    pub items: Vec<SignItem>,
    pub now: u64,
}

/// [`LedgerCommand::ApprovePayment`]: an AutoPay Approver's normal approval of one payment.
#[derive(Debug, Serialize, Deserialize)]
pub struct PaymentApproval {
    pub company: CompanyId,
    pub payment_id: PaymentId,
    pub user: UserId,
    pub actor: String,
    pub method: Option<String>,
    /// The approver confirmed the payment's warning.
    #[serde(default)]
    pub confirm_warning: bool,
    pub now: u64,
}

/// A process with what is stored beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessRecord {
    pub process: Process,
    pub warnings: Vec<Warning>,
    pub token: Option<TokenRecord>,
}

impl ProcessRecord {
    /// The warnings of the process at `now`: the stored ones plus the due date and token expiry
    /// (`ap_core::approval::warnings_now`).
    pub fn warnings_at(&self, now: u64) -> Vec<Warning> {
        let state = self.process.state();
        let unpaid = !matches!(
            state,
            ProcessState::Rejected { .. } | ProcessState::Approved
        ) && !self.process.payment_approved();
        warnings_now(
            &self.warnings,
            self.process.document().due_date,
            unpaid,
            self.token.as_ref(),
            now,
        )
    }
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
        /// The absent approver `user` acted for, by name.
        #[serde(default)]
        on_behalf_of: Option<String>,
        /// Who newly has the task after it, to be told (`ap_core::notify::newly_assigned`).
        #[serde(default)]
        told: Option<ap_core::notify::Addressed>,
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
    Refused { refusal: SignRefusal },
}

/// Why one company's part of a bundle was not signed (nothing was signed in that company). The
/// Worker refuses the first three before it asks the ledger; the ledger the others.
#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
pub enum SignRefusal {
    /// The signer is not ready in this company (`ap_core::readiness`): what is missing.
    #[error("{}", .messages.join(" "))]
    NotReady { messages: Vec<String> },
    #[error("No bank agreement of {company} asks for two-step authentication on approval.")]
    NoSigningAgreement { company: String },
    /// The company requires a passkey (`SigningMethod::accepted_by`) and the bundle was signed
    /// with password and code.
    #[error(
        "{company} requires a passkey for Approve and pay: nothing was signed in this company. \
         Sign with your passkey."
    )]
    PasskeyRequired { company: String },
    #[error(
        "The bank agreement of {company} changed since the bundle was shown; nothing was signed \
         in this company. Review the bundle and sign again."
    )]
    AgreementChanged { company: String },
    #[error("Invoice {0} no longer exists.")]
    InvoiceGone(InvoiceId),
    #[error(
        "The bundle changed since it was shown; nothing was signed in this company. Review the \
         bundle and sign again."
    )]
    BundleChanged,
    #[error("{0}")]
    Process(ProcessRefusal),
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
    Refused { refusal: PaymentRefusal },
    NotFound,
}

/// Why the ledger refused an AutoPay Approver's decision on a payment: the core's refusals.
#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
pub enum PaymentRefusal {
    #[error(transparent)]
    Unconfirmed(#[from] UnconfirmedWarning),
    #[error(transparent)]
    Approval(#[from] PaymentApprovalRefusal),
    #[error(transparent)]
    Reject(#[from] RejectRefusal),
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

/// Sends one command to `company`'s ledger.
pub async fn ask_ledger<R: serde::de::DeserializeOwned>(
    env: &Env,
    company: &ap_core::ids::CompanyId,
    command: &LedgerCommand,
) -> std::result::Result<R, ApiError> {
    crate::store::call_object(env, crate::store::LEDGER_BINDING, company.as_str(), command).await
}
