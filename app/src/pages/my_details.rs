//! `/my-details`: the signed-in user's account, roles per company, password and two-step
//! verification with its recovery codes.

use ap_core::api::{Me, PasskeyRegistration, PasskeyView, PasskeysView, TwoStepEnrolment};
use ap_core::roles::{Role, SYSTEM_ADMINISTRATOR};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::pages::account::ChangePasswordForm;
use crate::session::use_session;
use crate::widgets::{
    failure_of, field_error, local_time, ActionError, CodeField, Column, DataTable, Row,
    SignedInScreen, TextField,
};
use crate::{tr, tr_string};

const ROLE_COLUMNS: &[Column] = &[
    Column::tr(|| tr_string!(account.md_col_company)).row_header(),
    Column::tr(|| tr_string!(account.md_col_roles)),
    Column::tr(|| tr_string!(account.md_col_approve_and_pay)),
];

/// My details: who I am, where I may approve and pay (and if not, why), password, two-step.
#[component]
pub fn MyDetails() -> impl IntoView {
    let session = use_session();
    // Recovery codes just answered (activation or a new set): shown until the user says they
    // saved them, never stored. Held here, so a new `Me` that redraws the cards keeps them.
    let shown_codes = RwSignal::new(None::<Vec<String>>);
    view! {
        <SignedInScreen title=crate::tr_prop!(account.screen_title) lead=crate::tr_prop!(account.screen_lead)>
            // Outside the cards drawn from `Me`: reading notifications changes `Me`'s count.
            <crate::pages::notifications::NotificationsCard />
            {move || session.me().map(|me| view! {
                <AccountCard me=me.clone() />
                <RolesCard me=me.clone() />
                <TwoStepCard me=me.clone() shown_codes=shown_codes />
                <PasskeysCard two_step_active=me.two_step_active />
                <crate::pages::absences::AbsenceCard />
                <section class="card" aria-labelledby="language-title" data-testid="my-language">
                    <h2 id="language-title">{tr!(account.md_language)}</h2>
                    <p class="hint">{tr!(account.md_language_hint)}</p>
                    <crate::language::LanguageSwitch />
                </section>
                <section class="card" aria-labelledby="password-title">
                    <h2 id="password-title">{tr!(account.md_change_password)}</h2>
                    <ChangePasswordForm />
                </section>
            })}
        </SignedInScreen>
    }
}

#[component]
fn AccountCard(me: Me) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">{tr!(account.md_account)}</h2>
            <dl class="facts">
                <dt>{tr!(account.md_name)}</dt><dd data-testid="my-name">{me.name}</dd>
                <dt>{tr!(account.md_email)}</dt><dd data-testid="my-email">{me.email}</dd>
                <dt>{tr!(account.md_org_role)}</dt>
                <dd>{if me.is_system_admin { SYSTEM_ADMINISTRATOR } else { "—" }}</dd>
            </dl>
        </section>
    }
}

