//! `/autopay/payments/:id`: one payment: debtor, creditor, amount and status, **Show events**
//! (its history, including the pre-approval: approver, time, bundle, two-step method and the
//! file that carried it), and, while it is Pending approval, "Approve payment" for the
//! company's AutoPay Approvers.

use ap_core::api_autopay::{PaymentEvent, PaymentEvents, PaymentRow, PaymentStatus};
use ap_core::settlement::MAX_REJECT_REASON;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api_autopay;
use crate::pages::autopay::{readable_companies, use_autopay_access, AutoPayOnly, PreApproved};
use crate::routes::use_path_id;
use crate::session::use_session;
use crate::widgets::{
    account_text, amount_text, date_text, failure_of, field_error, local_time, payment_status_text,
    ActionError, CodeField, Column, DataTable, Loaded, PaymentStatusBadge, Row, SignedInScreen,
    WarningText,
};
use crate::{tr, tr_string};

/// One payment and its events.
#[component]
pub fn Payment() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(autopay.screen_payment_title)>
            <AutoPayOnly><PaymentScreen /></AutoPayOnly>
        </SignedInScreen>
    }
}

#[component]
fn PaymentScreen() -> impl IntoView {
    let id = use_path_id();
    let loaded = LocalResource::new(move || api_autopay::payment(id.get()));
    view! {
        <p class="back"><A href="/autopay">"← Back to AutoPay"</A></p>
        <Loaded from=loaded loading="Loading the payment…" let:p>
            <PaymentView payment=p reload=Callback::new(move |_| loaded.refetch()) />
        </Loaded>
    }
}

