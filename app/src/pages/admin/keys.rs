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

use super::company_name;

const KEY_COLUMNS: &[Column] = &[
    Column::new("Company"),
    Column::new("Label").row_header(),
    Column::new("Scopes"),
    Column::new("Key starts with").class("mono"),
    Column::new("Created"),
    Column::new("Last used"),
    Column::new("Status"),
    Column::new("Actions").label_hidden(),
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
                    message: "Choose the company the key is for.".into(),
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
            <h2 id="new-key-title">"New integration key"</h2>
            <p class="muted">"Document Center and the ERP call the integration API with a key of their company. Only its hash is stored."</p>
            <form class="form-grid" on:submit=on_submit aria-label="New integration key">
                <div class="field">
                    <label for="key-company">"Company"</label>
                    <select id="key-company" on:change=move |ev| company.set(event_target_value(&ev))>
                        {move || companies.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|c| view! {
                            <option value=c.id.clone() selected={let id = c.id.clone(); move || company.get() == id}>{c.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <TextField id="key-label" label="Label" value=label required=true hint="Which system uses it, e.g. “Visma Business production”."
                    error=field_error(failure, "label") />
                <fieldset class="span-all checkboxes">
                    <legend>"Scopes"</legend>
                    {Scope::ALL.into_iter().map(|s| view! {
                        <label class="switch">
                            <input type="checkbox" prop:checked=move || scopes.with(|l| l.contains(&s))
                                on:change=move |ev| { let on = event_target_checked(&ev); scopes.update(|l| { l.retain(|x| *x != s); if on { l.push(s); l.sort(); } }); } />
                            <code>{s.as_str()}</code>
                            <span class="hint">{match s {
                                Scope::DocumentsWrite => " Document Center sends invoices",
                                Scope::ErpRead => " the ERP reads approval results and payment suggestions",
                                Scope::AutopayUpload => " the ERP uploads payment files and bank status reports to AutoPay and reads their payments",
                                Scope::AutopayRead => " reads AutoPay payments and their events",
                            }}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="span-all">
                    <ActionError failure=failure />
                    <div class="actions"><button type="submit" disabled=move || create.pending().get()>"Create key"</button></div>
                </div>
            </form>
        </section>
        {move || created.get().map(|k| view! {
            <div class="note note-ok" role="status">
                <p>"The key “" {k.key.label.clone()} "”. Copy it now: it is shown only once."</p>
                <p><code class="copyable big" data-testid="new-key-secret" tabindex="0">{k.secret.clone()}</code></p>
                <button type="button" class="secondary small" on:click=move |_| created.set(None)>"I have copied it"</button>
            </div>
        })}
        <section class="card" aria-labelledby="keys-title">
            <h2 id="keys-title">"Integration keys"</h2>
            <div class="field">
                <label for="key-status">"Show"</label>
                <select id="key-status" on:change=move |ev| { status.set(event_target_value(&ev)); keys.reload(); }>
                    <option value="" selected=move || status.get().is_empty()>"All keys, newest first"</option>
                    <option value="live" selected=move || status.get() == "live">"Active keys"</option>
                    <option value="revoked" selected=move || status.get() == "revoked">"Revoked keys"</option>
                </select>
            </div>
            {move || revoke_error.get().map(|m| view! { <ErrorNote message=m /> })}
            <PagedList paged=keys loading="Loading keys…" empty="No integration keys here." more_testid="keys-load-more" let:list>
                <DataTable caption="Integration keys" testid="integration-keys" columns=KEY_COLUMNS
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
                            .cell(k.last_used_at.as_deref().map(local_time).unwrap_or_else(|| "Never".into()))
                            .cell(match &k.revoked_at {
                                Some(t) => view! { <span class="badge badge-no">{format!("Revoked {}", local_time(t))}</span> }.into_any(),
                                None => view! { <span class="badge badge-yes">"Active"</span> }.into_any(),
                            })
                            .cell(k.revoked_at.is_none().then(|| view! {
                                <button type="button" class="danger small" aria-label=format!("Revoke {label}")
                                    on:click=move |_| revoke(id.clone())>"Revoke"</button>
                            }))
                    }).collect() />
            </PagedList>
        </section>
    }
}
