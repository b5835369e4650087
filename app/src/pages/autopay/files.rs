//! The files of `/autopay` that wait in Pending signing, each with "Sign upload": an AutoPay
//! Approver's authenticator code, after which its payments are checked.

use ap_core::api_autopay::{FileStatus, PaymentFileRow, UploadResult};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use super::use_autopay_access;
use crate::api_autopay;
use crate::paged::{Paged, PagedList};
use crate::session::use_session;
use crate::widgets::{count_text, failure_of, field_error, local_time, ActionError, CodeField};
use crate::{tr, tr_string};

/// "1 payment", "3 payments" in the language shown.
pub(super) fn payments_text(n: usize) -> String {
    count_text(
        n,
        tr_string!(autopay.payment_singular),
        tr_string!(autopay.payment_plural),
    )
}

/// "Sign upload": an AutoPay Approver signs a file that waits in Pending signing with the code
/// of their authenticator app; its payments are then checked.
#[component]
pub(super) fn SignUploadForm(
    file_id: String,
    msg_id: String,
    on_signed: Callback<UploadResult>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let file = StoredValue::new(file_id.clone());
    // With a passkey: the server's challenge for this file, signed, in place of the code.
    let sign = Action::new_local(move |with_passkey: &bool| {
        let with_passkey = *with_passkey;
        async move {
            let (code, passkey) = if with_passkey {
                let options = api_autopay::file_passkey_options(file.get_value()).await?;
                (String::new(), Some(crate::passkey::assert(options).await?))
            } else {
                (code.get_untracked().trim().to_owned(), None)
            };
            let r = api_autopay::sign_file(file.get_value(), code, passkey).await;
            if let Ok(r) = &r {
                on_signed.run(r.clone());
            }
            r
        }
    });
    let failure = failure_of(sign);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        sign.dispatch(false);
    };
    let has_passkey = use_session().me().is_some_and(|me| me.passkeys > 0);
    let title_id = format!("sign-title-{file_id}");
    view! {
        <form class="card sign-upload" on:submit=on_submit aria-labelledby=title_id.clone() data-testid="sign-upload">
            <h3 id=title_id.clone()>{tr!(autopay.sign_title, file = msg_id.clone())}</h3>
            <p>{tr!(autopay.sign_explain)}</p>
            <CodeField
                id=format!("sign-code-{file_id}")
                value=code
                required=true
                error=field_error(failure, "code")
            />
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" disabled=move || sign.pending().get()>{tr!(autopay.sign_button)}</button>
                {has_passkey.then(|| view! {
                    <button type="button" class="secondary" disabled=move || sign.pending().get()
                        on:click=move |_| { sign.dispatch(true); }>{tr!(autopay.sign_passkey)}</button>
                })}
            </div>
        </form>
    }
}

/// Files waiting in Pending signing, each with its "Sign upload" form, a page at a time.
#[component]
pub(super) fn FilesWaiting(
    changed: RwSignal<u32>,
    /// The upload area's last outcome, replaced when that file is signed here.
    last_upload: RwSignal<Option<UploadResult>>,
) -> impl IntoView {
    let access = use_autopay_access();
    let files = Paged::new(move |cursor| {
        api_autopay::files(None, Some(FileStatus::PendingSigning), cursor, None)
    });
    Effect::watch(move || changed.get(), move |_, _, _| files.reload(), false);
    // A Memo, so that loading more files does not redraw the forms already on screen.
    let any_waiting = Memo::new(move |_| {
        files
            .items
            .with(|i| matches!(i, Some(Ok(list)) if !list.is_empty()))
    });
    let may_sign = move |company: &str| access.get().is_some_and(|a| a.may_approve(company));
    // The last file signed here, said until the next signing.
    let signed = RwSignal::new(None::<UploadResult>);
    let list = move || {
        any_waiting.get().then(|| view! {
            <section class="card" aria-labelledby="waiting-title" data-testid="files-waiting">
                <h2 id="waiting-title">{tr!(autopay.files_waiting_title)}</h2>
                <PagedList paged=files loading=tr_string!(autopay.loading_files) more_testid="files-waiting-load-more" let:waiting>
                    {waiting.into_iter().map(|f: PaymentFileRow| {
                        let signer = may_sign(&f.company_id);
                        let msg_id = f.msg_id.clone();
                        let link = tr_string!(autopay.file_link, file = msg_id).to_string();
                        let (count, at, by) = (payments_text(f.payment_count), local_time(&f.uploaded_at), f.uploaded_by.clone());
                        let line = tr_string!(autopay.file_line, count = count, at = at, by = by).to_string();
                        view! {
                            <div class="waiting-file">
                                <p>
                                    <A href=format!("/autopay/files/{}", f.id)>{link}</A>
                                    {line}
                                </p>
                                {signer.then(|| view! {
                                    <SignUploadForm file_id=f.id.clone() msg_id=f.msg_id.clone() on_signed=Callback::new(move |r: UploadResult| {
                                        signed.set(Some(r.clone()));
                                        if last_upload.with_untracked(|l| l.as_ref().is_some_and(|l| l.file_id == r.file_id)) {
                                            last_upload.set(Some(r));
                                        }
                                        changed.update(|n| *n += 1);
                                    }) />
                                })}
                            </div>
                        }
                    }).collect_view()}
                </PagedList>
            </section>
        })
    };
    view! {
        {move || signed.get().map(|r| view! { <SignedNote result=r /> })}
        {list}
    }
}

/// What signing an upload did: the file is signed and its payments were checked, with where
/// they went.
#[component]
pub(super) fn SignedNote(result: UploadResult) -> impl IntoView {
    let s = &result.summary;
    let text = tr_string!(
        autopay.signed_note,
        file = result.msg_id.clone(),
        count = payments_text(s.payments),
        sent = s.sent_to_bank,
        pending = s.pending_approval
    )
    .to_string();
    view! {
        <p class="note note-ok" role="status" data-testid="upload-signed">
            {text}" "<A href=format!("/autopay/files/{}", result.file_id)>{tr!(autopay.open_file)}</A>
        </p>
    }
}
