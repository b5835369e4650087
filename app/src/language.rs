//! The language the SPA speaks: Norwegian bokmål or English.
//!
//! Texts come from the translation files in `app/locales/` through leptos_i18n (`t!`), see
//! `app/locales/README.md`. The language is the user's choice on My details when they made
//! one, else the one this browser last showed (a cookie), else the browser's own language. The
//! same language travels with every API call as `Accept-Language`, so the server's messages
//! (problem+json) come back in it too. Amounts and dates follow it through [`current`] and
//! `ap_core::format`.

use std::sync::atomic::{AtomicU8, Ordering};

use ap_core::format::Lang;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::{t_string, use_i18n, Locale};
use crate::session::use_session;

/// The language shown now, for code outside the reactive tree (the API client).
static SHOWN: AtomicU8 = AtomicU8::new(0);

fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::en => Lang::En,
        Locale::nb => Lang::Nb,
    }
}

fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::En => Locale::en,
        Lang::Nb => Locale::nb,
    }
}

/// The language shown now. Inside a view it is tracked: amounts and dates formatted with it
/// follow a change of language.
pub fn current() -> Lang {
    match use_context::<I18nContext<Locale>>() {
        Some(i18n) => lang_of(i18n.get_locale()),
        None => shown(),
    }
}

/// The language shown now, untracked (for the API client's `Accept-Language`).
pub fn shown() -> Lang {
    match SHOWN.load(Ordering::Relaxed) {
        1 => Lang::Nb,
        _ => Lang::En,
    }
}

/// Follows the signed-in user's choice: when the session names a language, it is shown; and
/// every change of language is remembered for the API client. Called once, at the App root.
pub fn follow_user_choice() {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| {
        if let Some(lang) = session.me().and_then(|me| me.language) {
            if lang_of(i18n.get_locale_untracked()) != lang {
                i18n.set_locale(locale_of(lang));
            }
        }
    });
    Effect::new(move |_| {
        let lang = lang_of(i18n.get_locale());
        SHOWN.store(u8::from(lang == Lang::Nb), Ordering::Relaxed);
    });
    SHOWN.store(
        u8::from(lang_of(i18n.get_locale_untracked()) == Lang::Nb),
        Ordering::Relaxed,
    );
}

/// "Norsk | English": switches the language at once. Signed in, the choice is also saved on
/// the user (My details), so it follows them to other devices and to the server's messages.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
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
    let choose = move |lang: Lang| {
        i18n.set_locale(locale_of(lang));
        SHOWN.store(u8::from(lang == Lang::Nb), Ordering::Relaxed);
        save.dispatch(lang);
    };
    let button = move |lang: Lang, label: &'static str, tag: &'static str| {
        view! {
            <button
                type="button"
                class="link-button"
                lang=tag
                aria-pressed=move || (current() == lang).to_string()
                on:click=move |_| choose(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="language-switch" role="group" aria-label=move || t_string!(i18n, misc.language_label)>
            {button(Lang::Nb, "Norsk", "nb")}
            {button(Lang::En, "English", "en")}
        </div>
    }
}

/// The locale shown now, untracked: for `td_string!` outside components.
pub fn locale() -> Locale {
    locale_of(shown())
}
