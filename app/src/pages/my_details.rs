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
    view! {
        <SignedInScreen title=crate::tr_prop!(account.screen_title) lead=crate::tr_prop!(account.screen_lead)>
            {move || session.me().map(|me| view! {
                <AccountCard me=me.clone() />
                <RolesCard me=me.clone() />
                <TwoStepCard me=me />
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
                    {move || if deactivating.get() {
                        view! {
                            <form class="form-narrow" on:submit=submit aria-label=crate::tr_prop!(account.md_deactivate_label)>
                                <CodeField id="two-step-code" value=code required=true error=code_error />
                                <ActionError failure=failure />
                                <div class="actions">
                                    <button type="submit" class="danger" disabled=move || confirm.pending().get()>{tr!(account.md_deactivate_label)}</button>
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
                    <ActionError failure=enrol_failure />
                    {move || match enrol.value().get() {
                        Some(Ok(enrolment)) => view! {
                            <Enrolment enrolment=enrolment />
                            <form class="form-narrow" on:submit=submit aria-label=crate::tr_prop!(account.md_activate_label)>
                                <CodeField id="two-step-code" value=code required=true
                                    hint=crate::tr_prop!(account.md_activate_hint) error=code_error />
                                <ActionError failure=failure />
                                <div class="actions">
                                    <button type="submit" disabled=move || confirm.pending().get()>{tr!(account.md_activate_label)}</button>
                                </div>
                            </form>
                        }.into_any(),
                        _ => view! {
                            <button type="button" disabled=move || enrol.pending().get() on:click=move |_| { enrol.dispatch(()); }>{tr!(account.md_activate)}</button>
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
