//! Statuses and warnings as badges that carry their words (never only a colour): process
//! statuses and warnings of the approval screens, payment statuses, Yes/No and payment warnings
//! of AutoPay. The words are the translation files' (`widgets.status_*`, `widgets.warning_*`,
//! `widgets.payment_*`, `widgets.file_*`); the keys are ap-core's (`process::STATUSES`,
//! `warnings::KINDS`, `PaymentStatus`, `FileStatus`). A warning's sentence is the server's,
//! already in the language shown.

use ap_core::api_autopay::{FileStatus, PaymentStatus};
use ap_core::warnings::WarningNote;
use leptos::prelude::*;

use crate::tr_string;

pub use ap_core::process::STATUSES;
pub use ap_core::warnings::KINDS as WARNING_KINDS;

/// A process status in the language shown; a key this version does not know, spaced.
pub fn status_text(key: &str) -> String {
    match key {
        "awaiting_approval" => tr_string!(widgets.status_awaiting_approval).to_owned(),
        "awaiting_second_approval" => {
            tr_string!(widgets.status_awaiting_second_approval).to_owned()
        }
        "blocked" => tr_string!(widgets.status_blocked).to_owned(),
        "in_bundle" => tr_string!(widgets.status_in_bundle).to_owned(),
        "approved" => tr_string!(widgets.status_approved).to_owned(),
        "payment_approved" => tr_string!(widgets.status_payment_approved).to_owned(),
        "rejected" => tr_string!(widgets.status_rejected).to_owned(),
        other => other.replace('_', " "),
    }
}

/// A warning kind's short label in the language shown ("Warning" for a kind this version does
/// not know).
pub fn warning_label(kind: &str) -> &'static str {
    match kind {
        "possible_duplicate" => tr_string!(widgets.warning_possible_duplicate),
        "supplier_account_changed" => tr_string!(widgets.warning_supplier_account_changed),
        "due_date_passed" => tr_string!(widgets.warning_due_date_passed),
        "account_changed_after_approval" => {
            tr_string!(widgets.warning_account_changed_after_approval)
        }
        "token_revoked" => tr_string!(widgets.warning_token_revoked),
        "token_expired" => tr_string!(widgets.warning_token_expired),
        "token_mismatch" => tr_string!(widgets.warning_token_mismatch),
        "token_reused" => tr_string!(widgets.warning_token_reused),
        "payment_rejected" => tr_string!(widgets.warning_payment_rejected),
        _ => tr_string!(widgets.warning_other),
    }
}

/// A payment status in the language shown.
pub fn payment_status_text(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::PendingSigning => tr_string!(widgets.payment_pending_signing),
        PaymentStatus::PendingApproval => tr_string!(widgets.payment_pending_approval),
        PaymentStatus::SentToBank => tr_string!(widgets.payment_sent_to_bank),
        PaymentStatus::AcceptedByBank => tr_string!(widgets.payment_accepted_by_bank),
        PaymentStatus::RejectedInBank => tr_string!(widgets.payment_rejected_in_bank),
        PaymentStatus::Paid => tr_string!(widgets.payment_paid),
        PaymentStatus::Rejected => tr_string!(widgets.payment_rejected),
    }
}

/// A payment file's status in the language shown.
pub fn file_status_text(status: FileStatus) -> &'static str {
    match status {
        FileStatus::PendingSigning => tr_string!(widgets.file_pending_signing),
        FileStatus::Processed => tr_string!(widgets.file_processed),
    }
}

/// A status as a badge.
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let class = match status.as_str() {
        "payment_approved" | "approved" => "badge badge-yes",
        "rejected" => "badge badge-no",
        "in_bundle" => "badge badge-info",
        _ => "badge",
    };
    let key = status.clone();
    view! { <span class=class data-status=status>{move || status_text(&key)}</span> }
}

/// Warnings as badges, each carrying its message as text (not only a colour or an icon).
#[component]
pub fn WarningBadges(warnings: Vec<WarningNote>) -> impl IntoView {
    if warnings.is_empty() {
        return view! { <span class="muted">{crate::tr!(widgets.none)}</span> }.into_any();
    }
    view! {
        <ul class="warning-list">
            {warnings.into_iter().map(|w| view! {
                <li><span class="badge badge-warning" data-warning=w.kind>{w.message}</span></li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A payment status as a badge with its words.
#[component]
pub fn PaymentStatusBadge(status: PaymentStatus) -> impl IntoView {
    let class = match status {
        PaymentStatus::SentToBank => "badge badge-info",
        PaymentStatus::AcceptedByBank | PaymentStatus::Paid => "badge badge-yes",
        PaymentStatus::RejectedInBank | PaymentStatus::Rejected => "badge badge-no",
        PaymentStatus::PendingApproval | PaymentStatus::PendingSigning => "badge badge-warning",
    };
    view! { <span class=class data-status=status.as_key()>{move || payment_status_text(status)}</span> }
}

/// Yes or No as a badge with the word in it.
#[component]
pub fn YesNo(yes: bool) -> impl IntoView {
    if yes {
        view! { <span class="badge badge-yes">{crate::tr!(widgets.yes)}</span> }
    } else {
        view! { <span class="badge badge-no">{crate::tr!(widgets.no)}</span> }
    }
}

/// A payment's warning sentence, or "None".
#[component]
pub fn WarningText(warning: Option<String>) -> impl IntoView {
    match warning {
        Some(w) => view! { <span class="badge badge-warning warning-text" data-testid="warning">{w}</span> }.into_any(),
        None => view! { <span class="muted">{crate::tr!(widgets.none)}</span> }.into_any(),
    }
}
