//! `/autopay`: AutoPay's payments overview (filters by company, status, file and date), the
//! upload area for pain.001 payment files (drop zone or file input, progress bar, per-payment
//! result) and the files that wait for a signed upload. AutoPay Approvers of a company use it;
//! System Administrators may read it; everyone else is told which role is needed.

use ap_core::api_autopay::{
    FileStatus, PaymentFileRow, PaymentFilter, PaymentStatus, UploadResult,
};
use ap_core::roles::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use web_sys::{File, HtmlInputElement};

use crate::api::{self, ApiFailure};
use crate::api_autopay;
use crate::pages::invoice::amount_text;
use crate::session::use_session;
use crate::widgets::{local_time, ActionError, ErrorNote, SignedInScreen, TextField};

/// Payments, payment files and the upload.
#[component]
pub fn AutoPay() -> impl IntoView {
    view! {
        <SignedInScreen title="AutoPay" lead="Payment files from the ERP, the payments in them, and their approval.">
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
                    "You need the AutoPay Approver role in a company to use AutoPay (System Administrators may look). Ask a System Administrator if you need access."
                </p>
            }
            .into_any()
        }
    }
}

/// The companies the user may look at in AutoPay: (id, name).
fn readable_companies(access: Memo<Option<AutoPayAccess>>) -> LocalResource<Vec<(String, String)>> {
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
                <p class="note" data-testid="read-only">"You are looking as a System Administrator: uploading, signing and approving are for the company's AutoPay Approvers."</p>
            }.into_any()
        }}
        <FilesWaiting changed=changed last_upload=last_upload />
        <PaymentList changed=changed companies=companies />
    }
}