/// The loaded payment: who pays whom how much for which invoice, where it stands, the approval
/// form when it waits for one, and its events. The ids an auditor traces it by are kept in a
/// labelled "References" section.
#[component]
fn PaymentView(payment: PaymentEvents, reload: Callback<()>) -> impl IntoView {
    let access = use_autopay_access();
    let companies = readable_companies(access);
    let PaymentEvents {
        payment: p,
        events,
        invoice_number,
        payment_reference,
    } = payment;
    let title = tr_string!(autopay.pay_payment_to, supplier = p.creditor_name.clone()).to_string();
    let invoice_prefix = invoice_number
        .clone()
        .map(|n| tr_string!(autopay.pay_invoice_prefix, number = n).to_string())
        .unwrap_or_default();
    let company = p.company_id.clone();
    let company_name = {
        let id = p.company_id.clone();
        move || {
            companies
                .get()
                .unwrap_or_default()
                .into_iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n)
                .unwrap_or_else(|| id.clone())
        }
    };
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
                    <p class="muted">{invoice_prefix}{company_name.clone()}</p>
                </div>
                <div class="task-amount">
                    <span class="amount big">{amount_text(&p.amount)}</span>
                    <span data-testid="payment-status"><PaymentStatusBadge status=p.status /></span>
                    <span data-testid="payment-pre-approved">{tr!(autopay.pay_pre_approved_label)}<PreApproved status=p.status pre_approved=p.pre_approved /></span>
                </div>
            </div>
            <dl class="facts">
                <dt>{tr!(autopay.pay_fact_company)}</dt><dd data-testid="payment-company">{company_name}</dd>
                <dt>{tr!(autopay.pay_fact_paid_from)}</dt><dd>{p.debtor_name.clone()}<br /><span class="mono account" data-testid="debtor-account">{account_text(&p.debtor_account)}</span></dd>
                <dt>{tr!(autopay.pay_fact_supplier)}</dt><dd data-testid="payment-supplier">{p.creditor_name.clone()}</dd>
                <dt>{tr!(autopay.pay_fact_supplier_account)}</dt><dd class="mono account" data-testid="creditor-account">{account_text(&p.creditor_account)}</dd>
                {invoice_number.map(|n| view! { <dt>{tr!(autopay.pay_fact_invoice_number)}</dt><dd data-testid="payment-invoice-number">{n}</dd> })}
                {payment_reference.map(|r| {
                    let label = if r.to_ascii_uppercase().starts_with("RF") {
                        tr_string!(autopay.pay_fact_creditor_reference)
                    } else {
                        tr_string!(autopay.pay_fact_kid)
                    };
                    view! { <dt>{label}</dt><dd class="mono reference">{r}</dd> }
                })}
                <dt>{tr!(autopay.pay_fact_amount)}</dt><dd><span class="amount">{amount_text(&p.amount)}</span></dd>
                <dt>{tr!(autopay.pay_fact_requested_date)}</dt><dd>{date_text(&p.requested_execution_date)}</dd>
                <dt>{tr!(autopay.pay_fact_status)}</dt><dd>{move || payment_status_text(p.status)}</dd>
                <dt>{tr!(autopay.pay_fact_approval)}</dt><dd data-testid="approvals">{approvals_text(&p)}</dd>
                <dt>{tr!(autopay.pay_fact_token)}</dt><dd data-testid="approval-token">{token_text(&p)}</dd>
                <dt>{tr!(autopay.pay_fact_warning)}</dt><dd><WarningText warning=p.warning.clone() /></dd>
                {p.bank_reason.clone().map(|r| view! { <dt>{tr!(autopay.pay_fact_bank_reason)}</dt><dd data-testid="bank-reason">{r}</dd> })}
            </dl>
            <details class="references" data-testid="payment-references">
                <summary>{tr!(autopay.pay_references)}</summary>
                <dl class="facts">
                    <dt>{tr!(autopay.pay_ref_e2e)}</dt><dd class="mono">{p.end_to_end_id.clone()}</dd>
                    <dt>{tr!(autopay.pay_ref_pmt_inf)}</dt><dd class="mono">{p.pmt_inf_id.clone()}</dd>
                    <dt>{tr!(autopay.pay_ref_file)}</dt><dd class="mono"><A href=format!("/autopay/files/{}", p.file_id)>{p.file_id.clone()}</A></dd>
                    <dt>{tr!(autopay.pay_ref_agreement)}</dt><dd class="mono">{p.bank_agreement_id.clone()}</dd>
                    {p.process_id.clone().map(|id| view! { <dt>{tr!(autopay.pay_ref_process)}</dt><dd class="mono">{id}</dd> })}
                    <dt>{tr!(autopay.pay_ref_payment)}</dt><dd class="mono">{p.id.clone()}</dd>
                </dl>
            </details>
        </section>
        {move || (pending && may_approve.get()).then(|| view! {
            <ApproveForm payment=row.get_value() reload=reload />
            <RejectForm payment=row.get_value() reload=reload />
        })}
        <section class="card" aria-labelledby="events-title">
            <div class="card-head">
                <h2 id="events-title">{tr!(autopay.pay_events_title)}</h2>
                <button type="button" class="secondary" aria-expanded=move || showing.get().to_string()
                    aria-controls="payment-events" on:click=move |_| showing.update(|s| *s = !*s)>
                    {move || if showing.get() { tr_string!(autopay.pay_hide_events) } else { tr_string!(autopay.pay_show_events) }}
                </button>
            </div>
            <div id="payment-events">
                {move || showing.get().then(|| view! { <EventList events=events.get_value() /> })}
            </div>
        </section>
    }
}

/// Where the payment's approval stands, in words that fit its status: waiting for the upload
/// to be signed; "1 of 2 approvals, pre-approved by Pia Payer" while it waits for approval;
/// who approved (or that no approval here was needed) once it went on.
fn approvals_text(p: &PaymentRow) -> String {
    let names = p.approvals.join(", ");
    let count = p.approvals.len();
    let required = p.approvals_required.max(1);
    match p.status {
        PaymentStatus::PendingSigning => tr_string!(autopay.pay_appr_waiting).to_owned(),
        PaymentStatus::PendingApproval => match p.approvals.split_first() {
            None => tr_string!(autopay.pay_appr_none_yet, required = required).to_string(),
            Some((first, rest)) if p.pre_approved => {
                let first = first.clone();
                if rest.is_empty() {
                    tr_string!(
                        autopay.pay_appr_pre,
                        count = count,
                        required = required,
                        first = first
                    )
                    .to_string()
                } else {
                    let rest = rest.join(", ");
                    tr_string!(
                        autopay.pay_appr_pre_and,
                        count = count,
                        required = required,
                        first = first,
                        rest = rest
                    )
                    .to_string()
                }
            }
            Some(_) => tr_string!(
                autopay.pay_appr_some,
                count = count,
                required = required,
                names = names
            )
            .to_string(),
        },
        _ => match p.approvals.split_first() {
            None if p.pre_approved => tr_string!(autopay.pay_appr_pre_done).to_owned(),
            None if p.status == PaymentStatus::Rejected => {
                tr_string!(autopay.pay_appr_stopped).to_owned()
            }
            None => tr_string!(autopay.pay_appr_not_needed).to_owned(),
            Some((first, rest)) if p.pre_approved => {
                let first = first.clone();
                if rest.is_empty() {
                    tr_string!(autopay.pay_appr_pre_by, first = first).to_string()
                } else {
                    let rest = rest.join(", ");
                    tr_string!(autopay.pay_appr_pre_by_and, first = first, rest = rest).to_string()
                }
            }
            Some(_) => tr_string!(autopay.pay_appr_by, names = names).to_string(),
        },
    }
}

