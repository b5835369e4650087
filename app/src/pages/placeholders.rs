//! The screen for paths the app does not know.

use leptos::prelude::*;

use crate::tr_string;
use crate::widgets::PageHeader;

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <PageHeader
            title=move || tr_string!(misc.not_found_title)
            lead=move || tr_string!(misc.not_found_lead)
        />
    }
}
