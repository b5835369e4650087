//! The one place where errors become HTTP answers: RFC 9457 `application/problem+json`.
//!
//! How the mapping works: a refusal is a typed value made where the decision is made — an
//! ap-core rule's refusal (`ProcessRefusal`, `PaymentApprovalRefusal`, `StaleVersion`, …), a
//! Durable Object's answer that carries one (`SignRefusal`, `PaymentRefusal`, `GuardRefusal`,
//! `CompanyRefusal`), or a handler's own enum (`Denied`, `KeyRefusal`, `UploadRefusal`, …). Its
//! `Display` (thiserror) is the sentence the client reads; the `From` impls below decide its
//! status, once, and handlers only write `?` or `.into()`. A thing that is not there, or that
//! the caller may not see, is a [`Missing`] variant (404). A request that cannot be read is
//! typed too: a query parameter is a [`BadQuery`], a body field a [`BadField`], the body itself
//! a [`BadBody`], and an ap-core validator's field errors (`Vec<FieldError>`) convert as they
//! are (400 naming each field). What callers still build themselves is the router's 405 (and
//! its 400 for a URL that is not one) and `ApiError::internal`.
//!
//! Internal details (storage errors, Durable Object failures) are logged and never returned.

use ap_core::account::{AccountRefusal, ReplaceRefusal};
use ap_core::api::{FieldError, Problem};
use ap_core::bundle::BundleDigestError;
use ap_core::dates::DateError;
use ap_core::format::Lang;
use ap_core::guard::Locked;
use ap_core::ids::EmailError;
use ap_core::messages::{localize, translate};
use ap_core::org::{AgreementRefusal, SettingsRefusal};
use ap_core::passkey::RingRefusal;
use ap_core::password::PasswordError;
use ap_core::process::{CommentError, ProcessRefusal};
use ap_core::settlement::{PaymentApprovalRefusal, RejectRefusal, UnconfirmedWarning};
use ap_core::totp::TotpCodeError;
use worker::{Headers, Response};

use crate::approval::ApproveAndPayUnavailable;
use crate::auth::{AlreadySetUp, Denied};
use crate::autopay::{ExportRefusal, NotPendingSigning, RefusedFile, UploadRefusal};
use crate::bundle::BundleRefusal;
use crate::do_registry::CompanyRefusal;
use crate::do_user::GuardRefusal;
use crate::documents::DocumentRefusal;
use crate::integration::KeyRefusal;
use crate::ledger::PaymentRefusal;
use crate::passkeys::PasskeyMissing;
use crate::processes::NoToken;
use crate::throttle::Throttled;
use crate::two_step::CodeRefusal;
use crate::users::UserRefusal;

/// Every way a request can fail. Each variant maps to exactly one status code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("This endpoint does not accept this method; use {0}.")]
    MethodNotAllowed(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    UpgradeRequired(String),
    /// Two-step verification locked (423) until `until` (unix seconds, sent as `locked_until`).
    #[error("{detail}")]
    Locked { detail: String, until: u64 },
    /// A wrong two-step code (or password with it): 400 naming `field` when the form has a code
    /// field, else 403; `attempts_left` before the lock goes into the problem.
    #[error("{detail}")]
    CodeNotCorrect {
        detail: String,
        field: Option<&'static str>,
        attempts_left: Option<u32>,
    },
    /// Too many failed attempts: refused for `retry_after` seconds (sent as `Retry-After`).
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    /// The service is misconfigured or a dependency is down; the detail says what to do.
    #[error("{0}")]
    Unavailable(String),
    #[error("storage failure: {0}")]
    Internal(String),
}

