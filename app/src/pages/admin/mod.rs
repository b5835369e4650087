//! `/admin/*`: Administration for the System Administrator, one component per sub-section.

mod companies;
mod events;
mod keys;
mod readiness;
mod users;

pub use companies::AdminCompanies;
pub(crate) use companies::{newest, BankAgreements};
pub use events::AdminEvents;
pub use keys::AdminKeys;
pub use readiness::AdminReadiness;
pub use users::AdminUsers;

use ap_core::api::CompanyView;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::api::{self, ApiFailure};
use crate::session::use_session;
use crate::widgets::{failure_of, field_error, ActionError, CodeField, SignedInScreen};

/// The Administration shell: sub-section tabs and the routed sub-section, for System
/// Administrators only; everyone else is told which role they need.
#[component]
pub fn Administration() -> impl IntoView {
    let session = use_session();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_system_admin));
    view! {
        <SignedInScreen title="Administration" lead="Companies, users and roles, integration keys, readiness and sign-in events.">
            {move || if is_admin.get() {
                view! {
                    <nav class="tabs" aria-label="Administration">
                        <A href="/admin/companies">"Companies"</A>
                        <A href="/admin/users">"Users"</A>
                        <A href="/admin/keys">"Integration keys"</A>
                        <A href="/admin/readiness">"Readiness"</A>
                        <A href="/admin/events">"Sign-in events"</A>
                    </nav>
                    <StepUp />
                    <Outlet />
                }.into_any()
            } else {
                view! {
                    <p class="note note-warn" role="alert" data-testid="needs-admin">
                        "You need the System Administrator role to use Administration. Ask a System Administrator if you need access."
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
        <form class="card step-up" aria-label="Confirm with your code" data-testid="step-up" on:submit=submit>
            <p>"Changing roles, bank agreements or integration keys needs a fresh code from your authenticator app. A confirmation lasts 5 minutes."</p>
            <CodeField id="step-up-code" value=code required=true error=code_error />
            <button type="submit">"Confirm code"</button>
            {move || confirmed.get().then(|| view! {
                <p class="note" role="status">"Confirmed: for 5 minutes you may change roles, bank agreements and integration keys."</p>
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
