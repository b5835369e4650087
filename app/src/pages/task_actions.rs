//! The task actions beyond approve and reject (issue 10): Forward to another approver, Request
//! review, Postpone until a day, and the reviewer's Answer. Each sends the version shown and a
//! required text; the task reloads with what happened in its history.

use ap_core::api_approval::{AnswerReviewRequest, ForwardRequest, PostponeRequest, ReviewRequest};
use ap_core::process::MAX_COMMENT_CHARS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::api_approval as api;
use crate::widgets::ErrorNote;
use crate::{tr, tr_string};

/// Which hand-over form is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Forward,
    Review,
    Postpone,
}

/// What was sent.
#[derive(Clone)]
enum HandOver {
    Forward(ForwardRequest),
    Review(ReviewRequest),
    Postpone(PostponeRequest),
    Answer(AnswerReviewRequest),
}

/// Runs one hand-over; on success the task reloads and `done` says what happened.
fn hand_over_action(
    id: String,
    reload: Callback<()>,
    done: RwSignal<Option<String>>,
) -> Action<HandOver, Result<(), ApiFailure>> {
    Action::new_local(move |what: &HandOver| {
        let (id, what) = (id.clone(), what.clone());
        async move {
            let result = match &what {
                HandOver::Forward(req) => api::forward(id, req.clone()).await,
                HandOver::Review(req) => api::request_review(id, req.clone()).await,
                HandOver::Postpone(req) => api::postpone(id, req.clone()).await,
                HandOver::Answer(req) => api::answer_review(id, req.clone()).await,
            };
            if result.is_ok() {
                done.set(Some(
                    match what {
                        HandOver::Forward(_) => tr_string!(task.forwarded),
                        HandOver::Review(_) => tr_string!(task.review_requested),
                        HandOver::Postpone(_) => tr_string!(task.postponed),
                        HandOver::Answer(_) => tr_string!(task.review_answered),
                    }
                    .to_string(),
                ));
                reload.run(());
            }
            result.map(|_| ())
        }
    })
}

/// Forward, Request review and Postpone for the approver who has the task. `done` is the task
/// screen's notice, which outlives the reload (after a forward the task is no longer mine, and
/// these forms are gone).
#[component]
pub fn HandOverActions(
    id: String,
    version: u64,
    reload: Callback<()>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let open = RwSignal::new(Open::None);
    let person = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let people_id = id.clone();
    let people = LocalResource::new(move || api::task_people(people_id.clone()));
    let act = hand_over_action(id, reload, done);
    let pending = act.pending();
    let failure = Signal::derive(move || act.value().get().and_then(|r| r.err()));

    let toggle = move |which: Open| {
        open.update(|o| *o = if *o == which { Open::None } else { which });
        person.set(String::new());
        text.set(String::new());
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (to, words) = (
            person.get_untracked(),
            text.get_untracked().trim().to_owned(),
        );
        let what = match open.get_untracked() {
            Open::Forward => HandOver::Forward(ForwardRequest {
                expected_version: version,
                to,
                comment: words,
            }),
            Open::Review => HandOver::Review(ReviewRequest {
                expected_version: version,
                reviewer: to,
                question: words,
            }),
            Open::Postpone => HandOver::Postpone(PostponeRequest {
                expected_version: version,
                until: day.get_untracked(),
            }),
            Open::None => return,
        };
        act.dispatch(what);
    };
    let button = move |which: Open, label: &'static str| {
        view! {
            <button type="button" class="secondary" aria-expanded=move || (open.get() == which).to_string()
                aria-controls="hand-over-form" on:click=move |_| toggle(which)>{label}</button>
        }
    };

    view! {
        <div class="hand-over" data-testid="hand-over">
            <div class="actions">
                {button(Open::Forward, tr_string!(task.forward))}
                {button(Open::Review, tr_string!(task.request_review))}
                {button(Open::Postpone, tr_string!(task.postpone))}
            </div>
            {move || failure.get().map(|e| view! { <ErrorNote message=e.message /> })}
            {move || (open.get() != Open::None).then(|| {
                let which = open.get();
                view! {
                    <form id="hand-over-form" class="subform" on:submit=on_submit>
                        {(which != Open::Postpone).then(|| view! {
                            <div class="field">
                                <label for="hand-over-person">{if which == Open::Forward { tr!(task.forward_to) } else { tr!(task.reviewer) }}</label>
                                <select id="hand-over-person" required on:change=move |ev| person.set(event_target_value(&ev))>
                                    <option value="">{tr!(task.choose_person)}</option>
                                    {move || people.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|p| view! {
                                        <option value=p.id.clone()>{p.name}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="hand-over-text">{if which == Open::Forward { tr!(task.forward_comment) } else { tr!(task.review_question) }}</label>
                                <textarea id="hand-over-text" rows="3" required maxlength={MAX_COMMENT_CHARS.to_string()}
                                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                            </div>
                        })}
                        {(which == Open::Postpone).then(|| view! {
                            <div class="field">
                                <label for="hand-over-day">{tr!(task.postpone_until)}</label>
                                <input id="hand-over-day" type="date" required
                                    on:input=move |ev| day.set(event_target_value(&ev)) />
                                <span class="hint">{tr!(task.postpone_hint)}</span>
                            </div>
                        })}
                        <div class="actions">
                            <button type="submit" disabled=move || pending.get()>{match which {
                                Open::Forward => tr!(task.forward_submit),
                                Open::Review => tr!(task.review_submit),
                                _ => tr!(task.postpone_submit),
                            }}</button>
                        </div>
                    </form>
                }
            })}
        </div>
    }
}

/// The reviewer's answer; the task goes back to the approver who asked (`done` as above).
#[component]
pub fn AnswerReview(
    id: String,
    version: u64,
    reload: Callback<()>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let act = hand_over_action(id, reload, done);
    let pending = act.pending();
    let failure = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        act.dispatch(HandOver::Answer(AnswerReviewRequest {
            expected_version: version,
            answer: text.get_untracked().trim().to_owned(),
        }));
    };
    view! {
        <form class="subform" data-testid="answer-review" on:submit=on_submit>
            <p class="strong">{tr!(task.reviewing)}</p>
            <div class="field">
                <label for="review-answer">{tr!(task.review_answer)}</label>
                <textarea id="review-answer" rows="3" required maxlength={MAX_COMMENT_CHARS.to_string()}
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </div>
            {move || failure.get().map(|e| view! { <ErrorNote message=e.message /> })}
            <div class="actions">
                <button type="submit" disabled=move || pending.get()>{tr!(task.review_answer_submit)}</button>
            </div>
        </form>
    }
}
