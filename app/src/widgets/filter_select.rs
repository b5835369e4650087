//! A filter bar and its `<select>`s, each bound to a signal holding the chosen value ("" for all).

use leptos::prelude::*;

/// A labelled filter `<select>`: `options` are (value, text); choosing one sets `value`.
#[component]
pub fn FilterSelect(
    /// Unique on the page; the label points at it.
    id: &'static str,
    /// A translated text that follows the language (`tr_prop!`).
    #[prop(into)]
    label: TextProp,
    value: RwSignal<String>,
    /// (value, text), the "all" choice (value "") first.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{move || label.get()}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {move || options.get().into_iter().map(|(v, text)| {
                    let v2 = v.clone();
                    view! { <option value=v selected=move || value.get() == v2>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A filter bar: its fields, then "Clear filters", which sets every filter back to "" (all).
#[component]
pub fn FilterBar(
    /// The form's accessible name, e.g. "Filter payments" (`tr_prop!`).
    #[prop(into)]
    label: TextProp,
    /// The signals the fields set.
    filters: Vec<RwSignal<String>>,
    children: Children,
) -> impl IntoView {
    let clear = move |_| {
        for filter in &filters {
            filter.set(String::new());
        }
    };
    view! {
        <form class="filters" aria-label=move || label.get() on:submit=|ev| ev.prevent_default()>
            {children()}
            <div class="field filter-clear">
                <button type="button" class="secondary" on:click=clear>{crate::tr!(widgets.clear_filters)}</button>
            </div>
        </form>
    }
}

/// The "all" choice of a filter: value "", e.g. `all("All companies")`.
pub fn all(text: &str) -> (String, String) {
    (String::new(), text.to_owned())
}
