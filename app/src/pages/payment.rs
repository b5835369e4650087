//! `/autopay/payments/:id`: one payment: debtor, creditor, amount and status, **Show events**
//! (its history, including the pre-approval: approver, time, bundle, two-step method and the
//! file that carried it), and, while it is Pending approval, "Approve payment" for the
//! company's AutoPay Approvers.

use ap_core::api_autopay::{PaymentEvent, PaymentEvents, PaymentRow, PaymentStatus};
use ap_core::settlement::MAX_REJECT_REASON;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api_autopay;
use crate::pages::autopay::{use_autopay_access, AutoPayOnly};
use crate::widgets::{
    amount_text, failure_of, field_error, local_time, ActionError, Column, DataTable, Loaded,
    PaymentStatusBadge, Row, SignedInScreen, TextField, WarningText, YesNo,
};

/// One payment and its events.
#[component]
pub fn Payment() -> impl IntoView {
    view! {
        <SignedInScreen title="Payment">
            <AutoPayOnly><PaymentScreen /></AutoPayOnly>
        </SignedInScreen>
    }
}

#[component]
fn PaymentScreen() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let loaded = LocalResource::new(move || api_autopay::payment(id()));
    view! {
        <p class="back"><A href="/autopay">"← Back to AutoPay"</A></p>
        <Loaded from=loaded loading="Loading the payment…" let:p>
            <PaymentView payment=p reload=Callback::new(move |_| loaded.refetch()) />
        </Loaded>
    }
}

/// The loaded payment: its facts, the approval form when it waits for one, and its events.
#[component]
fn PaymentView(payment: PaymentEvents, reload: Callback<()>) -> impl IntoView {
    let access = use_autopay_access();
    let PaymentEvents { payment: p, events } = payment;
    let title = format!("Payment {} to {}", p.end_to_end_id, p.creditor_name);
    let company = p.company_id.clone();
    let may_approve = Memo::new(move |_| access.get().is_some_and(|a| a.may_approve(&company)));
    let pending = p.status == PaymentStatus::PendingApproval;
    let showing = RwSignal::new(false);
    let events = StoredValue::new(events);
    let row = StoredValue::new(p.clone());
    view! {
        <section class="card" aria-labelledby="payment-title" data-testid="payment">
            <div class="card-head">
                <div>
                    <h2 id="payment-title">{title}</h2>
                    <p class="muted">{format!("File {} · payment information {}", p.file_id, p.pmt_inf_id)}</p>
                </div>
                <div class="task-amount">
                    <span class="amount big">{amount_text(&p.amount)}</span>
                    <span data-testid="payment-status"><PaymentStatusBadge status=p.status /></span>
                    <span data-testid="payment-pre-approved">"Pre-approved: "<YesNo yes=p.pre_approved /></span>
                </div>
            </div>
            <dl class="facts">
                <dt>"Debtor"</dt><dd>{p.debtor_name.clone()}</dd>
                <dt>"Debtor account"</dt><dd class="mono">{p.debtor_account.clone()}</dd>
                <dt>"Creditor"</dt><dd>{p.creditor_name.clone()}</dd>
                <dt>"Creditor account"</dt><dd class="mono">{p.creditor_account.clone()}</dd>
                <dt>"Amount"</dt><dd>{amount_text(&p.amount)}</dd>
                <dt>"Requested execution date"</dt><dd>{p.requested_execution_date.clone()}</dd>
                <dt>"Status"</dt><dd>{p.status_label.clone()}</dd>
                <dt>"Approval token"</dt><dd>{if p.instr_id_present { "Carried in InstrId" } else { "None" }}</dd>
                <dt>"Approvals"</dt><dd data-testid="approvals">{approvals_text(&p)}</dd>
                <dt>"Warning"</dt><dd><WarningText warning=p.warning.clone() /></dd>
                {p.bank_reason.clone().map(|r| view! { <dt>"Bank's reason"</dt><dd data-testid="bank-reason">{r}</dd> })}
                {p.process_id.clone().map(|id| view! { <dt>"Invoice process"</dt><dd class="mono">{id}</dd> })}
            </dl>
        </section>
        {move || (pending && may_approve.get()).then(|| view! {
            <ApproveForm payment=row.get_value() reload=reload />
            <RejectForm payment=row.get_value() reload=reload />
        })}
        <section class="card" aria-labelledby="events-title">
            <div class="card-head">
                <h2 id="events-title">"Events"</h2>
                <button type="button" class="secondary" aria-expanded=move || showing.get().to_string()
                    aria-controls="payment-events" on:click=move |_| showing.update(|s| *s = !*s)>
                    {move || if showing.get() { "Hide events" } else { "Show events" }}
                </button>
            </div>
            <div id="payment-events">
                {move || showing.get().then(|| view! { <EventList events=events.get_value() /> })}
            </div>
        </section>
    }
}

