//! Pieces of an invoice that several approval screens show (task, process overview): the
//! warnings panel, the invoice's data and PDF, its history and comments. Amounts and status and
//! warning badges are shared widgets (`crate::widgets`).

use ap_core::api_approval::{CommentView, HistoryEntry, InvoiceView};
use ap_core::warnings::WarningNote;
use leptos::prelude::*;

use crate::widgets::{
    account_text, amount_text, date_text, local_time, warning_label, Column, DataTable, Row,
};
use crate::{tr, tr_string};

/// Warnings as a panel with their messages, for a task or a process.
#[component]
pub fn WarningPanel(warnings: Vec<WarningNote>) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        view! {
            <section class="note note-warn warnings" aria-labelledby="warnings-title">
                <h2 id="warnings-title">{tr!(task.warnings)}</h2>
                <ul>
                    {warnings.into_iter().map(|w| {
                        let kind = w.kind.clone();
                        view! {
                            <li data-warning=w.kind><strong>{move || warning_label(&kind)} ": "</strong>{w.message}</li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The invoice's data as a description list.
#[component]
pub fn InvoiceFacts(invoice: InvoiceView) -> impl IntoView {
    let iban = invoice.supplier.account_kind == "iban";
    let account_label = move || {
        if iban {
            tr_string!(task.fact_account_iban)
        } else {
            tr_string!(task.fact_account)
        }
    };
    let reference_kind = invoice.payment_reference_kind.clone();
    let reference_label = move || match reference_kind.as_str() {
        "kid" => tr_string!(task.fact_reference_kid),
        "creditor" => tr_string!(task.fact_reference_creditor),
        _ => tr_string!(task.fact_reference),
    };
    view! {
        <dl class="facts invoice-facts">
            <dt>{tr!(task.fact_company)}</dt><dd>{invoice.company_name.clone()}</dd>
            <dt>{tr!(task.fact_supplier)}</dt><dd>{invoice.supplier.name.clone()}</dd>
            <dt>{tr!(task.fact_org_number)}</dt><dd class="mono">{invoice.supplier.organisation_number.clone()}</dd>
            <dt>{account_label}</dt><dd class="mono account" data-testid="supplier-account">{account_text(&invoice.supplier.account)}</dd>
            {invoice.supplier.bic.clone().map(|bic| view! { <dt>{tr!(task.fact_bic)}</dt><dd class="mono">{bic}</dd> })}
            <dt>{tr!(task.fact_invoice_number)}</dt><dd>{invoice.invoice_number.clone()}</dd>
            <dt>{tr!(task.fact_invoice_date)}</dt><dd>{date_text(&invoice.invoice_date)}</dd>
            <dt>{tr!(task.fact_due_date)}</dt><dd>{date_text(&invoice.due_date)}</dd>
            <dt>{tr!(task.fact_amount)}</dt><dd class="amount strong" data-testid="invoice-amount">{amount_text(&invoice.amount)}</dd>
            <dt>{reference_label}</dt><dd class="mono reference">{invoice.payment_reference.clone()}</dd>
            <dt>{tr!(task.fact_document_id)}</dt><dd class="mono">{invoice.document_id.clone()}</dd>
        </dl>
    }
}

/// The invoice's PDF inline, with a link to open it on its own.
#[component]
pub fn InvoicePdf(invoice: InvoiceView) -> impl IntoView {
    let (number, supplier) = (
        invoice.invoice_number.clone(),
        invoice.supplier.name.clone(),
    );
    let title = move || {
        tr_string!(
            task.pdf_title,
            number = number.clone(),
            supplier = supplier.clone()
        )
        .to_string()
    };
    match invoice.pdf_url.clone() {
        Some(url) => view! {
            <div class="pdf">
                <iframe src=url.clone() title=title></iframe>
                <p><a href=url target="_blank" rel="noopener">{tr!(task.pdf_open)}</a></p>
            </div>
        }
        .into_any(),
        None => view! { <p class="muted">{tr!(task.no_pdf)}</p> }.into_any(),
    }
}

const HISTORY_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(task.history_when)).class("nowrap"),
    Column::tr(|| tr_string!(task.history_who)),
    Column::tr(|| tr_string!(task.history_what)),
    Column::tr(|| tr_string!(task.history_details)).class("muted"),
];

/// What happened to the process, newest last as the server lists it.
#[component]
pub fn HistoryTable(history: Vec<HistoryEntry>) -> impl IntoView {
    if history.is_empty() {
        return view! { <p class="muted">{tr!(task.history_empty)}</p> }.into_any();
    }
    view! {
        <DataTable caption=tr_string!(task.history) class="history" testid="history" columns=HISTORY_COLUMNS
            rows=history.into_iter().map(|h| {
                let mut extra = Vec::new();
                if let Some(b) = &h.bundle_id { extra.push(tr_string!(task.history_bundle, id = b.clone()).to_string()); }
                if let Some(m) = &h.two_step_method { extra.push(tr_string!(task.history_method, method = m.clone()).to_string()); }
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
        return view! { <p class="muted">{tr!(task.comments_empty)}</p> }.into_any();
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