/// Roles per company and whether "Approve and pay" is available there, with the reasons; a
/// link to the AutoPay settings of each company where the user is AutoPay Administrator.
#[component]
fn RolesCard(me: Me) -> impl IntoView {
    let autopay_admin_of: Vec<_> = me
        .companies
        .iter()
        .filter(|c| c.roles.contains(&Role::AutoPayAdministrator))
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    view! {
        <section class="card" aria-labelledby="roles-title">
            <h2 id="roles-title">{tr!(account.md_roles_title)}</h2>
            {if me.companies.is_empty() {
                view! { <p class="muted">{tr!(account.md_no_roles)}</p> }.into_any()
            } else {
                view! {
                    <DataTable caption=tr_string!(account.md_roles_caption) testid="my-roles" columns=ROLE_COLUMNS
                        rows=me.companies.into_iter().map(|c| {
                            Row::new()
                                .attr("data-company", c.name.clone())
                                .cell(c.name)
                                .cell(c.roles.iter().map(|r| r.display_name()).collect::<Vec<_>>().join(", "))
                                .cell(if c.approve_and_pay_ready {
                                    view! { <span class="badge badge-ok">{tr!(account.md_available)}</span> }.into_any()
                                } else {
                                    view! {
                                        <span class="badge badge-no">{tr!(account.md_not_available)}</span>
                                        <ul class="reasons">
                                            {c.missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                })
                        }).collect() />
                }.into_any()
            }}
            {(!autopay_admin_of.is_empty()).then(|| view! {
                <ul class="links" data-testid="autopay-settings-links">
                    {autopay_admin_of.into_iter().map(|(id, name)| view! {
                        <li><A href=format!("/company/{id}/autopay")>{tr_string!(account.md_settings_for, company = name.clone()).to_string()}</A></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Two-step verification: activate with a QR code / otpauth URI and a first code, or
/// deactivate with a code. Shows the lock and until when.
#[component]
fn TwoStepCard(me: Me, shown_codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let session = use_session();
    let code = RwSignal::new(String::new());
    let deactivating = RwSignal::new(false);
    let deactivate = Action::new_local(move |code_text: &String| {
        let code_text = code_text.clone();
        async move {
            let result = api::deactivate_two_step(code_text).await;
            if let Ok(me) = &result {
                code.set(String::new());
                session.set_me(me.clone());
            }
            result
        }
    });
    let email = me.email.clone();
    let codes_left = me.recovery_codes_left;
    let failure = failure_of(deactivate);
    let code_error = field_error(failure, "code");
    let active = me.two_step_active;
    // Signed in with a recovery code: activating a new enrolment replaces the active secret.
    let may_replace = me.may_replace_authenticator;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        deactivate.dispatch(code.get_untracked().trim().to_string());
    };
    view! {
        <section class="card" aria-labelledby="two-step-title">
            <h2 id="two-step-title">{tr!(account.md_two_step_title)}</h2>
            <p>
                {tr!(account.md_status)}
                {if active {
                    view! { <span class="badge badge-ok" data-testid="two-step-status">{tr!(account.md_active)}</span> }.into_any()
                } else {
                    view! { <span class="badge" data-testid="two-step-status">{tr!(account.md_not_active)}</span> }.into_any()
                }}
            </p>
            {me.locked_until.map(|until| view! {
                <p class="note note-warn" role="status" data-testid="lock-note">
                    {tr_string!(account.md_locked_note, until = local_time(&until)).to_string()}
                </p>
            })}
            {if active {
                view! {
                    <p>{tr!(account.md_active_text)}</p>
                    {move || shown_codes.get().map(|codes| view! {
                        <ShownCodes codes=codes email=email.clone() shown_codes=shown_codes />
                    })}
                    <RecoveryCodes left=codes_left shown_codes=shown_codes />
                    {may_replace.then(|| view! {
                        <div class="replace" data-testid="replace-authenticator">
                            <h3 id="replace-title">{tr!(account.md_replace_title)}</h3>
                            <p>{tr!(account.md_replace_text)}</p>
                            <NewAuthenticator shown_codes=shown_codes code_id="replace-code"
                                start=crate::tr_prop!(account.md_replace)
                                confirm=crate::tr_prop!(account.md_replace_label)
                                hint=crate::tr_prop!(account.md_replace_hint) />
                        </div>
                    })}
                    {move || if deactivating.get() {
                        view! {
                            <form class="form-narrow" on:submit=submit aria-label=crate::tr_prop!(account.md_deactivate_label)>
                                <CodeField id="two-step-code" value=code required=true error=code_error />
                                <ActionError failure=failure />
                                <div class="actions">
                                    <button type="submit" class="danger" disabled=move || deactivate.pending().get()>{tr!(account.md_deactivate_label)}</button>
                                    <button type="button" class="secondary" on:click=move |_| deactivating.set(false)>{tr!(account.md_cancel)}</button>
                                </div>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="secondary" on:click=move |_| deactivating.set(true)>{tr!(account.md_deactivate)}</button>
                        }.into_any()
                    }}
                }.into_any()
            } else {
                view! {
                    <p>{tr!(account.md_why_two_step)}</p>
                    <NewAuthenticator shown_codes=shown_codes code_id="two-step-code"
                        start=crate::tr_prop!(account.md_activate)
                        confirm=crate::tr_prop!(account.md_activate_label)
                        hint=crate::tr_prop!(account.md_activate_hint) />
                }.into_any()
            }}
        </section>
    }
}

/// Setting up an authenticator app: a button that starts an enrolment, then its QR code and a
/// form that confirms it with the new app's first code. The same two calls activate two-step
/// verification and, after a recovery sign-in, replace the active app (the server tells the
/// two apart); both answer fresh recovery codes.
#[component]
fn NewAuthenticator(
    shown_codes: RwSignal<Option<Vec<String>>>,
    /// The code field's id (unique on the page).
    code_id: &'static str,
    /// The button that starts the enrolment.
    start: TextProp,
    /// The form's label and its submit button.
    confirm: TextProp,
    /// The hint under the code field.
    hint: TextProp,
) -> impl IntoView {
    let session = use_session();
    let code = RwSignal::new(String::new());
    let enrol = Action::new_local(|_: &()| api::start_two_step_enrolment());
    let activate = Action::new_local(move |code_text: &String| {
        let code_text = code_text.clone();
        async move {
            let shown = api::activate_two_step(code_text).await?;
            shown_codes.set(Some(shown.recovery_codes));
            // A replacement makes new codes: the count in a recovery notice is old.
            session.forget_recovery_code_used();
            code.set(String::new());
            session.set_me(shown.me.clone());
            Ok::<Me, api::ApiFailure>(shown.me)
        }
    });
    let enrol_failure = failure_of(enrol);
    let failure = failure_of(activate);
    let code_error = field_error(failure, "code");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        activate.dispatch(code.get_untracked().trim().to_string());
    };
    let (start, confirm, hint) = (
        StoredValue::new(start),
        StoredValue::new(confirm),
        StoredValue::new(hint),
    );
    view! {
        <ActionError failure=enrol_failure />
        {move || match enrol.value().get() {
            Some(Ok(enrolment)) => view! {
                <Enrolment enrolment=enrolment />
                <form class="form-narrow" on:submit=submit aria-label=move || confirm.read_value().get()>
                    <CodeField id=code_id value=code required=true
                        hint=hint.get_value() error=code_error />
                    <ActionError failure=failure />
                    <div class="actions">
                        <button type="submit" disabled=move || activate.pending().get()>{move || confirm.read_value().get()}</button>
                    </div>
                </form>
            }.into_any(),
            _ => view! {
                <button type="button" disabled=move || enrol.pending().get() on:click=move |_| { enrol.dispatch(()); }>{move || start.read_value().get()}</button>
            }.into_any(),
        }}
    }
}

/// Passkeys: what one does here, the list (name, added, last used) with rename and remove (a
/// code), and "Add a passkey": password and code, then the browser's ceremony; the server
/// names it until the user renames it. Hidden behind a sentence when the server has none.
#[component]
fn PasskeysCard(two_step_active: bool) -> impl IntoView {
    let session = use_session();
    let list = RwSignal::new(None::<PasskeysView>);
    let load_failure = RwSignal::new(None::<api::ApiFailure>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::passkeys().await {
                Ok(view) => list.set(Some(view)),
                Err(e) => load_failure.set(Some(e)),
            }
        })
    };
    reload();
    // A passkey more or less changes what the signing forms offer: `Me.passkeys`.
    let changed = move || {
        reload();
        leptos::task::spawn_local(async move { session.refresh().await });
    };
    let adding = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let add = Action::new_local(move |(password, code): &(String, String)| {
        let (password, code) = (password.clone(), code.clone());
        async move {
            let options = api::passkey_options(password, code).await?;
            let nonce = options.nonce.clone();
            let credential = crate::passkey::create(&options).await?;
            let added = api::add_passkey(PasskeyRegistration {
                nonce,
                name: String::new(),
                credential,
            })
            .await?;
            adding.set(false);
            changed();
            Ok::<PasskeyView, api::ApiFailure>(added)
        }
    });
    let failure = failure_of(add);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        code.set(code.get_untracked().trim().to_string());
        add.dispatch((password.get_untracked(), code.get_untracked()));
        password.set(String::new());
        code.set(String::new());
    };
    view! {
        <section class="card" aria-labelledby="passkeys-title" data-testid="passkeys">
            <h2 id="passkeys-title">{tr!(account.md_pk_title)}</h2>
            <p>{tr!(account.md_pk_text)}</p>
            <ActionError failure=Signal::derive(move || load_failure.get()) />
            {move || list.get().map(|view| if !view.available {
                view! { <p class="muted" data-testid="passkeys-unavailable">{tr!(account.md_pk_unavailable)}</p> }.into_any()
            } else {
                view! {
                    {if view.passkeys.is_empty() {
                        view! { <p class="muted">{tr!(account.md_pk_none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="passkey-list" aria-label=crate::tr_prop!(account.md_pk_title)>
                                {view.passkeys.into_iter().map(|p| view! {
                                    <PasskeyItem passkey=p on_change=Callback::new(move |v: Option<PasskeysView>| match v {
                                        Some(v) => { list.set(Some(v)); changed(); }
                                        None => reload(),
                                    }) />
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {if !two_step_active {
                        view! { <p class="hint">{tr!(account.md_pk_needs_two_step)}</p> }.into_any()
                    } else {
                        view! {
                            <ActionError failure=failure />
                            {move || if adding.get() {
                                view! {
                                    <form class="form-narrow" on:submit=submit aria-label=crate::tr_prop!(account.md_pk_add)>
                                        <p class="hint">{tr!(account.md_pk_add_hint)}</p>
                                        <TextField id="passkey-password" label=crate::tr_prop!(account.md_pk_password) kind="password"
                                            value=password autocomplete="current-password" required=true />
                                        <CodeField id="passkey-code" value=code required=true error=field_error(failure, "code") />
                                        <div class="actions">
                                            <button type="submit" disabled=move || add.pending().get()>{tr!(account.md_pk_continue)}</button>
                                            <button type="button" class="secondary" on:click=move |_| adding.set(false)>{tr!(account.md_cancel)}</button>
                                        </div>
                                    </form>
                                }.into_any()
                            } else {
                                view! {
                                    <button type="button" disabled=move || add.pending().get() on:click=move |_| adding.set(true)>{tr!(account.md_pk_add)}</button>
                                }.into_any()
                            }}
                        }.into_any()
                    }}
                }.into_any()
            })}
        </section>
    }
}

/// One passkey: its name and dates, "Rename" (a name field) and "Remove" (a code, or a
/// passkey).
#[component]
fn PasskeyItem(
    passkey: PasskeyView,
    /// Gets the list the server answered after a removal, or `None` after a rename.
    on_change: Callback<Option<PasskeysView>>,
) -> impl IntoView {
    #[derive(Clone, Copy)]
    enum Change {
        Rename,
        RemoveWithCode,
        RemoveWithPasskey,
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Open {
        Nothing,
        Rename,
        Remove,
    }
    let open = RwSignal::new(Open::Nothing);
    let name = RwSignal::new(passkey.name.clone());
    let code = RwSignal::new(String::new());
    let id = StoredValue::new(passkey.id.clone());
    let change = Action::new_local(move |how: &Change| {
        let how = *how;
        async move {
            let answer = match how {
                Change::Rename => {
                    api::rename_passkey(id.get_value(), name.get_untracked().trim().to_string())
                        .await
                        .map(|_| None)
                }
                Change::RemoveWithCode => api::remove_passkey(
                    id.get_value(),
                    code.get_untracked().trim().to_string(),
                    None,
                )
                .await
                .map(Some),
                // Any of the user's passkeys, over a challenge bound to removing this one.
                Change::RemoveWithPasskey => async {
                    let options = api::passkey_removal_options(id.get_value()).await?;
                    let assertion = crate::passkey::assert(options).await?;
                    api::remove_passkey(id.get_value(), String::new(), Some(assertion)).await
                }
                .await
                .map(Some),
            };
            if let Ok(list) = &answer {
                on_change.run(list.clone());
            }
            answer
        }
    });
    let failure = failure_of(change);
    let dates = match &passkey.last_used_at {
        Some(used) => tr_string!(
            account.md_pk_dates_used,
            added = local_time(&passkey.created_at),
            used = local_time(used)
        )
        .to_string(),
        None => tr_string!(
            account.md_pk_dates_unused,
            added = local_time(&passkey.created_at)
        )
        .to_string(),
    };
    let field_id = move |what: &str| format!("passkey-{what}-{}", id.get_value());
    view! {
        <li class="passkey" data-testid="passkey" data-passkey=passkey.name.clone()>
            <div class="passkey-head">
                <div>
                    <strong class="passkey-name">{passkey.name.clone()}</strong>
                    <span class="hint">{dates}</span>
                </div>
                {move || (open.get() == Open::Nothing).then(|| view! {
                    <div class="actions">
                        <button type="button" class="secondary small" on:click=move |_| open.set(Open::Rename)>{tr!(account.md_pk_rename)}</button>
                        <button type="button" class="secondary small" on:click=move |_| open.set(Open::Remove)>{tr!(account.md_pk_remove)}</button>
                    </div>
                })}
            </div>
            {move || match open.get() {
                Open::Nothing => ().into_any(),
                Open::Rename => view! {
                    <form class="form-narrow" aria-label=crate::tr_prop!(account.md_pk_rename)
                        on:submit=move |ev: SubmitEvent| { ev.prevent_default(); change.dispatch(Change::Rename); }>
                        <TextField id=field_id("name") label=crate::tr_prop!(account.md_name) value=name required=true
                            error=field_error(failure, "name") />
                        <ActionError failure=failure />
                        <div class="actions">
                            <button type="submit" disabled=move || change.pending().get()>{tr!(account.md_pk_save)}</button>
                            <button type="button" class="secondary" on:click=move |_| open.set(Open::Nothing)>{tr!(account.md_cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
                Open::Remove => view! {
                    <form class="form-narrow" aria-label=crate::tr_prop!(account.md_pk_remove_label)
                        on:submit=move |ev: SubmitEvent| { ev.prevent_default(); change.dispatch(Change::RemoveWithCode); }>
                        <CodeField id=field_id("code") value=code required=true
                            hint=crate::tr_prop!(account.md_pk_remove_hint) error=field_error(failure, "code") />
                        <ActionError failure=failure />
                        <div class="actions">
                            <button type="submit" class="danger" disabled=move || change.pending().get()>{tr!(account.md_pk_remove_label)}</button>
                            <button type="button" class="secondary" disabled=move || change.pending().get()
                                on:click=move |_| { change.dispatch(Change::RemoveWithPasskey); }>{tr!(account.md_pk_remove_passkey)}</button>
                            <button type="button" class="secondary" on:click=move |_| open.set(Open::Nothing)>{tr!(account.md_cancel)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </li>
    }
}

/// The new secret three ways: a QR code, the otpauth URI, and the base32 secret.
#[component]
fn Enrolment(enrolment: TwoStepEnrolment) -> impl IntoView {
    view! {
        <div class="enrolment">
            <div class="qr" role="img" aria-label=crate::tr_prop!(account.md_qr_label)
                data-testid="two-step-qr" inner_html=enrolment.qr_svg></div>
            <div class="enrolment-text">
                <p>{tr!(account.md_scan)}</p>
                <p class="label-like" id="otpauth-label">{tr!(account.md_setup_link)}</p>
                <code class="copyable" data-testid="otpauth-uri" aria-labelledby="otpauth-label" tabindex="0">{enrolment.otpauth_uri}</code>
                <p class="label-like" id="secret-label">{tr!(account.md_secret_key)}</p>
                <code class="copyable" data-testid="totp-secret" aria-labelledby="secret-label" tabindex="0">{enrolment.secret}</code>
                <p class="hint">{tr!(account.md_secret_hint)}</p>
            </div>
        </div>
    }
}

/// How many recovery codes are left, and "Generate new codes": a fresh code from the
/// authenticator app (a step-up), then a new set that voids the old one.
#[component]
fn RecoveryCodes(left: u32, shown_codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let session = use_session();
    let asking = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let generate = Action::new_local(move |code_text: &String| {
        let code_text = code_text.clone();
        async move {
            api::step_up(code_text).await?;
            let shown = api::new_recovery_codes().await?;
            code.set(String::new());
            asking.set(false);
            shown_codes.set(Some(shown.recovery_codes));
            session.forget_recovery_code_used();
            session.set_me(shown.me);
            Ok::<(), api::ApiFailure>(())
        }
    });
    let failure = failure_of(generate);
    let code_error = field_error(failure, "code");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        generate.dispatch(code.get_untracked().trim().to_string());
    };
    view! {
        <div class="recovery" data-testid="recovery-codes">
            <h3>{tr!(account.md_recovery_title)}</h3>
            <p data-testid="recovery-codes-left">
                {move || if left == 1 {
                    tr_string!(account.md_recovery_left_singular, count = left).to_string()
                } else {
                    tr_string!(account.md_recovery_left_plural, count = left).to_string()
                }}
            </p>
            <p class="hint">{tr!(account.md_recovery_hint)}</p>
            {move || if asking.get() {
                view! {
                    <form class="form-narrow" on:submit=submit aria-label=crate::tr_prop!(account.md_recovery_generate_label)>
                        <CodeField id="recovery-step-up-code" value=code required=true
                            hint=crate::tr_prop!(account.md_recovery_generate_hint) error=code_error />
                        <ActionError failure=failure />
                        <div class="actions">
                            <button type="submit" disabled=move || generate.pending().get()>{tr!(account.md_recovery_generate_label)}</button>
                            <button type="button" class="secondary" on:click=move |_| asking.set(false)>{tr!(account.md_cancel)}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="secondary" on:click=move |_| asking.set(true)>{tr!(account.md_recovery_generate)}</button>
                }.into_any()
            }}
        </div>
    }
}

/// The ten codes just made, shown this once: a list, "Download as a text file" (a Blob
/// download made in the browser) and "I have saved my codes", which hides them for good.
#[component]
fn ShownCodes(
    codes: Vec<String>,
    email: String,
    shown_codes: RwSignal<Option<Vec<String>>>,
) -> impl IntoView {
    let text = StoredValue::new(codes_file(&codes, &email));
    let download = move |_| {
        if let Err(e) = download_text(&text.get_value(), "approve-and-pay-recovery-codes.txt") {
            leptos::logging::error!("download of the recovery codes failed: {e:?}");
        }
    };
    view! {
        <section class="note note-warn shown-codes" aria-labelledby="shown-codes-title" data-testid="shown-recovery-codes">
            <h3 id="shown-codes-title">{tr!(account.md_recovery_shown_title)}</h3>
            <p>{tr!(account.md_recovery_shown_once)}</p>
            <ol class="recovery-code-list" aria-label=crate::tr_prop!(account.md_recovery_title)>
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            <div class="actions">
                <button type="button" on:click=download data-testid="download-recovery-codes">{tr!(account.md_recovery_download)}</button>
                <button type="button" class="secondary" on:click=move |_| shown_codes.set(None)>{tr!(account.md_recovery_done)}</button>
            </div>
        </section>
    }
}

/// The text file of a set of codes, in the language shown.
fn codes_file(codes: &[String], email: &str) -> String {
    let mut text = format!(
        "{}\n{}\n\n",
        tr_string!(account.md_recovery_file_title, email = email.to_owned()),
        tr_string!(account.md_recovery_file_hint)
    );
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// Saves `text` as a file named `name` through a Blob URL and a link clicked once.
fn download_text(text: &str, name: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has read the Blob by then; revoking at once can cut it off.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
