//! Pieces of an invoice that several approval screens show (task, process overview): the
//! warnings panel, the invoice's data and PDF, its history and comments. Amounts and status and
//! warning badges are shared widgets (`crate::widgets`).

use ap_core::api_approval::{CommentView, HistoryEntry, InvoiceView};
use ap_core::warnings::Warning;
use leptos::prelude::*;

use crate::widgets::{
    account_text, amount_text, date_text, local_time, warning_label, Column, DataTable, Row,
};

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
            <dt>{account_label}</dt><dd class="mono account" data-testid="supplier-account">{account_text(&invoice.supplier.account)}</dd>
            {invoice.supplier.bic.clone().map(|bic| view! { <dt>"BIC"</dt><dd class="mono">{bic}</dd> })}
            <dt>"Invoice number"</dt><dd>{invoice.invoice_number.clone()}</dd>
            <dt>"Invoice date"</dt><dd>{date_text(&invoice.invoice_date)}</dd>
            <dt>"Due date"</dt><dd>{date_text(&invoice.due_date)}</dd>
            <dt>"Amount"</dt><dd class="amount strong" data-testid="invoice-amount">{amount_text(&invoice.amount)}</dd>
            <dt>{reference_label}</dt><dd class="mono reference">{invoice.payment_reference.clone()}</dd>
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

const HISTORY_COLUMNS: &[Column] = &[
    Column::new("When").class("nowrap"),
    Column::new("Who"),
    Column::new("What"),
    Column::new("Details").class("muted"),
];

/// What happened to the process, newest last as the server lists it.
#[component]
pub fn HistoryTable(history: Vec<HistoryEntry>) -> impl IntoView {
    if history.is_empty() {
        return view! { <p class="muted">"No history yet."</p> }.into_any();
    }
    view! {
        <DataTable caption="History" class="history" testid="history" columns=HISTORY_COLUMNS
            rows=history.into_iter().map(|h| {
                let mut extra = Vec::new();
                if let Some(b) = &h.bundle_id { extra.push(format!("Bundle {b}")); }
                if let Some(m) = &h.two_step_method { extra.push(format!("Two-step: {m}")); }
                Row::new()
                    .attr("data-kind", h.kind)
                    .cell(local_time(&h.at))
                    .cell(h.actor)
                    .cell(h.detail)
                    .cell(extra.join(" · "))
            }).collect() />
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
