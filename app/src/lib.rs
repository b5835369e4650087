//! The Approve & Pay single-page app: one component per screen in `pages`, shared widgets in
//! `widgets`, and the one API client in `api`.

pub mod api;
pub mod pages;
pub mod widgets;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// The application shell: header with the product name and navigation, and the routed screen.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="app-header">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"A&P"</span>
                    <span class="brand-name">"Approve & Pay"</span>
                </A>
                <nav aria-label="Main">
                    <ul>
                        <li><A href="/tasks">"Tasks"</A></li>
                        <li><A href="/process-overview">"Process overview"</A></li>
                        <li><A href="/autopay">"AutoPay"</A></li>
                        <li><A href="/admin">"Administration"</A></li>
                        <li><A href="/my-details">"My details"</A></li>
                    </ul>
                </nav>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Status />
                    <Route path=path!("/status") view=pages::Status />
                    <Route path=path!("/tasks") view=pages::Tasks />
                    <Route path=path!("/process-overview") view=pages::ProcessOverview />
                    <Route path=path!("/autopay") view=pages::AutoPay />
                    <Route path=path!("/admin") view=pages::Administration />
                    <Route path=path!("/my-details") view=pages::MyDetails />
                </Routes>
            </main>
            <footer class="app-footer">
                <A href="/status">"Service status"</A>
            </footer>
        </Router>
    }
}
