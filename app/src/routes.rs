//! Which screen shows for the URL. The router has one catch-all route (`/*any`), whose view,
//! [`Screens`], picks the screen the path names (`ap_core::places::Place`, the routing table).
//! A `<Route>` per screen made the router's routes one tuple whose code grew with every route,
//! and nested routing (`<Routes>`, `<ParentRoute>`, `<Outlet>`) came with it: together about
//! 23 KB gzip of the first download (BENCHMARKS.md, "The SPA split per screen").
//!
//! What the routes it replaces did, it does: a screen outside the first download shows once
//! its code has arrived, and until then the screen before it stays; another id or admin section
//! on the same screen changes what the screen shows, not the screen; a screen reads the query
//! of the URL that opened it (`use_query_map`); `/admin` sends on to `/admin/companies`; any
//! other path is "Page not found". One difference: the address bar shows the new URL at once,
//! not once the screen's code has arrived.

use ap_core::places::{AdminSection, Place};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{FlatRoutes, Redirect, Route};
use leptos_router::hooks::use_url;
use leptos_router::location::Url;
use leptos_router::{lazy_route, path, LazyRoute};

use crate::pages;

/// A screen whose code is downloaded when it is first opened (`#[lazy_route]`: a split point
/// that `scripts/build-spa.mjs` cuts into its own wasm file). Sign-in and the task list stay in
/// the first download.
macro_rules! lazy_screen {
    ($route:ident, $page:path) => {
        struct $route;
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }
            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
        impl $route {
            /// The screen; its code is already loaded (`load`), so this shows at once.
            fn show() -> AnyView {
                Suspend::new(<$route as LazyRoute>::view($route)).into_any()
            }
        }
    };
}

lazy_screen!(AdministrationRoute, pages::Administration);
lazy_screen!(StatusRoute, pages::Status);
lazy_screen!(SetupRoute, pages::Setup);
lazy_screen!(ChoosePasswordRoute, pages::ChoosePassword);
lazy_screen!(TaskRoute, pages::Task);
lazy_screen!(ProcessOverviewRoute, pages::ProcessOverview);
lazy_screen!(ProcessOverviewDetailRoute, pages::ProcessOverviewDetail);
lazy_screen!(AutoPayRoute, pages::AutoPay);
lazy_screen!(PaymentRoute, pages::Payment);
lazy_screen!(PaymentFileRoute, pages::PaymentFile);
lazy_screen!(AdminCompaniesRoute, pages::AdminCompanies);
lazy_screen!(AdminUsersRoute, pages::AdminUsers);
lazy_screen!(AdminKeysRoute, pages::AdminKeys);
lazy_screen!(AdminReadinessRoute, pages::AdminReadiness);
lazy_screen!(AdminEventsRoute, pages::AdminEvents);
lazy_screen!(MyDetailsRoute, pages::MyDetails);
lazy_screen!(CompanyAutoPayRoute, pages::CompanyAutoPay);
lazy_screen!(CompanyWorkflowRoute, pages::CompanyWorkflow);
lazy_screen!(SignedByMeRoute, pages::SignedByMe);

/// Fetches the task page's code (without showing it): the task list asks for it once its first
/// tasks are on screen, so opening a task does not wait for a download.
pub(crate) async fn preload_task_page() {
    TaskRoute::preload().await
}

/// The place whose screen shows; `None` until the first screen's code is there.
#[derive(Clone, Copy)]
struct Shown(RwSignal<Option<Place>>);

/// The router's one route, `/*any`: every path comes to [`Screens`]. (`FlatRoutes`, not
/// `Routes`: with one route nothing is nested, and `Routes`' nested routing alone cost 12 KB
/// gzip.)
#[component]
pub fn Routed() -> impl IntoView {
    // The router's URL. A route's own (what `use_url` gives inside it) changes with the query
    // but stays at the path first matched, and every path matches this one route.
    let url = use_url();
    view! {
        <FlatRoutes fallback=pages::NotFound>
            <Route path=path!("/*any") view=move || view! { <Screens url /> } />
        </FlatRoutes>
    }
}

/// The screen for the URL.
#[component]
fn Screens(url: ReadSignal<Url>) -> impl IntoView {
    let shown = RwSignal::new(None::<Place>);
    provide_context(Shown(shown));
    // The URL as the screen shown sees it (`use_query_map` reads it), set when that screen
    // shows: a screen reads `?next=` or `?added=` for the URL that opened it.
    let screen_url = ArcRwSignal::new(url.get_untracked());
    provide_context(screen_url.clone());
    // The screen's code first, then the screen. A later navigation wins over one whose code is
    // still on its way.
    Effect::new(move |_| {
        let now = url.get();
        let place = Place::at(now.path());
        let screen_url = screen_url.clone();
        spawn_local(async move {
            load(&place).await;
            if url.with_untracked(|current| *current == now) {
                screen_url.set(now);
                shown.set(Some(place));
            }
        });
    });
    // Built again only for another screen: another id or section is the screen's own business
    // (`use_path_id`, `AdminOutlet`).
    let screen = Memo::new_with_compare(
        move |_| shown.get(),
        |before, now| match (before.flatten(), now.flatten()) {
            (Some(before), Some(now)) => !before.same_screen(now),
            (before, now) => before.is_some() != now.is_some(),
        },
    );
    move || screen.get().map(|place| show(&place))
}

