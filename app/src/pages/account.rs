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

/// The hint under a new password: the service's one rule is its length.
fn password_hint() -> String {
    format!(
        "At least {MIN_PASSWORD_CHARS} characters. A few unrelated words make a long password \
         that is easy to remember."
    )
}

/// `/`: sends everyone where they belong — setup on first run, sign-in, or the task list.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    view! {
        <Loaded from=session loading="Loading…" let:state>
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
            Some(format!("Use at least {MIN_PASSWORD_CHARS} characters."))
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
        <PageHeader title="Set up Approve & Pay" lead="Create the organisation's first System Administrator. You add companies, users and roles next." />
        {move || match session.state() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Ok(state)) if !state.first_run && create.value().get().is_none() => view! {
                <div class="card">
                    <p>"Approve & Pay is already set up. Sign in with your account; a System Administrator creates new users."</p>
                    <a class="button" href="/sign-in">"Sign in"</a>
                </div>
            }.into_any(),
            _ => view! {
                <form class="card form-narrow" on:submit=on_submit>
                    <h2>"First System Administrator"</h2>
                    <TextField id="setup-name" label="Name" value=name autocomplete="name" required=true error=field_error(failure, "name") />
                    <TextField id="setup-email" label="E-mail" kind="email" value=email autocomplete="username" required=true error=field_error(failure, "email") />
                    <TextField id="setup-password" label="Password" kind="password" value=password autocomplete="new-password" required=true hint=password_hint() error=password_error />
                    <ActionError failure=failure />
                    <div class="actions">
                        <button type="submit" disabled=move || create.pending().get()>"Create administrator"</button>
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
        <PageHeader title="Sign in" lead="Approve invoices and pre-approve their payment in one step." />
        {move || match session.state() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
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
        <PageHeader title="Choose a new password" lead="You signed in with a one-time password. Choose your own before you continue." />
        <Loaded from=session loading="Loading…" let:state>
            {match state.user {
                None => view! { <SignInForm /> }.into_any(),
                // Done (or never needed): on to where the user was going.
                Some(me) if !me.must_change_password => view! { <Redirect path=next() /> }.into_any(),
                Some(_) => view! { <ChangePasswordForm current_label="One-time or current password" /> }.into_any(),
            }}
        </Loaded>
    }
}

/// Current password, new password twice; used on "Choose a new password" and My details.
#[component]
pub fn ChangePasswordForm(
    /// How the current password is called here.
    #[prop(default = "Current password")]
    current_label: &'static str,
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
            Some(format!("Use at least {MIN_PASSWORD_CHARS} characters."))
        } else if candidate != repeat.get_untracked() {
            Some("The two new passwords differ.".to_string())
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
        <form class="form-narrow" on:submit=on_submit aria-label="Change password">
            <TextField id="pw-current" label=current_label kind="password" value=current autocomplete="current-password" required=true
                error=field_error(failure, "current_password") />
            <TextField id="pw-new" label="New password" kind="password" value=new autocomplete="new-password" required=true hint=password_hint() error=new_error />
            <TextField id="pw-repeat" label="New password again" kind="password" value=repeat autocomplete="new-password" required=true />
            <ActionError failure=failure />
            {move || done().then(|| view! { <p class="note note-ok" role="status">"Your password has been changed."</p> })}
            <div class="actions">
                <button type="submit" disabled=move || change.pending().get()>"Change password"</button>
            </div>
        </form>
    }
}
