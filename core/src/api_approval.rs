//! Request and response types of the approval function (issue 4), shared by the Worker and the
//! SPA. Money travels as `{minor, currency}` plus a display string; dates as `YYYY-MM-DD`;
//! instants as RFC 3339 UTC. The approval token is never part of any SPA answer: only its last
//! four characters (the ERP endpoint is the one place the full token is answered).

use serde::{Deserialize, Serialize};

use crate::warnings::{Warning, WarningNote};

// ---------------------------------------------------------------------------------------------
// Integration API (Authorization: Bearer <integration key>, X-Client-Version >= 14.00):
//
//   POST   /api/v1/documents                 document::DocumentRequest
//                                            -> 201 DocumentAccepted (new process)
//                                            -> 200 DocumentAccepted (same document id, same content)
//                                            409 same id, different content; 413 PDF > 10 MiB;
//                                            400 field errors (each named in `errors`); 422
//                                            "Send workflows to Approval" is off; 403 scope/company;
//                                            426 old client (names the minimum version)
//                                            (key scope `documents:write`, key's company = company_id)
//   GET    /api/v1/companies/{company}/approved-invoices?cursor=&limit=
//                                            -> ApprovedInvoicesPage (key scope `erp:read`)
//   GET    /api/v1/openapi.json              -> OpenAPI 3.1 document (public)
//
// Approval (session cookie; Invoice Approver of the process's company, else 404):
//
//   GET    /api/v1/tasks?company=&sort=due_date|amount   -> Vec<TaskRow> (open tasks only)
//   GET    /api/v1/tasks/{id}                            -> TaskDetail
//   GET    /api/v1/tasks/{id}/pdf                        -> application/pdf (404 without PDF)
//   POST   /api/v1/tasks/{id}/approve                    VersionedRequest -> TaskDetail
//   GET    /api/v1/tasks/{id}/people                     -> Vec<api_workflow::ApproverChoice>
//                                                        (who it can be forwarded to or reviewed by)
//   POST   /api/v1/tasks/{id}/forward                    ForwardRequest -> TaskDetail
//   POST   /api/v1/tasks/{id}/review                     ReviewRequest -> TaskDetail
//   POST   /api/v1/tasks/{id}/review/answer              AnswerReviewRequest -> TaskDetail
//   POST   /api/v1/tasks/{id}/postpone                   PostponeRequest -> TaskDetail
//   POST   /api/v1/tasks/{id}/approve-and-pay            VersionedRequest -> BundleView
//                                                        (422 with `missing` when not ready)
//   POST   /api/v1/tasks/{id}/reject                     RejectRequest -> TaskDetail
//   POST   /api/v1/tasks/{id}/comments                   CommentRequest -> TaskDetail
//          Stale expected_version, or someone else acted first: 409 with the current state.
//
// Bundle and signing (session cookie; the signed-in user's own bundle):
//
//   GET    /api/v1/bundle                                -> BundleView
//   DELETE /api/v1/bundle/items/{id}                     -> BundleView (invoice back on tasks)
//   POST   /api/v1/bundle/cancel                         -> BundleView (empty; all back, unapproved)
//   POST   /api/v1/bundle/sign                           SignRequest -> SignResult
//          409 "the bundle changed since it was shown" when the digest differs;
//          403 when the password or code is not correct (never says which; a replayed code is
//          not correct), 423 while locked.
//
// Process overview (System Administrator):
//
//   GET    /api/v1/admin/processes?company=&status=&payment_approved=&warning=
//                                                        -> Vec<ProcessRow>
//   GET    /api/v1/admin/processes/{id}                  -> ProcessDetail
//   POST   /api/v1/admin/processes/{id}/revoke-token     -> ProcessDetail
// ---------------------------------------------------------------------------------------------

/// An amount: exact minor units, the same as an exact decimal string (`value`, "12500.50"), and
/// the text to display ("12500.50 NOK"). A JSON number is exact in every client only up to
/// 2^53 − 1; `value` is exact for every amount Approve & Pay accepts (up to 18 digits), so
/// clients that read JSON numbers as doubles (JavaScript) should compute with `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AmountView {
    pub minor: i64,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::decimal))]
    pub value: String,
    pub currency: String,
    pub display: String,
}

/// Answer of `POST /api/v1/documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DocumentAccepted {
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::id))]
    pub process_id: String,
    pub document_id: String,
    pub company_id: String,
    /// `awaiting_approval`, … (see `ProcessStatus`).
    pub status: String,
    pub warnings: Vec<Warning>,
}