/// Loads the code of the screen (and admin section) at `place`, unless it is already there.
async fn load(place: &Place) {
    match place {
        Place::Home | Place::SignIn | Place::Tasks | Place::NotFound => {}
        Place::Status => StatusRoute::preload().await,
        Place::Setup => SetupRoute::preload().await,
        Place::ChoosePassword => ChoosePasswordRoute::preload().await,
        Place::Task { .. } => TaskRoute::preload().await,
        Place::SignedByMe => SignedByMeRoute::preload().await,
        Place::ProcessOverview => ProcessOverviewRoute::preload().await,
        Place::ProcessOverviewDetail { .. } => ProcessOverviewDetailRoute::preload().await,
        Place::AutoPay => AutoPayRoute::preload().await,
        Place::Payment { .. } => PaymentRoute::preload().await,
        Place::PaymentFile { .. } => PaymentFileRoute::preload().await,
        Place::MyDetails => MyDetailsRoute::preload().await,
        Place::CompanyAutoPay { .. } => CompanyAutoPayRoute::preload().await,
        Place::CompanyWorkflow { .. } => CompanyWorkflowRoute::preload().await,
        Place::Administration(section) => {
            AdministrationRoute::preload().await;
            match section {
                None => {}
                Some(AdminSection::Companies) => AdminCompaniesRoute::preload().await,
                Some(AdminSection::Users) => AdminUsersRoute::preload().await,
                Some(AdminSection::Keys) => AdminKeysRoute::preload().await,
                Some(AdminSection::Readiness) => AdminReadinessRoute::preload().await,
                Some(AdminSection::Events) => AdminEventsRoute::preload().await,
            }
        }
    }
}

/// The screen at `place` (its code loaded).
fn show(place: &Place) -> AnyView {
    match place {
        Place::Home => view! { <pages::Home /> }.into_any(),
        Place::SignIn => view! { <pages::SignIn /> }.into_any(),
        Place::Tasks => view! { <pages::Tasks /> }.into_any(),
        Place::NotFound => view! { <pages::NotFound /> }.into_any(),
        Place::Status => StatusRoute::show(),
        Place::Setup => SetupRoute::show(),
        Place::ChoosePassword => ChoosePasswordRoute::show(),
        Place::Task { .. } => TaskRoute::show(),
        Place::SignedByMe => SignedByMeRoute::show(),
        Place::ProcessOverview => ProcessOverviewRoute::show(),
        Place::ProcessOverviewDetail { .. } => ProcessOverviewDetailRoute::show(),
        Place::AutoPay => AutoPayRoute::show(),
        Place::Payment { .. } => PaymentRoute::show(),
        Place::PaymentFile { .. } => PaymentFileRoute::show(),
        Place::MyDetails => MyDetailsRoute::show(),
        Place::CompanyAutoPay { .. } => CompanyAutoPayRoute::show(),
        Place::CompanyWorkflow { .. } => CompanyWorkflowRoute::show(),
        Place::Administration(_) => AdministrationRoute::show(),
    }
}

/// The place shown, as the screen that calls this sees it: it follows another id or section
/// while this screen shows, and stays as it was once another screen takes over (so a screen on
/// its way out never loads anything for a path that is not its own).
fn this_place() -> Memo<Place> {
    let Shown(shown) = expect_context();
    let mine = shown.get_untracked().unwrap_or(Place::NotFound);
    Memo::new(move |before: Option<&Place>| {
        let before = before.unwrap_or(&mine);
        shown.with(|now| match now {
            Some(now) if now.same_screen(before) => now.clone(),
            _ => before.clone(),
        })
    })
}

/// The id in the path of the calling screen (`/tasks/:id`, `/autopay/payments/:id`, …).
pub(crate) fn use_path_id() -> Memo<String> {
    let place = this_place();
    Memo::new(move |_| place.with(|place| place.id().unwrap_or_default().to_owned()))
}

/// Where the administration screen shows its section (`/admin/<section>`); `/admin` alone
/// sends on to the companies.
#[component]
pub fn AdminOutlet() -> impl IntoView {
    let place = this_place();
    let section = Memo::new(move |_| match place.get() {
        Place::Administration(section) => section,
        _ => None,
    });
    move || match section.get() {
        None => view! { <Redirect path="/admin/companies" /> }.into_any(),
        Some(AdminSection::Companies) => AdminCompaniesRoute::show(),
        Some(AdminSection::Users) => AdminUsersRoute::show(),
        Some(AdminSection::Keys) => AdminKeysRoute::show(),
        Some(AdminSection::Readiness) => AdminReadinessRoute::show(),
        Some(AdminSection::Events) => AdminEventsRoute::show(),
    }
}
