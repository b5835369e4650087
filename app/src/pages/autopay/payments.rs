//! The payments of `/autopay` with their filters (company, status, file, requested date).

use ap_core::api_autopay::{PaymentFilter, PaymentStatus, UploadedPayment};
use ap_core::listing::MAX_LIMIT;
use leptos::prelude::*;
use leptos_router::components::A;

use super::files::payments_text;
use crate::api_autopay;
use crate::paged::{Paged, PagedList};
use crate::widgets::{
    account_text, all, amount_text, date_text, lang, local_time, payment_status_text, Column,
    DataTable, FilterBar, FilterSelect, PaymentStatusBadge, Row, WarningText, YesNo,
};
use crate::{tr, tr_prop, tr_string};

/// The columns of an AutoPay payments table: `first` (the payment, linked to its page), the
/// debtor where the table shows it, then creditor, amount, requested date, status, pre-approved
/// and warning. `payment_row` fills them.
pub(super) fn payment_columns(first: Column, with_debtor: bool) -> Vec<Column> {
    let mut columns = vec![first.row_header()];
    if with_debtor {
        columns.push(Column::tr(|| tr_string!(autopay.col_debtor)));
    }
    columns.extend([
        Column::tr(|| tr_string!(autopay.col_creditor)),
        Column::tr(|| tr_string!(autopay.col_amount)).numeric(),
        Column::tr(|| tr_string!(autopay.col_requested_date)),
        Column::tr(|| tr_string!(autopay.col_status)).testid("status"),
        Column::tr(|| tr_string!(autopay.col_pre_approved)).testid("pre-approved"),
        Column::tr(|| tr_string!(autopay.col_warning)),
    ]);
    columns
}

/// A payment's row under `payment_columns`, found by its end-to-end id (`data-e2e`); `debtor` is
/// the debtor's cell where the table shows one.
pub(super) fn payment_row(p: UploadedPayment, debtor: Option<AnyView>) -> Row {
    let mut row = Row::new().attr("data-e2e", p.end_to_end_id.clone()).cell(
        view! { <A href=format!("/autopay/payments/{}", p.payment_id)>{p.end_to_end_id}</A> },
    );
    if let Some(debtor) = debtor {
        row = row.cell(debtor);
    }
    row.cell(view! { {p.creditor_name}<br /><span class="mono hint account">{account_text(&p.creditor_account)}</span> })
        .cell(view! { <span class="amount">{amount_text(&p.amount)}</span> })
        .cell(date_text(&p.requested_execution_date))
        .cell(view! { <PaymentStatusBadge status=p.status /> })
        .cell(view! { <PreApproved status=p.status pre_approved=p.pre_approved /> })
        .cell(view! { <WarningText warning=p.warning /> })
}

/// Whether a payment was pre-approved: Yes or No, or, while its file waits for a signed upload
/// (its approval tokens are not checked yet), "Waiting for upload signing".
#[component]
pub(crate) fn PreApproved(status: PaymentStatus, pre_approved: bool) -> impl IntoView {
    if status == PaymentStatus::PendingSigning && !pre_approved {
        view! { <span class="badge badge-info" data-testid="waiting-for-signing">{tr!(autopay.waiting_for_signing)}</span> }.into_any()
    } else {
        view! { <YesNo yes=pre_approved /> }.into_any()
    }
}

