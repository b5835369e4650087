//! `/admin/events`: every sign-in attempt, success or failure, a page at a time.

use leptos::prelude::*;

use crate::api;
use crate::paged::{LoadMore, Paged};
use crate::widgets::{local_time, Loaded};

/// Sign-in events, newest first, back to the first one with "Load more".
#[component]
pub fn AdminEvents() -> impl IntoView {
    let events = Paged::new(api::sign_in_events);
    view! {
        <section class="card" aria-labelledby="events-title">
            <div class="card-head">
                <h2 id="events-title">"Sign-in events"</h2>
                <button type="button" class="secondary small" on:click=move |_| events.reload()>"Refresh"</button>
            </div>
            <Loaded from=events loading="Loading…" let:list>
                {match list {
                    list if list.is_empty() => view! { <p class="muted">"No sign-in attempts yet."</p> }.into_any(),
                    list => view! {
                        <table class="table" data-testid="events">
                            <caption class="visually-hidden">"Sign-in events, newest first"</caption>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"Event"</th><th scope="col">"Who"</th><th scope="col">"Detail"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|e| {
                                    let failed = e.kind.contains("fail");
                                    view! {
                                        <tr data-kind=e.kind.clone()>
                                            <td>{local_time(&e.at)}</td>
                                            <td><span class=if failed { "badge badge-no" } else { "badge badge-yes" }>{e.kind.replace('_', " ")}</span></td>
                                            <td>{e.actor.clone()}</td>
                                            <td>{e.detail.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
            </Loaded>
            <LoadMore paged=events testid="events-load-more" />
        </section>
    }
}
