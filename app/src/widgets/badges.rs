//! Statuses and warnings as badges that carry their words (never only a colour): process
//! statuses and warnings of the approval screens, payment statuses, Yes/No and payment warnings
//! of AutoPay. The filter tables of process statuses and warning kinds live here with their
//! labels.

use ap_core::api_autopay::PaymentStatus;
use ap_core::warnings::Warning;
use leptos::prelude::*;

/// A process status in words.
pub fn status_label(status: &str) -> String {
    match status {
        "awaiting_approval" => "Awaiting approval".into(),
        "awaiting_second_approval" => "Awaiting second approval".into(),
        "in_bundle" => "In a bundle".into(),
        "approved" => "Approved".into(),
        "payment_approved" => "Payment pre-approved".into(),
        "rejected" => "Rejected".into(),
        other => other.replace('_', " "),
    }
}

/// The statuses a process can have, for filters.
pub const STATUSES: [&str; 6] = [
    "awaiting_approval",
    "awaiting_second_approval",
    "in_bundle",
    "approved",
    "payment_approved",
    "rejected",
];

/// Warning kinds, for filters: (value, label).
pub const WARNING_KINDS: [(&str, &str); 9] = [
    ("possible_duplicate", "Possible duplicate invoice"),
    ("supplier_account_changed", "Supplier bank account changed"),
    ("due_date_passed", "Due date passed"),
    (
        "account_changed_after_approval",
        "Bank account changed after approval",
    ),
    ("token_revoked", "Token revoked"),
    ("token_expired", "Token expired"),
    ("token_mismatch", "Token mismatch"),
    ("token_reused", "Token reused"),
    ("payment_rejected", "Payment rejected"),
];

/// The short label of a warning kind.
pub fn warning_label(kind: &str) -> &'static str {
    WARNING_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Warning", |(_, label)| label)
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
    view! { <span class=class>{status_label(&status)}</span> }
}

/// Warnings as badges, each carrying its message as text (not only a colour or an icon).
#[component]
pub fn WarningBadges(warnings: Vec<Warning>) -> impl IntoView {
    if warnings.is_empty() {
        return view! { <span class="muted">"None"</span> }.into_any();
    }
    view! {
        <ul class="warning-list">
            {warnings.into_iter().map(|w| view! {
                <li><span class="badge badge-warning" data-warning=w.kind()>{w.to_string()}</span></li>
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
    view! { <span class=class data-status=status.as_key()>{status.label()}</span> }
}

/// Yes or No as a badge with the word in it.
#[component]
pub fn YesNo(yes: bool) -> impl IntoView {
    if yes {
        view! { <span class="badge badge-yes">"Yes"</span> }
    } else {
        view! { <span class="badge badge-no">"No"</span> }
    }
}

/// A payment's warning sentence, or "None".
#[component]
pub fn WarningText(warning: Option<String>) -> impl IntoView {
    match warning {
        Some(w) => view! { <span class="badge badge-warning warning-text" data-testid="warning">{w}</span> }.into_any(),
        None => view! { <span class="muted">"None"</span> }.into_any(),
    }
}