/// One open task on the task list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: String,
    pub company_id: String,
    pub company_name: String,
    pub supplier_name: String,
    pub invoice_number: String,
    pub amount: AmountView,
    pub due_date: String,
    pub status: String,
    pub warnings: Vec<WarningNote>,
    /// Whether "Approve and pay" is offered to me on this task.
    pub approve_and_pay_offered: bool,
    /// When not offered: why, as sentences (missing prerequisites, or "needs a second approver").
    pub approve_and_pay_missing: Vec<String>,
    pub version: u64,
}

/// The supplier as shown on a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierView {
    pub name: String,
    pub organisation_number: String,
    /// IBAN (electronic form) or national account number.
    pub account: String,
    /// `iban` or `national`.
    pub account_kind: String,
    pub bic: Option<String>,
}

/// One entry of a process's history (who, when, what).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339 UTC.
    pub at: String,
    /// e.g. `opened`, `approved`, `added_to_bundle`, `payment_approved`, `rejected`,
    /// `commented`, `token_revoked`.
    pub kind: String,
    /// The user's name (and e-mail), or "Document Center" / "system".
    pub actor: String,
    pub detail: String,
    pub bundle_id: Option<String>,
    /// `TOTP` on a signing.
    pub two_step_method: Option<String>,
}

/// A comment on a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub at: String,
    pub author: String,
    pub text: String,
}

/// The invoice data of a process (task detail and process overview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub document_id: String,
    pub company_id: String,
    pub company_name: String,
    pub supplier: SupplierView,
    pub invoice_number: String,
    pub invoice_date: String,
    pub due_date: String,
    pub amount: AmountView,
    pub payment_reference: String,
    /// `kid`, `creditor` (ISO 11649) or `unstructured`.
    pub payment_reference_kind: String,
    /// Same-origin URL of the PDF (`/api/v1/tasks/{id}/pdf`), when one was sent.
    pub pdf_url: Option<String>,
}

/// `GET /api/v1/tasks/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub id: String,
    pub invoice: InvoiceView,
    pub status: String,
    /// 1, or 2 under four eyes.
    pub required_approvals: u8,
    /// Names of the approvers so far.
    pub approvers: Vec<String>,
    pub warnings: Vec<WarningNote>,
    /// Whether Approve / Reject are possible for me now (open task, not my first approval).
    pub can_approve: bool,
    /// What I can do with it now: the one state the task page shows (a bundled invoice is in
    /// my bundle or another approver's, never "decided").
    pub standing: crate::task_standing::TaskStanding,
    pub approve_and_pay_offered: bool,
    pub approve_and_pay_missing: Vec<String>,
    pub history: Vec<HistoryEntry>,
    pub comments: Vec<CommentView>,
    /// Send it back as `expected_version`.
    pub version: u64,
}

/// `POST /api/v1/tasks/{id}/forward`: to another active Invoice Approver of the company, with
/// a comment saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardRequest {
    pub expected_version: u64,
    /// The user id.
    pub to: String,
    pub comment: String,
}

/// `POST /api/v1/tasks/{id}/review`: a question to another Invoice Approver of the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequest {
    pub expected_version: u64,
    /// The user id.
    pub reviewer: String,
    pub question: String,
}

/// `POST /api/v1/tasks/{id}/review/answer`: the reviewer's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerReviewRequest {
    pub expected_version: u64,
    pub answer: String,
}

/// `POST /api/v1/tasks/{id}/postpone`: off the task list until `until` (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostponeRequest {
    pub expected_version: u64,
    pub until: String,
}

/// Approve, approve and pay, remove from the bundle: the version the user saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionedRequest {
    pub expected_version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectRequest {
    pub expected_version: u64,
    /// Required, at most 1000 characters.
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRequest {
    /// Comments change no state; accepted for symmetry, not checked.
    #[serde(default)]
    pub expected_version: Option<u64>,
    pub text: String,
}

/// One invoice in the bundle, with everything the signing dialog shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleItemView {
    pub id: String,
    pub company_id: String,
    pub company_name: String,
    pub payee_name: String,
    pub creditor_account: String,
    pub invoice_number: String,
    pub amount: AmountView,
    pub due_date: String,
    pub payment_reference: String,
    /// The creditor's BIC, when the invoice names one: bound to the approval token.
    #[serde(default)]
    pub creditor_bic: Option<String>,
    pub version: u64,
    /// A substitute's Approve and pay for an absent approver: their name, shown in the dialog
    /// so a bundle never mixes "on behalf of" with own approvals silently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

/// The bundle's invoices of one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleGroupView {
    pub company_id: String,
    pub company_name: String,
    pub item_ids: Vec<String>,
    pub totals: Vec<AmountView>,
    /// The account the company's payments are made from, and its bank: part of what is signed.
    #[serde(default)]
    pub debtor_account: String,
    #[serde(default)]
    pub debtor_bank: String,
    /// Approvals the bank agreement needs in AutoPay; above one, each payment waits there for
    /// another, different AutoPay Approver after the pre-approval.
    #[serde(default)]
    pub approvers_required: u8,
}

