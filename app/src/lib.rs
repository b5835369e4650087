//! The Approve & Pay single-page app: one component per screen in `pages`, shared widgets in
//! `widgets`, the one API client in `api`, and who is signed in in `session`.

pub mod api;
pub mod api_approval;
pub mod api_autopay;
pub mod api_workflow;
pub mod language;
pub mod paged;
pub mod pages;
pub mod passkey;
mod routes;
pub mod session;
pub mod widgets;

/// What leptos_i18n generates from app/locales/ (see app/build.rs); its providers and context
/// functions are not used.
#[allow(unused, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}

/// The translation keys and the macros that read them in a given locale. Its context provider
/// and `t!` are left out on purpose: the language lives in `language.rs`; write [`tr!`] and
/// [`tr_string!`].
pub mod i18n {
    pub use crate::generated::i18n::{td, td_display, td_string, I18nKeys, Locale};
}

/// A text of the translation files in the language shown, as a view that follows a change of
/// language: `tr!(tasks.title)`, `tr!(tasks.count, count = move || n.get())`.
///
/// A text without values is one shared view type (`language::text`) around the key's lookup,
/// so each one costs a small function, not a view of its own.
#[macro_export]
macro_rules! tr {
    ($($key:ident).+) => {
        $crate::language::text(|locale| $crate::i18n::td_string!(locale, $($key).+))
    };
    ($($key:tt)+) => {
        $crate::i18n::td!($crate::language::locale(), $($key)+)
    };
}

/// A text of the translation files as a prop or attribute value that follows the language:
/// `title=tr_prop!(tasks.title)` (one shared type, like `tr!`).
#[macro_export]
macro_rules! tr_prop {
    ($($key:ident).+) => {
        $crate::language::prop(|locale| $crate::i18n::td_string!(locale, $($key).+))
    };
}

/// A text of the translation files in the language shown now, as a string (for attributes and
/// props, inside a closure so it follows the language): `move || tr_string!(tasks.title)`.
#[macro_export]
macro_rules! tr_string {
    ($($key:tt)+) => {
        $crate::i18n::td_string!($crate::language::locale(), $($key)+)
    };
}

use ap_core::screens::Screen;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::{Router, A};
use leptos_router::hooks::{use_location, use_navigate};

use crate::session::{provide_session, use_session};

/// The application shell: header with the product name, navigation and the signed-in user,
/// and the routed screen. The session is loaded here once and provided to every screen.
#[component]
pub fn App() -> impl IntoView {
    provide_session();
    language::provide_language();
    view! {
        <Router>
            <a class="skip-link" href="#main">{tr!(layout.skip_to_content)}</a>
            <Header />
            <main id="main" tabindex="-1">
                <routes::Routed />
            </main>
            <footer class="app-footer">
                <A href="/status">{tr!(layout.service_status)}</A>
                <language::LanguageSwitch />
            </footer>
        </Router>
    }
}

/// The header: the product name, the screens the signed-in user may open (`Screen::open_to`,
/// the rule the Worker enforces) and the user's name with "Sign out", or "Sign in". On a phone
/// the navigation and the user collapse behind a Menu button so the header takes one line; the
/// menu closes on navigation and with Escape.
#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let open = RwSignal::new(false);
    let toggle = NodeRef::<html::Button>::new();
    // Any navigation (a link in the menu or elsewhere) closes the menu.
    Effect::watch(
        move || location.pathname.get(),
        move |_, _, _| open.set(false),
        false,
    );
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = toggle.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let screens = Memo::new(move |_| Screen::open_to_user(session.me().as_ref()));
    view! {
        <header class="app-header" class:has-menu=move || !screens.get().is_empty() on:keydown=on_keydown>
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"A&P"</span>
                <span class="brand-name">"Approve & Pay"</span>
            </A>
            // The unread notifications, outside the menu so a phone shows them too.
            {move || session.me().filter(|me| me.unread_notifications > 0).map(|me| {
                let count = me.unread_notifications;
                let label = tr_string!(layout.unread_notifications, count = count).to_string();
                view! {
                    <a href="/my-details#notifications" class="notice-count" data-testid="unread-count" aria-label=label>{count}</a>
                }
            })}
            <button type="button" class="menu-toggle" node_ref=toggle hidden=move || screens.get().is_empty() aria-controls="site-menu"
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                <span class="menu-icon" aria-hidden="true"></span>
                {tr!(layout.menu)}
            </button>
            <div id="site-menu" class="site-menu" class:open=move || open.get()>
                {move || {
                    let screens = screens.get();
                    (!screens.is_empty()).then(|| view! {
                        <nav aria-label=move || tr_string!(layout.main_navigation)>
                            <ul>
                                {screens.into_iter().map(|screen| {
                                    let (href, label) = screen_link(screen);
                                    view! { <li><A href=href>{move || label()}</A></li> }
                                }).collect_view()}
                            </ul>
                        </nav>
                    })
                }}
                <UserMenu />
            </div>
        </header>
    }
}

/// Where a screen of the navigation lives, and its name there (in the language shown).
fn screen_link(screen: Screen) -> (&'static str, fn() -> &'static str) {
    match screen {
        Screen::Tasks => ("/tasks", || tr_string!(layout.nav_tasks)),
        Screen::ProcessOverview => ("/process-overview", || {
            tr_string!(layout.nav_process_overview)
        }),
        Screen::AutoPay => ("/autopay", || tr_string!(layout.nav_autopay)),
        Screen::Administration => ("/admin", || tr_string!(layout.nav_administration)),
        Screen::MyDetails => ("/my-details", || tr_string!(layout.nav_my_details)),
    }
}

/// The signed-in user's name and "Sign out", or a "Sign in" link.
#[component]
fn UserMenu() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            let result = crate::api::sign_out().await;
            // Signed out either way: a failed call most likely means the session had ended.
            session.signed_out();
            navigate("/sign-in", Default::default());
            result
        }
    });
    view! {
        <div class="user">
            {move || match session.state() {
                Some(Ok(state)) => match state.user {
                    Some(me) => view! {
                        <span class="user-name" data-testid="signed-in-user">{me.name}</span>
                        <button type="button" class="secondary small" on:click=move |_| { sign_out.dispatch(()); }>
                            {tr!(layout.sign_out)}
                        </button>
                    }.into_any(),
                    None if !state.first_run => view! { <A href="/sign-in" attr:class="header-link">{tr!(layout.sign_in)}</A> }.into_any(),
                    None => ().into_any(),
                },
                _ => ().into_any(),
            }}
        </div>
    }
}