/// Something a request names that is not there, or that the caller may not see (which the
/// answer must not tell apart): 404 with this sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("There is no such user.")]
    User,
    #[error("There is no such company.")]
    Company,
    /// An integration key's company was deleted after the key was made.
    #[error("The key's company no longer exists.")]
    KeyCompany,
    #[error("There is no such task.")]
    Task,
    #[error("There is no such process.")]
    Process,
    #[error("This invoice has no PDF.")]
    Pdf,
    #[error("There is no such absence of yours.")]
    Absence,
    #[error("There is no such payment.")]
    Payment,
    #[error("There is no such payment file.")]
    PaymentFile,
    #[error("There is no such integration key.")]
    IntegrationKey,
    #[error("Payment suggestions are pre-approved or regular.")]
    SuggestionKind,
    #[error(
        "There is no {kind} payment-suggestion export {} for this company.",
        .export_id.chars().take(40).collect::<String>()
    )]
    Export { kind: String, export_id: String },
    /// `?company=` names a company where the user is no Invoice Approver.
    #[error("You are not an Invoice Approver in company {0}.")]
    NotInvoiceApproverIn(String),
    /// `?company=` names a company where the user is no AutoPay Approver.
    #[error("You are not an AutoPay Approver in that company.")]
    NotAutoPayApproverIn,
    /// No route has this path.
    #[error("There is no resource at {0}.")]
    Resource(String),
}

/// A query parameter the endpoint cannot take: 400 naming it ([`BadQuery::name`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadQuery {
    /// Which of several values counts would be a guess, and a proxy in front could guess
    /// otherwise.
    #[error("The query parameter {0} is given more than once; give it once.")]
    Repeated(String),
    /// `?limit=` of an administration list (`ap_core::listing::page_limit`).
    #[error("The limit is a positive whole number.")]
    Limit,
    /// `?cursor=` of an administration list that no page of it could have answered.
    #[error("The cursor is not one this list gave out.")]
    Cursor,
    /// `?cursor=` of a KV listing that the store did not understand.
    #[error("The cursor is not one this list gave out; start again without it.")]
    CursorRefused,
    /// `?limit=` of the ERP's approved invoices (`ap_core::approval::erp_limit`).
    #[error("The limit must be a positive whole number.")]
    ApprovedLimit,
    /// `?cursor=` of the ERP's approved invoices.
    #[error("The cursor is not one this endpoint gave out.")]
    ApprovedCursor,
    /// `?sort=` of the task list.
    #[error("Sort by due_date or amount.")]
    Sort,
    /// `?payment_approved=` of the process overview.
    #[error("Filter payment_approved with yes or no.")]
    PaymentApproved,
    /// `?status=` of the integration-key list.
    #[error("The status is all, live or revoked.")]
    KeyStatus,
    /// `?status=` of the AutoPay payment list.
    #[error(
        "Filter status with pending_signing, pending_approval, sent_to_bank, \
         accepted_by_bank, rejected_in_bank or paid."
    )]
    PaymentStatus,
    /// `?status=` of the AutoPay file list.
    #[error("Filter status with pending_signing or processed.")]
    FileStatus,
    /// `?date=` of the AutoPay payment list.
    #[error("{0}")]
    Date(DateError),
    /// `?from=` or `?to=` (named) of the audit-event list.
    #[error("Give a date like 2026-11-29 or a UTC time like 2026-11-29T17:48:23Z.")]
    TimeBound(&'static str),
    /// `?to=` before `?from=`.
    #[error("The end of the range is before its start.")]
    RangeReversed,
}

impl BadQuery {
    /// The query parameter the sentence is about.
    pub fn name(&self) -> &str {
        match self {
            Self::Repeated(name) => name,
            Self::Limit | Self::ApprovedLimit => "limit",
            Self::Cursor | Self::CursorRefused | Self::ApprovedCursor => "cursor",
            Self::Sort => "sort",
            Self::PaymentApproved => "payment_approved",
            Self::KeyStatus | Self::PaymentStatus | Self::FileStatus => "status",
            Self::Date(_) => "date",
            Self::TimeBound(name) => name,
            Self::RangeReversed => "to",
        }
    }
}

