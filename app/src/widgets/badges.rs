//! Statuses and warnings as badges that carry their words (never only a colour): process
//! statuses and warnings of the approval screens, payment statuses, Yes/No and payment warnings
//! of AutoPay. The tables of process statuses and warning kinds with their labels are
//! ap-core's (`process::STATUSES`, `warnings::KINDS`).

use ap_core::api_autopay::PaymentStatus;
use ap_core::warnings::Warning;
use leptos::prelude::*;

pub use ap_core::process::{status_label, STATUSES};
pub use ap_core::warnings::{kind_label as warning_label, KINDS as WARNING_KINDS};

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
        return view! { <span class="muted">{crate::tr!(widgets.none)}</span> }.into_any();
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
