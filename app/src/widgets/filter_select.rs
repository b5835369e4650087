//! The `<select>` of a filter bar, bound to a signal holding the chosen value ("" for all).

use leptos::prelude::*;

/// A labelled filter `<select>`: `options` are (value, text); choosing one sets `value`.
#[component]
pub fn FilterSelect(
    /// Unique on the page; the label points at it.
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// (value, text), the "all" choice (value "") first.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {move || options.get().into_iter().map(|(v, text)| {
                    let v2 = v.clone();
                    view! { <option value=v selected=move || value.get() == v2>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The "all" choice of a filter: value "", e.g. `all("All companies")`.
pub fn all(text: &str) -> (String, String) {
    (String::new(), text.to_owned())
}
