//! The language the SPA speaks: Norwegian bokmål or English.
//!
//! Texts come from the translation files in `app/locales/` through leptos_i18n's generated keys
//! ([`tr!`](crate::tr) and [`tr_string!`](crate::tr_string), see `app/locales/README.md`). The
//! language is the user's choice on My details when they made one, else the one this browser
//! last showed (local storage), else the browser's own languages. The same language travels
//! with every API call as `Accept-Language`, so the server's messages (problem+json) come back
//! in it too. Amounts and dates follow it through [`current`] and `ap_core::format`.

use std::sync::atomic::{AtomicU8, Ordering};

use ap_core::format::Lang;
use ap_core::messages::lang_from_accept_language;
use leptos::prelude::*;

use crate::i18n::Locale;
use crate::session::use_session;

/// Where this browser remembers the language it last showed.
const STORAGE_KEY: &str = "ap-language";

/// The language shown now, for code outside the reactive tree (the API client).
static SHOWN: AtomicU8 = AtomicU8::new(0);

/// The language shown, provided at the App root.
#[derive(Clone, Copy)]
struct Shown(RwSignal<Lang>);

fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::En => Locale::en,
        Lang::Nb => Locale::nb,
    }
}

fn lang_from_tag(tag: &str) -> Option<Lang> {
    match tag {
        "en" => Some(Lang::En),
        "nb" => Some(Lang::Nb),
        _ => None,
    }
}

/// The language shown now. Inside a view it is tracked: texts, amounts and dates follow a
/// change of language.
pub fn current() -> Lang {
    match use_context::<Shown>() {
        Some(Shown(lang)) => lang.get(),
        None => shown(),
    }
}

/// The locale of [`current`], for leptos_i18n's `td!` (what `tr!` expands to).
pub fn locale() -> Locale {
    locale_of(current())
}

/// The language shown now, untracked (for the API client's `Accept-Language`).
pub fn shown() -> Lang {
    match SHOWN.load(Ordering::Relaxed) {
        1 => Lang::Nb,
        _ => Lang::En,
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Before anyone is known: the language this browser last showed, else its own languages.
fn first_guess() -> Lang {
    if let Some(lang) = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| lang_from_tag(&tag))
    {
        return lang;
    }
    let languages = web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    lang_from_accept_language(Some(&languages))
}

fn show(signal: RwSignal<Lang>, lang: Lang) {
    SHOWN.store(u8::from(lang == Lang::Nb), Ordering::Relaxed);
    if signal.get_untracked() != lang {
        signal.set(lang);
    }
}

/// Provides the language to everything below and follows the signed-in user's choice; keeps
/// `<html lang>` and this browser's memory of it up to date. Called once, at the App root.
pub fn provide_language() {
    let signal = RwSignal::new(Lang::En);
    show(signal, first_guess());
    provide_context(Shown(signal));
    let session = use_session();
    Effect::new(move |_| {
        if let Some(lang) = session.me().and_then(|me| me.language) {
            show(signal, lang);
        }
    });
    Effect::new(move |_| {
        let lang = signal.get();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", lang.tag());
        }
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, lang.tag());
        }
    });
}

/// "Norsk | English": switches the language at once. Signed in, the choice is also saved on
/// the user (My details), so it follows them to other devices and to the server's messages.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let Shown(signal) = expect_context::<Shown>();
    let session = use_session();
    let save = Action::new_local(move |lang: &Lang| {
        let lang = *lang;
        async move {
            if session.me().is_some() {
                if let Ok(me) = crate::api::set_language(Some(lang)).await {
                    session.set_me(me);
                }
            }
        }
    });
    let button = move |lang: Lang, label: &'static str| {
        view! {
            <button
                type="button"
                class="link-button"
                lang=lang.tag()
                data-testid=format!("language-{}", lang.tag())
                aria-pressed=move || (signal.get() == lang).to_string()
                on:click=move |_| {
                    show(signal, lang);
                    save.dispatch(lang);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="language-switch" role="group" aria-label=move || crate::tr_string!(misc.language_label)>
            {button(Lang::Nb, "Norsk")}
            {button(Lang::En, "English")}
        </div>
    }
}
