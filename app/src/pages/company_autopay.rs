//! `/company/:id/autopay`: a company's AutoPay settings for its AutoPay Administrators (and
//! System Administrators): the Allow pre-approval switch and the bank agreements.

use ap_core::api::{CompanySettingsPatch, CompanyView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::HtmlInputElement;

use crate::api;
use crate::pages::admin::{newest, BankAgreements};
use crate::routes::use_path_id;
use crate::widgets::{ErrorNote, Loaded, SignedInScreen};
use crate::{tr, tr_string};

/// AutoPay settings of one company.
#[component]
pub fn CompanyAutoPay() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(autopay.screen_settings_title) lead=crate::tr_prop!(autopay.screen_settings_lead)>
            <CompanyAutoPayScreen />
        </SignedInScreen>
    }
}

#[component]
fn CompanyAutoPayScreen() -> impl IntoView {
    let id = use_path_id();
    let loaded = LocalResource::new(move || api::company(id.get()));
    let reload = Callback::new(move |_: ()| loaded.refetch());
    // The company as the last change answered it, newer than `loaded` until it reloads.
    let answered = RwSignal::new(None::<CompanyView>);
    let saved = Callback::new(move |c: CompanyView| {
        answered.set(Some(c));
        loaded.refetch();
    });
    // The latest answer; the card below is rendered once and follows it, so the switch is
    // never replaced under the pointer.
    let current = Memo::new(move |_| {
        let listed = loaded.get().and_then(Result::ok)?;
        Some(newest(listed, answered.get()))
    });
    let shown = Memo::new(move |_| current.with(|c| c.as_ref().map(|c| c.id.clone())));
    view! {
        <p class="back"><A href="/my-details">{tr!(autopay.back_my_details)}</A>" · "<A href="/autopay">"AutoPay"</A></p>
        // Only the loading note or the failure here: the card follows `current`.
        <Loaded from=loaded loading=tr_string!(autopay.loading_company) let:_company>
            ""
        </Loaded>
        {move || shown.get().map(|company_id| view! { <CompanyAutoPayCard company_id=company_id current=current saved=saved reload=reload /> })}
    }
}

/// The company's name, the Allow pre-approval switch and its bank agreements.
#[component]
fn CompanyAutoPayCard(
    company_id: String,
    current: Memo<Option<CompanyView>>,
    saved: Callback<CompanyView>,
    reload: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let name = Memo::new(move |_| {
        current.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default())
    });
    let pre = Memo::new(move |_| {
        current.with(|c| c.as_ref().is_some_and(|c| c.settings.allow_pre_approval))
    });
    let agreements = Memo::new(move |_| {
        current.with(|c| {
            c.as_ref()
                .map(|c| c.bank_agreements.clone())
                .unwrap_or_default()
        })
    });
    let toggle = {
        let company_id = company_id.clone();
        move |ev: leptos::ev::Event| {
            let input: HtmlInputElement = event_target(&ev);
            let on = input.checked();
            let patch = CompanySettingsPatch {
                allow_pre_approval: Some(on),
                // Made on the version on screen; a change by someone else meanwhile is a 409.
                expected_version: current.with_untracked(|c| c.as_ref().map(|c| c.version)),
                ..Default::default()
            };
            let company_id = company_id.clone();
            error.set(None);
            spawn_local(async move {
                match api::update_company_settings(company_id, patch).await {
                    Ok(c) => saved.run(c),
                    Err(e) if e.status == 409 => {
                        input.set_checked(!on);
                        reload.run(());
                        error.set(Some(e.message));
                    }
                    Err(e) => {
                        input.set_checked(!on);
                        error.set(Some(e.message));
                    }
                }
            });
        }
    };
    view! {
        <section class="card" aria-labelledby="company-autopay-title" data-testid="company-autopay">
            <h2 id="company-autopay-title">{name}</h2>
            <fieldset class="switches">
                <legend class="visually-hidden">{tr!(autopay.settings_title)}</legend>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=pre on:change=toggle aria-describedby="pre-approval-note" />
                    {tr!(autopay.allow_pre_approval)}
                </label>
                <p class="hint" id="pre-approval-note">{tr!(autopay.allow_pre_approval_note)}</p>
                {move || error.get().map(|m| view! { <ErrorNote message=m /> })}
            </fieldset>
            {move || view! { <BankAgreements company_id=company_id.clone() company_name=name.get() agreements=agreements.get() saved=saved /> }}
        </section>
    }
}
