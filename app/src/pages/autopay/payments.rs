//! The payments of `/autopay` with their filters (company, status, file, requested date).

use ap_core::api_autopay::{PaymentFilter, PaymentStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api_autopay;
use crate::widgets::{
    all, amount_text, local_time, FilterSelect, Loaded, PaymentStatusBadge, WarningText, YesNo,
};

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
    let files = LocalResource::new(move || {
        changed.get();
        let company = Some(company.get()).filter(|c| !c.is_empty());
        api_autopay::files(company)
    });
    let payments = LocalResource::new(move || {
        changed.get();
        let some = |s: RwSignal<String>| Some(s.get()).filter(|v| !v.is_empty());
        api_autopay::payments(PaymentFilter {
            company: some(company),
            status: some(status).and_then(|s| PaymentStatus::parse_key(&s)),
            file: some(file),
            date: some(date),
        })
    });
    let company_name = move |id: &str| {
        companies
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|(c, _)| c == id)
            .map(|(_, n)| n)
            .unwrap_or_else(|| id.to_owned())
    };
    let clear = move |_| {
        for s in [company, status, file, date] {
            s.set(String::new());
        }
    };
    view! {
        <section class="card" aria-labelledby="payments-title">
            <div class="card-head">
                <h2 id="payments-title">"Payments"</h2>
            </div>
            <form class="filters" aria-label="Filter payments" on:submit=|ev| ev.prevent_default()>
                <FilterSelect id="filter-company" label="Company" value=company options={Signal::derive(move || {
                    std::iter::once(all("All companies")).chain(companies.get().unwrap_or_default()).collect()
                })} />
                <FilterSelect id="filter-status" label="Status" value=status
                    options={std::iter::once(all("All statuses")).chain(PaymentStatus::ALL.iter().map(|s| (s.as_key().to_owned(), s.label().to_owned()))).collect::<Vec<_>>()} />
                <FilterSelect id="filter-file" label="File" value=file options={Signal::derive(move || {
                    std::iter::once(all("All files"))
                        .chain(files.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                            .map(|f| (f.id, format!("{} ({})", f.msg_id, local_time(&f.uploaded_at)))))
                        .collect()
                })} />
                <div class="field">
                    <label for="filter-date">"Requested date"</label>
                    <input id="filter-date" type="date" prop:value=move || date.get()
                        on:change=move |ev| date.set(event_target_value(&ev)) />
                </div>
                <div class="field filter-clear">
                    <button type="button" class="secondary" on:click=clear>"Clear filters"</button>
                </div>
            </form>
            <Loaded from=payments loading="Loading payments…" let:rows>
                {match rows {
                    rows if rows.is_empty() => view! { <p class="empty" data-testid="no-payments">"No payment matches these filters."</p> }.into_any(),
                    rows => view! {
                        <p class="muted" aria-live="polite">{format!("{} {}", rows.len(), if rows.len() == 1 { "payment" } else { "payments" })}</p>
                        <div class="table-scroll">
                        <table class="table payments" data-testid="payment-list">
                            <caption class="visually-hidden">"Payments"</caption>
                            <thead><tr>
                                <th scope="col">"Payment"</th>
                                <th scope="col">"Debtor (company)"</th>
                                <th scope="col">"Creditor"</th>
                                <th scope="col" class="num">"Amount"</th>
                                <th scope="col">"Requested date"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Pre-approved"</th>
                                <th scope="col">"Warning"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|p| { let e2e = p.end_to_end_id.clone(); view! {
                                    <tr data-payment=p.id.clone() data-e2e=p.end_to_end_id.clone()>
                                        <th scope="row"><A href=format!("/autopay/payments/{}", p.id)>{e2e}</A></th>
                                        <td>{p.debtor_name.clone()}
                                            {(company_name(&p.company_id) != p.debtor_name).then(|| format!(" ({})", company_name(&p.company_id)))}
                                            <br /><span class="mono hint">{p.debtor_account.clone()}</span></td>
                                        <td>{p.creditor_name.clone()}<br /><span class="mono hint">{p.creditor_account.clone()}</span></td>
                                        <td class="num">{amount_text(&p.amount)}</td>
                                        <td>{p.requested_execution_date.clone()}</td>
                                        <td data-testid="status"><PaymentStatusBadge status=p.status /></td>
                                        <td data-testid="pre-approved"><YesNo yes=p.pre_approved /></td>
                                        <td><WarningText warning=p.warning.clone().or(p.bank_reason.clone()) /></td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                }}
            </Loaded>
        </section>
    }
}
