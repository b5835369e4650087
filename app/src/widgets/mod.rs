//! Widgets shared by several screens: headings, notes, form fields, the sign-in form and the
//! signed-in frame here; amounts, badges, confirmations, loading, filter selects and tables in
//! their own files.

mod amounts;
mod badges;
mod confirm;
mod filter_select;
mod loaded;
mod table;

pub use amounts::{account_text, amount_text, count_text, date_text, totals_text};
pub use badges::{
    file_status_text, payment_status_text, status_text, warning_label, PaymentStatusBadge,
    StatusBadge, WarningBadges, WarningText, YesNo, STATUSES, WARNING_KINDS,
};
pub use confirm::ConfirmButton;
pub use filter_select::{all, FilterBar, FilterSelect};
pub use loaded::{Loaded, Loading};
pub use table::{Column, DataTable, Row};

/// The language the SPA shows (`language::current`): every amount and date goes through it.
pub use crate::language::current as lang;

use ap_core::api::SignInRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{self, ApiFailure};
use crate::session::use_session;
use crate::{tr, tr_string};

/// A page heading with an optional one-line explanation under it.
#[component]
pub fn PageHeader(
    /// The screen's title, also the document's main heading (a text, or a translated text
    /// that follows the language).
    #[prop(into)]
    title: TextProp,
    /// One sentence saying what the screen is for.
    #[prop(optional, into)]
    lead: Option<TextProp>,
) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{move || title.get()}</h1>
            {lead.map(|l| view! { <p class="lead">{move || l.get()}</p> })}
        </div>
    }
}

/// An error message announced to screen readers.
#[component]
pub fn ErrorNote(message: String) -> impl IntoView {
    view! { <p class="note note-error" role="alert">{message}</p> }
}

/// The error of the last run of an action, announced, or nothing.
#[component]
pub fn ActionError(
    /// The failure to show, if any.
    #[prop(into)]
    failure: Signal<Option<ApiFailure>>,
) -> impl IntoView {
    move || {
        failure
            .get()
            .map(|f| view! { <ErrorNote message=f.message /> })
    }
}

/// The failure of the last run of a form's action, if it failed.
pub fn failure_of<I: 'static, T: Clone + Send + Sync + 'static>(
    action: Action<I, Result<T, ApiFailure>>,
) -> Signal<Option<ApiFailure>> {
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// What a failure says about one field of the form, shown next to that field.
pub fn field_error(
    failure: Signal<Option<ApiFailure>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || failure.get().and_then(|f| f.field(field)))
}

/// A labelled input bound to a signal, with an optional hint and a field error next to it.
#[component]
pub fn TextField(
    /// Unique on the page; also names the hint and error elements.
    #[prop(into)]
    id: String,
    /// A text, or a translated text that follows the language (as is `hint`).
    #[prop(into)]
    label: TextProp,
    value: RwSignal<String>,
    /// The input type: text, email, password, number…
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional, into)] hint: Option<TextProp>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// The server's (or the form's) complaint about this field.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = described_by(&id, hint.is_some(), error);
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            <input
                id=id.clone()
                name=id
                type=kind
                bind:value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|h| view! { <span class="hint" id=hint_id>{move || h.get()}</span> })}
            {move || error.get().map(|e| view! { <span class="field-error" id=error_id.clone()>{e}</span> })}
        </div>
    }
}

/// A field's `aria-describedby`: its hint (when it has one) and its error (while one is shown).
fn described_by(
    id: &str,
    has_hint: bool,
    error: MaybeProp<String>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// An RFC 3339 instant in the reader's own time zone and language: "29 Nov 2026, 16:37" (en),
/// "29.11.2026 16:37" (nb). The offset is the browser's for that very instant (summer time).
pub fn local_time(rfc3339: &str) -> String {
    let Some(secs) = ap_core::format::parse_instant(rfc3339) else {
        return rfc3339.to_string();
    };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    // getTimezoneOffset is minutes *behind* UTC (Oslo in winter: -60).
    let offset = -(date.get_timezone_offset() as i32);
    ap_core::format::date_time(lang(), secs, offset).unwrap_or_else(|| rfc3339.to_string())
}

/// A labelled input for the 6-digit code of an authenticator app: digits only (letters and
/// spaces are dropped as they are typed or pasted), numeric keyboard on phones, the browser's
/// one-time-code autofill, at most 6 characters.
#[component]
pub fn CodeField(
    /// Unique on the page; also names the hint and error elements.
    #[prop(into)]
    id: String,
    /// The label; "Code from your authenticator app" in the language shown when not given.
    #[prop(optional)]
    label: Option<&'static str>,
    value: RwSignal<String>,
    /// A text, or a translated text that follows the language.
    #[prop(optional, into)]
    hint: Option<TextProp>,
    #[prop(optional)] required: bool,
    /// The server's complaint about the code, shown next to it.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = described_by(&id, hint.is_some(), error);
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.unwrap_or_else(|| tr_string!(widgets.code_label))}</label>
            <input
                id=id.clone()
                name=id
                type="text"
                class="code-input"
                inputmode="numeric"
                pattern="[0-9]{6}"
                maxlength="6"
                autocomplete="one-time-code"
                spellcheck="false"
                required=required
                prop:value=move || value.get()
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    let digits = code_digits(&typed);
                    if digits != typed {
                        // Write the cleaned value back into the input at once.
                        let input = event_target::<web_sys::HtmlInputElement>(&ev);
                        input.set_value(&digits);
                    }
                    value.set(digits);
                }
                on:paste=move |ev: web_sys::ClipboardEvent| {
                    // A pasted "123 456" keeps its six digits (maxlength would cut it first).
                    let pasted = ev.clipboard_data().and_then(|d| d.get_data("text").ok());
                    if let Some(text) = pasted {
                        ev.prevent_default();
                        let digits = code_digits(&text);
                        event_target::<web_sys::HtmlInputElement>(&ev).set_value(&digits);
                        value.set(digits);
                    }
                }
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|h| view! { <span class="hint" id=hint_id>{move || h.get()}</span> })}
            {move || error.get().map(|e| view! { <span class="field-error" id=error_id.clone()>{e}</span> })}
        </div>
    }
}

