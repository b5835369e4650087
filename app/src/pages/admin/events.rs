//! `/admin/events`: every sign-in attempt, success or failure, a page at a time.

use leptos::prelude::*;

use crate::api;
use crate::paged::{Paged, PagedList};
use crate::widgets::{local_time, Column, DataTable, Row};
use crate::{tr, tr_string};

const EVENT_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(admin.events.col_when)),
    Column::tr(|| tr_string!(admin.events.col_event)),
    Column::tr(|| tr_string!(admin.events.col_who)),
    Column::tr(|| tr_string!(admin.events.col_detail)),
];

/// A sign-in event's kind in the language shown (a kind this version does not know, spaced).
fn kind_text(kind: &str) -> String {
    match kind {
        "sign_in_succeeded" => tr_string!(admin.events.kind_sign_in_succeeded).to_owned(),
        "sign_in_failed" => tr_string!(admin.events.kind_sign_in_failed).to_owned(),
        "sign_in_locked" => tr_string!(admin.events.kind_sign_in_locked).to_owned(),
        "sign_in_rate_limited" => tr_string!(admin.events.kind_sign_in_rate_limited).to_owned(),
        other => other.replace('_', " "),
    }
}

/// Sign-in events, newest first, back to the first one with "Load more".
#[component]
pub fn AdminEvents() -> impl IntoView {
    let events = Paged::new(api::sign_in_events);
    view! {
        <section class="card" aria-labelledby="events-title">
            <div class="card-head">
                <h2 id="events-title">{tr!(admin.events.title)}</h2>
                <button type="button" class="secondary small" on:click=move |_| events.reload()>{tr!(admin.events.refresh)}</button>
            </div>
            <PagedList paged=events loading=crate::tr_prop!(admin.events.loading) empty=crate::tr_prop!(admin.events.empty)
                more_testid="events-load-more" let:list>
                <DataTable caption=crate::tr_prop!(admin.events.caption) testid="events" columns=EVENT_COLUMNS
                    rows=list.into_iter().map(|e| {
                        let failed = e.kind != "sign_in_succeeded";
                        Row::new()
                            .attr("data-kind", e.kind.clone())
                            .cell(local_time(&e.at))
                            .cell(view! { <span class=if failed { "badge badge-no" } else { "badge badge-yes" }>{kind_text(&e.kind)}</span> })
                            .cell(e.actor)
                            .cell(e.detail)
                    }).collect() />
            </PagedList>
        </section>
    }
}