/// "1 of 2, pre-approved by Pia Payer" — who approved so far against how many are needed; a
/// pre-approval is the first approval.
fn approvals_text(p: &PaymentRow) -> String {
    let mut text = format!("{} of {}", p.approvals.len(), p.approvals_required.max(1));
    if let Some((first, rest)) = p.approvals.split_first() {
        if p.pre_approved {
            text.push_str(&format!(", pre-approved by {first}"));
            if !rest.is_empty() {
                text.push_str(&format!("; approved by {}", rest.join(", ")));
            }
        } else {
            text.push_str(": ");
            text.push_str(&p.approvals.join(", "));
        }
    }
    text
}

/// "Approve payment" with the code of the approver's authenticator app. Agreements needing two
/// approvers need two different people: the form says who approved already.
#[component]
fn ApproveForm(payment: PaymentRow, reload: Callback<()>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let confirmed = RwSignal::new(false);
    let id = StoredValue::new(payment.id.clone());
    let approve = Action::new_local(move |code: &Option<String>| {
        let code = code.clone();
        async move {
            let r =
                api_autopay::approve_payment(id.get_value(), code, confirmed.get_untracked()).await;
            if r.is_ok() {
                reload.run(());
            }
            r
        }
    });
    let failure = failure_of(approve);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked().trim().to_owned();
        approve.dispatch((!c.is_empty()).then_some(c));
    };
    let needs_two = payment.approvals_required > 1;
    view! {
        <form class="card" on:submit=on_submit aria-labelledby="approve-title" data-testid="approve-payment">
            <h2 id="approve-title">"Approve payment"</h2>
            <p>{format!("{} to {}, from {}.", amount_text(&payment.amount), payment.creditor_name, payment.debtor_name)}</p>
            {needs_two.then(|| view! {
                <p class="note" data-testid="approvals-needed">
                    {if payment.approvals.is_empty() {
                        format!("Its bank agreement needs {} different approvers; nobody has approved yet.", payment.approvals_required)
                    } else if payment.pre_approved {
                        format!("Its bank agreement needs {} different approvers. Pre-approved by {} when the invoice was approved and paid; you can give the next approval if you are someone else.", payment.approvals_required, payment.approvals.join(", "))
                    } else {
                        format!("Its bank agreement needs {} different approvers. Approved already by: {}.", payment.approvals_required, payment.approvals.join(", "))
                    }}
                </p>
            })}
            {payment.warning.clone().map(|w| view! {
                <div class="note note-warn" data-testid="approve-warning">
                    <p>{format!("Its approval token was refused: {w}")}</p>
                    <label class="check">
                        <input type="checkbox" id="confirm-warning" data-testid="confirm-warning"
                            prop:checked=move || confirmed.get()
                            on:change=move |ev| confirmed.set(event_target_checked(&ev)) />
                        " I have checked this payment and approve it all the same."
                    </label>
                </div>
            })}
            {payment.code_on_approval.then(|| view! {
                <TextField
                    id="approve-code"
                    label="Code from your authenticator app"
                    value=code
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    hint="This payment asks for two-step verification on approval (fixed when it arrived): the 6-digit code your app shows now."
                    error=field_error(failure, "code")
                />
            })}
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" disabled=move || approve.pending().get()>
                    {move || if approve.pending().get() { "Approving…" } else { "Approve payment" }}
                </button>
            </div>
        </form>
    }
}