/// A field of a request body the endpoint cannot take: 400 naming it ([`BadField::name`]), or
/// one of several field errors (`errors.push(bad_field.into())`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadField {
    #[error("{0}")]
    Email(EmailError),
    /// The password of the first System Administrator.
    #[error("{0}")]
    Password(PasswordError),
    #[error("{0}")]
    NewPassword(PasswordError),
    #[error("Choose a password different from the current one.")]
    SamePassword,
    /// A wrong current password on a password change (it counts toward the lockout).
    #[error("The current password is not correct.")]
    CurrentPassword,
    /// A two-step code that cannot be one.
    #[error("{0}")]
    Code(TotpCodeError),
    /// A sign-in with both a TOTP code and a recovery code.
    #[error("Give the code from your authenticator app or a recovery code, not both.")]
    CodeAndRecoveryCode,
    /// A payment whose approval asks for a code, approved without one: the ledger's refusal,
    /// said as a field error before a code is spent.
    #[error("{}", PaymentApprovalRefusal::CodeRequired)]
    CodeRequired,
    /// A signing with neither a passkey nor password and code (not counted: nothing was tried).
    #[error(
        "Sign with your passkey, or give your password and the code from your authenticator app."
    )]
    SignatureRequired,
    /// The text of a comment on a task.
    #[error("{0}")]
    CommentText(CommentError),
    /// The reason for rejecting an AutoPay payment.
    #[error("{0}")]
    Reason(RejectRefusal),
    #[error("{0}")]
    Digest(BundleDigestError),
    /// An integration key with no scope.
    #[error("Choose at least one scope.")]
    NoScopes,
    /// A role granted in a company (named by the id as sent) that does not exist.
    #[error("There is no such company.")]
    RoleCompany(String),
    /// The simulator's amount.
    #[error("{0}")]
    Amount(ap_core::money::MoneyError),
    #[error("{0}")]
    Currency(ap_core::money::CurrencyError),
    /// Forward to / review by someone who is not an active Invoice Approver of the company.
    #[error("Choose an active Invoice Approver of this company.")]
    Person(&'static str),
    /// A postponement day that is not a date.
    #[error("{0}")]
    Until(ap_core::dates::DateError),
    /// An absence's first or last day that is not a date.
    #[error("{1}")]
    Day(&'static str, ap_core::dates::DateError),
    #[error("An absence must not be over already: its last day is today or later.")]
    PastAbsence,
    #[error("{0}")]
    WebhookUrl(ap_core::notify::WebhookUrlRefusal),
    #[error("Name at most 50 notifications, by their ids, at a time.")]
    NotificationIds,
}

impl BadField {
    /// The field the sentence is about.
    pub fn name(&self) -> String {
        match self {
            Self::Email(_) => "email".to_owned(),
            Self::Password(_) => "password".to_owned(),
            Self::NewPassword(_) | Self::SamePassword => "new_password".to_owned(),
            Self::CurrentPassword => "current_password".to_owned(),
            Self::Code(_) | Self::CodeRequired | Self::SignatureRequired => "code".to_owned(),
            Self::CodeAndRecoveryCode => "recovery_code".to_owned(),
            Self::CommentText(_) => "text".to_owned(),
            Self::Reason(_) => "reason".to_owned(),
            Self::Digest(_) => "digest".to_owned(),
            Self::NoScopes => "scopes".to_owned(),
            Self::Amount(_) => "amount".to_owned(),
            Self::Person(field) => (*field).to_owned(),
            Self::Until(_) => "until".to_owned(),
            Self::Day(field, _) => (*field).to_owned(),
            Self::PastAbsence => "to".to_owned(),
            Self::WebhookUrl(_) => "url".to_owned(),
            Self::NotificationIds => "ids".to_owned(),
            Self::Currency(_) => "currency".to_owned(),
            Self::RoleCompany(company) => {
                format!("roles.{}", company.chars().take(64).collect::<String>())
            }
        }
    }
}

/// A request body that cannot be read: too large 413, not JSON 415, otherwise 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadBody {
    #[error(
        "The request body is larger than the limit of {} for this endpoint.",
        human_bytes(*.limit)
    )]
    TooLarge { limit: usize },
    #[error("The Content-Length header is not a number.")]
    LengthNotANumber,
    #[error("The request body could not be read.")]
    Unreadable,
    #[error("This endpoint accepts only JSON: send Content-Type: application/json.")]
    NotJson,
    #[error("The body is not valid JSON (line {line}, column {column}).")]
    Syntax { line: usize, column: usize },
    /// JSON of the wrong shape: the field as serde saw it (or `body`) and serde's sentence.
    #[error("{message}")]
    Shape { field: String, message: String },
}

/// A request URL workers-rs cannot read (the router's first step).
#[derive(Debug, thiserror::Error)]
#[error("The request URL is not valid.")]
pub struct BadUrl;