/// The digits of what was typed or pasted into a code field, at most 6 ("123 456" → "123456").
pub fn code_digits(typed: &str) -> String {
    typed.chars().filter(char::is_ascii_digit).take(6).collect()
}

/// The one sign-in form: e-mail, password and the authenticator code in one request, so a
/// failure never says which factor was wrong. On success the session holds the user and the screen
/// that asked for it shows itself.
#[component]
pub fn SignInForm() -> impl IntoView {
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let recovery_code = RwSignal::new(String::new());
    // "Use a recovery code instead": the recovery code field takes the code field's place.
    let use_recovery = RwSignal::new(false);
    let submit = Action::new_local(move |req: &SignInRequest| {
        let req = req.clone();
        async move {
            let result = api::sign_in(req).await;
            if let Ok(state) = &result {
                session.set(state.clone());
            }
            result
        }
    });
    let failure = failure_of(submit);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = |field: RwSignal<String>| {
            let text = field.get_untracked().trim().to_string();
            (!text.is_empty()).then_some(text)
        };
        let recovery = use_recovery.get_untracked();
        submit.dispatch(SignInRequest {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            code: if recovery { None } else { typed(code) },
            recovery_code: if recovery { typed(recovery_code) } else { None },
        });
    };
    view! {
        <form class="card form-narrow" on:submit=on_submit aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{tr!(widgets.sign_in_title)}</h2>
            <TextField id="sign-in-email" label=crate::tr_prop!(widgets.email) kind="email" value=email autocomplete="username" required=true />
            <TextField id="sign-in-password" label=crate::tr_prop!(widgets.password) kind="password" value=password autocomplete="current-password" required=true />
            {move || if use_recovery.get() {
                view! {
                    <TextField id="sign-in-recovery-code" label=crate::tr_prop!(widgets.recovery_code_label)
                        value=recovery_code autocomplete="off" hint=crate::tr_prop!(widgets.recovery_code_hint) />
                }.into_any()
            } else {
                view! {
                    <CodeField
                        id="sign-in-code"
                        value=code
                        hint=crate::tr_prop!(widgets.sign_in_code_hint)
                    />
                }.into_any()
            }}
            <p>
                <button type="button" class="link-button" data-testid="sign-in-factor-switch"
                    on:click=move |_| use_recovery.update(|on| *on = !*on)>
                    {move || if use_recovery.get() { tr_string!(widgets.sign_in_use_code) } else { tr_string!(widgets.sign_in_use_recovery) }}
                </button>
            </p>
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { tr_string!(widgets.signing_in) } else { tr_string!(widgets.sign_in_button) }}
                </button>
            </div>
        </form>
    }
}

/// A screen for signed-in users. Its heading always shows (deep links land on the screen they
/// name); below it, the content when someone is signed in, otherwise what is needed first:
/// setting up the organisation, or signing in. A user who must choose a new password is sent
/// to that screen before anything else.
#[component]
pub fn SignedInScreen(
    /// A text, or a translated text that follows the language (as is `lead`).
    #[prop(into)]
    title: TextProp,
    #[prop(optional, into)] lead: Option<TextProp>,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        {match lead {
            Some(lead) => view! { <PageHeader title=title lead=lead /> }.into_any(),
            None => view! { <PageHeader title=title /> }.into_any(),
        }}
        <Loaded from=session loading=tr_string!(widgets.loading) live=true let:state>
            {match state {
                state if state.first_run => view! {
                    <div class="card">
                        <h2>{tr!(widgets.not_set_up_title)}</h2>
                        <p>{tr!(widgets.not_set_up_text)}</p>
                        <a class="button" href="/setup">{tr!(widgets.set_up_button)}</a>
                    </div>
                }.into_any(),
                state => match state.user {
                    None => view! {
                        <p class="note">{tr!(widgets.sign_in_to_see)}</p>
                        <SignInForm />
                    }.into_any(),
                    Some(me) if me.must_change_password => {
                        let here = location.pathname.get_untracked();
                        let to = format!("/choose-password?next={here}");
                        view! { <leptos_router::components::Redirect path=to /> }.into_any()
                    }
                    Some(me) => view! {
                        {state.recovery_code_used.then(|| view! {
                            <p class="note note-warn" role="status" data-testid="recovery-code-used">
                                {if me.recovery_codes_left == 1 {
                                    tr_string!(widgets.recovery_used_singular, count = me.recovery_codes_left).to_string()
                                } else {
                                    tr_string!(widgets.recovery_used_plural, count = me.recovery_codes_left).to_string()
                                }}
                                // Not "Generate new codes": in this session that needs a code
                                // from the app the user may have lost.
                                {me.may_replace_authenticator.then(|| view! {
                                    " "
                                    <a href="/my-details#replace-title" data-testid="replace-authenticator-link">{tr!(widgets.recovery_used_replace)}</a>
                                })}
                            </p>
                        })}
                        {children.read_value()()}
                    }.into_any(),
                },
            }}
        </Loaded>
    }
}
