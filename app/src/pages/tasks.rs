//! `/tasks`: my open tasks (all my companies or one, by due date or amount) and, on top of
//! them, my bundle: the invoices I chose to approve and pay, waiting to be signed together.

use ap_core::api_approval::{BundleView, SignResult};
use ap_core::roles::Role;
use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::ApiFailure;
use crate::api_approval::{self as api, TaskSort};
use crate::paged::{Paged, PagedList};
use crate::pages::signing::{SignConfirmation, SigningDialog};
use crate::session::use_session;
use crate::widgets::{
    account_text, all, amount_text, date_text, totals_text, Column, ConfirmButton, DataTable,
    ErrorNote, FilterSelect, Row, SignedInScreen, WarningBadges,
};
use crate::{tr, tr_prop, tr_string};

/// The approver's task list with the bundle on top.
#[component]
pub fn Tasks() -> impl IntoView {
    view! {
        <SignedInScreen title=tr_string!(tasks.title) lead=tr_string!(tasks.lead)>
            <TaskBoard />
        </SignedInScreen>
    }
}

const TASK_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(tasks.col_invoice_number)).row_header(),
    Column::tr(|| tr_string!(tasks.col_supplier)),
    Column::tr(|| tr_string!(tasks.col_company)),
    Column::tr(|| tr_string!(tasks.col_amount))
        .numeric()
        .testid("amount"),
    Column::tr(|| tr_string!(tasks.col_due_date))
        .class("nowrap")
        .testid("due-date"),
    Column::tr(|| tr_string!(tasks.col_warnings)),
];

/// The bundle panel, the signing dialog and the task list. They share the bundle: whatever
/// changes the bundle (remove, cancel, sign) also changes which invoices the list shows.
#[component]
fn TaskBoard() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let company = RwSignal::new(String::new());
    let sort = RwSignal::new(TaskSort::DueDate);
    // A page at a time (50 tasks), the next with "Load more"; a new filter or sort starts over.
    let tasks = Paged::new(move |cursor| {
        let company = company.get_untracked();
        let sort = sort.get_untracked();
        api::tasks((!company.is_empty()).then_some(company), sort, cursor)
    });
    Effect::watch(
        move || (company.get(), sort.get()),
        move |_, _, _| tasks.reload(),
        false,
    );
    // Only whether there is a bundle is read here; the bundle itself is read by its panel,
    // whose code is fetched only then.
    let bundle = RwSignal::new(None::<Result<BundleView, ApiFailure>>);
    let has_items = RwSignal::new(false);
    spawn_local(async move {
        match api::bundle_count().await {
            Ok(n) => has_items.set(n > 0),
            Err(e) => bundle.set(Some(Err(e))),
        }
    });

    // What the signing dialog shows (and signs); `None` while it is closed.
    let signing = RwSignal::new(None::<BundleView>);
    let signed = RwSignal::new(None::<SignResult>);
    let notice = RwSignal::new(
        query
            .with_untracked(|q| q.get("added"))
            .map(|number| tr_string!(tasks.added_notice, number = number).to_string()),
    );
    let error = RwSignal::new(None::<String>);

    // Once tasks are on screen, the task page's code is fetched while the approver reads them
    // (when the browser is idle), so opening a task does not wait for it.
    Effect::new(move |asked: Option<bool>| {
        let shown = tasks
            .items
            .with(|i| matches!(i, Some(Ok(rows)) if !rows.is_empty()));
        let ask = shown && asked != Some(true);
        if ask {
            request_idle_callback(|| spawn_local(crate::routes::preload_task_page()));
        }
        asked == Some(true) || ask
    });

    let bundle_changed = Callback::new(move |b: BundleView| {
        bundle.set(Some(Ok(b)));
        tasks.reload();
    });
    let on_signed = Callback::new(move |result: SignResult| {
        notice.set(None);
        bundle.set(Some(Ok(result.bundle.clone())));
        signed.set(Some(result));
        tasks.reload();
    });

    // The bundle's code is fetched the first time there is a bundle, and then stays.
    let had_bundle =
        Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || has_items.get());
    let area = BundleArea {
        bundle,
        signing,
        notice,
        error,
        on_change: bundle_changed,
        on_signed,
    };

    let my_companies = move || {
        session
            .me()
            .map(|me| me.companies)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.roles.contains(&Role::InvoiceApprover))
            .collect::<Vec<_>>()
    };

    view! {
        <div class="live" role="status" data-testid="notice">
            {move || notice.get().map(|n| view! { <p class="note note-ok">{n}</p> })}
        </div>
        <div class="live" role="status" data-testid="sign-confirmation">
            {move || signed.get().map(|r| Suspend::new(sign_confirmation(r, Callback::new(move |_| signed.set(None)))))}
        </div>
        {move || error.get().map(|m| view! { <ErrorNote message=m /> })}
        {move || bundle.with(|b| match b {
            Some(Err(e)) => Some(view! { <ErrorNote message=e.message.clone() /> }),
            _ => None,
        })}
        {move || had_bundle.get().then(|| Suspend::new(bundle_area(area)))}

        <p class="page-links"><A href="/signed">{crate::tr!(tasks.signed_by_me_link)}</A></p>
        <section class="card" aria-labelledby="tasks-title">
            <div class="card-head">
                <h2 id="tasks-title">{tr!(tasks.list_title)}</h2>
                <form class="filters" aria-label=crate::tr_prop!(tasks.filter_label) on:submit=|ev| ev.prevent_default()>
                    <FilterSelect id="tasks-company" label=tr_prop!(tasks.col_company) value=company options={Signal::derive(move || {
                        std::iter::once(all(tr_string!(tasks.all_companies))).chain(my_companies().into_iter().map(|c| (c.id, c.name))).collect()
                    })} />
                    <div class="field">
                        <label for="tasks-sort">{tr!(tasks.sort_label)}</label>
                        <select id="tasks-sort" on:change=move |ev| sort.set(if event_target_value(&ev) == "amount" { TaskSort::Amount } else { TaskSort::DueDate })>
                            <option value="due_date" selected=move || sort.get() == TaskSort::DueDate>{tr!(tasks.sort_due_date)}</option>
                            <option value="amount" selected=move || sort.get() == TaskSort::Amount>{tr!(tasks.sort_amount)}</option>
                        </select>
                    </div>
                </form>
            </div>
            <PagedList paged=tasks loading=tr_string!(tasks.loading) more_testid="tasks-load-more" let:rows>
                {match rows {
                    rows if rows.is_empty() => view! {
                        <p class="empty" data-testid="no-tasks">{tr!(tasks.no_tasks)}</p>
                    }.into_any(),
                    rows => view! {
                        <DataTable caption=tr_string!(tasks.table_caption) class="tasks" testid="task-list" columns=TASK_COLUMNS
                            rows=rows.into_iter().map(|t| {
                                let label = tr_string!(tasks.task_link, number = t.invoice_number.clone(), supplier = t.supplier_name.clone()).to_string();
                                Row::new()
                                    .attr("data-invoice", t.invoice_number.clone())
                                    .cell(view! {
                                        <A href=format!("/tasks/{}", t.id) attr:aria-label=label>
                                            {t.invoice_number}
                                        </A>
                                    })
                                    .cell(t.supplier_name)
                                    .cell(t.company_name)
                                    .cell(amount_text(&t.amount))
                                    .cell(date_text(&t.due_date))
                                    .cell(view! { <WarningBadges warnings=t.warnings /> })
                            }).collect() />
                    }.into_any(),
                }}
            </PagedList>
        </section>
    }
}

