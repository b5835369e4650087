//! Pieces of an invoice that several approval screens show (task list, task, bundle, signing
//! dialog, process overview): amounts, statuses, warnings, the invoice's data, its history and
//! comments.

use ap_core::api_approval::{AmountView, CommentView, HistoryEntry, InvoiceView};
use ap_core::warnings::Warning;
use leptos::prelude::*;

use crate::widgets::local_time;

/// "12 500.50 NOK": the server's exact decimal text with the integer part grouped by
/// thousands (no-break spaces). Never goes through floating point.
pub fn amount_text(amount: &AmountView) -> String {
    let (number, currency) = amount
        .display
        .split_once(' ')
        .unwrap_or((amount.display.as_str(), amount.currency.as_str()));
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::from(sign);
    let len = int.chars().count();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    if let Some(frac) = frac {
        grouped.push('.');
        grouped.push_str(frac);
    }
    format!("{grouped}\u{a0}{currency}")
}

/// Totals per currency on one line: "1 250.50 NOK · 300.00 EUR".
pub fn totals_text(totals: &[AmountView]) -> String {
    totals
        .iter()
        .map(amount_text)
        .collect::<Vec<_>>()
        .join(" · ")
}

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

/// Warnings as a panel with their messages, for a task or a process.
#[component]
pub fn WarningPanel(warnings: Vec<Warning>) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        view! {
            <section class="note note-warn warnings" aria-labelledby="warnings-title">
                <h2 id="warnings-title">"Warnings"</h2>
                <ul>
                    {warnings.into_iter().map(|w| view! {
                        <li data-warning=w.kind()><strong>{warning_label(w.kind())} ": "</strong>{w.to_string()}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The invoice's data as a description list.
#[component]
pub fn InvoiceFacts(invoice: InvoiceView) -> impl IntoView {
    let account_label = if invoice.supplier.account_kind == "iban" {
        "Bank account (IBAN)"
    } else {
        "Bank account"
    };
    let reference_label = match invoice.payment_reference_kind.as_str() {
        "kid" => "Payment reference (KID)",
        "creditor" => "Payment reference (creditor reference)",
        _ => "Payment reference",
    };
    view! {
        <dl class="facts invoice-facts">
            <dt>"Company"</dt><dd>{invoice.company_name.clone()}</dd>
            <dt>"Supplier"</dt><dd>{invoice.supplier.name.clone()}</dd>
            <dt>"Organisation number"</dt><dd class="mono">{invoice.supplier.organisation_number.clone()}</dd>
            <dt>{account_label}</dt><dd class="mono" data-testid="supplier-account">{invoice.supplier.account.clone()}</dd>
            {invoice.supplier.bic.clone().map(|bic| view! { <dt>"BIC"</dt><dd class="mono">{bic}</dd> })}
            <dt>"Invoice number"</dt><dd>{invoice.invoice_number.clone()}</dd>
            <dt>"Invoice date"</dt><dd>{invoice.invoice_date.clone()}</dd>
            <dt>"Due date"</dt><dd>{invoice.due_date.clone()}</dd>
            <dt>"Amount"</dt><dd class="amount strong" data-testid="invoice-amount">{amount_text(&invoice.amount)}</dd>
            <dt>{reference_label}</dt><dd class="mono">{invoice.payment_reference.clone()}</dd>
            <dt>"Document Center id"</dt><dd class="mono">{invoice.document_id.clone()}</dd>
        </dl>
    }
}

/// The invoice's PDF inline, with a link to open it on its own.
#[component]
pub fn InvoicePdf(invoice: InvoiceView) -> impl IntoView {
    match invoice.pdf_url.clone() {
        Some(url) => view! {
            <div class="pdf">
                <iframe src=url.clone() title=format!("Invoice {} from {} (PDF)", invoice.invoice_number, invoice.supplier.name)></iframe>
                <p><a href=url target="_blank" rel="noopener">"Open the PDF in a new tab"</a></p>
            </div>
        }
        .into_any(),
        None => view! { <p class="muted">"The Document Center sent no PDF with this invoice."</p> }.into_any(),
    }
}

/// What happened to the process, newest last as the server lists it.
#[component]
pub fn HistoryTable(history: Vec<HistoryEntry>) -> impl IntoView {
    if history.is_empty() {
        return view! { <p class="muted">"No history yet."</p> }.into_any();
    }
    view! {
        <table class="table history" data-testid="history">
            <caption class="visually-hidden">"History"</caption>
            <thead><tr>
                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th>
            </tr></thead>
            <tbody>
                {history.into_iter().map(|h| {
                    let mut extra = Vec::new();
                    if let Some(b) = &h.bundle_id { extra.push(format!("Bundle {b}")); }
                    if let Some(m) = &h.two_step_method { extra.push(format!("Two-step: {m}")); }
                    view! {
                        <tr data-kind=h.kind.clone()>
                            <td class="nowrap">{local_time(&h.at)}</td>
                            <td>{h.actor.clone()}</td>
                            <td>{h.detail.clone()}</td>
                            <td class="muted">{extra.join(" · ")}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Comments on the process.
#[component]
pub fn CommentList(comments: Vec<CommentView>) -> impl IntoView {
    if comments.is_empty() {
        return view! { <p class="muted">"No comments yet."</p> }.into_any();
    }
    view! {
        <ul class="comments" data-testid="comments">
            {comments.into_iter().map(|c| view! {
                <li>
                    <p class="comment-meta"><strong>{c.author.clone()}</strong>" · "{local_time(&c.at)}</p>
                    <p class="comment-text">{c.text.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
