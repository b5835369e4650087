//! The signing dialog: shows exactly what is signed (every payee, account, amount and due date
//! per company, and the totals per currency), asks for password and the current TOTP code (or
//! the user's passkey, whose challenge the server derives from that digest), and signs the
//! digest of what it showed. Also the confirmation shown after signing.

use ap_core::api_approval::{BundleView, SignRequest, SignResult};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::api::ApiFailure;
use crate::api_approval as api;
use crate::widgets::{
    account_text, amount_text, date_text, totals_text, ActionError, CodeField, TextField,
};
use crate::{tr, tr_string};

/// What can take focus inside the dialog, in document order.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// A modal `<dialog>` (opened with `showModal`, so the page behind it is inert). Focus starts
/// on the password field (or "Sign with passkey") and Tab / Shift+Tab cycle inside; Escape or "Cancel" closes it.
#[component]
pub fn SigningDialog(
    /// The bundle exactly as shown to the user; its digest is what gets signed. `None` keeps
    /// the dialog closed; setting it opens the dialog.
    shown: RwSignal<Option<BundleView>>,
    /// Gets the result after a successful signing (the dialog closes itself).
    on_signed: Callback<SignResult>,
    /// Gets the current bundle when the server says it changed since it was shown.
    on_bundle: Callback<BundleView>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let use_factors = RwSignal::new(false);

    // Sync the element with `shown`: the one place the dialog opens and closes.
    Effect::new(move |_| {
        let open = shown.with(|s| s.is_some());
        let Some(el) = dialog.get() else { return };
        if open && !el.open() {
            failure.set(None);
            if el.show_modal().is_ok() {
                focus_first_field(&el);
            }
        } else if !open && el.open() {
            el.close();
        }
    });
    let close = move || {
        use_factors.set(false);
        password.set(String::new());
        code.set(String::new());
        failure.set(None);
        shown.set(None);
    };

    // `None`: with a passkey, whose challenge the server derives from this digest.
    let sign = Action::new_local(
        move |(digest, factors): &(String, Option<(String, String)>)| {
            let (digest, factors) = (digest.clone(), factors.clone());
            async move {
                let signed = async {
                    let req = match factors {
                        Some((password, code)) => SignRequest {
                            password,
                            code,
                            digest,
                            passkey: None,
                        },
                        None => {
                            let options = api::bundle_passkey_options(digest.clone()).await?;
                            SignRequest {
                                password: String::new(),
                                code: String::new(),
                                digest,
                                passkey: Some(crate::passkey::assert(options).await?),
                            }
                        }
                    };
                    api::sign_bundle(req).await
                };
                match signed.await {
                    Ok(result) => {
                        close();
                        on_signed.run(result);
                    }
                    Err(e) if e.status == 409 => {
                        // Not what was shown any more: show the current bundle and say so.
                        code.set(String::new());
                        let message =
                            tr_string!(signing.bundle_changed, message = e.message.clone())
                                .to_string();
                        match api::bundle().await {
                            Ok(current) => {
                                on_bundle.run(current.clone());
                                if current.count == 0 {
                                    close();
                                } else {
                                    shown.set(Some(current));
                                }
                            }
                            Err(reload) => failure.set(Some(reload)),
                        }
                        failure.set(Some(ApiFailure { message, ..e }));
                    }
                    Err(e) => {
                        code.set(String::new());
                        failure.set(Some(e));
                    }
                }
            }
        },
    );

    let start = move |factors: Option<(String, String)>| {
        let Some(digest) = shown.with_untracked(|s| s.as_ref().map(|b| b.digest.clone())) else {
            return;
        };
        failure.set(None);
        sign.dispatch((digest, factors));
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        start(Some((
            password.get_untracked(),
            code.get_untracked().trim().to_string(),
        )));
    };
    let session = crate::session::use_session();
    // A user with a passkey is offered it first; "Use password and code instead" shows those.
    let passkey_first =
        move || !use_factors.get() && session.me().is_some_and(|me| me.passkeys > 0);

    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            if let Some(el) = dialog.get_untracked() {
                keep_focus_inside(&el, &ev);
            }
        }
        _ => {}
    };

    view! {
        <dialog node_ref=dialog class="signing" aria-labelledby="signing-title" aria-describedby="signing-lead"
            aria-modal="true" data-testid="signing-dialog"
            on:keydown=on_keydown on:close=move |_| if shown.with_untracked(|s| s.is_some()) { close() }>
            <div class="signing-head">
                <h2 id="signing-title">{tr!(signing.title)}</h2>
                {move || shown.with(|b| b.as_ref().map(|b| view! {
                    <p id="signing-lead" class="lead">
                        {if b.count == 1 {
                            tr_string!(signing.lead_singular, totals = totals_text(&b.totals)).to_string()
                        } else {
                            tr_string!(signing.lead_plural, count = b.count, totals = totals_text(&b.totals)).to_string()
                        }}
                    </p>
                }))}
            </div>
            {move || shown.get().map(|b| view! { <SignedContent bundle=b /> })}
            // The total and the form stay in view below the list, which scrolls on its own.
            <div class="signing-foot">
                {move || shown.with(|b| b.as_ref().map(|b| view! {
                    <dl class="totals grand" data-testid="signing-totals">
                        {b.totals.iter().map(|t| view! {
                            <div><dt>{tr_string!(signing.total_currency, currency = t.currency.clone()).to_string()}</dt><dd class="amount">{amount_text(t)}</dd></div>
                        }).collect_view()}
                    </dl>
                }))}
                <form class="signing-form" on:submit=on_submit aria-label=crate::tr_prop!(signing.form_label)>
                    // With a passkey, password and code wait behind a link: the list above keeps
                    // the room on a phone.
                    {move || (!passkey_first()).then(|| view! {
                        <div class="form-grid">
                            <TextField id="sign-password" label=crate::tr_prop!(signing.password) kind="password" value=password autocomplete="current-password" required=true />
                            <CodeField id="sign-code" value=code required=true hint=crate::tr_prop!(signing.code_hint) />
                        </div>
                    })}
                    <ActionError failure=Signal::derive(move || failure.get()) />
                    <div class="actions">
                        {move || if passkey_first() {
                            view! {
                                <button type="button" data-testid="sign-with-passkey" disabled=move || sign.pending().get()
                                    on:click=move |_| start(None)>
                                    {move || if sign.pending().get() { tr_string!(signing.signing) } else { tr_string!(signing.sign_passkey) }}
                                </button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="submit" disabled=move || sign.pending().get()>
                                    {move || if sign.pending().get() { tr_string!(signing.signing) } else { tr_string!(signing.sign_and_pay) }}
                                </button>
                            }.into_any()
                        }}
                        <button type="button" class="secondary" on:click=move |_| close()>{tr!(signing.cancel)}</button>
                    </div>
                    {move || passkey_first().then(|| view! {
                        <p><button type="button" class="link-button" on:click=move |_| {
                            use_factors.set(true);
                            // Once the fields are drawn.
                            request_animation_frame(move || {
                                if let Some(el) = dialog.get_untracked() {
                                    focus_first_field(&el);
                                }
                            });
                        }>{tr!(signing.use_password)}</button></p>
                    })}
                </form>
            </div>
        </dialog>
    }
}