/// Whether the ERP sent an invoice's approval token with the payment, in plain words.
fn token_text(p: &PaymentRow) -> &'static str {
    match (p.instr_id_present, p.status, p.pre_approved) {
        (false, _, _) => tr_string!(autopay.pay_token_none),
        (true, PaymentStatus::PendingSigning, _) => tr_string!(autopay.pay_token_waiting),
        (true, _, true) => tr_string!(autopay.pay_token_accepted),
        (true, _, false) => tr_string!(autopay.pay_token_refused),
    }
}

/// "Approve payment" with the code of the approver's authenticator app. Agreements needing two
/// approvers need two different people: the form says who approved already.
#[component]
fn ApproveForm(payment: PaymentRow, reload: Callback<()>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let confirmed = RwSignal::new(false);
    let id = StoredValue::new(payment.id.clone());
    // With a passkey: the server's challenge for this payment, signed, in place of the code.
    let approve = Action::new_local(move |with_passkey: &bool| {
        let with_passkey = *with_passkey;
        async move {
            let (code, passkey) = if with_passkey {
                let options = api_autopay::payment_passkey_options(id.get_value()).await?;
                (None, Some(crate::passkey::assert(options).await?))
            } else {
                let c = code.get_untracked().trim().to_owned();
                ((!c.is_empty()).then_some(c), None)
            };
            let r = api_autopay::approve_payment(
                id.get_value(),
                code,
                passkey,
                confirmed.get_untracked(),
            )
            .await;
            if r.is_ok() {
                reload.run(());
            }
            r
        }
    });
    let failure = failure_of(approve);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        approve.dispatch(false);
    };
    let has_passkey = use_session().me().is_some_and(|me| me.passkeys > 0);
    let needs_two = payment.approvals_required > 1;
    view! {
        <form class="card" on:submit=on_submit aria-labelledby="approve-title" data-testid="approve-payment">
            <h2 id="approve-title">{tr!(autopay.pay_approve_title)}</h2>
            <p>{format!("{} to {}, from {}.", amount_text(&payment.amount), payment.creditor_name, payment.debtor_name)}</p>
            {needs_two.then(|| view! {
                <p class="note" data-testid="approvals-needed">
                    {if payment.approvals.is_empty() {
                        tr_string!(autopay.pay_needs_n_nobody, n = payment.approvals_required).to_string()
                    } else if payment.pre_approved {
                        tr_string!(autopay.pay_needs_n_pre, n = payment.approvals_required, names = payment.approvals.join(", ")).to_string()
                    } else {
                        tr_string!(autopay.pay_needs_n_some, n = payment.approvals_required, names = payment.approvals.join(", ")).to_string()
                    }}
                </p>
            })}
            {payment.warning.clone().map(|w| view! {
                <div class="note note-warn" data-testid="approve-warning">
                    <p>{tr_string!(autopay.pay_token_refused_note, warning = w).to_string()}</p>
                    <label class="check">
                        <input type="checkbox" id="confirm-warning" data-testid="confirm-warning"
                            prop:checked=move || confirmed.get()
                            on:change=move |ev| confirmed.set(event_target_checked(&ev)) />
                        " I have checked this payment and approve it all the same."
                    </label>
                </div>
            })}
            {payment.code_on_approval.then(|| view! {
                <CodeField
                    id="approve-code"
                    value=code
                    hint=crate::tr_prop!(autopay.pay_approve_code_hint)
                    error=field_error(failure, "code")
                />
            })}
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" disabled=move || approve.pending().get()>
                    {move || if approve.pending().get() { tr_string!(autopay.pay_approving) } else { tr_string!(autopay.pay_approve_title) }}
                </button>
                {(payment.code_on_approval && has_passkey).then(|| view! {
                    <button type="button" class="secondary" disabled=move || approve.pending().get()
                        on:click=move |_| { approve.dispatch(true); }>{tr!(autopay.pay_approve_passkey)}</button>
                })}
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
            <h2 id="reject-title">{tr!(autopay.pay_reject_title)}</h2>
            <p class="muted">{tr!(autopay.pay_reject_explain)}</p>
            <label for="reject-reason">{tr!(autopay.pay_reason)}</label>
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
                    {move || if reject.pending().get() { tr_string!(autopay.pay_rejecting) } else { tr_string!(autopay.pay_reject_title) }}
                </button>
            </div>
        </form>
    }
}