/// `GET /api/v1/bundle`: my bundle, on top of the task list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleView {
    pub items: Vec<BundleItemView>,
    pub count: usize,
    /// Per currency, alphabetically.
    pub totals: Vec<AmountView>,
    pub groups: Vec<BundleGroupView>,
    /// Hex SHA-256 of what is shown; send it back in `SignRequest::digest`.
    pub digest: String,
}

/// `POST /api/v1/bundle/sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignRequest {
    /// With `code`; not needed with a passkey.
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub code: String,
    pub digest: String,
    /// An assertion for the options of `POST /api/v1/bundle/passkey-options` with this digest,
    /// in place of password and code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<crate::api::PasskeyAssertion>,
}

/// One invoice signed: approved and its payment pre-approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInvoice {
    pub id: String,
    pub supplier_name: String,
    pub invoice_number: String,
    pub amount: AmountView,
    pub token_last_four: String,
}

/// An invoice left in the bundle, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedInvoice {
    pub id: String,
    pub reason: String,
}

/// The outcome of signing in one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySignResult {
    pub company_id: String,
    pub company_name: String,
    /// False when the company refused: its invoices stay in the bundle.
    pub signed: bool,
    pub reason: Option<String>,
    pub invoices: Vec<SignedInvoice>,
    pub refused: Vec<RefusedInvoice>,
}

/// Answer of `POST /api/v1/bundle/sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignResult {
    pub bundle_id: String,
    pub companies: Vec<CompanySignResult>,
    /// What was approved and pre-approved for payment, per currency (refused invoices, which
    /// stay in the bundle, not counted).
    pub totals: Vec<AmountView>,
    /// What is left in the bundle (refused invoices), with a fresh digest.
    pub bundle: BundleView,
}

/// One process in the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessRow {
    pub id: String,
    pub company_id: String,
    pub company_name: String,
    pub supplier_name: String,
    pub invoice_number: String,
    pub amount: AmountView,
    pub due_date: String,
    pub status: String,
    pub approvers: Vec<String>,
    pub payment_approved: bool,
    pub warnings: Vec<WarningNote>,
    pub version: u64,
}

/// Filters of `GET /api/v1/admin/processes` (all optional query parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessFilter {
    pub company: Option<String>,
    /// A status such as `awaiting_approval`, `in_bundle`, `approved`, `payment_approved`,
    /// `rejected`.
    pub status: Option<String>,
    pub payment_approved: Option<bool>,
    /// A warning kind such as `possible_duplicate` or `token_revoked`.
    pub warning: Option<String>,
}

/// The token as the overview shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub last_four: String,
    pub issued_at: String,
    pub expires_at: String,
    pub revoked: bool,
    pub used: bool,
}

/// `GET /api/v1/admin/processes/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessDetail {
    pub id: String,
    pub invoice: InvoiceView,
    pub status: String,
    pub required_approvals: u8,
    pub approvers: Vec<String>,
    pub payment_approved: bool,
    pub token: Option<TokenView>,
    pub warnings: Vec<WarningNote>,
    pub history: Vec<HistoryEntry>,
    pub comments: Vec<CommentView>,
    pub version: u64,
}

/// One approved invoice for the ERP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ApprovedInvoice {
    pub process_id: String,
    pub document_id: String,
    pub company_id: String,
    pub supplier_name: String,
    pub supplier_organisation_number: String,
    pub creditor_account: String,
    pub bic: Option<String>,
    pub invoice_number: String,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date))]
    pub invoice_date: String,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date))]
    pub due_date: String,
    /// Decimal string, e.g. `"12500.50"`.
    pub amount: String,
    pub currency: String,
    pub payment_reference: String,
    /// RFC 3339 UTC.
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub approved_at: String,
    pub payment_approved: bool,
    /// The full approval token (26 characters, Crockford base32) for pre-approved invoices;
    /// `null` otherwise. The "Approval token" column.
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::approval_token))]
    pub approval_token: Option<String>,
    /// Debtor bank agreement the token is bound to.
    pub bank_agreement_id: Option<String>,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub token_expires_at: Option<String>,
}

/// `GET /api/v1/companies/{company}/approved-invoices`: in approval order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ApprovedInvoicesPage {
    pub items: Vec<ApprovedInvoice>,
    /// Pass as `cursor` for the next page; `null` when there is nothing more right now.
    pub next_cursor: Option<String>,
    /// The position after the last item of this page (the cursor passed in when the page is
    /// empty): keep it to ask for newer approvals later.
    pub cursor: String,
}
