//! Request and response types of AutoPay (issue 5), shared by the Worker and the SPA. Money
//! travels as [`AmountView`] (`{minor, currency, display}`), dates as `YYYY-MM-DD`, instants as
//! RFC 3339 UTC. An approval token is never answered here: only whether a payment carried an
//! `InstrId` and whether it pre-approved the payment.

use serde::{Deserialize, Serialize};

use crate::api_approval::AmountView;

// ---------------------------------------------------------------------------------------------
// Integration API (Authorization: Bearer <integration key>, X-Client-Version >= 14.00):
//
//   GET    /api/v1/companies/{company}/payment-suggestions/pre-approved
//   GET    /api/v1/companies/{company}/payment-suggestions/regular
//          (key scope `erp:read`) -> 200 application/xml, a pain.001.001.03 file of the approved
//          invoices not yet exported: the pre-approved one carries each token in PmtId/InstrId,
//          the regular one none. Exported invoices are marked exported (an event); asking again
//          exports nothing new: 204 No Content with an `X-Nothing-To-Export` sentence (pain.001
//          needs at least one transaction, so there is no empty file).
//   POST   /api/v1/autopay/payment-files
//          body: the pain.001.001.03/.09 XML (<= 25 MiB, else 413 before it is read)
//          optional header `Idempotency-Key` (1-255 visible ASCII characters)
//          (key scope `autopay:upload`; every debtor account must be one of the key's company's
//          bank agreements) -> 201 UploadResult (new), 200 UploadResult (`replayed: true`, the
//          same content or the same Idempotency-Key as an earlier upload: nothing new created).
//          400 unreadable file (`errors` lists every problem with its line); 422 unknown debtor
//          account (named in the detail); 403 scope/company; 426 old client.
//   POST   /api/v1/autopay/status-reports
//          body: a pain.002.001.03/.10 XML (key scope `autopay:upload`) -> 200 StatusReportResult
//   GET    /api/v1/autopay/payments/{id}/events   (key of the payment's company, any scope)
//                                                 -> PaymentEvents
//
// AutoPay (session cookie; AutoPay Approver of the company, System Administrator may read):
//
//   GET    /api/v1/autopay/payments?company=&status=&file=&date=   -> Vec<PaymentRow>
//          (`status` a PaymentStatus key, `date` the requested execution date; newest first,
//           at most 500 per company)
//   GET    /api/v1/autopay/payments/{id}/events                    -> PaymentEvents
//   POST   /api/v1/autopay/payments/{id}/approve   ApprovePaymentRequest -> PaymentRow
//          (`code` required when the bank agreement's level includes "on approval"; an agreement
//           needing 2 approvers needs two different people: the first approval answers the row
//           still Pending approval with `approvals` naming the approver; 409 when the same
//           person approves twice or the payment is not Pending approval; 403 wrong code; 423
//           locked)
//   GET    /api/v1/autopay/files?company=                          -> Vec<PaymentFileRow>
//   GET    /api/v1/autopay/files/{id}                              -> UploadResult
//   POST   /api/v1/autopay/files/{id}/sign         SignFileRequest -> UploadResult
//          (a file in Pending signing: its payments are then checked as on upload; 409 when the
//           file is not Pending signing; 403 wrong code; 423 locked)
// ---------------------------------------------------------------------------------------------

/// Where a payment stands in AutoPay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::plain_enum))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Its file waits for a user to sign the upload with a code.
    PendingSigning,
    /// Needs normal approval in AutoPay.
    PendingApproval,
    SentToBank,
    AcceptedByBank,
    RejectedInBank,
    Paid,
    /// An AutoPay Approver stopped it with a reason: never sent to the bank.
    Rejected,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 7] = [
        PaymentStatus::PendingSigning,
        PaymentStatus::PendingApproval,
        PaymentStatus::SentToBank,
        PaymentStatus::AcceptedByBank,
        PaymentStatus::RejectedInBank,
        PaymentStatus::Paid,
        PaymentStatus::Rejected,
    ];

    /// The machine name (`sent_to_bank`).
    pub fn as_key(self) -> &'static str {
        match self {
            PaymentStatus::PendingSigning => "pending_signing",
            PaymentStatus::PendingApproval => "pending_approval",
            PaymentStatus::SentToBank => "sent_to_bank",
            PaymentStatus::AcceptedByBank => "accepted_by_bank",
            PaymentStatus::RejectedInBank => "rejected_in_bank",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Rejected => "rejected",
        }
    }

    /// The words shown to users (`Sent to bank`).
    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::PendingSigning => "Pending signing",
            PaymentStatus::PendingApproval => "Pending approval",
            PaymentStatus::SentToBank => "Sent to bank",
            PaymentStatus::AcceptedByBank => "Accepted by bank",
            PaymentStatus::RejectedInBank => "Rejected in bank",
            PaymentStatus::Paid => "Paid",
            PaymentStatus::Rejected => "Rejected",
        }
    }

    pub fn parse_key(key: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|s| s.as_key() == key)
    }
}