/// What the bundle panel and the signing dialog share with the task board.
#[derive(Clone, Copy)]
struct BundleArea {
    bundle: RwSignal<Option<Result<BundleView, ApiFailure>>>,
    /// What the signing dialog shows (and signs); `None` while it is closed.
    signing: RwSignal<Option<BundleView>>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    /// Gets the bundle the server answered after a removal, a cancel or a refused signing.
    on_change: Callback<BundleView>,
    on_signed: Callback<SignResult>,
}

/// The bundle panel and the signing dialog: their code is a separate download (`#[lazy]`),
/// fetched when the approver first has a bundle, so the task list does not wait for it.
#[lazy]
fn bundle_area(area: BundleArea) -> AnyView {
    let BundleArea {
        bundle,
        signing,
        notice,
        error,
        on_change,
        on_signed,
    } = area;
    spawn_local(async move { bundle.set(Some(api::bundle().await)) });
    view! {
        {move || match bundle.get() {
            Some(Ok(b)) if b.count > 0 => view! {
                <BundlePanel bundle=b on_change=on_change notice=notice error=error
                    on_pay=Callback::new(move |b: BundleView| { error.set(None); signing.set(Some(b)) }) />
            }.into_any(),
            _ => ().into_any(),
        }}
        <SigningDialog shown=signing on_signed=on_signed on_bundle=on_change />
    }
    .into_any()
}

/// What signing did (a separate download, like the dialog that signs).
#[lazy]
fn sign_confirmation(result: SignResult, on_dismiss: Callback<()>) -> AnyView {
    view! { <SignConfirmation result=result on_dismiss=on_dismiss /> }.into_any()
}

