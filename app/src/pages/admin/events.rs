//! `/admin/events`: every sign-in attempt, success or failure, a page at a time.

use ap_core::api::EventView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::widgets::{local_time, ErrorNote};

/// Sign-in events, newest first, back to the first one with "Load more".
#[component]
pub fn AdminEvents() -> impl IntoView {
    // The events loaded so far (`None` while the first page loads) and where the next page starts.
    let shown = RwSignal::new(None::<Result<Vec<EventView>, String>>);
    let next = RwSignal::new(None::<String>);
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u32);
    let load = move |more: bool| {
        let cursor = if more { next.get_untracked() } else { None };
        let this = generation.get_value() + u32::from(!more);
        generation.set_value(this);
        more_error.set(None);
        if more {
            loading_more.set(true);
        } else {
            loading_more.set(false);
            next.set(None);
        }
        spawn_local(async move {
            let result = api::sign_in_events(cursor).await;
            if generation.get_value() != this {
                return; // refreshed meanwhile: that answer is stale
            }
            loading_more.set(false);
            match result {
                Ok(page) => {
                    next.set(page.next_cursor);
                    if more {
                        shown.update(|s| {
                            if let Some(Ok(list)) = s {
                                list.extend(page.items);
                            }
                        });
                    } else {
                        shown.set(Some(Ok(page.items)));
                    }
                }
                Err(e) if more => more_error.set(Some(e.message)),
                Err(e) => shown.set(Some(Err(e.message))),
            }
        });
    };
    load(false);
    view! {
        <section class="card" aria-labelledby="events-title">
            <div class="card-head">
                <h2 id="events-title">"Sign-in events"</h2>
                <button type="button" class="secondary small" on:click=move |_| load(false)>"Refresh"</button>
            </div>
            {move || match shown.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote message=e /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No sign-in attempts yet."</p> }.into_any(),
                Some(Ok(list)) => view! {
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
            {move || more_error.get().map(|m| view! { <ErrorNote message=m /> })}
            {move || next.get().map(|_| view! {
                <div class="actions">
                    <button type="button" class="secondary" data-testid="events-load-more"
                        disabled=move || loading_more.get() on:click=move |_| load(true)>"Load more"</button>
                </div>
            })}
        </section>
    }
}