/// Where an uploaded file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::plain_enum))]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// A bank agreement asks for two-step authentication on upload: an AutoPay Approver must
    /// sign the file with a code before its payments are checked.
    PendingSigning,
    /// Every payment was checked and has its status.
    Processed,
}

impl FileStatus {
    pub const ALL: [FileStatus; 2] = [FileStatus::PendingSigning, FileStatus::Processed];

    /// The stored and query key (`pending_signing`), as serde writes it.
    pub fn as_key(self) -> &'static str {
        match self {
            FileStatus::PendingSigning => "pending_signing",
            FileStatus::Processed => "processed",
        }
    }

    /// The status a key names (`?status=` of the file list).
    pub fn parse_key(key: &str) -> Option<FileStatus> {
        Self::ALL.into_iter().find(|s| s.as_key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            FileStatus::PendingSigning => "Pending signing",
            FileStatus::Processed => "Processed",
        }
    }
}

/// One payment of an upload, as the uploader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UploadedPayment {
    pub payment_id: String,
    pub end_to_end_id: String,
    /// Whether the payment carried `PmtId/InstrId` (where an approval token travels).
    pub instr_id_present: bool,
    pub creditor_name: String,
    pub creditor_account: String,
    pub amount: AmountView,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date))]
    pub requested_execution_date: String,
    pub status: PaymentStatus,
    pub status_label: String,
    pub pre_approved: bool,
    /// Why a carried token did not pre-approve the payment, in a sentence.
    pub warning: Option<String>,
}

/// Counts of an upload by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UploadSummary {
    pub payments: usize,
    pub sent_to_bank: usize,
    pub pending_approval: usize,
    pub pending_signing: usize,
    pub warnings: usize,
}

/// `POST /api/v1/autopay/payment-files`, `GET`/`POST …/files/{id}[/sign]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UploadResult {
    pub file_id: String,
    pub company_id: String,
    pub msg_id: String,
    pub status: FileStatus,
    pub status_label: String,
    /// SHA-256 of the file's bytes (hex): the same content is the same upload.
    pub content_sha256: String,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub uploaded_at: String,
    /// True when this answer repeats an earlier upload's outcome and nothing new was created.
    pub replayed: bool,
    pub summary: UploadSummary,
    pub totals: Vec<AmountView>,
    pub payments: Vec<UploadedPayment>,
}

/// One uploaded file in the files list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFileRow {
    pub id: String,
    pub company_id: String,
    pub msg_id: String,
    pub status: FileStatus,
    pub status_label: String,
    pub content_sha256: String,
    pub uploaded_at: String,
    /// The integration key's label.
    pub uploaded_by: String,
    pub payment_count: usize,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
}

/// One payment in the payments overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PaymentRow {
    pub id: String,
    pub company_id: String,
    pub file_id: String,
    pub pmt_inf_id: String,
    pub end_to_end_id: String,
    pub instr_id_present: bool,
    pub debtor_name: String,
    pub debtor_account: String,
    pub bank_agreement_id: String,
    pub creditor_name: String,
    pub creditor_account: String,
    pub amount: AmountView,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date))]
    pub requested_execution_date: String,
    pub status: PaymentStatus,
    pub status_label: String,
    pub pre_approved: bool,
    /// The invoice process whose token pre-approved (or was refused for) this payment.
    pub process_id: Option<String>,
    /// Approvals needed (the bank agreement's `approvers_required` when the payment entered
    /// AutoPay; a pre-approval is the first).
    pub approvals_required: u8,
    /// Whether each approval asks for a two-step code (fixed when the payment entered AutoPay).
    #[serde(default = "yes")]
    pub code_on_approval: bool,
    /// Who approved so far (a pre-approval's signer first).
    pub approvals: Vec<String>,
    pub warning: Option<String>,
    /// The bank's reason of a rejection (code and text).
    pub bank_reason: Option<String>,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub created_at: String,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub updated_at: String,
}

