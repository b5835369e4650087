//! `/admin/readiness`: who can "Approve and pay" where, and if not, why.

use std::collections::BTreeMap;

use ap_core::api::ReadinessRow;
use leptos::prelude::*;

use crate::api;
use crate::paged::{Paged, PagedList};
use crate::{tr, tr_string};

/// A user × company table: a ✓ where Approve and pay is available, otherwise the missing
/// prerequisites in the words the user would see.
#[component]
pub fn AdminReadiness() -> impl IntoView {
    let rows = Paged::new(api::readiness);
    view! {
        <section class="card" aria-labelledby="readiness-title">
            <h2 id="readiness-title">{tr!(readiness.title)}</h2>
            <p class="muted">{tr!(readiness.lead)}</p>
            <PagedList paged=rows loading=tr_string!(readiness.loading) empty=tr_string!(readiness.empty) more_testid="readiness-load-more" let:list>
                {readiness_table(list)}
            </PagedList>
        </section>
    }
}

fn readiness_table(list: Vec<ReadinessRow>) -> impl IntoView {
    // Columns: companies in first-seen order; rows: users in first-seen order.
    let mut companies: Vec<(String, String)> = Vec::new();
    let mut users: Vec<(String, String)> = Vec::new();
    let mut cells: BTreeMap<(String, String), ReadinessRow> = BTreeMap::new();
    for row in list {
        if !companies.iter().any(|(id, _)| *id == row.company_id) {
            companies.push((row.company_id.clone(), row.company_name.clone()));
        }
        if !users.iter().any(|(id, _)| *id == row.user_id) {
            users.push((row.user_id.clone(), row.user_name.clone()));
        }
        cells.insert((row.user_id.clone(), row.company_id.clone()), row);
    }
    view! {
        <div class="table-scroll">
            <table class="table readiness stack" data-testid="readiness">
                <caption class="visually-hidden">{tr!(readiness.caption)}</caption>
                <thead><tr>
                    <th scope="col">{tr!(readiness.user)}</th>
                    {companies.iter().map(|(_, name)| view! { <th scope="col">{name.clone()}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {users.into_iter().map(|(user_id, user_name)| view! {
                        <tr data-user=user_name.clone()>
                            <th scope="row">{user_name.clone()}</th>
                            {companies.iter().map(|(company_id, company_name)| {
                                match cells.get(&(user_id.clone(), company_id.clone())) {
                                    Some(cell) if cell.ready => view! {
                                        <td class="ready" data-company=company_name.clone() data-label=company_name.clone()>
                                            <span class="badge badge-ok">"✓"<span class="visually-hidden">" "{tr!(readiness.ready)}</span></span>
                                        </td>
                                    }.into_any(),
                                    Some(cell) => view! {
                                        <td class="not-ready" data-company=company_name.clone() data-label=company_name.clone()>
                                            <ul class="reasons">
                                                {cell.missing.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}
                                            </ul>
                                        </td>
                                    }.into_any(),
                                    None => view! { <td data-company=company_name.clone() data-label=company_name.clone()><span class="muted">"—"</span></td> }.into_any(),
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