/// My bundle: how many invoices, totals per currency, the invoices per company (each
/// removable), and the two ways out: Cancel approval and Pay.
#[component]
fn BundlePanel(
    bundle: BundleView,
    /// Gets the bundle the server answered after a removal or cancel.
    on_change: Callback<BundleView>,
    /// Opens the signing dialog with the bundle as shown.
    on_pay: Callback<BundleView>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let remove = move |id: String, number: String| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::remove_from_bundle(id).await {
                Ok(b) => {
                    notice.set(Some(
                        tr_string!(tasks.removed_notice, number = number).to_string(),
                    ));
                    on_change.run(b);
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let cancel = move |()| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::cancel_bundle().await {
                Ok(b) => {
                    notice.set(Some(tr_string!(tasks.cancelled_notice).to_string()));
                    on_change.run(b);
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let count = bundle.count;
    let totals = totals_text(&bundle.totals);
    let summary = move || {
        if count == 1 {
            tr_string!(tasks.summary_singular, totals = totals.clone()).to_string()
        } else {
            tr_string!(tasks.summary_plural, count = count, totals = totals.clone()).to_string()
        }
    };
    let cancel_question = if count == 1 {
        tr_string!(tasks.cancel_question_singular).to_string()
    } else {
        tr_string!(tasks.cancel_question_plural, count = count).to_string()
    };
    let shown = StoredValue::new(bundle.clone());
    let items = bundle.items.clone();
    view! {
        <section class="card bundle" aria-labelledby="bundle-title" data-testid="bundle">
            <div class="card-head">
                <div>
                    <h2 id="bundle-title">{tr!(tasks.bundle_title)}</h2>
                    <p class="bundle-summary" data-testid="bundle-summary">{summary}</p>
                </div>
                <div class="actions">
                    <ConfirmButton label=tr_string!(tasks.cancel_approval) aria_label=tr_string!(tasks.cancel_approval) class="secondary"
                        question=cancel_question confirm=tr_string!(tasks.cancel_yes) keep=tr_string!(tasks.cancel_keep)
                        disabled=busy on_confirm=Callback::new(cancel) />
                    <button type="button" disabled=move || busy.get() on:click=move |_| on_pay.run(shown.get_value())>{tr!(tasks.pay)}</button>
                </div>
            </div>
            <dl class="totals" data-testid="bundle-totals">
                {bundle.totals.iter().map(|t| view! {
                    <div><dt>{tr_string!(tasks.total_currency, currency = t.currency.clone()).to_string()}</dt><dd class="amount">{amount_text(t)}</dd></div>
                }).collect_view()}
            </dl>
            {bundle.groups.into_iter().map(|g| {
                let heading_id = format!("bundle-{}", g.company_id);
                let rows: Vec<_> = g.item_ids.iter().filter_map(|id| items.iter().find(|i| &i.id == id).cloned()).collect();
                view! {
                    <div class="bundle-group" data-company=g.company_name.clone()>
                        <h3 id=heading_id.clone()>{g.company_name.clone()}<span class="muted">{format!(" · {}", totals_text(&g.totals))}</span></h3>
                        {(g.approvers_required > 1).then(|| view! {
                            <p class="note" data-testid="second-approver-needed">
                                {tr_string!(tasks.second_approver, company = g.company_name.clone(), count = g.approvers_required).to_string()}
                            </p>
                        })}
                        <table class="table stack bundle-table" aria-labelledby=heading_id>
                            <thead><tr>
                                <th scope="col">{tr!(tasks.col_invoice_number)}</th><th scope="col">{tr!(tasks.col_payee)}</th><th scope="col">{tr!(tasks.col_account)}</th>
                                <th scope="col">{tr!(tasks.col_due_date)}</th><th scope="col" class="num">{tr!(tasks.col_amount)}</th>
                                <th scope="col"><span class="visually-hidden">{tr!(tasks.col_actions)}</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|i| {
                                    let (id, number) = (i.id.clone(), i.invoice_number.clone());
                                    view! {
                                        <tr data-invoice=i.invoice_number.clone()>
                                            <th scope="row">{i.invoice_number.clone()}</th>
                                            <td data-label=crate::tr_prop!(tasks.col_payee)>{i.payee_name.clone()}</td>
                                            <td class="mono account" data-label=crate::tr_prop!(tasks.col_account)>{account_text(&i.creditor_account)}</td>
                                            <td class="nowrap" data-label=crate::tr_prop!(tasks.col_due_date) data-testid="due-date">{date_text(&i.due_date)}</td>
                                            <td class="num" data-label=crate::tr_prop!(tasks.col_amount) data-testid="amount">{amount_text(&i.amount)}</td>
                                            <td class="actions row-remove">
                                                <button type="button" class="secondary small" disabled=move || busy.get()
                                                    aria-label=tr_string!(tasks.remove_label, number = i.invoice_number.clone()).to_string()
                                                    on:click=move |_| remove(id.clone(), number.clone())>{tr!(tasks.remove)}</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