fn yes() -> bool {
    true
}

/// Filters of `GET /api/v1/autopay/payments` (all optional query parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFilter {
    pub company: Option<String>,
    pub status: Option<PaymentStatus>,
    pub file: Option<String>,
    /// Requested execution date, `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// One entry of a payment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PaymentEvent {
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub at: String,
    /// `received`, `pre_approved`, `token_refused`, `approved`, `sent_to_bank`,
    /// `accepted_by_bank`, `rejected_in_bank`, `paid`, `signed_upload`.
    pub kind: String,
    pub actor: String,
    pub detail: String,
    /// The file that carried the payment (for `received` and `pre_approved`).
    pub file_id: Option<String>,
    /// The signed bundle of a pre-approval.
    pub bundle_id: Option<String>,
    /// The two-step method used (`TOTP`).
    pub method: Option<String>,
    /// When the pre-approval was signed (RFC 3339), for `pre_approved`.
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub approved_at: Option<String>,
    /// Status before and after, for status changes.
    pub from_status: Option<PaymentStatus>,
    pub to_status: Option<PaymentStatus>,
}

/// `GET /api/v1/autopay/payments/{id}/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PaymentEvents {
    pub payment: PaymentRow,
    pub events: Vec<PaymentEvent>,
    /// The invoice number of the invoice whose approval token pre-approved (or was refused
    /// for) the payment, when the payment carried one that named a known invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// The structured payment reference (KID or RF creditor reference) the file carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_reference: Option<String>,
}

/// `POST /api/v1/autopay/payments/{id}/approve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovePaymentRequest {
    #[serde(default)]
    pub code: Option<String>,
    /// An assertion for this payment's passkey options, in place of the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<crate::api::PasskeyAssertion>,
    /// The approver read the payment's warning (a refused approval token) and approves all the
    /// same; without it a warned payment is not approved.
    #[serde(default)]
    pub confirm_warning: bool,
}

/// `POST /api/v1/autopay/payments/{id}/reject`: stops a payment pending approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectPaymentRequest {
    pub reason: String,
}

/// `POST /api/v1/autopay/files/{id}/sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignFileRequest {
    #[serde(default)]
    pub code: String,
    /// An assertion for this file's passkey options, in place of the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<crate::api::PasskeyAssertion>,
}

/// `POST /api/v1/autopay/status-reports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StatusReportResult {
    pub report_msg_id: String,
    pub original_msg_id: String,
    /// Transactions (or payment informations / the group) that named a known payment.
    pub matched: usize,
    /// Payments whose status changed.
    pub changed: usize,
    /// Payments already in that status (a duplicate report) or for which the code means no
    /// change (PDNG, RCVD, …).
    pub unchanged: usize,
    /// References that named no payment of the company: `EndToEndId` or `InstrId`.
    pub unmatched: Vec<String>,
    /// The payments whose status changed, as they are now.
    pub payments: Vec<PaymentRow>,
}

/// `POST /api/v1/companies/{company}/payment-suggestions/{kind}/{export_id}/acknowledge`: the
/// ERP has the file; its invoices are exported and never offered again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ExportAcknowledgement {
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::export_id))]
    pub export_id: String,
    /// `pre-approved` or `regular`.
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::export_kind))]
    pub kind: String,
    /// How many invoices the export holds.
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::at_least_one))]
    pub invoices: usize,
    /// RFC 3339 UTC, the first acknowledgement (acknowledging again answers the same).
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub acknowledged_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_status_key_is_its_json_name_and_reads_back() {
        for status in FileStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_key()));
            assert_eq!(FileStatus::parse_key(status.as_key()), Some(status));
        }
        for bad in ["", "Processed", "pending"] {
            assert_eq!(FileStatus::parse_key(bad), None, "{bad}");
        }
    }
}