impl From<BadUrl> for ApiError {
    fn from(bad: BadUrl) -> Self {
        Self::bad_request(bad.to_string())
    }
}

/// A size for people: whole MiB or KiB when it is one, otherwise bytes.
fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

impl From<BadQuery> for ApiError {
    fn from(bad: BadQuery) -> Self {
        Self::field(bad.name(), bad.to_string())
    }
}

impl From<BadField> for FieldError {
    fn from(bad: BadField) -> Self {
        FieldError {
            field: bad.name(),
            message: bad.to_string(),
        }
    }
}

impl From<BadField> for ApiError {
    fn from(bad: BadField) -> Self {
        Self::invalid_fields(vec![bad.into()])
    }
}

impl From<BadBody> for ApiError {
    fn from(bad: BadBody) -> Self {
        match bad {
            BadBody::TooLarge { .. } => Self::PayloadTooLarge(bad.to_string()),
            BadBody::NotJson => Self::UnsupportedMediaType(bad.to_string()),
            BadBody::Shape { field, message } => Self::field(&field, message),
            BadBody::LengthNotANumber | BadBody::Unreadable | BadBody::Syntax { .. } => {
                Self::bad_request(bad.to_string())
            }
        }
    }
}

/// Field errors of a request, as an ap-core validator (or a handler, from [`BadField`]s)
/// collected them: 400 naming each field.
impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::invalid_fields(errors)
    }
}

/// The service cannot answer now: misconfigured, or a record it needs cannot be read (503).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error(
        "The server is not configured: the secret SECRETS_KEY is missing. An operator must set it \
         (scripts/setup.sh writes one into .dev.vars; `wrangler secret put SECRETS_KEY` at the edge)."
    )]
    SecretsKeyMissing,
    #[error("The server is not configured: SECRETS_KEY is not valid. {0}")]
    SecretsKeyInvalid(String),
    /// No relying party configured, or one that cannot work (`RelyingParty::from_config`).
    #[error(
        "Passkeys are not set up on this server: an operator must set PASSKEY_RP_ID and \
         PASSKEY_ORIGIN (the domain and the address the app is served from)."
    )]
    PasskeysNotConfigured,
    /// The registry is adopting the company records an older version kept in KV.
    #[error("The company records are being set up; please try again in a moment.")]
    CompanyRecordsSettingUp,
}

impl From<Unavailable> for ApiError {
    fn from(unavailable: Unavailable) -> Self {
        Self::Unavailable(unavailable.to_string())
    }
}

impl From<Missing> for ApiError {
    fn from(missing: Missing) -> Self {
        Self::NotFound(missing.to_string())
    }
}

