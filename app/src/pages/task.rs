//! `/tasks/:id`: one invoice to decide on: all its data, the PDF, warnings, history and
//! comments, and the actions Approve, Approve and pay (or why it is not offered) and Reject.
//! What the page offers follows the invoice's one standing for me (`TaskStanding`, decided by
//! the server): an invoice in my bundle waits for my signature (Remove from bundle, a link to
//! the bundle), never "decided".

use ap_core::api_approval::{CommentRequest, RejectRequest, TaskDetail};
use ap_core::process::MAX_COMMENT_CHARS;
use ap_core::task_standing::TaskStanding;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::ApiFailure;
use crate::api_approval as api;
use crate::pages::invoice::{CommentList, HistoryTable, InvoiceFacts, InvoicePdf, WarningPanel};
use crate::pages::task_actions::{AnswerReview, HandOverActions};
use crate::routes::use_path_id;
use crate::widgets::{
    amount_text, date_text, ActionError, ErrorNote, Loaded, SignedInScreen, StatusBadge,
};
use crate::{tr, tr_string};

/// One task: the invoice and the decision on it.
#[component]
pub fn Task() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(task.screen_title)>
            <TaskScreen />
        </SignedInScreen>
    }
}

/// What the approver decided.
#[derive(Clone)]
enum Decision {
    Approve,
    ApproveAndPay,
    Reject(String),
    /// Out of my bundle, back on the task list as it was.
    RemoveFromBundle,
}

#[component]
fn TaskScreen() -> impl IntoView {
    let id = use_path_id();
    let task = LocalResource::new(move || api::task(id.get()));
    let notice = TaskNotice::default();
    view! {
        <p class="back"><A href="/tasks">{tr!(task.back)}</A></p>
        <Loaded from=task loading=tr_string!(task.loading) let:t>
            <TaskView task=t notice=notice reload=Callback::new(move |_| task.refetch()) />
        </Loaded>
    }
}

