//! `/admin/companies`: companies, their settings and bank agreements.

use ap_core::api::{
    BankAgreementRequest, BankAgreementView, CompanyRequest, CompanySettingsPatch, CompanyView,
};
use ap_core::roles::TwoStepLevel;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::HtmlInputElement;

use crate::api::{self, ApiFailure};
use crate::widgets::{
    account_text, failure_of, field_error, ActionError, Column, DataTable, ErrorNote, Loaded, Row,
    TextField,
};
use crate::{tr, tr_string};

use super::level_name;

const COMPANY_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(admin.companies.col_name)).row_header(),
    Column::tr(|| tr_string!(admin.companies.col_org_number)),
    Column::tr(|| tr_string!(admin.companies.col_country)),
    Column::tr(|| tr_string!(admin.companies.col_currency)),
    Column::tr(|| tr_string!(admin.companies.col_two_step)),
    Column::tr(|| tr_string!(admin.companies.col_send)),
    Column::tr(|| tr_string!(admin.companies.col_pre_approval)),
    Column::tr(|| tr_string!(admin.companies.col_agreements)).numeric(),
    Column::tr(|| tr_string!(admin.col_actions)).label_hidden(),
];

/// The list of companies, a form for a new one, and the editor of the selected one.
#[component]
pub fn AdminCompanies() -> impl IntoView {
    let companies = LocalResource::new(api::companies);
    let selected = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    // The company as the last change of this screen answered it: newer than the list until the
    // list is reloaded, so a second change right after the first is made on the right version.
    let answered = RwSignal::new(None::<CompanyView>);
    let saved = Callback::new(move |c: CompanyView| {
        answered.set(Some(c));
        companies.refetch();
    });
    let reload = Callback::new(move |_: ()| companies.refetch());
    // The selected company as the latest answer or list says, and its id once it is in the list.
    let current = Memo::new(move |_| {
        let id = selected.get()?;
        let listed = companies.get()?.ok()?.into_iter().find(|c| c.id == id)?;
        Some(newest(listed, answered.get()))
    });
    let shown = Memo::new(move |_| current.with(|c| c.as_ref().map(|c| c.id.clone())));
    view! {
        <section class="card" aria-labelledby="companies-title">
            <div class="card-head">
                <h2 id="companies-title">{tr!(admin.companies.title)}</h2>
                <button type="button" on:click=move |_| creating.update(|c| *c = !*c)>{tr!(admin.companies.new_company)}</button>
            </div>
            {move || creating.get().then(|| view! {
                <CompanyForm prefix="new-company" existing=None
                    on_saved=Callback::new(move |c: CompanyView| {
                        creating.set(false);
                        selected.set(Some(c.id));
                        companies.refetch();
                    }) />
            })}
            <Loaded from=companies loading=crate::tr_prop!(admin.companies.loading) let:list>
                {match list {
                    list if list.is_empty() => view! {
                        <p class="muted">{tr!(admin.companies.empty)}</p>
                    }.into_any(),
                    list => view! {
                        <DataTable caption=crate::tr_prop!(admin.companies.caption) testid="companies" columns=COMPANY_COLUMNS
                            rows=list.into_iter().map(|c| {
                                let id = c.id.clone();
                                let name = c.name.clone();
                                Row::new()
                                    .attr("data-company", c.name.clone())
                                    .cell(c.name.clone())
                                    .cell(c.org_number)
                                    .cell(c.country)
                                    .cell(c.base_currency)
                                    .cell(view! { <YesNo value=c.settings.two_step_for_autopay /> })
                                    .cell(view! { <YesNo value=c.settings.send_workflows_to_approval /> })
                                    .cell(view! { <YesNo value=c.settings.allow_pre_approval /> })
                                    .cell(c.bank_agreements.len())
                                    .cell(view! {
                                        <button type="button" class="secondary small"
                                            aria-label=move || tr_string!(admin.companies.edit_label, name = name.clone()).to_string()
                                            on:click=move |_| selected.set(Some(id.clone()))>{tr!(admin.edit)}</button>
                                    })
                            }).collect() />
                    }.into_any(),
                }}
            </Loaded>
        </section>
        // Re-rendered only when another company is shown: the editor follows the list's reloads
        // through a memo, so a switch being toggled is never replaced under the pointer.
        {move || shown.get().and_then(|_| {
            let company = current.get_untracked()?;
            Some(view! { <CompanyEditor company=company current=current saved=saved reload=reload on_close=Callback::new(move |_| selected.set(None)) /> })
        })}
    }
}

