//! Screens that later issues fill in; each already has its route so deep links work.

use leptos::prelude::*;

use crate::widgets::{PageHeader, SignedInScreen};

/// The approver's task list and bundle.
#[component]
pub fn Tasks() -> impl IntoView {
    view! {
        <SignedInScreen title="Tasks" lead="Invoices waiting for your approval.">
            <p class="card muted">"No tasks yet."</p>
        </SignedInScreen>
    }
}

/// Every process with its status and warnings (System Administrator).
#[component]
pub fn ProcessOverview() -> impl IntoView {
    view! {
        <SignedInScreen title="Process overview" lead="Every invoice process, its payment approval and warnings.">
            <p class="card muted">"No processes yet."</p>
        </SignedInScreen>
    }
}

/// Payment files, payments and their events.
#[component]
pub fn AutoPay() -> impl IntoView {
    view! {
        <SignedInScreen title="AutoPay" lead="Payment files from the ERP and the payments in them.">
            <p class="card muted">"No payment files yet."</p>
        </SignedInScreen>
    }
}

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <PageHeader title="Page not found" lead="There is nothing at this address." /> }
}
