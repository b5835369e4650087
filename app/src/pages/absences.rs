//! My details' absence card (issue 10's substitutes): set an absence period and a substitute, see
//! the absences I substitute in, remove my own. Refusals (one's own substitute, two people for
//! each other, overlapping, a substitute without Invoice Approver) are the server's sentences.
//! The same card on the users screen lets a System Administrator do it for a user.

use ap_core::api_workflow::{AbsenceRequest, AbsencesView};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::widgets::{date_text, ErrorNote};
use crate::{tr, tr_string};

/// The absences of the signed-in user, or of `user` (id, name) for a System Administrator.
#[component]
pub fn AbsenceCard(
    #[prop(optional)] user: Option<(String, String)>,
    /// Offers "Close" (the users screen's editor).
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let (of, name) = user.unzip();
    let of = StoredValue::new(of);
    let name = StoredValue::new(name);
    // A text about me, or about the user an administrator manages.
    let about = move |mine: fn() -> String, theirs: fn(&str) -> String| {
        move || name.with_value(|n| n.as_deref().map_or_else(mine, theirs))
    };
    let view_of = RwSignal::new(None::<AbsencesView>);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let load = Action::new_local(move |_: &()| {
        let of = of.get_value();
        async move {
            match api::absences(of).await {
                Ok(v) => view_of.set(Some(v)),
                Err(e) => error.set(Some(e.message)),
            }
        }
    });
    load.dispatch(());
    let substitute = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let save = Action::new_local(move |req: &AbsenceRequest| {
        let (req, of) = (req.clone(), of.get_value());
        async move {
            let result = api::set_absence(of, req).await;
            match &result {
                Ok(v) => {
                    view_of.set(Some(v.clone()));
                    error.set(None);
                    done.set(Some(about(
                        || tr_string!(account.absence_saved).to_string(),
                        |n| tr_string!(account.absence_saved_of, name = n.to_owned()).to_string(),
                    )()));
                }
                Err(e) => {
                    done.set(None);
                    error.set(Some(e.message.clone()));
                }
            }
            result.map(|_| ())
        }
    });
    let remove = Action::new_local(move |id: &String| {
        let (id, of) = (id.clone(), of.get_value());
        async move {
            let result: Result<AbsencesView, ApiFailure> = api::remove_absence(of, id).await;
            match result {
                Ok(v) => {
                    view_of.set(Some(v));
                    error.set(None);
                    done.set(Some(tr_string!(account.absence_removed).to_string()));
                }
                Err(e) => error.set(Some(e.message)),
            }
        }
    });
    let pending = save.pending();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        save.dispatch(AbsenceRequest {
            substitute: substitute.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
        });
    };

    view! {
        <section class="card" aria-labelledby="absence-title" data-testid="absences">
            <h2 id="absence-title">{about(
                || tr_string!(account.absence_title).to_string(),
                |n| tr_string!(account.absence_title_of, name = n.to_owned()).to_string(),
            )}</h2>
            <p class="hint">{about(
                || tr_string!(account.absence_hint).to_string(),
                |n| tr_string!(account.absence_hint_of, name = n.to_owned()).to_string(),
            )}</p>
            {move || view_of.get().map(|v| {
                let rows = v.absences.clone();
                view! {
                    {rows.is_empty().then(|| view! { <p class="muted">{tr!(account.absence_none)}</p> })}
                    <ul class="passkey-list">
                        {rows.into_iter().map(|a| {
                            let id = a.id.clone();
                            let (from, to) = (date_text(&a.from), date_text(&a.to));
                            view! {
                                <li class="passkey" data-testid="absence">
                                    {match (a.mine, name.get_value()) {
                                        (true, None) => tr_string!(account.absence_mine, from = from.clone(), to = to.clone(), substitute = a.substitute_name.clone()).to_string(),
                                        (false, None) => tr_string!(account.absence_covering, from = from.clone(), to = to.clone(), user = a.user_name.clone()).to_string(),
                                        (true, Some(n)) => tr_string!(account.absence_theirs, name = n, from = from.clone(), to = to.clone(), substitute = a.substitute_name.clone()).to_string(),
                                        (false, Some(n)) => tr_string!(account.absence_theirs_covering, name = n, from = from.clone(), to = to.clone(), user = a.user_name.clone()).to_string(),
                                    }}
                                    {a.mine.then(|| view! {
                                        " "<button type="button" class="secondary small" on:click=move |_| { remove.dispatch(id.clone()); }>{tr!(account.absence_remove)}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <form class="subform" on:submit=on_submit aria-label=crate::tr_prop!(account.absence_form)>
                        <div class="field">
                            <label for="absence-substitute">{tr!(account.absence_substitute)}</label>
                            <select id="absence-substitute" required on:change=move |ev| substitute.set(event_target_value(&ev))>
                                <option value="">{tr!(account.absence_choose)}</option>
                                {v.people.iter().map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="form-grid">
                            <div class="field">
                                <label for="absence-from">{tr!(account.absence_from)}</label>
                                <input id="absence-from" type="date" required on:input=move |ev| from.set(event_target_value(&ev)) />
                            </div>
                            <div class="field">
                                <label for="absence-to">{tr!(account.absence_to)}</label>
                                <input id="absence-to" type="date" required on:input=move |ev| to.set(event_target_value(&ev)) />
                            </div>
                        </div>
                        <div class="actions">
                            <button type="submit" disabled=move || pending.get()>{tr!(account.absence_save)}</button>
                        </div>
                    </form>
                }
            })}
            {move || done.get().map(|m| view! { <p class="note note-ok" role="status">{m}</p> })}
            {move || error.get().map(|m| view! { <ErrorNote message=m /> })}
            {on_close.map(|close| view! {
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| close.run(())>{tr!(admin.users.absence_close)}</button>
                </div>
            })}
        </section>
    }
}