/// What an event kind is called on screen.
fn event_label(kind: &str) -> String {
    match kind {
        "received" => tr_string!(autopay.pay_ev_received).to_owned(),
        "pre_approved" => tr_string!(autopay.pay_ev_pre_approved).to_owned(),
        "rejected" => tr_string!(autopay.pay_ev_rejected).to_owned(),
        "token_refused" => tr_string!(autopay.pay_ev_token_refused).to_owned(),
        "approved" => tr_string!(autopay.pay_ev_approved).to_owned(),
        "sent_to_bank" => tr_string!(autopay.pay_ev_sent_to_bank).to_owned(),
        "accepted_by_bank" => tr_string!(autopay.pay_ev_accepted_by_bank).to_owned(),
        "rejected_in_bank" => tr_string!(autopay.pay_ev_rejected_in_bank).to_owned(),
        "paid" => tr_string!(autopay.pay_ev_paid).to_owned(),
        "signed_upload" => tr_string!(autopay.pay_ev_signed_upload).to_owned(),
        other => other.replace('_', " "),
    }
}

const EVENT_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(autopay.pay_col_when)),
    Column::tr(|| tr_string!(autopay.pay_col_event)).row_header(),
    Column::tr(|| tr_string!(autopay.pay_col_by)),
    Column::tr(|| tr_string!(autopay.pay_col_details)),
];

/// The payment's history, oldest first as the server answers it.
#[component]
fn EventList(events: Vec<PaymentEvent>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="empty">{tr!(autopay.pay_no_events)}</p> }.into_any();
    }
    view! {
        <DataTable caption=tr_string!(autopay.pay_events_caption) testid="payment-events" columns=EVENT_COLUMNS
            rows=events.into_iter().map(|e| {
                let change = match (e.from_status, e.to_status) {
                    (Some(from), Some(to)) => Some(format!("{} → {}", payment_status_text(from), payment_status_text(to))),
                    (None, Some(to)) => Some(tr_string!(autopay.pay_now_status, status = payment_status_text(to)).to_string()),
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
                            {change.map(|c| view! { <dt>{tr!(autopay.pay_ev_status)}</dt><dd>{c}</dd> })}
                            {e.approved_at.map(|t| view! { <dt>{tr!(autopay.pay_ev_approved_at)}</dt><dd>{local_time(&t)}</dd> })}
                            {e.bundle_id.map(|b| view! { <dt>{tr!(autopay.pay_ev_bundle)}</dt><dd class="mono" data-testid="event-bundle">{b}</dd> })}
                            {e.method.map(|m| view! { <dt>{tr!(autopay.pay_ev_method)}</dt><dd data-testid="event-method">{m}</dd> })}
                            {e.file_id.map(|f| view! { <dt>{tr!(autopay.pay_ev_file)}</dt><dd><A href=format!("/autopay/files/{f}")>{f.clone()}</A></dd> })}
                        </dl>
                    })
            }).collect() />
    }
    .into_any()
}
