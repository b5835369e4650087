//! An action that cannot be undone with one click, or that does more than its name says, asks
//! first: its button opens the question (what will happen) with "Yes, …" and "No, …" in place of
//! the button; only "Yes" runs it, and focus moves to it so the keyboard follows.

use leptos::html;
use leptos::prelude::*;

/// Every text is a text or a translated text that follows the language (`TextProp`).
#[component]
pub fn ConfirmButton(
    /// The button's text, e.g. "Deactivate".
    #[prop(into)]
    label: TextProp,
    /// The button's accessible name when the text alone is ambiguous in a list ("Deactivate Ada").
    #[prop(into)]
    aria_label: TextProp,
    /// What will happen, as a sentence the user answers with Yes or No.
    #[prop(into)]
    question: TextProp,
    /// The confirming button, e.g. "Yes, deactivate".
    #[prop(into)]
    confirm: TextProp,
    /// The button that keeps things as they are, e.g. "No, keep active".
    #[prop(into)]
    keep: TextProp,
    /// The class of the first button ("secondary", "danger", …; always small).
    class: &'static str,
    #[prop(into, optional)] disabled: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let yes = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if asking.get() {
            if let Some(button) = yes.get() {
                let _ = button.focus();
            }
        }
    });
    let text = |prop: TextProp| {
        let prop = StoredValue::new(prop);
        move || prop.with_value(|t| t.get().to_string())
    };
    let (label, aria_label, question, confirm, keep) = (
        text(label),
        text(aria_label),
        text(question),
        text(confirm),
        text(keep),
    );
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label=aria_label>
                    <span class="confirm-question">{question}</span>
                    <button type="button" class="danger small" node_ref=yes disabled=move || disabled.get()
                        on:click=move |_| { asking.set(false); on_confirm.run(()) }>{confirm}</button>
                    <button type="button" class="secondary small" on:click=move |_| asking.set(false)>{keep}</button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class=format!("{class} small") aria-label=aria_label
                    disabled=move || disabled.get() on:click=move |_| asking.set(true)>{label}</button>
            }
            .into_any()
        }
    }
}
