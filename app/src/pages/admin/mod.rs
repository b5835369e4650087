//! `/admin/*`: Administration for the System Administrator, one component per sub-section.

mod companies;
mod events;
mod keys;
mod readiness;
mod users;

pub use companies::AdminCompanies;
pub(crate) use companies::BankAgreements;
pub use events::AdminEvents;
pub use keys::AdminKeys;
pub use readiness::AdminReadiness;
pub use users::AdminUsers;

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::session::use_session;
use crate::widgets::SignedInScreen;

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
