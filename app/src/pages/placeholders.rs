//! Screens that later issues fill in; each already has its route so deep links work.

use leptos::prelude::*;

use crate::widgets::PageHeader;

/// The approver's task list and bundle.
#[component]
pub fn Tasks() -> impl IntoView {
    view! { <PageHeader title="Tasks" lead="Invoices waiting for your approval." /> }
}

/// Every process with its status and warnings (System Administrator).
#[component]
pub fn ProcessOverview() -> impl IntoView {
    view! { <PageHeader title="Process overview" lead="Every invoice process, its payment approval and warnings." /> }
}

/// Payment files, payments and their events.
#[component]
pub fn AutoPay() -> impl IntoView {
    view! { <PageHeader title="AutoPay" lead="Payment files from the ERP and the payments in them." /> }
}

/// Users, companies, roles, bank agreements and integration keys.
#[component]
pub fn Administration() -> impl IntoView {
    view! { <PageHeader title="Administration" lead="Users, companies, roles, bank agreements and integration keys." /> }
}

/// The signed-in user's details and two-step verification.
#[component]
pub fn MyDetails() -> impl IntoView {
    view! { <PageHeader title="My details" lead="Your roles and two-step verification." /> }
}

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <PageHeader title="Page not found" lead="There is nothing at this address." /> }
}