#[component]
fn YesNo(value: bool) -> impl IntoView {
    if value {
        view! { <span class="badge badge-yes">{tr!(admin.companies.on)}</span> }.into_any()
    } else {
        view! { <span class="badge">{tr!(admin.companies.off)}</span> }.into_any()
    }
}

/// Name, organisation number, country and base currency: a new company or an edit.
#[component]
fn CompanyForm(
    /// Makes the input ids unique on the page.
    prefix: &'static str,
    existing: Option<CompanyView>,
    on_saved: Callback<CompanyView>,
) -> impl IntoView {
    let id = existing.as_ref().map(|c| c.id.clone());
    let is_new = id.is_none();
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    );
    let org = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.org_number.clone())
            .unwrap_or_default(),
    );
    let country = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.country.clone())
            .unwrap_or_else(|| "NO".into()),
    );
    let currency = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.base_currency.clone())
            .unwrap_or_else(|| "NOK".into()),
    );
    let save = Action::new_local(move |req: &CompanyRequest| {
        let (req, id) = (req.clone(), id.clone());
        async move {
            let result = match id {
                Some(id) => api::update_company(id, req).await,
                None => api::create_company(req).await,
            };
            if let Ok(c) = &result {
                on_saved.run(c.clone());
            }
            result
        }
    });
    let failure = failure_of(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(CompanyRequest {
            name: name.get_untracked().trim().to_string(),
            org_number: org.get_untracked().trim().to_string(),
            country: country.get_untracked().trim().to_uppercase(),
            base_currency: currency.get_untracked().trim().to_uppercase(),
        });
    };
    view! {
        <form class="form-grid" on:submit=on_submit
            aria-label=move || if is_new { tr_string!(admin.company_form.new_label) } else { tr_string!(admin.company_form.details_label) }>
            <TextField id=format!("{prefix}-name") label=crate::tr_prop!(admin.company_form.name) value=name required=true error=field_error(failure, "name") />
            <TextField id=format!("{prefix}-org") label=crate::tr_prop!(admin.company_form.org_number) value=org required=true error=field_error(failure, "org_number") />
            <TextField id=format!("{prefix}-country") label=crate::tr_prop!(admin.company_form.country) value=country required=true
                hint=crate::tr_prop!(admin.company_form.country_hint) error=field_error(failure, "country") />
            <TextField id=format!("{prefix}-currency") label=crate::tr_prop!(admin.company_form.currency) value=currency required=true
                hint=crate::tr_prop!(admin.company_form.currency_hint) error=field_error(failure, "base_currency") />
            <div class="span-all">
                <ActionError failure=failure />
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>
                        {move || if is_new { tr_string!(admin.company_form.create) } else { tr_string!(admin.company_form.save) }}
                    </button>
                </div>
            </div>
        </form>
    }
}

/// One company: details, the four switches and token expiry, and its bank agreements.
/// A company setting counted in days, saved from its own small form.
#[derive(Clone, Copy)]
enum DaysSetting {
    TokenExpiry,
    SoonOverdue,
}