impl ApiError {
    /// A 400 without field errors (the router's answer to a URL that is not one).
    fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 400 naming each invalid field.
    fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields are not valid; see errors.", errors.len()),
        };
        Self::BadRequest { detail, errors }
    }

    fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid_fields(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    pub fn method_not_allowed(allowed: &'static str) -> Self {
        Self::MethodNotAllowed(allowed)
    }

    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        Self::Internal(format!("{context}: {err}"))
    }

    fn status_and_title(&self) -> (u16, &'static str, &'static str) {
        match self {
            Self::BadRequest { .. } => (400, "bad-request", "The request is not valid"),
            Self::Unauthorized(_) => (401, "unauthorized", "Sign-in required"),
            Self::Forbidden(_) => (403, "forbidden", "Not allowed"),
            Self::NotFound(_) => (404, "not-found", "Not found"),
            Self::MethodNotAllowed(_) => (405, "method-not-allowed", "Method not allowed"),
            Self::Conflict(_) => (409, "conflict", "Conflict with the current state"),
            Self::PayloadTooLarge(_) => (413, "payload-too-large", "The request is too large"),
            Self::UnsupportedMediaType(_) => {
                (415, "unsupported-media-type", "Unsupported content type")
            }
            Self::Unprocessable(_) => (422, "unprocessable", "The request cannot be carried out"),
            Self::UpgradeRequired(_) => (426, "upgrade-required", "Client version too old"),
            Self::Locked { .. } => (423, "locked", "Two-step verification is locked"),
            Self::CodeNotCorrect { field: Some(_), .. } => {
                (400, "bad-request", "The request is not valid")
            }
            Self::CodeNotCorrect { field: None, .. } => (403, "forbidden", "Not allowed"),
            Self::TooManyRequests { .. } => (429, "too-many-requests", "Too many attempts"),
            Self::Unavailable(_) => (503, "unavailable", "The service is not available"),
            Self::Internal(_) => (500, "internal", "Something went wrong on our side"),
        }
    }

    /// The problem+json answer in `lang` (title, detail and field messages; see
    /// `ap_core::messages`). A 500 is logged with its cause and answered without it.
    pub fn into_response(self, lang: Lang) -> Response {
        let (status, kind, title) = self.status_and_title();
        let detail = match &self {
            Self::Internal(cause) => {
                worker::console_error!("internal error: {cause}");
                "The service could not complete the request. Please try again.".to_owned()
            }
            other => other.to_string(),
        };
        let retry_after = match &self {
            Self::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        // RFC 9110: a 405 names the methods the resource does accept.
        let allow = match &self {
            Self::MethodNotAllowed(allowed) => Some(*allowed),
            _ => None,
        };
        let attempts_left = match &self {
            Self::CodeNotCorrect { attempts_left, .. } => *attempts_left,
            _ => None,
        };
        let locked_until = match &self {
            Self::Locked { until, .. } => Some(ap_core::dates::Timestamp(*until).to_rfc3339()),
            _ => None,
        };
        let errors = match self {
            Self::BadRequest { errors, .. } => errors,
            Self::CodeNotCorrect {
                field: Some(field),
                detail,
                ..
            } => vec![FieldError {
                field: field.to_owned(),
                message: detail,
            }],
            _ => Vec::new(),
        };
        // A single field's detail is "field: message" (`invalid_fields`): the field name stays
        // as sent, the message is translated.
        let detail = match errors.as_slice() {
            [one] if detail == format!("{}: {}", one.field, one.message) => {
                format!("{}: {}", one.field, localize(&one.message, lang))
            }
            _ => localize(&detail, lang),
        };
        let errors: Vec<FieldError> = errors
            .into_iter()
            .map(|e| FieldError {
                message: localize(&e.message, lang),
                field: e.field,
            })
            .collect();
        let problem = Problem {
            kind: format!("https://approve-and-pay.dev/problems/{kind}"),
            title: translate(title, lang),
            status,
            detail,
            errors,
            attempts_left,
            locked_until,
        };
        let response = problem_response(&problem);
        let _ = response.headers().set("content-language", lang.tag());
        if let Some(secs) = retry_after {
            let _ = response.headers().set("retry-after", &secs.to_string());
        }
        if let Some(allowed) = allow {
            let _ = response.headers().set("allow", allowed);
        }
        response
    }
}

fn problem_response(problem: &Problem) -> Response {
    let body = serde_json::to_string(problem).unwrap_or_else(|_| "{}".to_owned());
    let headers = Headers::new();
    // Header names and values are constants, so these cannot fail.
    let _ = headers.set("content-type", "application/problem+json");
    let _ = headers.set("cache-control", "no-store");
    Response::ok(body)
        .map(|r| r.with_status(problem.status).with_headers(headers))
        .unwrap_or_else(|_| Response::empty().expect("empty response").with_status(500))
}

impl From<worker::Error> for ApiError {
    fn from(err: worker::Error) -> Self {
        Self::internal("worker", err)
    }
}

impl From<worker::kv::KvError> for ApiError {
    fn from(err: worker::kv::KvError) -> Self {
        Self::internal("kv", err)
    }
}

/// A process refused an action: 409 when the state moved on under the user, 422 when the
/// action does not apply, 400 for a bad comment.
impl From<ProcessRefusal> for ApiError {
    fn from(refusal: ProcessRefusal) -> Self {
        match refusal {
            ProcessRefusal::Comment(e) => Self::field("comment", e.to_string()),
            ProcessRefusal::SameApprover
            | ProcessRefusal::ApproveAndPayNeedsCompletingApproval
            | ProcessRefusal::ApproveAndPayOnLastStep
            | ProcessRefusal::PostponeDay
            | ProcessRefusal::ToSelf
            | ProcessRefusal::AlreadyApprovedBy { .. } => Self::Unprocessable(refusal.to_string()),
            ProcessRefusal::NotYourStep { .. } | ProcessRefusal::NotReviewer => {
                Self::Forbidden(refusal.to_string())
            }
            other => Self::Conflict(other.to_string()),
        }
    }
}