/// Filters (company, status, file, requested date) and the table of payments.
#[component]
pub(super) fn PaymentList(
    changed: RwSignal<u32>,
    companies: LocalResource<Vec<(String, String)>>,
) -> impl IntoView {
    let company = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let file = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    // The file filter offers the newest files (one page of the largest size); an older file's
    // payments are still listed under "All files".
    let files = LocalResource::new(move || {
        changed.get();
        let company = Some(company.get()).filter(|c| !c.is_empty());
        api_autopay::files(company, None, None, Some(MAX_LIMIT))
    });
    // A page at a time (50 payments), the next with "Load more"; a new filter, an upload or a
    // signed upload starts over.
    let payments = Paged::new(move |cursor| {
        let some = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        api_autopay::payments(
            PaymentFilter {
                company: some(company),
                status: some(status).and_then(|s| PaymentStatus::parse_key(&s)),
                file: some(file),
                date: some(date),
            },
            cursor,
        )
    });
    Effect::watch(
        move || {
            (
                changed.get(),
                company.get(),
                status.get(),
                file.get(),
                date.get(),
            )
        },
        move |_, _, _| payments.reload(),
        false,
    );
    let company_name = move |id: &str| {
        companies
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|(c, _)| c == id)
            .map(|(_, n)| n)
            .unwrap_or_else(|| id.to_owned())
    };
    view! {
        <section class="card" aria-labelledby="payments-title">
            <div class="card-head">
                <h2 id="payments-title">{tr!(autopay.payments_title)}</h2>
            </div>
            <FilterBar label=tr_prop!(autopay.filter_label) filters=vec![company, status, file, date]>
                <FilterSelect id="filter-company" label=tr_prop!(autopay.filter_company) value=company options={Signal::derive(move || {
                    std::iter::once(all(tr_string!(autopay.all_companies))).chain(companies.get().unwrap_or_default()).collect()
                })} />
                <FilterSelect id="filter-status" label=tr_prop!(autopay.filter_status) value=status
                    options=Signal::derive(|| std::iter::once(all(tr_string!(autopay.all_statuses))).chain(PaymentStatus::ALL.iter().map(|s| (s.as_key().to_owned(), payment_status_text(*s).to_owned()))).collect::<Vec<_>>()) />
                <FilterSelect id="filter-file" label=tr_prop!(autopay.filter_file) value=file options={Signal::derive(move || {
                    std::iter::once(all(tr_string!(autopay.all_files)))
                        .chain(files.get().and_then(|r| r.ok()).map(|p| p.items).unwrap_or_default().into_iter()
                            .map(|f| (f.id, format!("{} ({})", f.msg_id, local_time(&f.uploaded_at)))))
                        .collect()
                })} />
                <DateFilter value=date />
            </FilterBar>
            <PagedList paged=payments loading=tr_string!(autopay.loading_payments) more_testid="payments-load-more" let:rows>
                {match rows {
                    rows if rows.is_empty() => view! { <p class="empty" data-testid="no-payments">{tr!(autopay.no_payments)}</p> }.into_any(),
                    rows => view! {
                        <p class="muted" aria-live="polite">{tr_string!(autopay.shown, count = payments_text(rows.len())).to_string()}</p>
                        <DataTable caption=tr_string!(autopay.payments_title) class="payments" testid="payment-list" columns=payment_columns(Column::tr(|| tr_string!(autopay.col_payment)), true)
                            rows=rows.into_iter().map(|p| {
                                let company = company_name(&p.company_id);
                                let debtor = view! {
                                    {p.debtor_name.clone()}
                                    {(company != p.debtor_name).then(|| format!(" ({company})"))}
                                    <br /><span class="mono hint account">{account_text(&p.debtor_account)}</span>
                                };
                                let id = p.id.clone();
                                // Shown as an upload reports a payment: the same cells in both tables.
                                let shown = UploadedPayment {
                                    payment_id: p.id,
                                    end_to_end_id: p.end_to_end_id,
                                    instr_id_present: p.instr_id_present,
                                    creditor_name: p.creditor_name,
                                    creditor_account: p.creditor_account,
                                    amount: p.amount,
                                    requested_execution_date: p.requested_execution_date,
                                    status: p.status,
                                    status_label: p.status_label,
                                    pre_approved: p.pre_approved,
                                    warning: p.warning.or(p.bank_reason),
                                };
                                payment_row(shown, Some(debtor.into_any())).attr("data-payment", id)
                            }).collect() />
                    }.into_any(),
                }}
            </PagedList>
        </section>
    }
}

/// The requested-date filter: a text field read in the reader's language (`29.11.2026`,
/// `29 Nov 2026`, `2026-11-29`; day before month, never the browser's mm/dd/yyyy), sent to the
/// server as `YYYY-MM-DD`. Empty: all dates.
#[component]
fn DateFilter(value: RwSignal<String>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let wrong = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        if text.trim().is_empty() {
            wrong.set(false);
            value.set(String::new());
            return;
        }
        match ap_core::format::parse_date(&text) {
            Some(day) => {
                wrong.set(false);
                typed.set(ap_core::format::date(lang(), day));
                value.set(day.to_string());
            }
            None => wrong.set(true),
        }
    };
    // Cleared from outside (the filter bar's "Clear filters").
    Effect::watch(
        move || value.get(),
        move |v, _, _| {
            if v.is_empty() && !wrong.get_untracked() {
                typed.set(String::new());
            }
        },
        false,
    );
    let example = ap_core::dates::Date::from_ymd(2026, 11, 29)
        .map(|d| ap_core::format::date(lang(), d))
        .unwrap_or_default();
    view! {
        <div class="field">
            <label for="filter-date">{tr!(autopay.requested_date)}</label>
            <input id="filter-date" type="text" autocomplete="off"
                lang=lang().tag()
                placeholder=example.clone()
                aria-describedby="filter-date-hint"
                aria-invalid=move || wrong.get().then_some("true")
                prop:value=move || typed.get()
                on:change=on_change />
            <span class="hint" id="filter-date-hint">
                {move || if wrong.get() {
                    tr_string!(autopay.date_wrong, example = example.clone()).to_string()
                } else {
                    tr_string!(autopay.date_hint, example = example.clone()).to_string()
                }}
            </span>
        </div>
    }
}
