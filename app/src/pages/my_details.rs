//! `/my-details`: the signed-in user's account, roles per company, password and two-step
//! verification.

use ap_core::api::{Me, TwoStepEnrolment};
use ap_core::roles::{Role, SYSTEM_ADMINISTRATOR};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::pages::account::ChangePasswordForm;
use crate::session::use_session;
use crate::widgets::{
    failure_of, field_error, local_time, ActionError, CodeField, Column, DataTable, Row,
    SignedInScreen,
};

const ROLE_COLUMNS: &[Column] = &[
    Column::new("Company").row_header(),
    Column::new("Roles"),
    Column::new("Approve and pay"),
];

/// My details: who I am, where I may approve and pay (and if not, why), password, two-step.
#[component]
pub fn MyDetails() -> impl IntoView {
    let session = use_session();
    view! {
        <SignedInScreen title="My details" lead="Your account, your roles per company and two-step verification.">
            {move || session.me().map(|me| view! {
                <AccountCard me=me.clone() />
                <RolesCard me=me.clone() />
                <TwoStepCard me=me />
                <section class="card" aria-labelledby="password-title">
                    <h2 id="password-title">"Change password"</h2>
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
            <h2 id="account-title">"Account"</h2>
            <dl class="facts">
                <dt>"Name"</dt><dd data-testid="my-name">{me.name}</dd>
                <dt>"E-mail"</dt><dd data-testid="my-email">{me.email}</dd>
                <dt>"Organisation role"</dt>
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
            <h2 id="roles-title">"Roles per company"</h2>
            {if me.companies.is_empty() {
                view! { <p class="muted">"You have no roles in any company yet. A System Administrator gives them."</p> }.into_any()
            } else {
                view! {
                    <DataTable caption="Your roles per company" testid="my-roles" columns=ROLE_COLUMNS
                        rows=me.companies.into_iter().map(|c| {
                            Row::new()
                                .attr("data-company", c.name.clone())
                                .cell(c.name)
                                .cell(c.roles.iter().map(|r| r.display_name()).collect::<Vec<_>>().join(", "))
                                .cell(if c.approve_and_pay_ready {
                                    view! { <span class="badge badge-ok">"✓ Available"</span> }.into_any()
                                } else {
                                    view! {
                                        <span class="badge badge-no">"Not available"</span>
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
                        <li><A href=format!("/company/{id}/autopay")>{format!("AutoPay settings for {name}")}</A></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Two-step verification: activate with a QR code / otpauth URI and a first code, or
/// deactivate with a code. Shows the lock and until when.
#[component]
fn TwoStepCard(me: Me) -> impl IntoView {
    let session = use_session();
    let enrol = Action::new_local(|_: &()| api::start_two_step_enrolment());
    let code = RwSignal::new(String::new());
    let deactivating = RwSignal::new(false);
    let confirm = Action::new_local(move |(activate, code_text): &(bool, String)| {
        let (activate, code_text) = (*activate, code_text.clone());
        async move {
            let result = if activate {
                api::activate_two_step(code_text).await
            } else {
                api::deactivate_two_step(code_text).await
            };
            if let Ok(me) = &result {
                code.set(String::new());
                session.set_me(me.clone());
            }
            result
        }
    });
    let enrol_failure = failure_of(enrol);
    let failure = failure_of(confirm);
    let code_error = field_error(failure, "code");
    let active = me.two_step_active;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch((!active, code.get_untracked().trim().to_string()));
    };
    view! {
        <section class="card" aria-labelledby="two-step-title">
            <h2 id="two-step-title">"Two-step verification"</h2>
            <p>
                "Status: "
                {if active {
                    view! { <span class="badge badge-ok" data-testid="two-step-status">"Active"</span> }.into_any()
                } else {
                    view! { <span class="badge" data-testid="two-step-status">"Not active"</span> }.into_any()
                }}
            </p>
            {me.locked_until.map(|until| view! {
                <p class="note note-warn" role="status" data-testid="lock-note">
                    "Two-step verification is locked after too many failed attempts until "
                    <strong>{local_time(&until)}</strong>
                    ". A System Administrator can unlock it sooner."
                </p>
            })}
            {if active {
                view! {
                    <p>"Signing in and signing payments ask for a code from your authenticator app."</p>
                    {move || if deactivating.get() {
                        view! {
                            <form class="form-narrow" on:submit=submit aria-label="Deactivate two-step verification">
                                <CodeField id="two-step-code" value=code required=true error=code_error />
                                <ActionError failure=failure />
                                <div class="actions">
                                    <button type="submit" class="danger" disabled=move || confirm.pending().get()>"Deactivate two-step verification"</button>
                                    <button type="button" class="secondary" on:click=move |_| deactivating.set(false)>"Cancel"</button>
                                </div>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="secondary" on:click=move |_| deactivating.set(true)>"Deactivate"</button>
                        }.into_any()
                    }}
                }.into_any()
            } else {
                view! {
                    <p>"Approve and pay needs two-step verification: an authenticator app (e.g. Google Authenticator, Microsoft Authenticator, 1Password) gives a new 6-digit code every 30 seconds."</p>
                    <ActionError failure=enrol_failure />
                    {move || match enrol.value().get() {
                        Some(Ok(enrolment)) => view! {
                            <Enrolment enrolment=enrolment />
                            <form class="form-narrow" on:submit=submit aria-label="Activate two-step verification">
                                <CodeField id="two-step-code" value=code required=true
                                    hint="Enter the code your app shows now to finish activation." error=code_error />
                                <ActionError failure=failure />
                                <div class="actions">
                                    <button type="submit" disabled=move || confirm.pending().get()>"Activate two-step verification"</button>
                                </div>
                            </form>
                        }.into_any(),
                        _ => view! {
                            <button type="button" disabled=move || enrol.pending().get() on:click=move |_| { enrol.dispatch(()); }>"Activate"</button>
                        }.into_any(),
                    }}
                }.into_any()
            }}
        </section>
    }
}

/// The new secret three ways: a QR code, the otpauth URI, and the base32 secret.
#[component]
fn Enrolment(enrolment: TwoStepEnrolment) -> impl IntoView {
    view! {
        <div class="enrolment">
            <div class="qr" role="img" aria-label="QR code to scan with your authenticator app"
                data-testid="two-step-qr" inner_html=enrolment.qr_svg></div>
            <div class="enrolment-text">
                <p>"Scan the QR code with your authenticator app, or add the account by hand."</p>
                <p class="label-like" id="otpauth-label">"Setup link (otpauth URI)"</p>
                <code class="copyable" data-testid="otpauth-uri" aria-labelledby="otpauth-label" tabindex="0">{enrolment.otpauth_uri}</code>
                <p class="label-like" id="secret-label">"Secret key (for typing in by hand)"</p>
                <code class="copyable" data-testid="totp-secret" aria-labelledby="secret-label" tabindex="0">{enrolment.secret}</code>
                <p class="hint">"Time-based, 6 digits, every 30 seconds. Keep this secret: anyone with it can produce your codes."</p>
            </div>
        </div>
    }
}
