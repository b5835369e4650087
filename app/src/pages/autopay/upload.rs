//! The upload area of `/autopay`: a drop zone around a labelled file input, a progress bar fed
//! by upload progress events, then the outcome per payment or the reasons a file was refused.
//! `UploadOutcome` is also the body of `/autopay/files/:id`.

use ap_core::api_autopay::{FileStatus, UploadResult};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use web_sys::{File, HtmlInputElement};

use super::files::{payments_text, SignUploadForm, SignedNote};
use super::payments::{payment_columns, payment_row};
use super::use_autopay_access;
use crate::api::ApiFailure;
use crate::api_autopay;
use crate::widgets::{count_text, file_status_text, totals_text, Column, DataTable};
use crate::{tr, tr_string};

/// A file's size in words.
fn size_text(bytes: f64) -> String {
    if bytes >= 1_048_576.0 {
        format!("{:.1} MiB", bytes / 1_048_576.0)
    } else if bytes >= 1024.0 {
        format!("{:.0} KiB", bytes / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

/// The upload area: a drop zone holding a labelled file input (so it works by keyboard too),
/// "Upload payment file", a progress bar while the file travels, then the outcome per payment
/// or the reasons the file was refused.
#[component]
pub(super) fn UploadArea(
    /// The outcome of the last upload (also updated when that file is signed below).
    result: RwSignal<Option<UploadResult>>,
    /// Runs after an upload was accepted.
    on_done: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new_local(None::<File>);
    let dragging = RwSignal::new(false);
    // None while the size is not known yet: the bar is then indeterminate.
    let progress = RwSignal::new(None::<f64>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let upload = Action::new_local(move |file: &File| {
        let file = file.clone();
        async move {
            progress.set(None);
            result.set(None);
            failure.set(None);
            match api_autopay::upload_file(file, move |share| progress.set(Some(share))).await {
                Ok(r) => {
                    result.set(Some(r));
                    on_done.run(());
                }
                Err(e) => failure.set(Some(e)),
            }
        }
    });
    let choose = move |file: Option<File>| {
        result.set(None);
        failure.set(None);
        chosen.set(file);
    };
    let on_input = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        choose(input.files().and_then(|f| f.get(0)));
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        if file.is_some() {
            choose(file);
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match chosen.get_untracked() {
            Some(file) => {
                upload.dispatch_local(file);
            }
            None => failure.set(Some(ApiFailure {
                status: 0,
                message: tr_string!(autopay.choose_first).to_owned(),
                fields: Vec::new(),
            })),
        }
    };
    let pending = upload.pending();
    view! {
        <section class="card" aria-labelledby="upload-title">
            <h2 id="upload-title">{tr!(autopay.upload_title)}</h2>
            <form on:submit=on_submit aria-labelledby="upload-title">
                <div
                    class="drop-zone"
                    class:dragging=move || dragging.get()
                    data-testid="drop-zone"
                    on:dragenter=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <p class="drop-zone-text" aria-hidden="true">{tr!(autopay.drop_here)}</p>
                    <label for="upload-file">{tr!(autopay.file_input)}</label>
                    <input
                        id="upload-file"
                        class="file-input"
                        type="file"
                        accept=".xml,application/xml,text/xml"
                        aria-describedby="upload-hint"
                        on:change=on_input
                    />
                    <p class="hint" id="upload-hint">
                        {tr!(autopay.upload_hint)}
                    </p>
                    {move || chosen.with(|f| f.as_ref().map(|f| view! {
                        <p class="chosen-file" data-testid="chosen-file">{tr!(autopay.chosen)}<strong>{f.name()}</strong>{format!(" ({})", size_text(f.size()))}</p>
                    }))}
                </div>
                <div class="actions">
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { tr_string!(autopay.uploading) } else { tr_string!(autopay.upload_button) }}
                    </button>
                </div>
                {move || pending.get().then(|| view! {
                    <div class="upload-progress">
                        <label for="upload-progress">{tr!(autopay.upload_progress)}</label>
                        {move || match progress.get() {
                            Some(share) => view! { <progress id="upload-progress" max="100" value=format!("{:.0}", share * 100.0)></progress> }.into_any(),
                            None => view! { <progress id="upload-progress" max="100"></progress> }.into_any(),
                        }}
                        <span class="hint" aria-live="polite">{move || match progress.get() {
                            Some(share) if share >= 1.0 => tr_string!(autopay.checking).to_owned(),
                            Some(share) => tr_string!(autopay.percent_sent, percent = format!("{:.0}", share * 100.0)).to_string(),
                            None => tr_string!(autopay.sending).to_owned(),
                        }}</span>
                    </div>
                })}
            </form>
            {move || failure.get().map(|f| view! { <UploadProblem failure=f /> })}
            {move || result.get().map(|r| view! { <UploadOutcome result=r sign_here=false on_signed=on_done /> })}
        </section>
    }
}

/// A refused upload: the server's sentence and every problem it named (with its line).
#[component]
fn UploadProblem(failure: ApiFailure) -> impl IntoView {
    view! {
        <div class="note note-error" role="alert" data-testid="upload-error">
            <p>{failure.message.clone()}</p>
            {
                // Every problem with its line; a lone problem the sentence already says is not
                // repeated.
                let problems: Vec<String> = failure.fields.iter()
                    .map(|f| if f.message.contains(&f.field) { f.message.clone() } else { format!("{}: {}", f.field, f.message) })
                    .collect();
                let repeated = problems.len() == 1 && failure.message.contains(&problems[0]);
                (!problems.is_empty() && !repeated).then(|| view! {
                    <ul class="reasons">
                        {problems.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}
                    </ul>
                })
            }
        </div>
    }
}

/// One sentence summing up an upload.
fn summary_text(r: &UploadResult) -> String {
    let s = &r.summary;
    let mut text = tr_string!(
        autopay.summary,
        count = payments_text(s.payments),
        sent = s.sent_to_bank,
        pending = s.pending_approval
    )
    .to_string();
    if s.pending_signing > 0 {
        text.push_str(&tr_string!(autopay.summary_signing, n = s.pending_signing).to_string());
    }
    let warnings = count_text(
        s.warnings,
        tr_string!(autopay.warning_singular),
        tr_string!(autopay.warning_plural),
    );
    text.push_str(&tr_string!(autopay.summary_warnings, count = warnings).to_string());
    text
}

/// The outcome of an upload: summary, totals, the sign form when the file waits for a signed
/// upload, and the result per payment.
#[component]
pub(crate) fn UploadOutcome(
    result: UploadResult,
    /// Whether to offer "Sign upload" here when the file waits for it (the overview offers it
    /// in its list of waiting files instead).
    sign_here: bool,
    /// Runs after the file was signed here.
    on_signed: Callback<()>,
) -> impl IntoView {
    let access = use_autopay_access();
    let may_sign = {
        let company = result.company_id.clone();
        Memo::new(move |_| access.get().is_some_and(|a| a.may_approve(&company)))
    };
    let current = RwSignal::new(result);
    // Signed here: say so above the new outcome.
    let signed = RwSignal::new(false);
    view! {
        <div class="upload-outcome" data-testid="upload-result">
            {move || {
                let r = current.get();
                let pending = r.status == FileStatus::PendingSigning;
                let file_id = r.file_id.clone();
                view! {
                    <div class=if pending { "note note-warn" } else { "note note-ok" } role="status" data-testid="upload-summary">
                        <p>
                            <strong>{tr_string!(autopay.file_status, file = r.msg_id.clone(), status = file_status_text(r.status)).to_string()}</strong>
                            {summary_text(&r)}
                        </p>
                        {r.replayed.then(|| view! { <p>{tr!(autopay.replayed)}</p> })}
                        <p>{tr!(autopay.total)}<span class="amount">{totals_text(&r.totals)}</span>
                           " · "<A href=format!("/autopay/files/{}", r.file_id)>{tr!(autopay.open_file)}</A></p>
                    </div>
                    {(pending && !sign_here).then(|| view! {
                        <p class="hint">{tr!(autopay.sign_it_below)}</p>
                    })}
                    {(pending && sign_here && may_sign.get()).then(|| view! {
                        <SignUploadForm file_id=file_id msg_id=r.msg_id.clone() on_signed=Callback::new(move |r: UploadResult| { signed.set(true); current.set(r); on_signed.run(()); }) />
                    })}
                    {(signed.get() && !pending).then(|| view! { <SignedNote result=r.clone() /> })}
                    <UploadedPayments result=r />
                }
            }}
        </div>
    }
}

/// The per-payment table of an upload.
#[component]
fn UploadedPayments(result: UploadResult) -> impl IntoView {
    view! {
        <DataTable caption=tr_string!(autopay.payments_of_file, file = result.msg_id.clone()).to_string() testid="uploaded-payments"
            columns=payment_columns(Column::tr(|| tr_string!(autopay.col_e2e)), false)
            rows=result.payments.into_iter().map(|p| payment_row(p, None)).collect() />
    }
}