// --- Upload ----------------------------------------------------------------------------------

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
fn UploadArea(
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
                message: "Choose a pain.001 payment file first.".to_owned(),
                fields: Vec::new(),
            })),
        }
    };
    let pending = upload.pending();
    view! {
        <section class="card" aria-labelledby="upload-title">
            <h2 id="upload-title">"Upload a payment file"</h2>
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
                    <p class="drop-zone-text" aria-hidden="true">"Drop a pain.001 file here, or choose one:"</p>
                    <label for="upload-file">"Payment file (pain.001)"</label>
                    <input
                        id="upload-file"
                        class="file-input"
                        type="file"
                        accept=".xml,application/xml,text/xml"
                        aria-describedby="upload-hint"
                        on:change=on_input
                    />
                    <p class="hint" id="upload-hint">
                        "ISO 20022 pain.001.001.03 or .09, up to 25 MiB and 10,000 payments. Payments whose approval token matches are sent to bank; the others wait for approval here."
                    </p>
                    {move || chosen.with(|f| f.as_ref().map(|f| view! {
                        <p class="chosen-file" data-testid="chosen-file">"Chosen: "<strong>{f.name()}</strong>{format!(" ({})", size_text(f.size()))}</p>
                    }))}
                </div>
                <div class="actions">
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Uploading…" } else { "Upload payment file" }}
                    </button>
                </div>
                {move || pending.get().then(|| view! {
                    <div class="upload-progress">
                        <label for="upload-progress">"Upload progress"</label>
                        {move || match progress.get() {
                            Some(share) => view! { <progress id="upload-progress" max="100" value=format!("{:.0}", share * 100.0)></progress> }.into_any(),
                            None => view! { <progress id="upload-progress" max="100"></progress> }.into_any(),
                        }}
                        <span class="hint" aria-live="polite">{move || match progress.get() {
                            Some(share) if share >= 1.0 => "Sent; checking the payments…".to_owned(),
                            Some(share) => format!("{:.0} % sent", share * 100.0),
                            None => "Sending…".to_owned(),
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
pub(crate) fn summary_text(r: &UploadResult) -> String {
    let s = &r.summary;
    let mut text = format!(
        "{} {}: {} sent to bank, {} pending approval",
        s.payments,
        if s.payments == 1 {
            "payment"
        } else {
            "payments"
        },
        s.sent_to_bank,
        s.pending_approval
    );
    if s.pending_signing > 0 {
        text.push_str(&format!(", {} pending signing", s.pending_signing));
    }
    text.push_str(&format!(
        ", {} {}.",
        s.warnings,
        if s.warnings == 1 {
            "warning"
        } else {
            "warnings"
        }
    ));
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
    view! {
        <div class="upload-outcome" data-testid="upload-result">
            {move || {
                let r = current.get();
                let pending = r.status == FileStatus::PendingSigning;
                let file_id = r.file_id.clone();
                view! {
                    <div class=if pending { "note note-warn" } else { "note note-ok" } role="status" data-testid="upload-summary">
                        <p>
                            <strong>{format!("File {} ({}) ", r.msg_id, r.status_label)}</strong>
                            {summary_text(&r)}
                        </p>
                        {r.replayed.then(|| view! { <p>"This file was uploaded before: its first outcome is shown and nothing new was created."</p> })}
                        <p>"Total: "{r.totals.iter().map(amount_text).collect::<Vec<_>>().join(", ")}
                           " · "<A href=format!("/autopay/files/{}", r.file_id)>"Open the file"</A></p>
                    </div>
                    {(pending && !sign_here).then(|| view! {
                        <p class="hint">"Sign it under “Files waiting for a signed upload”."</p>
                    })}
                    {(pending && sign_here && may_sign.get()).then(|| view! {
                        <SignUploadForm file_id=file_id msg_id=r.msg_id.clone() on_signed=Callback::new(move |r: UploadResult| { current.set(r); on_signed.run(()); }) />
                    })}
                    <UploadedPayments result=r />
                }
            }}
        </div>
    }
}

/// The per-payment table of an upload.
#[component]
pub(crate) fn UploadedPayments(result: UploadResult) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="uploaded-payments">
                <caption class="visually-hidden">{format!("Payments of file {}", result.msg_id)}</caption>
                <thead><tr>
                    <th scope="col">"End-to-end id"</th>
                    <th scope="col">"Creditor"</th>
                    <th scope="col" class="num">"Amount"</th>
                    <th scope="col">"Requested date"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Pre-approved"</th>
                    <th scope="col">"Warning"</th>
                </tr></thead>
                <tbody>
                    {result.payments.into_iter().map(|p| { let e2e = p.end_to_end_id.clone(); view! {
                        <tr data-e2e=p.end_to_end_id.clone()>
                            <th scope="row"><A href=format!("/autopay/payments/{}", p.payment_id)>{e2e}</A></th>
                            <td>{p.creditor_name.clone()}<br /><span class="mono hint">{p.creditor_account.clone()}</span></td>
                            <td class="num">{amount_text(&p.amount)}</td>
                            <td>{p.requested_execution_date.clone()}</td>
                            <td data-testid="status"><PaymentStatusBadge status=p.status /></td>
                            <td data-testid="pre-approved"><YesNo yes=p.pre_approved /></td>
                            <td><WarningText warning=p.warning.clone() /></td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// "Sign upload": an AutoPay Approver signs a file that waits in Pending signing with the code
/// of their authenticator app; its payments are then checked.
#[component]
pub(crate) fn SignUploadForm(
    file_id: String,
    msg_id: String,
    on_signed: Callback<UploadResult>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let file = StoredValue::new(file_id.clone());
    let sign = Action::new_local(move |code: &String| {
        let code = code.clone();
        async move {
            let r = api_autopay::sign_file(file.get_value(), code).await;
            if let Ok(r) = &r {
                on_signed.run(r.clone());
            }
            r
        }
    });
    let failure = Signal::derive(move || sign.value().get().and_then(|r| r.err()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        sign.dispatch(code.get_untracked().trim().to_owned());
    };
    let title_id = format!("sign-title-{file_id}");
    view! {
        <form class="card sign-upload" on:submit=on_submit aria-labelledby=title_id.clone() data-testid="sign-upload">
            <h3 id=title_id.clone()>{format!("Sign upload of file {msg_id}")}</h3>
            <p>"Its bank agreement asks for two-step verification on upload: nothing is checked or sent to the bank until an AutoPay Approver signs it."</p>
            <TextField
                id=format!("sign-code-{file_id}")
                label="Code from your authenticator app"
                value=code
                autocomplete="one-time-code"
                inputmode="numeric"
                required=true
                error=Signal::derive(move || failure.get().and_then(|f| f.field("code")))
            />
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" disabled=move || sign.pending().get()>"Sign upload"</button>
            </div>
        </form>
    }
}

/// Files waiting in Pending signing, each with its "Sign upload" form.
#[component]
fn FilesWaiting(
    changed: RwSignal<u32>,
    /// The upload area's last outcome, replaced when that file is signed here.
    last_upload: RwSignal<Option<UploadResult>>,
) -> impl IntoView {
    let access = use_autopay_access();
    let files = LocalResource::new(move || {
        changed.get();
        api_autopay::files(None)
    });
    move || {
        let waiting: Vec<PaymentFileRow> = files
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.status == FileStatus::PendingSigning)
            .collect();
        (!waiting.is_empty()).then(|| {
            let may_sign = move |company: &str| access.get().is_some_and(|a| a.may_approve(company));
            view! {
                <section class="card" aria-labelledby="waiting-title" data-testid="files-waiting">
                    <h2 id="waiting-title">"Files waiting for a signed upload"</h2>
                    {waiting.into_iter().map(|f| {
                        let signer = may_sign(&f.company_id);
                        view! {
                            <div class="waiting-file">
                                <p>
                                    <A href=format!("/autopay/files/{}", f.id)>{format!("File {}", f.msg_id)}</A>
                                    {format!(" · {} payment(s) · uploaded {} by {}", f.payment_count, local_time(&f.uploaded_at), f.uploaded_by)}
                                </p>
                                {signer.then(|| view! {
                                    <SignUploadForm file_id=f.id.clone() msg_id=f.msg_id.clone() on_signed=Callback::new(move |r: UploadResult| {
                                        if last_upload.with_untracked(|l| l.as_ref().is_some_and(|l| l.file_id == r.file_id)) {
                                            last_upload.set(Some(r));
                                        }
                                        changed.update(|n| *n += 1);
                                    }) />
                                })}
                            </div>
                        }
                    }).collect_view()}
                </section>
            }
        })
    }
}

// --- Payments --------------------------------------------------------------------------------

/// A payment status as a badge with its words.
#[component]
pub(crate) fn PaymentStatusBadge(status: PaymentStatus) -> impl IntoView {
    let class = match status {
        PaymentStatus::SentToBank => "badge badge-info",
        PaymentStatus::AcceptedByBank | PaymentStatus::Paid => "badge badge-yes",
        PaymentStatus::RejectedInBank | PaymentStatus::Rejected => "badge badge-no",
        PaymentStatus::PendingApproval | PaymentStatus::PendingSigning => "badge badge-warning",
    };
    view! { <span class=class data-status=status.as_key()>{status.label()}</span> }
}

/// Yes or No as a badge with the word in it.
#[component]
pub(crate) fn YesNo(yes: bool) -> impl IntoView {
    if yes {
        view! { <span class="badge badge-yes">"Yes"</span> }
    } else {
        view! { <span class="badge badge-no">"No"</span> }
    }
}

/// A payment's warning sentence, or "None".
#[component]
pub(crate) fn WarningText(warning: Option<String>) -> impl IntoView {
    match warning {
        Some(w) => view! { <span class="badge badge-warning warning-text" data-testid="warning">{w}</span> }.into_any(),
        None => view! { <span class="muted">"None"</span> }.into_any(),
    }
}

/// Filters (company, status, file, requested date) and the table of payments.
#[component]
fn PaymentList(
    changed: RwSignal<u32>,
    companies: LocalResource<Vec<(String, String)>>,
) -> impl IntoView {
    let company = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let file = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let files = LocalResource::new(move || {
        changed.get();
        let company = Some(company.get()).filter(|c| !c.is_empty());
        api_autopay::files(company)
    });
    let payments = LocalResource::new(move || {
        changed.get();
        let some = |s: RwSignal<String>| Some(s.get()).filter(|v| !v.is_empty());
        api_autopay::payments(PaymentFilter {
            company: some(company),
            status: some(status).and_then(|s| PaymentStatus::parse_key(&s)),
            file: some(file),
            date: some(date),
        })
    });
    let company_name = move |id: &str| {
        companies
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|(c, _)| c == id)
            .map(|(_, n)| n)
            .unwrap_or_else(|| id.to_owned())
    };
    let clear = move |_| {
        for s in [company, status, file, date] {
            s.set(String::new());
        }
    };
    let select = move |id: &'static str,
                       label: &'static str,
                       value: RwSignal<String>,
                       options: Vec<(String, String)>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                    {options.into_iter().map(|(v, text)| {
                        let v2 = v.clone();
                        view! { <option value=v selected=move || value.get() == v2>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let all = |text: &str| (String::new(), text.to_owned());
    view! {
        <section class="card" aria-labelledby="payments-title">
            <div class="card-head">
                <h2 id="payments-title">"Payments"</h2>
            </div>
            <form class="filters" aria-label="Filter payments" on:submit=|ev| ev.prevent_default()>
                {move || {
                    let mut options = vec![all("All companies")];
                    options.extend(companies.get().unwrap_or_default());
                    select("filter-company", "Company", company, options)
                }}
                {select("filter-status", "Status", status,
                    std::iter::once(all("All statuses")).chain(PaymentStatus::ALL.iter().map(|s| (s.as_key().to_owned(), s.label().to_owned()))).collect())}
                {move || {
                    let mut options = vec![all("All files")];
                    options.extend(files.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                        .map(|f| (f.id, format!("{} ({})", f.msg_id, local_time(&f.uploaded_at)))));
                    select("filter-file", "File", file, options)
                }}
                <div class="field">
                    <label for="filter-date">"Requested date"</label>
                    <input id="filter-date" type="date" prop:value=move || date.get()
                        on:change=move |ev| date.set(event_target_value(&ev)) />
                </div>
                <div class="field filter-clear">
                    <button type="button" class="secondary" on:click=clear>"Clear filters"</button>
                </div>
            </form>
            {move || match payments.get() {
                None => view! { <p class="muted">"Loading payments…"</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorNote message=e.message /> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! { <p class="empty" data-testid="no-payments">"No payment matches these filters."</p> }.into_any(),
                Some(Ok(rows)) => view! {
                    <p class="muted" aria-live="polite">{format!("{} {}", rows.len(), if rows.len() == 1 { "payment" } else { "payments" })}</p>
                    <div class="table-scroll">
                    <table class="table payments" data-testid="payment-list">
                        <caption class="visually-hidden">"Payments"</caption>
                        <thead><tr>
                            <th scope="col">"Payment"</th>
                            <th scope="col">"Debtor (company)"</th>
                            <th scope="col">"Creditor"</th>
                            <th scope="col" class="num">"Amount"</th>
                            <th scope="col">"Requested date"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Pre-approved"</th>
                            <th scope="col">"Warning"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|p| { let e2e = p.end_to_end_id.clone(); view! {
                                <tr data-payment=p.id.clone() data-e2e=p.end_to_end_id.clone()>
                                    <th scope="row"><A href=format!("/autopay/payments/{}", p.id)>{e2e}</A></th>
                                    <td>{p.debtor_name.clone()}
                                        {(company_name(&p.company_id) != p.debtor_name).then(|| format!(" ({})", company_name(&p.company_id)))}
                                        <br /><span class="mono hint">{p.debtor_account.clone()}</span></td>
                                    <td>{p.creditor_name.clone()}<br /><span class="mono hint">{p.creditor_account.clone()}</span></td>
                                    <td class="num">{amount_text(&p.amount)}</td>
                                    <td>{p.requested_execution_date.clone()}</td>
                                    <td data-testid="status"><PaymentStatusBadge status=p.status /></td>
                                    <td data-testid="pre-approved"><YesNo yes=p.pre_approved /></td>
                                    <td><WarningText warning=p.warning.clone().or(p.bank_reason.clone()) /></td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
