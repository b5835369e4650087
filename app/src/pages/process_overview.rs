//! `/process-overview` and `/process-overview/:id` (System Administrator): every process with
//! its status, approvers, Payment approved yes/no and warnings; a process's document data, full
//! history and approval token (last four characters only), which an administrator may revoke.

use ap_core::api_approval::{ProcessDetail, ProcessFilter};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::api_approval;
use crate::paged::{Paged, PagedList};
use crate::pages::invoice::{CommentList, HistoryTable, InvoiceFacts, WarningPanel};
use crate::routes::use_path_id;
use crate::session::use_session;
use crate::widgets::{
    all, amount_text, count_text, local_time, status_text, warning_label, Column, DataTable,
    ErrorNote, FilterBar, FilterSelect, Loaded, Row, SignedInScreen, StatusBadge, WarningBadges,
    YesNo, STATUSES, WARNING_KINDS,
};
use crate::{tr, tr_prop, tr_string};

/// The overview of every process.
#[component]
pub fn ProcessOverview() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(overview.screen_title) lead=crate::tr_prop!(overview.screen_lead)>
            <AdminOnly><ProcessList /></AdminOnly>
        </SignedInScreen>
    }
}

/// One process with its full history.
#[component]
pub fn ProcessOverviewDetail() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(overview.screen_process_title)>
            <AdminOnly><ProcessScreen /></AdminOnly>
        </SignedInScreen>
    }
}

/// Its children for System Administrators; everyone else is told which role is needed.
#[component]
fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_system_admin));
    let children = StoredValue::new(children);
    move || {
        if is_admin.get() {
            children.read_value()().into_any()
        } else {
            view! {
                <p class="note note-warn" role="alert" data-testid="needs-admin">
                    {tr!(overview.needs_admin)}
                </p>
            }
            .into_any()
        }
    }
}

const PROCESS_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(overview.col_invoice_number)).row_header(),
    Column::tr(|| tr_string!(overview.col_company)),
    Column::tr(|| tr_string!(overview.col_supplier)),
    Column::tr(|| tr_string!(overview.col_amount)).numeric(),
    Column::tr(|| tr_string!(overview.col_status)),
    Column::tr(|| tr_string!(overview.col_approvers)),
    Column::tr(|| tr_string!(overview.col_payment_approved)).testid("payment-approved"),
    Column::tr(|| tr_string!(overview.col_warnings)),
];

/// Filters (company, status, payment approved, warning) and the table of processes.
#[component]
fn ProcessList() -> impl IntoView {
    let companies = LocalResource::new(api::companies);
    let company = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let paid = RwSignal::new(String::new());
    let warning = RwSignal::new(String::new());
    // A page at a time (50 processes), the next with "Load more"; a new filter starts over.
    let processes = Paged::new(move |cursor| {
        let some = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        let filter = ProcessFilter {
            company: some(company),
            status: some(status),
            payment_approved: match paid.get_untracked().as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            warning: some(warning),
        };
        api_approval::processes(filter, cursor)
    });
    Effect::watch(
        move || (company.get(), status.get(), paid.get(), warning.get()),
        move |_, _, _| processes.reload(),
        false,
    );
    view! {
        <section class="card" aria-labelledby="processes-title">
            <div class="card-head">
                <h2 id="processes-title">{tr!(overview.processes)}</h2>
            </div>
            <FilterBar label=tr_prop!(overview.filter_label) filters=vec![company, status, paid, warning]>
                <FilterSelect id="filter-company" label=tr_prop!(overview.col_company) value=company options={Signal::derive(move || {
                    std::iter::once(all(tr_string!(overview.all_companies)))
                        .chain(companies.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|c| (c.id, c.name)))
                        .collect()
                })} />
                <FilterSelect id="filter-status" label=tr_prop!(overview.col_status) value=status
                    options=Signal::derive(|| std::iter::once(all(tr_string!(overview.all_statuses))).chain(STATUSES.iter().map(|k| (k.to_string(), status_text(k)))).collect::<Vec<_>>()) />
                <FilterSelect id="filter-paid" label=tr_prop!(overview.col_payment_approved) value=paid
                    options={vec![all(tr_string!(overview.yes_and_no)), ("yes".into(), tr_string!(overview.yes).into()), ("no".into(), tr_string!(overview.no).into())]} />
                <FilterSelect id="filter-warning" label=tr_prop!(overview.warning) value=warning
                    options=Signal::derive(|| std::iter::once(all(tr_string!(overview.any_or_none))).chain(WARNING_KINDS.iter().map(|k| (k.to_string(), warning_label(k).to_owned()))).collect::<Vec<_>>()) />
            </FilterBar>
            <PagedList paged=processes loading=tr_string!(overview.loading) more_testid="processes-load-more" let:rows>
                {match rows {
                    rows if rows.is_empty() => view! { <p class="empty">{tr!(overview.empty)}</p> }.into_any(),
                    rows => view! {
                        <p class="muted" aria-live="polite">{tr_string!(overview.shown, count = count_text(rows.len(), tr_string!(overview.process_singular), tr_string!(overview.process_plural))).to_string()}</p>
                        <DataTable caption=tr_string!(overview.processes) class="processes" testid="process-list" columns=PROCESS_COLUMNS
                            rows=rows.into_iter().map(|p| {
                                Row::new()
                                    .attr("data-invoice", p.invoice_number.clone())
                                    .cell(view! { <A href=format!("/process-overview/{}", p.id)>{p.invoice_number}</A> })
                                    .cell(p.company_name)
                                    .cell(p.supplier_name)
                                    .cell(amount_text(&p.amount))
                                    .cell(view! { <StatusBadge status=p.status /> })
                                    .cell(if p.approvers.is_empty() { "—".to_string() } else { p.approvers.join(", ") })
                                    .cell(view! { <YesNo yes=p.payment_approved /> })
                                    .cell(view! { <WarningBadges warnings=p.warnings /> })
                            }).collect() />
                    }.into_any(),
                }}
            </PagedList>
        </section>
    }
}

