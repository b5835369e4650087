//! `/signed`, "Signed by me": every bundle I signed, newest first, a page at a time: when,
//! which companies, how many invoices, the totals per currency, and where each invoice is on
//! its way to the bank (waiting for ERP export → in AutoPay → Sent to bank → Paid or Rejected).
//! The signing confirmation is gone on reload; this screen is where the approver comes back to.

use ap_core::signings::{PathNote, PathStage, SignedInvoiceView, SigningView};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api_approval as api;
use crate::paged::{Paged, PagedList};
use crate::widgets::{
    amount_text, local_time, totals_text, Column, DataTable, Row, SignedInScreen,
};
use crate::{tr, tr_string};

/// The bundles the signed-in user signed.
#[component]
pub fn SignedByMe() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(signed.title) lead=crate::tr_prop!(signed.lead)>
            <SigningList />
        </SignedInScreen>
    }
}

/// A page of signings at a time, the next with "Load more".
#[component]
fn SigningList() -> impl IntoView {
    let signings = Paged::new(api::signings);
    view! {
        <p class="back"><A href="/tasks">{tr!(signed.back)}</A></p>
        <PagedList paged=signings loading=tr_string!(signed.loading) more_testid="signings-load-more" let:items>
            {if items.is_empty() {
                view! {
                    <p class="empty" data-testid="no-signings">{tr!(signed.empty)}</p>
                }.into_any()
            } else {
                view! {
                    <div class="signings" data-testid="signings">
                        {items.into_iter().map(|s| view! { <SigningCard signing=s /> }).collect_view()}
                    </div>
                }.into_any()
            }}
        </PagedList>
    }
}

const INVOICE_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(signed.col_invoice)).row_header(),
    Column::tr(|| tr_string!(signed.col_supplier)),
    Column::tr(|| tr_string!(signed.col_company)),
    Column::tr(|| tr_string!(signed.col_amount)).numeric(),
    Column::tr(|| tr_string!(signed.col_where)),
];

/// One signing: when, the companies, how many invoices, the totals, and each invoice's path.
#[component]
fn SigningCard(signing: SigningView) -> impl IntoView {
    let heading_id = format!("signing-{}", signing.bundle_id);
    let labelled_by = heading_id.clone();
    let at = signing.signed_at.clone();
    let companies = signing
        .companies
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let n = signing.count;
    let count = move || {
        if n == 1 {
            tr_string!(signed.invoices_single).to_string()
        } else {
            tr_string!(signed.invoices_many, count = n).to_string()
        }
    };
    let totals = signing.totals.clone();
    let invoices = signing.invoices;
    view! {
        <section class="card signing-card" aria-labelledby=labelled_by data-bundle=signing.bundle_id.clone() data-testid="signing">
            <div class="card-head">
                <div>
                    <h2 id=heading_id>{move || tr_string!(signed.signed_at, time = local_time(&at)).to_string()}</h2>
                    <p class="muted" data-testid="signing-summary">{count}" · "{companies}</p>
                </div>
                <p class="signing-total" data-testid="signing-totals"><strong>{move || tr_string!(signed.total, totals = totals_text(&totals)).to_string()}</strong></p>
            </div>
            {move || view! {
                <DataTable caption=tr_string!(signed.table_caption) class="signed-invoices"
                    columns=INVOICE_COLUMNS rows=invoices.iter().cloned().map(invoice_row).collect() />
            }}
        </section>
    }
}

fn invoice_row(invoice: SignedInvoiceView) -> Row {
    let label = tr_string!(
        signed.invoice_link,
        number = invoice.invoice_number.clone(),
        supplier = invoice.supplier_name.clone()
    )
    .to_string();
    Row::new()
        .attr("data-invoice", invoice.invoice_number.clone())
        .attr("data-stage", invoice.stage.as_key())
        .cell(view! { <A href=format!("/tasks/{}", invoice.id) attr:aria-label=label>{invoice.invoice_number}</A> })
        .cell(invoice.supplier_name)
        .cell(invoice.company_name)
        .cell(amount_text(&invoice.amount))
        .cell(view! { <PaymentPath stage=invoice.stage note=invoice.note /> })
}

/// A stage in the language shown.
fn stage_text(stage: PathStage) -> &'static str {
    match stage {
        PathStage::AwaitingExport => tr_string!(signed.stage_awaiting_export),
        PathStage::InAutoPay => tr_string!(signed.stage_in_autopay),
        PathStage::SentToBank => tr_string!(signed.stage_sent_to_bank),
        PathStage::Paid => tr_string!(signed.stage_paid),
        PathStage::Rejected => tr_string!(signed.stage_rejected),
    }
}

/// A note in the language shown.
fn note_text(note: PathNote) -> &'static str {
    match note {
        PathNote::ExportedNotReceived => tr_string!(signed.note_exported_not_received),
        PathNote::WaitingForSecondApprover => {
            tr_string!(signed.note_waiting_for_second_approver)
        }
        PathNote::WaitingForUploadSigning => tr_string!(signed.note_waiting_for_upload_signing),
        PathNote::AcceptedByBank => tr_string!(signed.note_accepted_by_bank),
        PathNote::RejectedInAutoPay => tr_string!(signed.note_rejected_in_autopay),
        PathNote::RejectedByBank => tr_string!(signed.note_rejected_by_bank),
        PathNote::TokenRevoked => tr_string!(signed.note_token_revoked),
        PathNote::TokenExpired => tr_string!(signed.note_token_expired),
    }
}

/// The path of one payment as steps, the current one marked (`aria-current="step"`): the steps
/// before it are done, those after it still to come. The last step is Paid, or Rejected.
#[component]
fn PaymentPath(stage: PathStage, note: Option<PathNote>) -> impl IntoView {
    let current = stage.step();
    let steps = PathStage::PATH.into_iter().map(move |step| {
        // The path ends in Rejected instead of Paid when the payment was rejected.
        let shown = if step == PathStage::Paid && stage == PathStage::Rejected {
            PathStage::Rejected
        } else {
            step
        };
        let class = match step.step().cmp(&current) {
            std::cmp::Ordering::Less => "done",
            std::cmp::Ordering::Equal if shown == PathStage::Rejected => "current rejected",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "todo",
        };
        let is_current = step.step() == current;
        view! {
            <li class=class aria-current=is_current.then_some("step")>{move || stage_text(shown)}</li>
        }
    });
    view! {
        <div class="payment-path">
            <p class="path-now strong" data-testid="stage">{move || stage_text(stage)}</p>
            <ol class="path" aria-label=crate::tr_prop!(signed.path_label)>{steps.collect_view()}</ol>
            {note.map(|n| view! { <p class="hint" data-testid="stage-note">{move || note_text(n)}</p> })}
        </div>
    }
}