#[component]
fn CompanyEditor(
    /// The company as it was when the editor opened (initial form values).
    company: CompanyView,
    /// The company as the latest list says.
    current: Memo<Option<CompanyView>>,
    /// A change was made: the company as the server answered it.
    saved: Callback<CompanyView>,
    reload: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let settings_error = RwSignal::new(None::<String>);
    // One settings change at a time: the next is made on the version the last one answered.
    let saving = RwSignal::new(false);
    let id = company.id.clone();
    let toggle = {
        let id = id.clone();
        move |which: &'static str| {
            let id = id.clone();
            move |ev: leptos::ev::Event| {
                let input: HtmlInputElement = event_target(&ev);
                let on = input.checked();
                let mut patch = CompanySettingsPatch::default();
                match which {
                    "two_step" => patch.two_step_for_autopay = Some(on),
                    "send" => patch.send_workflows_to_approval = Some(on),
                    "passkey" => patch.require_passkey = Some(on),
                    _ => patch.allow_pre_approval = Some(on),
                }
                // Made on the version on screen: a change by someone else meanwhile is a 409,
                // and the screen then shows the company as it is now.
                patch.expected_version = current.with_untracked(|c| c.as_ref().map(|c| c.version));
                let id = id.clone();
                settings_error.set(None);
                saving.set(true);
                spawn_local(async move {
                    let result = api::update_company_settings(id, patch).await;
                    saving.set(false);
                    match result {
                        Ok(c) => saved.run(c),
                        Err(e) => {
                            input.set_checked(!on);
                            if e.status == 409 {
                                reload.run(());
                            }
                            settings_error.set(Some(e.message));
                        }
                    }
                });
            }
        }
    };
    let expiry = RwSignal::new(company.settings.token_expiry_days.to_string());
    let soon = RwSignal::new(company.settings.soon_overdue_days.to_string());
    // The settings counted in days: which one, and the days as typed.
    let days_save = {
        let id = id.clone();
        Action::new_local(move |(which, days): &(DaysSetting, String)| {
            let (id, which, days) = (id.clone(), *which, days.clone());
            async move {
                let days: u32 = days.trim().parse().map_err(|_| ApiFailure {
                    status: 0,
                    message: match which {
                        DaysSetting::TokenExpiry => {
                            tr_string!(admin.company_editor.expiry_not_number)
                        }
                        DaysSetting::SoonOverdue => {
                            tr_string!(admin.company_editor.soon_not_number)
                        }
                    }
                    .to_string(),
                    fields: Vec::new(),
                })?;
                let mut patch = CompanySettingsPatch {
                    expected_version: current.with_untracked(|c| c.as_ref().map(|c| c.version)),
                    ..Default::default()
                };
                match which {
                    DaysSetting::TokenExpiry => patch.token_expiry_days = Some(days),
                    DaysSetting::SoonOverdue => patch.soon_overdue_days = Some(days),
                }
                let result = api::update_company_settings(id, patch).await;
                match &result {
                    Ok(c) => saved.run(c.clone()),
                    Err(e) if e.status == 409 => reload.run(()),
                    Err(_) => {}
                }
                result
            }
        })
    };
    let days_failure = failure_of(days_save);
    let setting = move |read: fn(&CompanyView) -> bool| {
        Memo::new(move |_| current.with(|c| c.as_ref().is_some_and(read)))
    };
    let two_step = setting(|c| c.settings.two_step_for_autopay);
    let send = setting(|c| c.settings.send_workflows_to_approval);
    let pre = setting(|c| c.settings.allow_pre_approval);
    let passkey = setting(|c| c.settings.require_passkey);
    let agreements = Memo::new(move |_| {
        current.with(|c| {
            c.as_ref()
                .map(|c| c.bank_agreements.clone())
                .unwrap_or_default()
        })
    });
    let name = Memo::new(move |_| {
        current.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default())
    });
    let heading_id = format!("company-{}-title", company.id);
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by data-testid="company-editor">
            <div class="card-head">
                <h2 id=heading_id>{name}</h2>
                <button type="button" class="secondary small" on:click=move |_| on_close.run(())>{tr!(admin.company_editor.close)}</button>
            </div>
            <h3>{tr!(admin.company_editor.details)}</h3>
            <CompanyForm prefix="edit-company" existing=Some(company.clone()) on_saved=saved />

            <h3>{tr!(admin.company_editor.settings)}</h3>
            <fieldset class="switches">
                <legend class="visually-hidden">{tr!(admin.company_editor.settings_label)}</legend>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=two_step disabled=move || saving.get() on:change=toggle("two_step") />
                    {tr!(admin.company_editor.two_step)}
                </label>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=send disabled=move || saving.get() on:change=toggle("send") />
                    {tr!(admin.company_editor.send)}
                </label>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=pre disabled=move || saving.get() on:change=toggle("pre") aria-describedby="pre-approval-note" />
                    {tr!(admin.company_editor.pre_approval)}
                </label>
                <p class="hint" id="pre-approval-note">{tr!(admin.company_editor.pre_approval_note)}</p>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=passkey disabled=move || saving.get() on:change=toggle("passkey") aria-describedby="require-passkey-note" />
                    {tr!(admin.company_editor.require_passkey)}
                </label>
                <p class="hint" id="require-passkey-note">{tr!(admin.company_editor.require_passkey_note)}</p>
                {move || settings_error.get().map(|m| view! { <ErrorNote message=m /> })}
            </fieldset>
            <form class="inline-form" on:submit=move |ev: SubmitEvent| { ev.prevent_default(); days_save.dispatch((DaysSetting::TokenExpiry, expiry.get_untracked())); }>
                <TextField id="token-expiry" label=crate::tr_prop!(admin.company_editor.expiry) kind="number" value=expiry inputmode="numeric"
                    error=field_error(days_failure, "token_expiry_days") />
                <button type="submit" class="secondary" disabled=move || days_save.pending().get()>{tr!(admin.company_editor.save_expiry)}</button>
            </form>
            <form class="inline-form" on:submit=move |ev: SubmitEvent| { ev.prevent_default(); days_save.dispatch((DaysSetting::SoonOverdue, soon.get_untracked())); }>
                <TextField id="soon-overdue" label=crate::tr_prop!(admin.company_editor.soon) kind="number" value=soon inputmode="numeric"
                    error=field_error(days_failure, "soon_overdue_days") />
                <button type="submit" class="secondary" disabled=move || days_save.pending().get()>{tr!(admin.company_editor.save_soon)}</button>
            </form>
            <ActionError failure=days_failure />

            <h3>{tr!(admin.company_editor.workflow_title)}</h3>
            <p>{tr!(admin.company_editor.workflow_note)}" "
                <A href=format!("/company/{}/workflow", company.id)>{tr!(admin.company_editor.workflow_link)}</A></p>

            <super::notify_settings::EscalationSettings company_id=company.id.clone() current=current saved=saved reload=reload />
            <super::notify_settings::WebhookSettings company_id=company.id.clone() />

            {move || view! { <BankAgreements company_id=id.clone() company_name=name.get() agreements=agreements.get() saved=saved /> }}
        </section>
    }
}