/// The loaded task. Actions send the version shown; when someone else acted first (409) the
/// server's sentence is shown and the task reloads.
#[component]
fn TaskView(
    task: TaskDetail,
    /// Messages that stay while the task reloads.
    notice: TaskNotice,
    reload: Callback<()>,
) -> impl IntoView {
    let navigate = use_navigate();
    let id = StoredValue::new(task.id.clone());
    let version = task.version;
    let number = task.invoice.invoice_number.clone();
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let reason_box = NodeRef::<leptos::html::Textarea>::new();

    let decide = Action::new_local(move |decision: &Decision| {
        let decision = decision.clone();
        let navigate = navigate.clone();
        let number = number.clone();
        async move {
            let id = id.get_value();
            let result = match &decision {
                Decision::Approve => api::approve(id, version).await.map(|t| {
                    if t.status == "awaiting_second_approval" {
                        tr_string!(task.approved_needs_second, number = number.clone()).to_string()
                    } else {
                        tr_string!(task.approved, number = number.clone()).to_string()
                    }
                }),
                Decision::ApproveAndPay => api::approve_and_pay(id, version).await.map(|_| {
                    navigate(&format!("/tasks?added={number}"), Default::default());
                    String::new()
                }),
                Decision::Reject(comment) => api::reject(
                    id,
                    RejectRequest {
                        expected_version: version,
                        comment: comment.clone(),
                    },
                )
                .await
                .map(|_| tr_string!(task.rejected, number = number.clone()).to_string()),
                Decision::RemoveFromBundle => api::remove_from_bundle(id).await.map(|_| {
                    tr_string!(task.removed_from_bundle, number = number.clone()).to_string()
                }),
            };
            match result {
                Ok(message) if message.is_empty() => Ok(()),
                Ok(message) => {
                    notice.error.set(None);
                    notice.message.set(Some(message));
                    reload.run(());
                    Ok(())
                }
                Err(e) => {
                    notice.message.set(None);
                    if e.status == 409 {
                        // Someone else acted first: show what happened and the current state.
                        notice.error.set(Some(
                            tr_string!(task.reloaded, message = e.message.clone()).to_string(),
                        ));
                        reload.run(());
                    } else {
                        notice.error.set(Some(e.message.clone()));
                    }
                    Err(e)
                }
            }
        }
    });
    let pending = decide.pending();

    let on_reject = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            reason_error.set(Some(tr_string!(task.reject_reason_required).to_string()));
            return;
        }
        reason_error.set(None);
        decide.dispatch(Decision::Reject(text));
    };

    let standing = task.standing;
    let (number, supplier) = (
        task.invoice.invoice_number.clone(),
        task.invoice.supplier.name.clone(),
    );
    let title = move || {
        tr_string!(
            task.title,
            number = number.clone(),
            supplier = supplier.clone()
        )
        .to_string()
    };
    // In my bundle my approval is not recorded yet: say when it counts, not "0 of 1".
    let names = task.approvers.join(", ");
    let (given, required) = (task.approvers.len(), task.required_approvals);
    let approvals = move || match (standing, names.is_empty()) {
        (TaskStanding::InYourBundle, true) => tr_string!(task.approvals_in_your_bundle).to_string(),
        (TaskStanding::InYourBundle, false) => {
            tr_string!(task.approvals_in_your_bundle_after, names = names.clone()).to_string()
        }
        (_, true) => {
            tr_string!(task.approvals_none, given = given, required = required).to_string()
        }
        (_, false) => tr_string!(
            task.approvals_by,
            given = given,
            required = required,
            names = names.clone()
        )
        .to_string(),
    };
    let due = task.invoice.due_date.clone();

    view! {
        <div class="live" role="status" data-testid="task-notice">
            {move || notice.message.get().map(|m| view! { <p class="note note-ok">{m}</p> })}
        </div>
        {move || notice.error.get().map(|m| view! { <ErrorNote message=m /> })}

        <section class="card task-head" aria-labelledby="task-title">
            <div class="card-head">
                <div>
                    <h2 id="task-title">{title}</h2>
                    <p class="muted" data-testid="approvals">{task.invoice.company_name.clone()}" · "{approvals}</p>
                </div>
                <div class="task-amount">
                    <span class="amount big" data-testid="task-amount">{amount_text(&task.invoice.amount)}</span>
                    <span class="muted">{move || tr_string!(task.due, date = date_text(&due)).to_string()}</span>
                    <StatusBadge status=task.status.clone() />
                </div>
            </div>

            <div class="decision" data-testid="decision">
                {match standing {
                    TaskStanding::CanDecide => view! {
                        <div class="actions">
                            {task.approve_and_pay_offered.then(|| view! {
                                <button type="button" disabled=move || pending.get()
                                    on:click=move |_| { decide.dispatch(Decision::ApproveAndPay); }>{tr!(task.approve_and_pay)}</button>
                            })}
                            <button type="button" class=if task.approve_and_pay_offered { "secondary" } else { "" } disabled=move || pending.get()
                                on:click=move |_| { decide.dispatch(Decision::Approve); }>{tr!(task.approve)}</button>
                            <button type="button" class="secondary danger-text" disabled=move || pending.get()
                                aria-expanded=move || rejecting.get().to_string() aria-controls="reject-form"
                                on:click=move |_| {
                                    rejecting.update(|r| *r = !*r);
                                    // Keyboard users land in the form that just opened.
                                    request_animation_frame(move || {
                                        if let Some(t) = reason_box.get_untracked() { let _ = t.focus(); }
                                    });
                                }>{tr!(task.reject)}</button>
                        </div>
                        {(!task.approve_and_pay_offered).then(|| view! {
                            <div class="note note-warn" data-testid="approve-and-pay-missing">
                                <p class="strong">{tr!(task.approve_and_pay_missing)}</p>
                                <ul>{task.approve_and_pay_missing.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul>
                            </div>
                        })}
                        <HandOverActions id=task.id.clone() version=task.version reload=reload done=notice.message />
                    }.into_any(),
                    TaskStanding::WithAnother => view! {
                        <p class="note" data-testid="with-another">{tr!(task.with_another)}</p>
                    }.into_any(),
                    TaskStanding::Reviewing => view! {
                        <AnswerReview id=task.id.clone() version=task.version reload=reload done=notice.message />
                    }.into_any(),
                    TaskStanding::WaitingForSecondApprover => view! {
                        <p class="note">{tr!(task.waiting_for_second)}</p>
                    }.into_any(),
                    TaskStanding::OtherStep => view! {
                        <p class="note" data-testid="other-step">{tr!(task.other_step)}</p>
                    }.into_any(),
                    TaskStanding::Blocked => view! {
                        <div class="note note-warn" data-testid="blocked">
                            <p>{tr!(task.blocked)}</p>
                            <div class="actions">
                                <button type="button" class="secondary danger-text" disabled=move || pending.get()
                                    aria-expanded=move || rejecting.get().to_string() aria-controls="reject-form"
                                    on:click=move |_| rejecting.update(|r| *r = !*r)>{tr!(task.reject)}</button>
                            </div>
                        </div>
                    }.into_any(),
                    TaskStanding::InYourBundle => view! {
                        <div class="note in-bundle" data-testid="in-your-bundle">
                            <p class="strong">{tr!(task.in_your_bundle)}</p>
                            <p>{tr!(task.in_your_bundle_text)}</p>
                            <div class="actions">
                                <a class="button" href="/tasks">{tr!(task.go_to_bundle)}</a>
                                <button type="button" class="secondary" disabled=move || pending.get()
                                    on:click=move |_| { decide.dispatch(Decision::RemoveFromBundle); }>{tr!(task.remove_from_bundle)}</button>
                            </div>
                        </div>
                    }.into_any(),
                    TaskStanding::InAnotherBundle => view! {
                        <p class="note" data-testid="in-another-bundle">{tr!(task.in_another_bundle)}</p>
                    }.into_any(),
                    TaskStanding::Decided => view! {
                        <p class="note">{tr!(task.decided)}</p>
                    }.into_any(),
                }}
            </div>
            {move || rejecting.get().then(|| view! {
                <form id="reject-form" class="subform" on:submit=on_reject aria-label=crate::tr_prop!(task.reject_form_label)>
                    <div class="field">
                        <label for="reject-reason">{tr!(task.reject_reason_label)}</label>
                        <textarea id="reject-reason" node_ref=reason_box rows="3" maxlength={MAX_COMMENT_CHARS.to_string()} aria-required="true"
                            aria-invalid=move || reason_error.get().is_some().then_some("true")
                            aria-describedby="reject-reason-hint reject-reason-error"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        <span class="hint" id="reject-reason-hint">{tr!(task.reject_reason_hint)}</span>
                        <span class="field-error" id="reject-reason-error">{move || reason_error.get()}</span>
                    </div>
                    <div class="actions">
                        <button type="submit" class="danger" disabled=move || pending.get()>{tr!(task.reject_submit)}</button>
                        <button type="button" class="secondary" on:click=move |_| rejecting.set(false)>{tr!(task.keep_it)}</button>
                    </div>
                </form>
            })}
        </section>

        <WarningPanel warnings=task.warnings.clone() />

        <div class="split">
            <section class="card" aria-labelledby="invoice-data-title">
                <h2 id="invoice-data-title">{tr!(task.invoice_data)}</h2>
                <InvoiceFacts invoice=task.invoice.clone() />
            </section>
            <section class="card" aria-labelledby="pdf-title">
                <h2 id="pdf-title">{tr!(task.invoice_pdf)}</h2>
                <InvoicePdf invoice=task.invoice.clone() />
            </section>
        </div>

        <section class="card" aria-labelledby="comments-title">
            <h2 id="comments-title">{tr!(task.comments)}</h2>
            <CommentList comments=task.comments.clone() />
            <CommentForm id=task.id.clone() version=task.version reload=reload />
        </section>

        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{tr!(task.history)}</h2>
            <HistoryTable history=task.history.clone() />
        </section>
    }
}