/// "Reject payment": stops a payment pending approval, with the reason kept in its events.
#[component]
fn RejectForm(payment: PaymentRow, reload: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let id = StoredValue::new(payment.id.clone());
    let reject = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        async move {
            let r = api_autopay::reject_payment(id.get_value(), reason).await;
            if r.is_ok() {
                reload.run(());
            }
            r
        }
    });
    let failure = failure_of(reject);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        reject.dispatch(reason.get_untracked());
    };
    view! {
        <form class="card" on:submit=on_submit aria-labelledby="reject-title" data-testid="reject-payment">
            <h2 id="reject-title">"Reject payment"</h2>
            <p class="muted">"A rejected payment is never sent to the bank. The reason is kept in its events."</p>
            <label for="reject-reason">"Reason"</label>
            <textarea id="reject-reason" rows="2" maxlength={MAX_REJECT_REASON.to_string()} required
                aria-describedby="reject-reason-error"
                prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <p id="reject-reason-error" class="field-error" role="alert">
                {move || failure.get().and_then(|f| f.field("reason"))}
            </p>
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" class="danger" disabled=move || reject.pending().get()>
                    {move || if reject.pending().get() { "Rejecting…" } else { "Reject payment" }}
                </button>
            </div>
        </form>
    }
}

/// What an event kind is called on screen.
fn event_label(kind: &str) -> String {
    match kind {
        "received" => "Received in a payment file".to_owned(),
        "pre_approved" => "Pre-approved".to_owned(),
        "rejected" => "Rejected in AutoPay".to_owned(),
        "token_refused" => "Approval token refused".to_owned(),
        "approved" => "Approved in AutoPay".to_owned(),
        "sent_to_bank" => "Sent to bank".to_owned(),
        "accepted_by_bank" => "Accepted by bank".to_owned(),
        "rejected_in_bank" => "Rejected in bank".to_owned(),
        "paid" => "Paid".to_owned(),
        "signed_upload" => "Upload signed".to_owned(),
        other => other.replace('_', " "),
    }
}

const EVENT_COLUMNS: &[Column] = &[
    Column::new("When"),
    Column::new("Event").row_header(),
    Column::new("By"),
    Column::new("Details"),
];

/// The payment's history, oldest first as the server answers it.
#[component]
fn EventList(events: Vec<PaymentEvent>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="empty">"No events yet."</p> }.into_any();
    }
    view! {
        <DataTable caption="Events of this payment" testid="payment-events" columns=EVENT_COLUMNS
            rows=events.into_iter().map(|e| {
                let change = match (e.from_status, e.to_status) {
                    (Some(from), Some(to)) => Some(format!("{} → {}", from.label(), to.label())),
                    (None, Some(to)) => Some(format!("Now {}", to.label())),
                    _ => None,
                };
                Row::new()
                    .attr("data-kind", e.kind.clone())
                    .cell(local_time(&e.at))
                    .cell(event_label(&e.kind))
                    .cell(e.actor)
                    .cell(view! {
                        {(!e.detail.is_empty()).then(|| view! { <p class="event-detail">{e.detail}</p> })}
                        <dl class="facts event-facts">
                            {change.map(|c| view! { <dt>"Status"</dt><dd>{c}</dd> })}
                            {e.approved_at.map(|t| view! { <dt>"Approved at"</dt><dd>{local_time(&t)}</dd> })}
                            {e.bundle_id.map(|b| view! { <dt>"Bundle"</dt><dd class="mono" data-testid="event-bundle">{b}</dd> })}
                            {e.method.map(|m| view! { <dt>"Two-step method"</dt><dd data-testid="event-method">{m}</dd> })}
                            {e.file_id.map(|f| view! { <dt>"File"</dt><dd><A href=format!("/autopay/files/{f}")>{f.clone()}</A></dd> })}
                        </dl>
                    })
            }).collect() />
    }
    .into_any()
}