/// A decision on an AutoPay payment the payment's state does not allow: 409.
impl From<PaymentRefusal> for ApiError {
    fn from(refusal: PaymentRefusal) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

impl From<PaymentApprovalRefusal> for ApiError {
    fn from(refusal: PaymentApprovalRefusal) -> Self {
        PaymentRefusal::from(refusal).into()
    }
}

impl From<UnconfirmedWarning> for ApiError {
    fn from(refusal: UnconfirmedWarning) -> Self {
        PaymentRefusal::from(refusal).into()
    }
}

/// Who is asking (401) or what they may do (403).
impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::SignInRequired | Denied::SignInNotCorrect => {
                Self::Unauthorized(denied.to_string())
            }
            Denied::MustChangePassword
            | Denied::NotSystemAdministrator
            | Denied::NeedsRoleHere(_)
            | Denied::CrossSite(_)
            | Denied::StepUp(_) => Self::Forbidden(denied.to_string()),
        }
    }
}

impl From<AlreadySetUp> for ApiError {
    fn from(refusal: AlreadySetUp) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

/// No valid key 401, a client too old 426, a key that may not do this 403.
impl From<KeyRefusal> for ApiError {
    fn from(refusal: KeyRefusal) -> Self {
        match refusal {
            KeyRefusal::NoValidKey => Self::Unauthorized(refusal.to_string()),
            KeyRefusal::ClientTooOld => Self::UpgradeRequired(refusal.to_string()),
            KeyRefusal::OtherCompany
            | KeyRefusal::DocumentOfOtherCompany
            | KeyRefusal::LacksScope(_) => Self::Forbidden(refusal.to_string()),
        }
    }
}

/// Two-step verification not activated 422; a wrong code 403, or 400 naming the form's code
/// field.
impl From<CodeRefusal> for ApiError {
    fn from(refusal: CodeRefusal) -> Self {
        match refusal {
            CodeRefusal::NotActivated | CodeRefusal::RecoveryCodeNotAccepted => {
                Self::Unprocessable(refusal.to_string())
            }
            CodeRefusal::NotCorrect {
                field,
                attempts_left,
                ..
            } => Self::CodeNotCorrect {
                detail: refusal.to_string(),
                field,
                attempts_left,
            },
        }
    }
}

/// Locked after too many failed codes: 423.
impl From<Locked> for ApiError {
    fn from(locked: Locked) -> Self {
        Self::Locked {
            detail: locked.to_string(),
            until: locked.until,
        }
    }
}

/// This session may not replace the authenticator app without a code from the old one: 403.
impl From<ReplaceRefusal> for ApiError {
    fn from(refusal: ReplaceRefusal) -> Self {
        Self::Forbidden(refusal.to_string())
    }
}

/// A change that does not apply to the account as it is now: 409.
impl From<AccountRefusal> for ApiError {
    fn from(refusal: AccountRefusal) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

/// The guard's refusal: the account changed (409), or the session ended (401).
impl From<GuardRefusal> for ApiError {
    fn from(refusal: GuardRefusal) -> Self {
        match refusal {
            GuardRefusal::Account(account) => account.into(),
            GuardRefusal::SessionEnded => Self::Unauthorized(refusal.to_string()),
            GuardRefusal::Replace(replace) => replace.into(),
            GuardRefusal::Passkeys(passkeys) => passkeys.into(),
        }
    }
}

/// A change of one's passkeys that does not apply: a name that cannot be one 400 (naming
/// `name`), no such passkey 404, one too many or one already there 409.
impl From<RingRefusal> for ApiError {
    fn from(refusal: RingRefusal) -> Self {
        match refusal {
            RingRefusal::BadName => Self::invalid_fields(vec![FieldError {
                field: "name".to_owned(),
                message: refusal.to_string(),
            }]),
            RingRefusal::NotFound => Self::NotFound(refusal.to_string()),
            RingRefusal::TooMany | RingRefusal::AlreadyRegistered => {
                Self::Conflict(refusal.to_string())
            }
        }
    }
}

impl From<PasskeyMissing> for ApiError {
    fn from(refusal: PasskeyMissing) -> Self {
        Self::Unprocessable(refusal.to_string())
    }
}

impl From<UserRefusal> for ApiError {
    fn from(refusal: UserRefusal) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

impl From<NoToken> for ApiError {
    fn from(refusal: NoToken) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

impl From<BundleRefusal> for ApiError {
    fn from(refusal: BundleRefusal) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

impl From<ApproveAndPayUnavailable> for ApiError {
    fn from(refusal: ApproveAndPayUnavailable) -> Self {
        Self::Unprocessable(refusal.to_string())
    }
}

impl From<DocumentRefusal> for ApiError {
    fn from(refusal: DocumentRefusal) -> Self {
        match refusal {
            DocumentRefusal::NotJson => Self::UnsupportedMediaType(refusal.to_string()),
            DocumentRefusal::PdfTooLarge => Self::PayloadTooLarge(refusal.to_string()),
            DocumentRefusal::SendingOff { .. } => Self::Unprocessable(refusal.to_string()),
            DocumentRefusal::DifferentContent { .. } => Self::Conflict(refusal.to_string()),
        }
    }
}

/// A malformed Idempotency-Key 400; a file that cannot be accepted as it is 422.
impl From<UploadRefusal> for ApiError {
    fn from(refusal: UploadRefusal) -> Self {
        match refusal {
            UploadRefusal::BadIdempotencyKey => Self::bad_request(refusal.to_string()),
            UploadRefusal::NotYourAccount { .. }
            | UploadRefusal::ForeignAccount { .. }
            | UploadRefusal::NotAnIban { .. }
            | UploadRefusal::IdempotencyKeyReused { .. } => {
                Self::Unprocessable(refusal.to_string())
            }
        }
    }
}

impl From<NotPendingSigning> for ApiError {
    fn from(refusal: NotPendingSigning) -> Self {
        Self::Conflict(refusal.to_string())
    }
}

impl From<ExportRefusal> for ApiError {
    fn from(refusal: ExportRefusal) -> Self {
        Self::Unprocessable(refusal.to_string())
    }
}

/// A spent sign-in budget: 429 with `Retry-After`.
impl From<Throttled> for ApiError {
    fn from(throttled: Throttled) -> Self {
        Self::TooManyRequests {
            detail: throttled.to_string(),
            retry_after: throttled.retry_after,
        }
    }
}

/// A company command the registry refused: a stale version or a debtor account held elsewhere
/// 409, settings the caller may not change 403 (invalid ones 400 by field), no such agreement
/// 404, too many agreements 422, an unreadable record 503.
impl From<CompanyRefusal> for ApiError {
    fn from(refusal: CompanyRefusal) -> Self {
        match refusal {
            CompanyRefusal::Settings(SettingsRefusal::Invalid(errors)) => {
                Self::invalid_fields(errors)
            }
            CompanyRefusal::Settings(_) => Self::Forbidden(refusal.to_string()),
            CompanyRefusal::Agreement(AgreementRefusal::NoSuchAgreement) => {
                Self::NotFound(refusal.to_string())
            }
            CompanyRefusal::Agreement(AgreementRefusal::TooMany) => {
                Self::Unprocessable(refusal.to_string())
            }
            CompanyRefusal::IdTaken
            | CompanyRefusal::Stale(_)
            | CompanyRefusal::Agreement(AgreementRefusal::AccountInUse { .. }) => {
                Self::Conflict(refusal.to_string())
            }
            CompanyRefusal::Unreadable => Self::Unavailable(refusal.to_string()),
            CompanyRefusal::Workflow(_) => Self::Unprocessable(refusal.to_string()),
        }
    }
}

impl From<RefusedFile> for ApiError {
    /// 400 naming the first problem, and every problem with its line in `errors`.
    fn from(refused: RefusedFile) -> Self {
        let problems = &refused.error.problems;
        let first = problems
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        ApiError::BadRequest {
            detail: ap_core::sentence!("The {} was refused: {first}", refused.what),
            errors: problems
                .iter()
                .map(|p| FieldError {
                    field: format!("line {}", p.line),
                    message: p.to_string(),
                })
                .collect(),
        }
    }
}