const AGREEMENT_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(admin.agreements.col_bank)).row_header(),
    Column::tr(|| tr_string!(admin.agreements.col_bic)),
    Column::tr(|| tr_string!(admin.agreements.col_debtor_account)).class("mono"),
    Column::tr(|| tr_string!(admin.agreements.col_level)),
    Column::tr(|| tr_string!(admin.agreements.col_approvers)).numeric(),
    Column::tr(|| tr_string!(admin.col_actions))
        .label_hidden()
        .class("row-actions"),
];

/// A company's bank agreements: list, add, edit, delete (also on `/company/:id/autopay`).
#[component]
pub(crate) fn BankAgreements(
    company_id: String,
    company_name: String,
    agreements: Vec<BankAgreementView>,
    /// An agreement was added, changed or deleted: the company as the server answered it.
    saved: Callback<CompanyView>,
) -> impl IntoView {
    // None: no form open; Some(None): adding; Some(Some(id)): editing that agreement.
    let editing = RwSignal::new(None::<Option<String>>);
    let delete_error = RwSignal::new(None::<String>);
    let stored = StoredValue::new(agreements.clone());
    let delete = {
        let company_id = company_id.clone();
        move |agreement: String| {
            let company_id = company_id.clone();
            spawn_local(async move {
                match api::delete_bank_agreement(company_id, agreement).await {
                    Ok(c) => saved.run(c),
                    Err(e) => delete_error.set(Some(e.message)),
                }
            });
        }
    };
    view! {
        <div class="card-head">
            <h3>{tr!(admin.agreements.title)}</h3>
            <button type="button" class="secondary small" on:click=move |_| editing.set(Some(None))>{tr!(admin.agreements.add)}</button>
        </div>
        {if agreements.is_empty() {
            view! { <p class="muted">{tr!(admin.agreements.empty)}</p> }.into_any()
        } else {
            view! {
                <DataTable caption=move || tr_string!(admin.agreements.caption, company = company_name.clone()).to_string()
                    testid="bank-agreements" columns=AGREEMENT_COLUMNS
                    rows=agreements.iter().map(|a| {
                        let (edit_id, delete_id) = (a.id.clone(), a.id.clone());
                        let delete = delete.clone();
                        let (level, bank, bank2) = (a.two_step_level, a.bank_name.clone(), a.bank_name.clone());
                        Row::new()
                            .attr("data-agreement", a.bank_name.clone())
                            .cell(a.bank_name.clone())
                            .cell(a.bic.clone())
                            .cell(account_text(&a.debtor_account))
                            .cell(move || level_name(level))
                            .cell(a.approvers_required)
                            .cell(view! {
                                <button type="button" class="secondary small"
                                    aria-label=move || tr_string!(admin.agreements.edit_label, bank = bank.clone()).to_string()
                                    on:click=move |_| editing.set(Some(Some(edit_id.clone())))>{tr!(admin.edit)}</button>
                                <button type="button" class="danger small"
                                    aria-label=move || tr_string!(admin.agreements.delete_label, bank = bank2.clone()).to_string()
                                    on:click=move |_| delete(delete_id.clone())>{tr!(admin.agreements.delete)}</button>
                            })
                    }).collect() />
            }.into_any()
        }}
        {move || delete_error.get().map(|m| view! { <ErrorNote message=m /> })}
        {move || editing.get().map(|which| {
            let existing = which.and_then(|id| stored.with_value(|list| list.iter().find(|a| a.id == id).cloned()));
            view! {
                <BankAgreementForm company_id=company_id.clone() existing=existing
                    on_done=Callback::new(move |answer: Option<CompanyView>| { editing.set(None); if let Some(c) = answer { saved.run(c); } }) />
            }
        })}
    }
}

