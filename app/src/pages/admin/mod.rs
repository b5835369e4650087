//! `/admin/*`: Administration for the System Administrator, one component per sub-section.

mod companies;
mod events;
mod keys;
mod notify_settings;
mod readiness;
mod users;

pub use companies::AdminCompanies;
pub(crate) use companies::{newest, BankAgreements};
pub use events::AdminEvents;
pub use keys::AdminKeys;
pub use readiness::AdminReadiness;
pub use users::AdminUsers;

use ap_core::api::CompanyView;
use ap_core::roles::{Role, TwoStepLevel};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiFailure};
use crate::session::use_session;
use crate::widgets::{failure_of, field_error, ActionError, CodeField, SignedInScreen};
use crate::{tr, tr_string};

/// The Administration shell: sub-section tabs and the routed sub-section, for System
/// Administrators only; everyone else is told which role they need.
#[component]
pub fn Administration() -> impl IntoView {
    let session = use_session();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_system_admin));
    view! {
        <SignedInScreen title=crate::tr_prop!(admin.title) lead=crate::tr_prop!(admin.lead)>
            {move || if is_admin.get() {
                view! {
                    <nav class="tabs" aria-label=crate::tr_prop!(admin.title)>
                        <A href="/admin/companies">{tr!(admin.tab_companies)}</A>
                        <A href="/admin/users">{tr!(admin.tab_users)}</A>
                        <A href="/admin/keys">{tr!(admin.tab_keys)}</A>
                        <A href="/admin/readiness">{tr!(admin.tab_readiness)}</A>
                        <A href="/admin/events">{tr!(admin.tab_events)}</A>
                    </nav>
                    <StepUp />
                    <crate::routes::AdminOutlet />
                }.into_any()
            } else {
                view! {
                    <p class="note note-warn" role="alert" data-testid="needs-admin">
                        {tr!(admin.needs_admin)}
                    </p>
                }.into_any()
            }}
        </SignedInScreen>
    }
}

/// Step-up: changing roles, bank agreements and integration keys needs a fresh code from the
/// administrator's authenticator app, confirmed here; the server allows those changes from this
/// session for five minutes after.
#[component]
fn StepUp() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let confirmed = RwSignal::new(false);
    let confirm = Action::new_local(move |code_text: &String| {
        let code_text = code_text.clone();
        async move {
            let result = api::step_up(code_text).await;
            if result.is_ok() {
                code.set(String::new());
                confirmed.set(true);
            }
            result
        }
    });
    let failure = failure_of(confirm);
    let code_error = field_error(failure, "code");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        confirmed.set(false);
        confirm.dispatch(code.get_untracked().trim().to_string());
    };
    view! {
        <form class="card step-up" aria-label=crate::tr_prop!(admin.step_up.label) data-testid="step-up" on:submit=submit>
            <p>{tr!(admin.step_up.intro)}</p>
            <CodeField id="step-up-code" value=code required=true error=code_error />
            <button type="submit">{tr!(admin.step_up.confirm)}</button>
            {move || confirmed.get().then(|| view! {
                <p class="note" role="status">{tr!(admin.step_up.confirmed)}</p>
            })}
            <ActionError failure=Signal::derive(move || failure.get().filter(|f| f.field("code").is_none())) />
        </form>
    }
}

/// The name of company `id` in the loaded list of companies; the id while the list loads or
/// when it does not name the company.
fn company_name(
    companies: LocalResource<Result<Vec<CompanyView>, ApiFailure>>,
    id: &str,
) -> String {
    companies
        .get()
        .and_then(|r| r.ok())
        .and_then(|l| l.into_iter().find(|c| c.id == id).map(|c| c.name))
        .unwrap_or_else(|| id.to_string())
}

/// The name of a role as shown, in the language shown (the value sent to the server is the
/// role itself, never this name).
fn role_name(role: Role) -> String {
    match role {
        Role::InvoiceApprover => tr_string!(admin.roles.invoice_approver).to_string(),
        Role::AutoPayApprover => tr_string!(admin.roles.autopay_approver).to_string(),
        Role::AutoPayAdministrator => tr_string!(admin.roles.autopay_administrator).to_string(),
    }
}

/// The System Administrator role's name as shown, in the language shown.
fn system_administrator_name() -> String {
    tr_string!(admin.roles.system_administrator).to_string()
}

/// The name of a two-step authentication level as shown, in the language shown.
fn level_name(level: TwoStepLevel) -> String {
    match level {
        TwoStepLevel::None => tr_string!(admin.levels.none).to_string(),
        TwoStepLevel::OnUpload => tr_string!(admin.levels.on_upload).to_string(),
        TwoStepLevel::OnApproval => tr_string!(admin.levels.on_approval).to_string(),
        TwoStepLevel::OnUploadAndApproval => {
            tr_string!(admin.levels.on_upload_and_approval).to_string()
        }
    }
}
