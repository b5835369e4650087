//! `/autopay`: AutoPay's screen for AutoPay Approvers (System Administrators may read it;
//! everyone else is told which role is needed). This module holds the screen, who may use it,
//! and the wiring of its three parts: the upload area (`upload.rs`), the files that wait for a
//! signed upload (`files.rs`) and the payments with their filters (`payments.rs`).

mod files;
mod payments;
mod upload;

use ap_core::api_autopay::UploadResult;
use ap_core::roles::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::session::use_session;
use crate::tr;
use crate::widgets::SignedInScreen;

use files::FilesWaiting;
use payments::PaymentList;
pub(crate) use payments::PreApproved;
use upload::UploadArea;
pub(crate) use upload::UploadOutcome;

/// Payments, payment files and the upload.
#[component]
pub fn AutoPay() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(autopay.screen_title) lead=crate::tr_prop!(autopay.screen_lead)>
            <AutoPayOnly><AutoPayScreen /></AutoPayOnly>
        </SignedInScreen>
    }
}

/// What the signed-in user may do in AutoPay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AutoPayAccess {
    /// Companies where the user is AutoPay Approver: (id, name).
    pub approver_of: Vec<(String, String)>,
    pub is_system_admin: bool,
}

impl AutoPayAccess {
    pub fn may_approve(&self, company: &str) -> bool {
        self.approver_of.iter().any(|(id, _)| id == company)
    }
}

/// The signed-in user's AutoPay access (`None` while nobody is signed in).
pub(crate) fn use_autopay_access() -> Memo<Option<AutoPayAccess>> {
    let session = use_session();
    Memo::new(move |_| {
        session.me().map(|me| AutoPayAccess {
            approver_of: me
                .companies
                .iter()
                .filter(|c| c.roles.contains(&Role::AutoPayApprover))
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect(),
            is_system_admin: me.is_system_admin,
        })
    })
}

/// Its children for AutoPay Approvers and System Administrators; everyone else is told which
/// role is needed.
#[component]
pub(crate) fn AutoPayOnly(children: ChildrenFn) -> impl IntoView {
    let access = use_autopay_access();
    let allowed = Memo::new(move |_| {
        access
            .get()
            .is_some_and(|a| a.is_system_admin || !a.approver_of.is_empty())
    });
    let children = StoredValue::new(children);
    move || {
        if allowed.get() {
            children.read_value()().into_any()
        } else {
            view! {
                <p class="note note-warn" role="alert" data-testid="needs-autopay-role">
                    {tr!(autopay.needs_role)}
                </p>
            }
            .into_any()
        }
    }
}

/// The companies the user may look at in AutoPay: (id, name).
pub(crate) fn readable_companies(
    access: Memo<Option<AutoPayAccess>>,
) -> LocalResource<Vec<(String, String)>> {
    LocalResource::new(move || {
        let access = access.get();
        async move {
            let Some(access) = access else {
                return Vec::new();
            };
            let mut list = access.approver_of.clone();
            if access.is_system_admin {
                for c in api::companies().await.unwrap_or_default() {
                    if !list.iter().any(|(id, _)| *id == c.id) {
                        list.push((c.id, c.name));
                    }
                }
            }
            list.sort_by(|a, b| a.1.cmp(&b.1));
            list
        }
    })
}

#[component]
fn AutoPayScreen() -> impl IntoView {
    let access = use_autopay_access();
    let may_upload = Memo::new(move |_| access.get().is_some_and(|a| !a.approver_of.is_empty()));
    // Bumped after an upload or a signed upload, so the lists below load again.
    let changed = RwSignal::new(0u32);
    let last_upload = RwSignal::new(None::<UploadResult>);
    let companies = readable_companies(access);
    view! {
        {move || if may_upload.get() {
            view! { <UploadArea result=last_upload on_done=Callback::new(move |_| changed.update(|n| *n += 1)) /> }.into_any()
        } else {
            view! {
                <p class="note" data-testid="read-only">{tr!(autopay.read_only)}</p>
            }.into_any()
        }}
        <FilesWaiting changed=changed last_upload=last_upload />
        <PaymentList changed=changed companies=companies />
        <SettingsLinks companies=companies />
    }
}

/// Where "Allow pre-approval" and the bank agreements are set: a link to each company's AutoPay
/// settings, for the users who may change them there (the company's AutoPay Administrators and
/// System Administrators). Nothing for everyone else.
#[component]
fn SettingsLinks(companies: LocalResource<Vec<(String, String)>>) -> impl IntoView {
    let session = use_session();
    let administered = move || {
        let me = session.me()?;
        let mine: Vec<(String, String)> = if me.is_system_admin {
            companies.get().unwrap_or_default()
        } else {
            me.companies
                .iter()
                .filter(|c| c.roles.contains(&Role::AutoPayAdministrator))
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect()
        };
        (!mine.is_empty()).then_some(mine)
    };
    move || {
        administered().map(|list| view! {
            <section class="card" aria-labelledby="autopay-settings-title" data-testid="autopay-settings-links">
                <h2 id="autopay-settings-title">{tr!(autopay.settings_title)}</h2>
                <p class="muted">{tr!(autopay.settings_lead)}</p>
                <ul class="link-list">
                    {list.into_iter().map(|(id, name)| view! {
                        <li><A href=format!("/company/{id}/autopay")>{tr!(autopay.settings_link, company = name.clone())}</A></li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