/// Add or edit one bank agreement; the server's field errors show next to the fields.
#[component]
fn BankAgreementForm(
    company_id: String,
    existing: Option<BankAgreementView>,
    /// The company as saved, or `None` when cancelled.
    on_done: Callback<Option<CompanyView>>,
) -> impl IntoView {
    let agreement_id = existing.as_ref().map(|a| a.id.clone());
    let is_new = agreement_id.is_none();
    let bank = RwSignal::new(
        existing
            .as_ref()
            .map(|a| a.bank_name.clone())
            .unwrap_or_default(),
    );
    let bic = RwSignal::new(existing.as_ref().map(|a| a.bic.clone()).unwrap_or_default());
    let iban = RwSignal::new(
        existing
            .as_ref()
            .map(|a| a.debtor_account.clone())
            .unwrap_or_default(),
    );
    let level = RwSignal::new(
        existing
            .as_ref()
            .map(|a| a.two_step_level)
            .unwrap_or(TwoStepLevel::OnApproval),
    );
    let approvers = RwSignal::new(existing.as_ref().map(|a| a.approvers_required).unwrap_or(1));
    let save = Action::new_local(move |req: &BankAgreementRequest| {
        let (req, company_id, agreement_id) =
            (req.clone(), company_id.clone(), agreement_id.clone());
        async move {
            let result = match agreement_id {
                Some(a) => api::update_bank_agreement(company_id, a, req).await,
                None => api::add_bank_agreement(company_id, req).await,
            };
            if let Ok(c) = &result {
                on_done.run(Some(c.clone()));
            }
            result
        }
    });
    let failure = failure_of(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(BankAgreementRequest {
            bank_name: bank.get_untracked().trim().to_string(),
            bic: bic.get_untracked().trim().to_uppercase(),
            debtor_account: iban.get_untracked().trim().to_string(),
            two_step_level: level.get_untracked(),
            approvers_required: approvers.get_untracked(),
        });
    };
    let level_error = field_error(failure, "two_step_level");
    let title = move || {
        if is_new {
            tr_string!(admin.agreement_form.new_title)
        } else {
            tr_string!(admin.agreement_form.edit_title)
        }
    };
    let approvers_error = field_error(failure, "approvers_required");
    view! {
        <form class="form-grid subform" on:submit=on_submit aria-label=title>
            <h4 class="span-all">{title}</h4>
            <TextField id="agreement-bank" label=crate::tr_prop!(admin.agreement_form.bank_name) value=bank required=true error=field_error(failure, "bank_name") />
            <TextField id="agreement-bic" label=crate::tr_prop!(admin.agreement_form.bic) value=bic required=true
                hint=crate::tr_prop!(admin.agreement_form.bic_hint) error=field_error(failure, "bic") />
            <TextField id="agreement-iban" label=crate::tr_prop!(admin.agreement_form.iban) value=iban required=true
                hint=crate::tr_prop!(admin.agreement_form.iban_hint) error=field_error(failure, "debtor_account") />
            <div class="field">
                <label for="agreement-level">{tr!(admin.agreement_form.level)}</label>
                <select id="agreement-level" aria-describedby="agreement-level-hint"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(l) = TwoStepLevel::ALL.into_iter().find(|l| l.as_key() == v) { level.set(l); }
                    }>
                    {TwoStepLevel::ALL.into_iter().map(|l| view! {
                        <option value=l.as_key() selected=move || level.get() == l>{move || level_name(l)}</option>
                    }).collect_view()}
                </select>
                <span class="hint" id="agreement-level-hint">{tr!(admin.agreement_form.level_hint)}</span>
                {move || level_error.get().map(|e| view! { <span class="field-error">{e}</span> })}
            </div>
            <div class="field">
                <label for="agreement-approvers">{tr!(admin.agreement_form.approvers)}</label>
                <select id="agreement-approvers" on:change=move |ev| approvers.set(if event_target_value(&ev) == "2" { 2 } else { 1 })>
                    <option value="1" selected=move || approvers.get() == 1>"1"</option>
                    <option value="2" selected=move || approvers.get() == 2>"2"</option>
                </select>
                {move || approvers_error.get().map(|e| view! { <span class="field-error">{e}</span> })}
            </div>
            <div class="span-all">
                <ActionError failure=failure />
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>
                        {move || if is_new { tr_string!(admin.agreement_form.add) } else { tr_string!(admin.agreement_form.save) }}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>{tr!(admin.cancel)}</button>
                </div>
            </div>
        </form>
    }
}

/// Of the company as listed and as a change answered it, the newer (a higher version); the
/// answer counts only for the same company.
pub(crate) fn newest(listed: CompanyView, answered: Option<CompanyView>) -> CompanyView {
    match answered {
        Some(a) if a.id == listed.id && a.version > listed.version => a,
        _ => listed,
    }
}