#[component]
fn ProcessScreen() -> impl IntoView {
    let id = use_path_id();
    let process = RwSignal::new(None::<Result<ProcessDetail, api::ApiFailure>>);
    let loaded = LocalResource::new(move || api_approval::process(id.get()));
    // What an action answered replaces what was loaded.
    let shown = Signal::derive(move || process.get().or_else(|| loaded.get()));
    view! {
        <p class="back"><A href="/process-overview">{tr!(overview.back)}</A></p>
        <Loaded from=shown loading=tr_string!(overview.loading_process) let:p>
            <ProcessView process=p on_change=Callback::new(move |p| process.set(Some(Ok(p)))) />
        </Loaded>
    }
}

/// A process: status and payment approval, warnings, document data, the token and the full
/// history.
#[component]
fn ProcessView(process: ProcessDetail, on_change: Callback<ProcessDetail>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let failure = RwSignal::new(None::<String>);
    let id = StoredValue::new(process.id.clone());
    let revoke = Action::new_local(move |_: &()| async move {
        match api_approval::revoke_token(id.get_value()).await {
            Ok(p) => {
                confirming.set(false);
                failure.set(None);
                on_change.run(p);
            }
            Err(e) => failure.set(Some(e.message)),
        }
    });
    let title = tr_string!(
        overview.title,
        number = process.invoice.invoice_number.clone(),
        supplier = process.invoice.supplier.name.clone()
    )
    .to_string();
    view! {
        <section class="card" aria-labelledby="process-title">
            <div class="card-head">
                <div>
                    <h2 id="process-title">{title}</h2>
                    <p class="muted">{process.invoice.company_name.clone()}" · "
                        {format!("{} of {} approvals", process.approvers.len(), process.required_approvals)}
                        {(!process.approvers.is_empty()).then(|| format!(": {}", process.approvers.join(", ")))}</p>
                </div>
                <div class="task-amount">
                    <span class="amount big">{amount_text(&process.invoice.amount)}</span>
                    <StatusBadge status=process.status.clone() />
                    <span data-testid="payment-approved">{tr!(overview.payment_approved_label)}<YesNo yes=process.payment_approved /></span>
                </div>
            </div>
        </section>
        <WarningPanel warnings=process.warnings.clone() />
        <div class="split">
            <section class="card" aria-labelledby="process-data-title">
                <h2 id="process-data-title">{tr!(overview.document_data)}</h2>
                <InvoiceFacts invoice=process.invoice.clone() />
            </section>
            <section class="card" aria-labelledby="token-title" data-testid="token">
                <h2 id="token-title">{tr!(overview.token_title)}</h2>
                {match process.token.clone() {
                    None => view! { <p class="muted">{tr!(overview.no_token)}</p> }.into_any(),
                    Some(t) => {
                        let state = if t.revoked { tr_string!(overview.revoked) } else if t.used { tr_string!(overview.used) } else { tr_string!(overview.valid) };
                        let can_revoke = !t.revoked && !t.used;
                        let last_four = t.last_four.clone();
                        view! {
                            <dl class="facts">
                                <dt>{tr!(overview.token)}</dt><dd class="mono" data-testid="token-last-four">{format!("…{}", t.last_four)}</dd>
                                <dt>{tr!(overview.state)}</dt><dd><span class=if can_revoke { "badge badge-yes" } else { "badge badge-no" }>{state}</span></dd>
                                <dt>{tr!(overview.issued)}</dt><dd>{local_time(&t.issued_at)}</dd>
                                <dt>{tr!(overview.expires)}</dt><dd>{local_time(&t.expires_at)}</dd>
                            </dl>
                            <p class="hint">{tr!(overview.last_four_hint)}</p>
                            {can_revoke.then(|| view! {
                                {move || if confirming.get() {
                                    view! {
                                        <div class="note note-warn" role="group" aria-labelledby="revoke-question">
                                            <p id="revoke-question">{tr_string!(overview.revoke_question, last_four = last_four.clone()).to_string()}</p>
                                            <div class="actions">
                                                <button type="button" class="danger" node_ref=confirm_button disabled=move || revoke.pending().get()
                                                    on:click=move |_| { revoke.dispatch(()); }>{tr!(overview.revoke)}</button>
                                                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{tr!(overview.keep)}</button>
                                            </div>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <div class="actions">
                                            <button type="button" class="secondary danger-text" on:click=move |_| {
                                                confirming.set(true);
                                                // The button just pressed is gone: focus the question's answer.
                                                request_animation_frame(move || {
                                                    if let Some(b) = confirm_button.get_untracked() { let _ = b.focus(); }
                                                });
                                            }>{tr!(overview.revoke)}</button>
                                        </div>
                                    }.into_any()
                                }}
                            })}
                            {move || failure.get().map(|m| view! { <ErrorNote message=m /> })}
                        }.into_any()
                    }
                }}
            </section>
        </div>
        <section class="card" aria-labelledby="process-history-title">
            <h2 id="process-history-title">{tr!(overview.history)}</h2>
            <HistoryTable history=process.history.clone() />
        </section>
        <section class="card" aria-labelledby="process-comments-title">
            <h2 id="process-comments-title">{tr!(overview.comments)}</h2>
            <CommentList comments=process.comments.clone() />
        </section>
    }
}
