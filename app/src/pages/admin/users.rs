//! `/admin/users`: users, their state, one-time passwords and roles.

use std::collections::BTreeMap;

use ap_core::api::{CompanyView, NewUserCreated, NewUserRequest, RolesRequest, UserView};
use ap_core::roles::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};
use crate::paged::{Paged, PagedList};
use crate::session::use_session;
use crate::widgets::{
    failure_of, field_error, local_time, ActionError, Column, ConfirmButton, DataTable, ErrorNote,
    Row, TextField,
};
use crate::{tr, tr_string};

use super::{company_name, role_name, system_administrator_name};

/// Users with status, two-step verification and lock; create, deactivate, reactivate, reset
/// two-step verification, unlock, and the roles editor.
#[component]
pub fn AdminUsers() -> impl IntoView {
    let users = Paged::new(api::users);
    let companies = LocalResource::new(api::companies);
    let editing_roles = RwSignal::new(None::<String>);
    // The user (id, name) whose absence is being set: one editor open at a time.
    let absence_of = RwSignal::new(None::<(String, String)>);
    // The one-time password of the last created or reactivated user, shown once.
    let one_time = RwSignal::new(None::<NewUserCreated>);
    let row_error = RwSignal::new(None::<String>);
    // A changed user is changed in place, so the pages loaded so far stay.
    let changed = move |user: UserView| users.update_where(|u| u.id == user.id, user.clone());
    // Nobody deactivates themselves (the server refuses it too): their row offers no Deactivate.
    let session = use_session();
    let me = Signal::derive(move || session.me().map(|me| me.id));

    let run = move |call: UserCall, user: String| {
        row_error.set(None);
        spawn_local(async move {
            let result = match call {
                UserCall::Deactivate => api::deactivate_user(user).await,
                UserCall::ResetTwoStep => api::reset_two_step(user).await,
                UserCall::Unlock => api::unlock_user(user).await,
                UserCall::Reactivate => api::reactivate_user(user).await.map(|c| {
                    one_time.set(Some(c.clone()));
                    c.user
                }),
            };
            match result {
                Ok(user) => changed(user),
                Err(e) => row_error.set(Some(e.message)),
            }
        });
    };

    view! {
        <NewUserForm on_created=Callback::new(move |created: NewUserCreated| { one_time.set(Some(created)); users.reload(); }) />
        {move || one_time.get().map(|c| view! {
            <div class="note note-ok" role="status">
                <p>{tr!(admin.users.one_time_password, name = c.user.name.clone(), email = c.user.email.clone(), <b> = <strong />)}</p>
                <p><code class="copyable big" data-testid="initial-password" tabindex="0">{c.initial_password.clone()}</code></p>
                <p class="hint">{tr!(admin.users.one_time_hint)}</p>
                <button type="button" class="secondary small" on:click=move |_| one_time.set(None)>{tr!(admin.users.one_time_done)}</button>
            </div>
        })}
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">{tr!(admin.users.title)}</h2>
            {move || row_error.get().map(|m| view! { <ErrorNote message=m /> })}
            <PagedList paged=users loading=crate::tr_prop!(admin.users.loading) more_testid="users-load-more" let:list>
                <DataTable caption=crate::tr_prop!(admin.users.caption) testid="users" columns=USER_COLUMNS
                    rows=list.into_iter().map(|u| user_row(u, companies, editing_roles, absence_of, run, me)).collect() />
            </PagedList>
        </section>
        {move || {
            let id = editing_roles.get()?;
            let user = users.items.get()?.ok()?.into_iter().find(|u| u.id == id)?;
            let list = companies.get()?.ok()?;
            Some(view! {
                <RolesEditor user=user companies=list
                    on_done=Callback::new(move |saved: Option<UserView>| {
                        editing_roles.set(None);
                        if let Some(user) = saved { changed(user); }
                    }) />
            })
        }}
        {move || absence_of.get().map(|user| view! {
            <crate::pages::absences::AbsenceCard user=user on_close=Callback::new(move |_| absence_of.set(None)) />
        })}
    }
}

#[derive(Clone, Copy)]
enum UserCall {
    Deactivate,
    Reactivate,
    ResetTwoStep,
    Unlock,
}

const USER_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(admin.users.col_name)).row_header(),
    Column::tr(|| tr_string!(admin.users.col_email)),
    Column::tr(|| tr_string!(admin.users.col_status)),
    Column::tr(|| tr_string!(admin.users.col_two_step)),
    Column::tr(|| tr_string!(admin.users.col_lock)),
    Column::tr(|| tr_string!(admin.users.col_roles)).class("roles-cell"),
    Column::tr(|| tr_string!(admin.col_actions))
        .label_hidden()
        .class("row-actions"),
];

