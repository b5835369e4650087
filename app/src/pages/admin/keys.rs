//! `/admin/keys`: integration keys per company, shown once at creation, revocable. The list
//! pages ("Load more") and filters by status, so every live key can be found and revoked.

use ap_core::api::{NewIntegrationKey, NewIntegrationKeyRequest, Scope};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};
use crate::paged::{Paged, PagedList};
use crate::widgets::{
    failure_of, field_error, local_time, ActionError, Column, DataTable, ErrorNote, Row, TextField,
};
use crate::{tr, tr_string};

use super::company_name;

const KEY_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(admin.keys.col_company)),
    Column::tr(|| tr_string!(admin.keys.col_label)).row_header(),
    Column::tr(|| tr_string!(admin.keys.col_scopes)),
    Column::tr(|| tr_string!(admin.keys.col_prefix)).class("mono"),
    Column::tr(|| tr_string!(admin.keys.col_created)),
    Column::tr(|| tr_string!(admin.keys.col_last_used)),
    Column::tr(|| tr_string!(admin.keys.col_status)),
    Column::tr(|| tr_string!(admin.col_actions)).label_hidden(),
];

/// Keys of every company with scopes and last use; create (secret shown once) and revoke.
#[component]
pub fn AdminKeys() -> impl IntoView {
    let revoke_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let keys = Paged::new(move |cursor| {
        let wanted = status.get_untracked();
        api::integration_keys((!wanted.is_empty()).then_some(wanted), cursor)
    });
    let companies = LocalResource::new(api::companies);
    let created = RwSignal::new(None::<NewIntegrationKey>);

    let company = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let scopes = RwSignal::new(Scope::ALL.to_vec());
    let create = Action::new_local(move |(company, req): &(String, NewIntegrationKeyRequest)| {
        let (company, req) = (company.clone(), req.clone());
        async move {
            if company.is_empty() {
                return Err(ApiFailure {
                    status: 0,
                    message: tr_string!(admin.keys.choose_company).to_string(),
                    fields: Vec::new(),
                });
            }
            let result = api::create_integration_key(company, req).await;
            if let Ok(k) = &result {
                created.set(Some(k.clone()));
                label.set(String::new());
                keys.reload();
            }
            result
        }
    });
    let failure = failure_of(create);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = company.get_untracked();
        let fallback = companies
            .get_untracked()
            .and_then(|r| r.ok())
            .and_then(|l| l.first().map(|c| c.id.clone()))
            .unwrap_or_default();
        create.dispatch((
            if chosen.is_empty() { fallback } else { chosen },
            NewIntegrationKeyRequest {
                label: label.get_untracked().trim().to_string(),
                scopes: scopes.get_untracked(),
            },
        ));
    };
    let revoke = move |id: String| {
        revoke_error.set(None);
        spawn_local(async move {
            match api::revoke_integration_key(id).await {
                Ok(revoked) => keys.update_where(|k| k.id == revoked.id, revoked.clone()),
                Err(e) => revoke_error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="new-key-title">
            <h2 id="new-key-title">{tr!(admin.keys.new_title)}</h2>
            <p class="muted">{tr!(admin.keys.intro)}</p>
            <form class="form-grid" on:submit=on_submit aria-label=crate::tr_prop!(admin.keys.new_title)>
                <div class="field">
                    <label for="key-company">{tr!(admin.keys.company)}</label>
                    <select id="key-company" on:change=move |ev| company.set(event_target_value(&ev))>
                        {move || companies.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|c| view! {
                            <option value=c.id.clone() selected={let id = c.id.clone(); move || company.get() == id}>{c.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <TextField id="key-label" label=crate::tr_prop!(admin.keys.label) value=label required=true
                    hint=crate::tr_prop!(admin.keys.label_hint) error=field_error(failure, "label") />
                <fieldset class="span-all checkboxes">
                    <legend>{tr!(admin.keys.scopes)}</legend>
                    {Scope::ALL.into_iter().map(|s| view! {
                        <label class="switch">
                            <input type="checkbox" prop:checked=move || scopes.with(|l| l.contains(&s))
                                on:change=move |ev| { let on = event_target_checked(&ev); scopes.update(|l| { l.retain(|x| *x != s); if on { l.push(s); l.sort(); } }); } />
                            <code>{s.as_str()}</code>
                            <span class="hint">" "{move || match s {
                                Scope::DocumentsWrite => tr_string!(admin.keys.scope_documents_write),
                                Scope::ErpRead => tr_string!(admin.keys.scope_erp_read),
                                Scope::AutopayUpload => tr_string!(admin.keys.scope_autopay_upload),
                                Scope::AutopayRead => tr_string!(admin.keys.scope_autopay_read),
                            }}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="span-all">
                    <ActionError failure=failure />
                    <div class="actions"><button type="submit" disabled=move || create.pending().get()>{tr!(admin.keys.create)}</button></div>
                </div>
            </form>
        </section>
        {move || created.get().map(|k| view! {
            <div class="note note-ok" role="status">
                <p>{tr!(admin.keys.created, label = k.key.label.clone())}</p>
                <p><code class="copyable big" data-testid="new-key-secret" tabindex="0">{k.secret.clone()}</code></p>
                <button type="button" class="secondary small" on:click=move |_| created.set(None)>{tr!(admin.keys.copied)}</button>
            </div>
        })}
        <section class="card" aria-labelledby="keys-title">
            <h2 id="keys-title">{tr!(admin.keys.title)}</h2>
            <div class="field">
                <label for="key-status">{tr!(admin.keys.show)}</label>
                <select id="key-status" on:change=move |ev| { status.set(event_target_value(&ev)); keys.reload(); }>
                    <option value="" selected=move || status.get().is_empty()>{tr!(admin.keys.show_all)}</option>
                    <option value="live" selected=move || status.get() == "live">{tr!(admin.keys.show_live)}</option>
                    <option value="revoked" selected=move || status.get() == "revoked">{tr!(admin.keys.show_revoked)}</option>
                </select>
            </div>
            {move || revoke_error.get().map(|m| view! { <ErrorNote message=m /> })}
            <PagedList paged=keys loading=crate::tr_prop!(admin.keys.loading) empty=crate::tr_prop!(admin.keys.empty)
                more_testid="keys-load-more" let:list>
                <DataTable caption=crate::tr_prop!(admin.keys.caption) testid="integration-keys" columns=KEY_COLUMNS
                    rows=list.into_iter().map(|k| {
                        let id = k.id.clone();
                        let label = k.label.clone();
                        Row::new()
                            .attr("data-key", k.label.clone())
                            .cell(company_name(companies, &k.company_id))
                            .cell(k.label)
                            .cell(k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
                            .cell(format!("{}…", k.prefix))
                            .cell(local_time(&k.created_at))
                            .cell(match k.last_used_at.as_deref().map(local_time) {
                                Some(time) => time.into_any(),
                                None => tr!(admin.keys.never).into_any(),
                            })
                            .cell(match &k.revoked_at {
                                Some(at) => view! { <span class="badge badge-no">{tr!(admin.keys.revoked_at, time = local_time(at))}</span> }.into_any(),
                                None => view! { <span class="badge badge-yes">{tr!(admin.keys.active)}</span> }.into_any(),
                            })
                            .cell(k.revoked_at.is_none().then(|| view! {
                                <button type="button" class="danger small" aria-label=move || tr_string!(admin.keys.revoke_label, label = label.clone()).to_string()
                                    on:click=move |_| revoke(id.clone())>{tr!(admin.keys.revoke)}</button>
                            }))
                    }).collect() />
            </PagedList>
        </section>
    }
}