/// Every invoice of the bundle per company (payee, account, invoice, due date, amount), the
/// company totals and the totals per currency: exactly what the signature covers.
#[component]
fn SignedContent(bundle: BundleView) -> impl IntoView {
    let b = bundle;
    // Focusable so a keyboard user can scroll it when it is long.
    view! {
        <div class="signing-content" data-testid="signing-content" tabindex="0" role="region" aria-label=crate::tr_prop!(signing.content_label)>
            {b.groups.iter().map(|g| {
                let heading_id = format!("sign-{}", g.company_id);
                let rows: Vec<_> = g.item_ids.iter().filter_map(|id| b.items.iter().find(|i| &i.id == id).cloned()).collect();
                view! {
                    <h3 id=heading_id.clone()>{g.company_name.clone()}</h3>
                    <p class="hint" data-testid="debtor-account">
                        {tr_string!(signing.paid_from, account = account_text(&g.debtor_account), bank = g.debtor_bank.clone()).to_string()}
                    </p>
                    {(g.approvers_required > 1).then(|| view! {
                        <p class="note" data-testid="second-approver-needed">
                            {tr_string!(signing.second_approver, count = g.approvers_required).to_string()}
                        </p>
                    })}
                    <table class="table compact stack" aria-labelledby=heading_id data-company=g.company_name.clone()>
                        <thead><tr>
                            <th scope="col">{tr!(signing.col_payee)}</th><th scope="col">{tr!(signing.col_account)}</th><th scope="col">{tr!(signing.col_invoice)}</th>
                            <th scope="col">{tr!(signing.col_due_date)}</th><th scope="col" class="num">{tr!(signing.col_amount)}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|i| view! {
                                <tr data-invoice=i.invoice_number.clone()>
                                    <th scope="row">{i.payee_name.clone()}{i.on_behalf_of.clone().map(|n| view! { <span class="hint" data-testid="on-behalf">{tr_string!(signing.on_behalf, name = n).to_string()}</span> })}</th>
                                    <td class="mono account" data-label=crate::tr_prop!(signing.col_account)>{account_text(&i.creditor_account)}{i.creditor_bic.clone().map(|b| view! { <span class="hint">{format!(" · {b}")}</span> })}</td>
                                    <td class="reference" data-label=crate::tr_prop!(signing.col_invoice)>{i.invoice_number.clone()}" · "<span class="hint">{tr_string!(signing.reference, reference = i.payment_reference.clone()).to_string()}</span></td>
                                    <td class="nowrap" data-label=crate::tr_prop!(signing.col_due_date) data-testid="due-date">{date_text(&i.due_date)}</td>
                                    <td class="num" data-label=crate::tr_prop!(signing.col_amount) data-testid="amount">{amount_text(&i.amount)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr>
                            <th scope="row" colspan="4">{tr_string!(signing.company_total, company = g.company_name.clone()).to_string()}</th>
                            <td class="num strong" data-testid="company-total">{totals_text(&g.totals)}</td>
                        </tr></tfoot>
                    </table>
                }
            }).collect_view()}
        </div>
    }
}

/// Every focusable element inside `root`, in document order.
fn focusables(root: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn focus_first_field(dialog: &web_sys::Element) {
    let first = focusables(dialog).into_iter().find(|e| {
        e.tag_name().eq_ignore_ascii_case("input")
            || e.get_attribute("data-testid").as_deref() == Some("sign-with-passkey")
    });
    if let Some(first) = first {
        let _ = first.focus();
    }
}

/// Tab from the last element goes to the first, Shift+Tab from the first to the last.
fn keep_focus_inside(dialog: &web_sys::Element, ev: &KeyboardEvent) {
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        return;
    };
    let active = document().active_element();
    let is = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| js_sys::Object::is(a, el.as_ref()))
    };
    let outside = !active
        .as_ref()
        .is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
    if ev.shift_key() && (is(first) || outside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (is(last) || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// What signing did: what was approved and pre-approved for payment, in total and per company
/// (token's last four only), what happens next (nothing is paid yet), and
/// which invoices were refused and why (they stay in the bundle).
#[component]
pub fn SignConfirmation(result: SignResult, on_dismiss: Callback<()>) -> impl IntoView {
    let paid: usize = result.companies.iter().map(|c| c.invoices.len()).sum();
    let refused: usize = result.companies.iter().map(|c| c.refused.len()).sum();
    let remaining = result.bundle.items.clone();
    let name_of = move |id: &str| {
        remaining
            .iter()
            .find(|i| i.id == id)
            .map(|i| {
                tr_string!(
                    signing.invoice_from,
                    number = i.invoice_number.clone(),
                    supplier = i.payee_name.clone()
                )
                .to_string()
            })
            .unwrap_or_else(|| tr_string!(signing.invoice_id, id = id.to_string()).to_string())
    };
    let class = if refused == 0 {
        "note note-ok confirmation"
    } else {
        "note note-warn confirmation"
    };
    view! {
        <section class=class aria-labelledby="confirmation-title">
            <h2 id="confirmation-title">{match paid {
                0 => tr_string!(signing.nothing_signed).to_string(),
                1 => tr_string!(signing.confirmed_singular).to_string(),
                _ => tr_string!(signing.confirmed_plural, count = paid).to_string(),
            }}</h2>
            {(paid > 0).then(|| view! {
                <p data-testid="signed-totals"><strong>{tr_string!(signing.signed_total, totals = totals_text(&result.totals)).to_string()}</strong></p>
                <p>{tr!(signing.next_step)}</p>
            })}
            {result.companies.iter().map(|c| view! {
                <div class="confirmation-company" data-company=c.company_name.clone()>
                    <h3>{if c.signed { c.company_name.clone() } else { tr_string!(signing.company_refused, company = c.company_name.clone()).to_string() }}</h3>
                    {c.reason.clone().map(|r| view! { <p>{r}</p> })}
                    {(!c.invoices.is_empty()).then(|| view! {
                        <ul>
                            {c.invoices.iter().map(|i| view! {
                                <li data-invoice=i.invoice_number.clone()>
                                    {tr_string!(signing.signed_line, number = i.invoice_number.clone(), supplier = i.supplier_name.clone(), amount = amount_text(&i.amount), last_four = i.token_last_four.clone()).to_string()}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!c.refused.is_empty()).then(|| view! {
                        <ul class="reasons">
                            {c.refused.iter().map(|r| view! {
                                <li>{tr_string!(signing.refused_line, invoice = name_of(&r.id), reason = r.reason.clone()).to_string()}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </div>
            }).collect_view()}
            <div class="actions">
                {(paid > 0).then(|| view! { <a class="button small" href="/signed" data-testid="signed-by-me-link">{tr!(signing.signed_by_me_link)}</a> })}
                <button type="button" class="secondary small" on:click=move |_| on_dismiss.run(())>{tr!(signing.dismiss)}</button>
            </div>
        </section>
    }
}
