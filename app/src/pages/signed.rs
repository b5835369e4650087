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

/// The bundles the signed-in user signed.
#[component]
pub fn SignedByMe() -> impl IntoView {
    view! {
        <SignedInScreen title="Signed by me" lead="The bundles you signed, newest first, and where each payment is on its way to the bank.">
            <SigningList />
        </SignedInScreen>
    }
}

/// A page of signings at a time, the next with "Load more".
#[component]
fn SigningList() -> impl IntoView {
    let signings = Paged::new(api::signings);
    view! {
        <p class="back"><A href="/tasks">"← Back to tasks"</A></p>
        <PagedList paged=signings loading="Loading what you signed…" more_testid="signings-load-more" let:items>
            {if items.is_empty() {
                view! {
                    <p class="empty" data-testid="no-signings">"You have not signed a bundle yet. When you sign one, it is listed here with where each payment is."</p>
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
    Column::new("Invoice number").row_header(),
    Column::new("Supplier"),
    Column::new("Company"),
    Column::new("Amount").numeric(),
    Column::new("Where it is"),
];

/// One signing: when, the companies, how many invoices, the totals, and each invoice's path.
#[component]
fn SigningCard(signing: SigningView) -> impl IntoView {
    let heading_id = format!("signing-{}", signing.bundle_id);
    let labelled_by = heading_id.clone();
    let title = format!("Signed {}", local_time(&signing.signed_at));
    let companies = signing
        .companies
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let count = if signing.count == 1 {
        "1 invoice approved and pre-approved for payment".to_string()
    } else {
        format!(
            "{} invoices approved and pre-approved for payment",
            signing.count
        )
    };
    let rows = signing.invoices.into_iter().map(invoice_row).collect();
    view! {
        <section class="card signing-card" aria-labelledby=labelled_by data-bundle=signing.bundle_id.clone() data-testid="signing">
            <div class="card-head">
                <div>
                    <h2 id=heading_id>{title}</h2>
                    <p class="muted" data-testid="signing-summary">{count}" · "{companies}</p>
                </div>
                <p class="signing-total" data-testid="signing-totals"><strong>{format!("Total {}", totals_text(&signing.totals))}</strong></p>
            </div>
            <DataTable caption="The invoices of this signing and where each payment is" class="signed-invoices" columns=INVOICE_COLUMNS rows=rows />
        </section>
    }
}

fn invoice_row(invoice: SignedInvoiceView) -> Row {
    let label = format!(
        "Invoice {} from {}",
        invoice.invoice_number, invoice.supplier_name
    );
    Row::new()
        .attr("data-invoice", invoice.invoice_number.clone())
        .attr("data-stage", invoice.stage.as_key())
        .cell(view! { <A href=format!("/tasks/{}", invoice.id) attr:aria-label=label>{invoice.invoice_number}</A> })
        .cell(invoice.supplier_name)
        .cell(invoice.company_name)
        .cell(amount_text(&invoice.amount))
        .cell(view! { <PaymentPath stage=invoice.stage note=invoice.note /> })
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
            <li class=class aria-current=is_current.then_some("step")>{shown.label()}</li>
        }
    });
    view! {
        <div class="payment-path">
            <p class="path-now strong" data-testid="stage">{stage.label()}</p>
            <ol class="path" aria-label="Path to the bank">{steps.collect_view()}</ol>
            {note.map(|n| view! { <p class="hint" data-testid="stage-note">{n.label()}</p> })}
        </div>
    }
}