fn user_row(
    u: UserView,
    companies: LocalResource<Result<Vec<CompanyView>, ApiFailure>>,
    editing_roles: RwSignal<Option<String>>,
    absence_of: RwSignal<Option<(String, String)>>,
    run: impl Fn(UserCall, String) + Copy + Send + Sync + 'static,
    me: Signal<Option<String>>,
) -> Row {
    let roles = u.roles.clone();
    let is_admin = u.is_system_admin;
    let roles_text = move || {
        let mut parts: Vec<String> = Vec::new();
        if is_admin {
            parts.push(system_administrator_name());
        }
        for (company, list) in &roles {
            let names: Vec<String> = list.iter().map(|r| role_name(*r)).collect();
            parts.push(format!(
                "{}: {}",
                company_name(companies, company),
                names.join(", ")
            ));
        }
        if parts.is_empty() {
            tr_string!(admin.users.no_roles).to_string()
        } else {
            parts.join("; ")
        }
    };
    let id = u.id.clone();
    let name = u.name.clone();
    // Reset two-step or Unlock: the button's text, and its accessible name with the user's.
    let action = move |call: UserCall, class: &'static str| {
        let id = id.clone();
        let name = name.clone();
        let label = move || match call {
            UserCall::Unlock => tr_string!(admin.users.unlock),
            _ => tr_string!(admin.users.reset_two_step),
        };
        let aria_label = move || match call {
            UserCall::Unlock => {
                tr_string!(admin.users.unlock_label, name = name.clone()).to_string()
            }
            _ => tr_string!(admin.users.reset_two_step_label, name = name.clone()).to_string(),
        };
        view! {
            <button type="button" class=format!("{class} small") aria-label=aria_label
                on:click=move |_| run(call, id.clone())>{label}</button>
        }
    };
    // Deactivating and reactivating ask first, saying what they do beyond their name.
    let (user_id, user_name) = (u.id.clone(), u.name.clone());
    let confirmed = move |call: UserCall| {
        let id = user_id.clone();
        Callback::new(move |()| run(call, id.clone()))
    };
    let on_deactivate = confirmed(UserCall::Deactivate);
    let on_reactivate = confirmed(UserCall::Reactivate);
    let own_row = {
        let id = u.id.clone();
        move || me.get().as_deref() == Some(id.as_str())
    };
    let active = u.active;
    let switch = move || {
        if own_row() {
            view! { <span class="muted small-note">{tr!(admin.users.you)}</span> }.into_any()
        } else if active {
            let (n1, n2) = (user_name.clone(), user_name.clone());
            view! {
                <ConfirmButton label=crate::tr_prop!(admin.users.deactivate)
                    aria_label=move || tr_string!(admin.users.deactivate_label, name = n1.clone()).to_string() class="danger"
                    question=move || tr_string!(admin.users.deactivate_question, name = n2.clone()).to_string()
                    confirm=crate::tr_prop!(admin.users.deactivate_confirm)
                    keep=crate::tr_prop!(admin.users.deactivate_keep) on_confirm=on_deactivate />
            }
            .into_any()
        } else {
            let (n1, n2) = (user_name.clone(), user_name.clone());
            view! {
                <ConfirmButton label=crate::tr_prop!(admin.users.reactivate)
                    aria_label=move || tr_string!(admin.users.reactivate_label, name = n1.clone()).to_string() class="secondary"
                    question=move || tr_string!(admin.users.reactivate_question, name = n2.clone()).to_string()
                    confirm=crate::tr_prop!(admin.users.reactivate_confirm)
                    keep=crate::tr_prop!(admin.users.reactivate_keep) on_confirm=on_reactivate />
            }
            .into_any()
        }
    };
    let roles_id = u.id.clone();
    let roles_name = u.name.clone();
    let absent = (u.id.clone(), u.name.clone());
    let absent_name = u.name.clone();
    Row::new()
        .attr("data-user", u.email.clone())
        .cell(u.name.clone())
        .cell(u.email.clone())
        .cell(view! {
            {if u.active { view! { <span class="badge badge-yes">{tr!(admin.users.active)}</span> }.into_any() }
             else { view! { <span class="badge badge-no">{tr!(admin.users.deactivated)}</span> }.into_any() }}
            {u.must_change_password.then(|| view! { <span class="badge badge-warning">{tr!(admin.users.must_choose_password)}</span> })}
        })
        .cell(if u.two_step_active {
            tr!(admin.users.two_step_active).into_any()
        } else {
            tr!(admin.users.two_step_not_active).into_any()
        })
        .cell(match &u.locked_until {
            Some(until) => view! { <span class="badge badge-warning">{tr!(admin.users.locked_until, time = local_time(until))}</span> }.into_any(),
            None => view! { <span class="muted">"—"</span> }.into_any(),
        })
        .cell(roles_text)
        .cell(view! {
            <button type="button" class="secondary small"
                aria-label=move || tr_string!(admin.users.roles_label, name = roles_name.clone()).to_string()
                on:click=move |_| { absence_of.set(None); editing_roles.set(Some(roles_id.clone())); }>{tr!(admin.users.roles)}</button>
            <button type="button" class="secondary small"
                aria-label=move || tr_string!(admin.users.absence_label, name = absent_name.clone()).to_string()
                on:click=move |_| { editing_roles.set(None); absence_of.set(Some(absent.clone())); }>{tr!(admin.users.absence)}</button>
            {switch}
            {u.two_step_active.then(|| action(UserCall::ResetTwoStep, "secondary"))}
            {u.locked_until.is_some().then(|| action(UserCall::Unlock, "secondary"))}
        })
}

