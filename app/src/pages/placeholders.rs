//! The screen for paths the app does not know.

use leptos::prelude::*;

use crate::widgets::PageHeader;

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <PageHeader
            title=crate::tr_prop!(misc.not_found_title)
            lead=crate::tr_prop!(misc.not_found_lead)
        />
    }
}
