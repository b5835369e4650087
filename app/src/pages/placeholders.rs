//! The screen for paths the app does not know.

use leptos::prelude::*;

use crate::i18n::{t_string, use_i18n};
use crate::widgets::PageHeader;

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader
            title=move || t_string!(i18n, misc.not_found_title)
            lead=move || t_string!(i18n, misc.not_found_lead)
        />
    }
}