/// Name and e-mail; the server answers with the one-time initial password.
#[component]
fn NewUserForm(on_created: Callback<NewUserCreated>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let create = Action::new_local(move |req: &NewUserRequest| {
        let req = req.clone();
        async move {
            let result = api::create_user(req).await;
            if let Ok(created) = &result {
                name.set(String::new());
                email.set(String::new());
                on_created.run(created.clone());
            }
            result
        }
    });
    let failure = failure_of(create);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(NewUserRequest {
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
        });
    };
    view! {
        <section class="card" aria-labelledby="new-user-title">
            <h2 id="new-user-title">{tr!(admin.new_user.title)}</h2>
            <form class="form-grid" on:submit=on_submit aria-label=crate::tr_prop!(admin.new_user.title)>
                <TextField id="new-user-name" label=crate::tr_prop!(admin.new_user.name) value=name required=true autocomplete="off" error=field_error(failure, "name") />
                <TextField id="new-user-email" label=crate::tr_prop!(admin.new_user.email) kind="email" value=email required=true autocomplete="off" error=field_error(failure, "email") />
                <div class="span-all">
                    <ActionError failure=failure />
                    <div class="actions"><button type="submit" disabled=move || create.pending().get()>{tr!(admin.new_user.create)}</button></div>
                </div>
            </form>
        </section>
    }
}

/// System Administrator plus Invoice Approver / AutoPay Approver / AutoPay Administrator per
/// company, saved in one request.
#[component]
fn RolesEditor(
    user: UserView,
    companies: Vec<CompanyView>,
    /// The user as saved, or `None` when cancelled.
    on_done: Callback<Option<UserView>>,
) -> impl IntoView {
    let is_admin = RwSignal::new(user.is_system_admin);
    let roles = RwSignal::new(user.roles.clone());
    let user_id = user.id.clone();
    let user_name = user.name.clone();
    let save = Action::new_local(move |req: &RolesRequest| {
        let (req, user_id) = (req.clone(), user_id.clone());
        async move {
            let result = api::set_roles(user_id, req).await;
            if let Ok(user) = &result {
                on_done.run(Some(user.clone()));
            }
            result
        }
    });
    let failure = failure_of(save);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let roles: BTreeMap<String, Vec<Role>> = roles
            .get_untracked()
            .into_iter()
            .filter(|(_, r)| !r.is_empty())
            .collect();
        save.dispatch(RolesRequest {
            is_system_admin: is_admin.get_untracked(),
            roles,
        });
    };
    let has = move |company: &str, role: Role| {
        roles.with(|m| m.get(company).is_some_and(|l| l.contains(&role)))
    };
    let set = move |company: String, role: Role, on: bool| {
        roles.update(|m| {
            let list = m.entry(company).or_default();
            list.retain(|r| *r != role);
            if on {
                list.push(role);
                list.sort();
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="roles-editor-title" data-testid="roles-editor">
            <h2 id="roles-editor-title">{tr!(admin.roles_editor.title, name = user_name.clone())}</h2>
            <form on:submit=on_submit aria-label=move || tr_string!(admin.roles_editor.title, name = user_name.clone()).to_string()>
                <label class="switch">
                    <input type="checkbox" prop:checked=move || is_admin.get() on:change=move |ev| is_admin.set(event_target_checked(&ev)) />
                    {move || system_administrator_name()}
                    <span class="hint">" "{tr!(admin.roles_editor.system_administrator_hint)}</span>
                </label>
                {if companies.is_empty() {
                    view! { <p class="muted">{tr!(admin.roles_editor.no_companies)}</p> }.into_any()
                } else {
                    view! {
                        <table class="table roles-table">
                            <caption class="visually-hidden">{tr!(admin.roles_editor.caption)}</caption>
                            <thead><tr>
                                <th scope="col">{tr!(admin.roles_editor.col_company)}</th>
                                {Role::ALL.into_iter().map(|r| view! { <th scope="col">{move || role_name(r)}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {companies.into_iter().map(|c| {
                                    let company_name = c.name.clone();
                                    view! {
                                        <tr data-company=c.name.clone()>
                                            <th scope="row">{c.name.clone()}</th>
                                            {Role::ALL.into_iter().map(|r| {
                                                let (id1, id2) = (c.id.clone(), c.id.clone());
                                                view! {
                                                    <td><input type="checkbox"
                                                        aria-label={
                                                            let company = company_name.clone();
                                                            move || tr_string!(admin.roles_editor.role_in_company, role = role_name(r), company = company.clone()).to_string()
                                                        }
                                                        prop:checked=move || has(&id1, r)
                                                        on:change=move |ev| set(id2.clone(), r, event_target_checked(&ev)) /></td>
                                                }
                                            }).collect_view()}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <ActionError failure=failure />
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>{tr!(admin.roles_editor.save)}</button>
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>{tr!(admin.cancel)}</button>
                </div>
            </form>
        </section>
    }
}
