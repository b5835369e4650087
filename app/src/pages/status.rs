use leptos::prelude::*;

use crate::api;
use crate::widgets::{Column, DataTable, ErrorNote, PageHeader, Row};

const CHECK_COLUMNS: &[Column] = &[
    Column::new("Check"),
    Column::new("Result"),
    Column::new("Detail"),
];

/// Service status: what `/api/v1/health` says about the Worker, KV and the Durable Objects.
#[component]
pub fn Status() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <PageHeader title="Service status" lead="Whether the service and its storage work right now." />
        <section class="card" aria-live="polite" aria-busy=move || health.get().is_none().to_string()>
            <Suspense fallback=|| view! { <p class="muted">"Checking the service…"</p> }>
                {move || health.get().map(|result| match result {
                    Ok(h) => view! {
                        <div data-testid="health">
                            <p class="status-line">
                                <span class=format!("badge badge-{}", h.status) data-testid="health-status">{h.status.clone()}</span>
                                " version "<span data-testid="health-version">{h.version.clone()}</span>
                            </p>
                            <DataTable caption="Health checks" columns=CHECK_COLUMNS
                                rows=h.checks.into_iter().map(|c| {
                                    Row::new()
                                        .attr("data-check", c.name.clone())
                                        .cell(c.name)
                                        .cell(if c.ok { "ok" } else { "failed" })
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