/// Messages of the task screen that outlive a reload of the task.
#[derive(Clone, Copy, Default)]
struct TaskNotice {
    message: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
}

/// Adds a comment; the task reloads with it.
#[component]
fn CommentForm(id: String, version: u64, reload: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let add = Action::new_local(move |req: &CommentRequest| {
        let (id, req) = (id.clone(), req.clone());
        async move {
            let result = api::comment(id, req).await;
            if result.is_ok() {
                reload.run(());
            }
            result.map(|_| ())
        }
    });
    let failure = Signal::derive(move || {
        add.value()
            .get()
            .and_then(|r: Result<(), ApiFailure>| r.err())
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked().trim().to_string();
        if t.is_empty() {
            return;
        }
        add.dispatch(CommentRequest {
            expected_version: Some(version),
            text: t,
        });
    };
    view! {
        <form class="subform" on:submit=on_submit aria-label=crate::tr_prop!(task.new_comment)>
            <div class="field">
                <label for="comment-text">{tr!(task.add_comment_label)}</label>
                <textarea id="comment-text" rows="2" maxlength={MAX_COMMENT_CHARS.to_string()} required=true
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </div>
            <ActionError failure=failure />
            <div class="actions">
                <button type="submit" class="secondary" disabled=move || add.pending().get()>{tr!(task.add_comment)}</button>
            </div>
        </form>
    }
}
