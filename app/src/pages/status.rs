use leptos::prelude::*;

use crate::api;
use crate::widgets::{Column, DataTable, ErrorNote, PageHeader, Row};
use crate::{tr, tr_string};

const CHECK_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(misc.status_check)),
    Column::tr(|| tr_string!(misc.status_result)),
    Column::tr(|| tr_string!(misc.status_detail)),
];

/// Service status: what `/api/v1/health` says about the Worker, KV and the Durable Objects.
#[component]
pub fn Status() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <PageHeader title=move || tr_string!(misc.status_title) lead=move || tr_string!(misc.status_lead) />
        <section class="card" aria-live="polite" aria-busy=move || health.get().is_none().to_string()>
            <Suspense fallback=|| view! { <p class="muted">{tr!(misc.status_checking)}</p> }>
                {move || health.get().map(|result| match result {
                    Ok(h) => view! {
                        <div data-testid="health">
                            <p class="status-line">
                                <span class=format!("badge badge-{}", h.status) data-testid="health-status">{h.status.clone()}</span>
                                " "{tr!(misc.status_version)}" "<span data-testid="health-version">{h.version.clone()}</span>
                            </p>
                            <DataTable caption=tr_string!(misc.status_checks) columns=CHECK_COLUMNS
                                rows=h.checks.into_iter().map(|c| {
                                    Row::new()
                                        .attr("data-check", c.name.clone())
                                        .cell(c.name)
                                        .cell(if c.ok { tr_string!(misc.status_ok) } else { tr_string!(misc.status_failed) })
                                        .cell(c.detail)
                                }).collect() />
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string() /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
