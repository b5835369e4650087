//! Getting in: first-run setup, sign-in, and choosing a new password.

use ap_core::api::{ChangePasswordRequest, FirstAdminRequest};
use ap_core::password::MIN_PASSWORD_CHARS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::session::{safe_next, use_session};
use crate::widgets::{
    failure_of, field_error, ActionError, Loaded, PageHeader, SignInForm, TextField,
};
use crate::{tr, tr_string};

/// The hint under a new password: the service's one rule is its length.
fn password_hint() -> String {
    tr_string!(account.acc_password_hint, n = MIN_PASSWORD_CHARS).to_string()
}

/// `/`: sends everyone where they belong — setup on first run, sign-in, or the task list.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    view! {
        <Loaded from=session loading=tr_string!(account.acc_loading) let:state>
            {match state {
                state if state.first_run => view! { <Redirect path="/setup" /> }.into_any(),
                state if state.user.is_none() => view! { <Redirect path="/sign-in" /> }.into_any(),
                _ => view! { <Redirect path="/tasks" /> }.into_any(),
            }}
        </Loaded>
    }
}

/// `/setup`: creates the organisation's first System Administrator; gone once anyone exists.
#[component]
pub fn Setup() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let too_short = RwSignal::new(false);
    let create = Action::new_local(move |req: &FirstAdminRequest| {
        let req = req.clone();
        let navigate = navigate.clone();
        async move {
            let result = api::create_first_admin(req).await;
            if let Ok(state) = &result {
                session.set(state.clone());
                navigate("/admin/companies", Default::default());
            }
            result
        }
    });
    let failure = failure_of(create);
    let password_error = Signal::derive(move || {
        if too_short.get() {
            Some(tr_string!(account.acc_too_short, n = MIN_PASSWORD_CHARS).to_string())
        } else {
            failure.get().and_then(|f| f.field("password"))
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let short = password.get_untracked().chars().count() < MIN_PASSWORD_CHARS;
        too_short.set(short);
        if !short {
            create.dispatch(FirstAdminRequest {
                name: name.get_untracked().trim().to_string(),
                email: email.get_untracked().trim().to_string(),
                password: password.get_untracked(),
            });
        }
    };
    view! {
        <PageHeader title=move || tr_string!(account.acc_setup_title) lead=move || tr_string!(account.acc_setup_lead) />
        {move || match session.state() {
            None => view! { <p class="muted">{tr!(account.acc_loading)}</p> }.into_any(),
            Some(Ok(state)) if !state.first_run && create.value().get().is_none() => view! {
                <div class="card">
                    <p>{tr!(account.acc_already_set_up)}</p>
                    <a class="button" href="/sign-in">{tr!(account.acc_sign_in)}</a>
                </div>
            }.into_any(),
            _ => view! {
                <form class="card form-narrow" on:submit=on_submit>
                    <h2>{tr!(account.acc_first_admin)}</h2>
                    <TextField id="setup-name" label=crate::tr_prop!(account.acc_name) value=name autocomplete="name" required=true error=field_error(failure, "name") />
                    <TextField id="setup-email" label=crate::tr_prop!(account.acc_email) kind="email" value=email autocomplete="username" required=true error=field_error(failure, "email") />
                    <TextField id="setup-password" label=crate::tr_prop!(account.acc_password) kind="password" value=password autocomplete="new-password" required=true hint=password_hint() error=password_error />
                    <ActionError failure=failure />
                    <div class="actions">
                        <button type="submit" disabled=move || create.pending().get()>{tr!(account.acc_create_admin)}</button>
                    </div>
                </form>
            }.into_any(),
        }}
    }
}

/// `/sign-in`: the sign-in form; afterwards back to `?next=` (or the task list).
#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    view! {
        <PageHeader title=move || tr_string!(account.acc_sign_in) lead=move || tr_string!(account.acc_sign_in_lead) />
        {move || match session.state() {
            None => view! { <p class="muted">{tr!(account.acc_loading)}</p> }.into_any(),
            Some(Ok(state)) if state.first_run => view! { <Redirect path="/setup" /> }.into_any(),
            Some(Ok(state)) if state.user.is_some() => view! { <Redirect path=next() /> }.into_any(),
            _ => view! { <SignInForm /> }.into_any(),
        }}
    }
}

/// `/choose-password`: a user signed in with a one-time password chooses their own first.
#[component]
pub fn ChoosePassword() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));
    view! {
        <PageHeader title=move || tr_string!(account.acc_choose_title) lead=move || tr_string!(account.acc_choose_lead) />
        <Loaded from=session loading=tr_string!(account.acc_loading) let:state>
            {match state.user {
                None => view! { <SignInForm /> }.into_any(),
                // Done (or never needed): on to where the user was going.
                Some(me) if !me.must_change_password => view! { <Redirect path=next() /> }.into_any(),
                Some(_) => view! { <ChangePasswordForm current_label=tr_string!(account.acc_one_time_or_current) /> }.into_any(),
            }}
        </Loaded>
    }
}

/// Current password, new password twice; used on "Choose a new password" and My details.
#[component]
pub fn ChangePasswordForm(
    /// How the current password is called here.
    #[prop(optional)]
    current_label: Option<&'static str>,
) -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let change = Action::new_local(move |req: &ChangePasswordRequest| {
        let req = req.clone();
        async move {
            let result = api::change_password(req).await;
            if result.is_ok() {
                current.set(String::new());
                new.set(String::new());
                repeat.set(String::new());
                // The first own password clears must_change_password: the session must say so
                // before "Choose a new password" lets the user go on.
                if session.me().is_some_and(|me| me.must_change_password) {
                    session.refresh().await;
                }
            }
            result
        }
    });
    let failure = failure_of(change);
    let done = move || matches!(change.value().get(), Some(Ok(())));
    let new_error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| failure.get().and_then(|f| f.field("new_password")))
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let candidate = new.get_untracked();
        let problem = if candidate.chars().count() < MIN_PASSWORD_CHARS {
            Some(tr_string!(account.acc_too_short, n = MIN_PASSWORD_CHARS).to_string())
        } else if candidate != repeat.get_untracked() {
            Some(tr_string!(account.acc_passwords_differ).to_string())
        } else {
            None
        };
        local_error.set(problem.clone());
        if problem.is_none() {
            change.dispatch(ChangePasswordRequest {
                current_password: current.get_untracked(),
                new_password: candidate,
            });
        }
    };
    view! {
        <form class="form-narrow" on:submit=on_submit aria-label=crate::tr_prop!(account.acc_change_password)>
            <TextField id="pw-current" label=current_label.unwrap_or_else(|| tr_string!(account.acc_current_password)) kind="password" value=current autocomplete="current-password" required=true
                error=field_error(failure, "current_password") />
            <TextField id="pw-new" label=crate::tr_prop!(account.acc_new_password) kind="password" value=new autocomplete="new-password" required=true hint=password_hint() error=new_error />
            <TextField id="pw-repeat" label=crate::tr_prop!(account.acc_new_password_again) kind="password" value=repeat autocomplete="new-password" required=true />
            <ActionError failure=failure />
            {move || done().then(|| view! { <p class="note note-ok" role="status">{tr!(account.acc_changed)}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || change.pending().get()>{tr!(account.acc_change_password)}</button>
            </div>
        </form>
    }
}
