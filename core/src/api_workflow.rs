//! Request and response types of a company's approval workflow (issue 10), shared by the Worker
//! and the SPA.
//!
//! ```text
//! System Administrator (session cookie), else 403:
//!
//!   GET  /api/v1/companies/{id}/workflow            -> WorkflowsView
//!   PUT  /api/v1/companies/{id}/workflow/draft      WorkflowDraftRequest -> WorkflowsView
//!                                                   422 naming every problem; 409 stale version
//!   POST /api/v1/companies/{id}/workflow/activate   api_approval::VersionedRequest -> WorkflowsView
//!                                                   422 without a draft; 409 stale version
//!   POST /api/v1/companies/{id}/workflow/simulate   SimulateRequest -> SimulationView
//!
//! Substitutes (session cookie): oneself, and a System Administrator for a user (else 403;
//! 404 for no such user), with the same rules and answers:
//!
//!   GET    /api/v1/me/absences                          -> AbsencesView
//!   POST   /api/v1/me/absences                          AbsenceRequest -> 201 AbsencesView
//!                                                       400 by field (day unreadable or over,
//!                                                       no such substitute); 422 a rule's refusal
//!   DELETE /api/v1/me/absences/{absence}                -> AbsencesView; 404 not one's own
//!   GET    /api/v1/admin/users/{id}/absences            -> AbsencesView (as the user sees it)
//!   POST   /api/v1/admin/users/{id}/absences            AbsenceRequest -> 201 AbsencesView
//!   DELETE /api/v1/admin/users/{id}/absences/{absence}  -> AbsencesView; 404 not the user's
//! ```
//!
//! The workflow itself travels as `workflow::Workflow` (steps with their condition, approvers
//! and "any one"/"all", the four-eyes number and the groups).

use serde::{Deserialize, Serialize};

use crate::workflow::{Needed, Workflow};

/// A person the editor can name as an approver: an active Invoice Approver of the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproverChoice {
    pub id: String,
    pub name: String,
}

/// The active workflow version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveWorkflowView {
    pub version: u32,
    pub workflow: Workflow,
    pub activated_by: String,
    /// RFC 3339 UTC.
    pub activated_at: String,
}

/// A company's workflows as the editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowsView {
    pub company_id: String,
    pub company_name: String,
    pub base_currency: String,
    /// The company record's version: send it back as `expected_version`.
    pub version: u64,
    pub draft: Option<Workflow>,
    pub active: Option<ActiveWorkflowView>,
    /// Who can be named: the company's active Invoice Approvers, by name.
    pub approvers: Vec<ApproverChoice>,
}

/// Saves the draft (it must be valid: every problem is named otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowDraftRequest {
    pub expected_version: u64,
    pub workflow: Workflow,
}

/// An invoice to try a workflow on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateRequest {
    /// As on an invoice: `"300000.00"`.
    pub amount: String,
    pub currency: String,
    #[serde(default)]
    pub supplier_org_number: String,
    #[serde(default)]
    pub supplier_is_new: bool,
    #[serde(default)]
    pub bank_account_changed: bool,
    /// Try the draft (default) or the active version.
    #[serde(default = "yes")]
    pub draft: bool,
}

fn yes() -> bool {
    true
}

/// One step of a simulated route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatedStep {
    pub name: String,
    pub applies: bool,
    /// Why it applies or not, as a sentence.
    pub why: String,
    /// Who would decide it, by name (empty when it does not apply).
    pub approvers: Vec<String>,
    pub needed: Needed,
}

/// The route an invoice would take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationView {
    pub steps: Vec<SimulatedStep>,
    /// Why it would be blocked, as a sentence.
    pub blocked: Option<String>,
}

/// `POST /api/v1/me/absences` (or a System Administrator's `POST
/// /api/v1/admin/users/{id}/absences` for that user): I am away from `from` to `to` (both days included, `YYYY-MM-DD`)
/// and `substitute` (a user id) decides my tasks meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceRequest {
    pub substitute: String,
    pub from: String,
    pub to: String,
}

/// An absence as My details shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceView {
    pub id: String,
    pub user_name: String,
    pub substitute_name: String,
    pub from: String,
    pub to: String,
    /// Mine (I am away), or one where I am the substitute.
    pub mine: bool,
}

/// `GET /api/v1/me/absences`: my absences and those I substitute in, and who can be my
/// substitute (active Invoice Approvers of my companies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsencesView {
    pub absences: Vec<AbsenceView>,
    pub people: Vec<ApproverChoice>,
}

// ---- Notifications (`/api/v1/me/notifications`) and the company webhook ----

/// One notification of the signed-in user's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    #[serde(flatten)]
    pub notice: crate::notify::Notice,
    pub read: bool,
}

/// `GET /api/v1/me/notifications`: the newest first, and how many are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsView {
    pub items: Vec<NotificationView>,
    pub unread: u32,
}

/// `POST /api/v1/me/notifications/read`: marks these read; none named marks all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadNotificationsRequest {
    #[serde(default)]
    pub ids: Vec<String>,
}

/// `PUT /api/v1/companies/{id}/webhook`: where the company's events are sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRequest {
    pub url: String,
}

/// The company's webhook as its administrator sees it. The signing secret is shown once, in
/// the answer that made it (`secret`), and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The newest deliveries first.
    pub deliveries: Vec<DeliveryView>,
}

/// One delivery of the webhook's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub kind: crate::notify::NoticeKind,
    #[serde(default)]
    pub invoice_number: String,
    pub status: crate::notify::DeliveryStatus,
    pub attempts: u32,
    /// RFC 3339 UTC.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    /// The receiver's last HTTP status, or what went wrong reaching it.
    #[serde(default)]
    pub last_result: String,
}
