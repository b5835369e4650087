//! Widgets shared by several screens.

use leptos::prelude::*;

/// A page heading with an optional one-line explanation under it.
#[component]
pub fn PageHeader(
    /// The screen's title, also the document's main heading.
    title: &'static str,
    /// One sentence saying what the screen is for.
    #[prop(optional)]
    lead: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{title}</h1>
            {lead.map(|l| view! { <p class="lead">{l}</p> })}
        </div>
    }
}

/// An error message announced to screen readers.
#[component]
pub fn ErrorNote(message: String) -> impl IntoView {
    view! { <p class="note note-error" role="alert">{message}</p> }
}
