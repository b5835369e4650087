//! The company editor's reminders and webhook (issue 10): after how many working days an
//! overdue task is escalated and to whom (an active Invoice Approver of the company), and the
//! outgoing webhook with its signing secret (shown once) and delivery log.

use ap_core::api::{CompanySettingsPatch, CompanyView};
use ap_core::api_workflow::{ApproverChoice, DeliveryView, WebhookView};
use ap_core::ids::UserId;
use ap_core::notify::DeliveryStatus;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::widgets::{failure_of, field_error, ActionError, ErrorNote, TextField};
use crate::{tr, tr_string};

/// Escalation of overdue tasks: the delay in working days and the escalation approver.
#[component]
pub(crate) fn EscalationSettings(
    company_id: String,
    current: Memo<Option<CompanyView>>,
    saved: Callback<CompanyView>,
    reload: Callback<()>,
) -> impl IntoView {
    let settings = current.get_untracked().map(|c| c.settings);
    let days = RwSignal::new(
        settings
            .as_ref()
            .map_or(2, |s| s.escalate_after_days)
            .to_string(),
    );
    let user = RwSignal::new(
        settings
            .and_then(|s| s.escalation_user)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
    );
    let approvers = RwSignal::new(Vec::<ApproverChoice>::new());
    let load_error = RwSignal::new(None::<String>);
    {
        let id = company_id.clone();
        leptos::task::spawn_local(async move {
            match crate::api_workflow::workflows(id).await {
                Ok(v) => approvers.set(v.approvers),
                Err(e) => load_error.set(Some(e.message)),
            }
        });
    }
    let save = Action::new_local(move |(days, user): &(String, String)| {
        let (id, days, user) = (company_id.clone(), days.clone(), user.clone());
        async move {
            let days: u32 = days.trim().parse().map_err(|_| ApiFailure {
                status: 0,
                message: tr_string!(admin.company_editor.escalate_not_number).to_string(),
                fields: Vec::new(),
            })?;
            let escalation_user = if user.is_empty() {
                None
            } else {
                Some(UserId::parse(&user).map_err(|_| ApiFailure {
                    status: 0,
                    message: tr_string!(admin.company_editor.escalate_to_pick).to_string(),
                    fields: Vec::new(),
                })?)
            };
            let patch = CompanySettingsPatch {
                expected_version: current.with_untracked(|c| c.as_ref().map(|c| c.version)),
                escalate_after_days: Some(days),
                escalation_user: Some(escalation_user),
                ..Default::default()
            };
            let result = api::update_company_settings(id, patch).await;
            match &result {
                Ok(c) => saved.run(c.clone()),
                Err(e) if e.status == 409 => reload.run(()),
                Err(_) => {}
            }
            result
        }
    });
    let failure = failure_of(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch((days.get_untracked(), user.get_untracked()));
    };
    view! {
        <h3>{tr!(admin.company_editor.escalation_title)}</h3>
        <p class="hint">{tr!(admin.company_editor.escalation_note)}</p>
        {move || load_error.get().map(|m| view! { <ErrorNote message=m /> })}
        <form class="inline-form" on:submit=on_submit data-testid="escalation-form">
            <TextField id="escalate-after" label=crate::tr_prop!(admin.company_editor.escalate_after) kind="number" value=days inputmode="numeric"
                error=field_error(failure, "escalate_after_days") />
            <div class="field">
                <label for="escalation-user">{tr!(admin.company_editor.escalate_to)}</label>
                <select id="escalation-user" prop:value=move || user.get()
                    on:change=move |ev| user.set(event_target_value(&ev))>
                    <option value="">{tr!(admin.company_editor.escalate_nobody)}</option>
                    {move || approvers.get().into_iter().map(|a| {
                        let selected = user.get_untracked() == a.id;
                        view! { <option value=a.id.clone() selected=selected>{a.name.clone()}</option> }
                    }).collect_view()}
                </select>
                {move || field_error(failure, "escalation_user").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <button type="submit" class="secondary" disabled=move || save.pending().get()>{tr!(admin.company_editor.escalate_save)}</button>
        </form>
        <ActionError failure=failure />
    }
}

fn status_text(d: &DeliveryView) -> String {
    match d.status {
        DeliveryStatus::Delivered => tr_string!(admin.webhook.delivered).to_string(),
        DeliveryStatus::Pending => tr_string!(admin.webhook.pending).to_string(),
        DeliveryStatus::GaveUp => tr_string!(admin.webhook.gave_up).to_string(),
    }
}

/// The company's webhook: its address, a new signing secret shown once, and the delivery log.
#[component]
pub(crate) fn WebhookSettings(company_id: String) -> impl IntoView {
    let view_of = RwSignal::new(None::<WebhookView>);
    let url = RwSignal::new(String::new());
    let load_error = RwSignal::new(None::<String>);
    {
        let id = company_id.clone();
        leptos::task::spawn_local(async move {
            match api::webhook(id).await {
                Ok(v) => {
                    url.set(v.url.clone().unwrap_or_default());
                    view_of.set(Some(v));
                }
                Err(e) => load_error.set(Some(e.message)),
            }
        });
    }
    let set = {
        let id = company_id.clone();
        Action::new_local(move |address: &String| {
            let (id, address) = (id.clone(), address.clone());
            async move {
                let result = api::set_webhook(id, address).await;
                if let Ok(v) = &result {
                    view_of.set(Some(v.clone()));
                }
                result
            }
        })
    };
    let remove = Action::new_local(move |_: &()| {
        let id = company_id.clone();
        async move {
            let result = api::remove_webhook(id).await;
            if let Ok(v) = &result {
                url.set(String::new());
                view_of.set(Some(v.clone()));
            }
            result
        }
    });
    let failure = failure_of(set);
    let remove_failure = failure_of(remove);
    view! {
        <h3>{tr!(admin.webhook.title)}</h3>
        <p class="hint">{tr!(admin.webhook.note)}</p>
        {move || load_error.get().map(|m| view! { <ErrorNote message=m /> })}
        <form class="inline-form wide-field" data-testid="webhook-form"
            on:submit=move |ev: SubmitEvent| { ev.prevent_default(); set.dispatch(url.get_untracked()); }>
            <TextField id="webhook-url" label=crate::tr_prop!(admin.webhook.url) kind="url" value=url
                error=field_error(failure, "url") />
            <button type="submit" class="secondary" disabled=move || set.pending().get()>{tr!(admin.webhook.save)}</button>
            {move || view_of.get().and_then(|v| v.url).map(|_| view! {
                <button type="button" class="secondary" on:click=move |_| { remove.dispatch(()); }>{tr!(admin.webhook.remove)}</button>
            })}
        </form>
        <ActionError failure=failure />
        <ActionError failure=remove_failure />
        {move || view_of.get().and_then(|v| v.secret).map(|secret| view! {
            <div class="note note-warn" data-testid="webhook-secret">
                <p>{tr!(admin.webhook.secret_once)}</p>
                <p><code>{secret}</code></p>
            </div>
        })}
        {move || view_of.get().filter(|v| v.url.is_some()).map(|v| {
            let rows = v.deliveries;
            view! {
                <h4>{tr!(admin.webhook.log)}</h4>
                {rows.is_empty().then(|| view! { <p class="muted">{tr!(admin.webhook.log_empty)}</p> })}
                <ul class="notification-list" data-testid="webhook-log">
                    {rows.into_iter().map(|d| {
                        let status = status_text(&d);
                        view! {
                            <li data-status=format!("{:?}", d.status).to_lowercase()>
                                <span class="muted small">{crate::widgets::local_time(&d.created_at)}</span>" "
                                {d.kind.as_str()}" "{d.invoice_number.clone()}" · "{status}" · "
                                {tr_string!(admin.webhook.attempts, count = d.attempts).to_string()}
                                {(!d.last_result.is_empty()).then(|| format!(" · {}", d.last_result))}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })}
    }
}
