//! My details' notification list (issue 10): new tasks, reviews asked of me, tasks soon overdue,
//! overdue or escalated to me, bundles I signed, payments the bank rejected. The header shows
//! the unread count (`Me::unread_notifications`); reading them here clears it.

use ap_core::api_workflow::{NotificationView, NotificationsView};
use ap_core::notify::NoticeKind;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::session::use_session;
use crate::widgets::{date_text, ErrorNote};
use crate::{tr, tr_string};

/// The sentence a notification shows, in the language shown.
fn sentence(n: &NotificationView) -> String {
    let notice = &n.notice;
    let (number, supplier) = (notice.invoice_number.clone(), notice.supplier_name.clone());
    // `1234.50 NOK` as the language writes it.
    let amount = ap_core::format::amount_display(crate::widgets::lang(), &notice.amount);
    let due = notice
        .due_date
        .map(|d| date_text(&d.to_string()))
        .unwrap_or_default();
    let detail = notice.detail.clone();
    match notice.kind {
        NoticeKind::NewTask => tr_string!(
            account.nt_new_task,
            number = number,
            supplier = supplier,
            amount = amount
        )
        .to_string(),
        NoticeKind::ReviewRequested => tr_string!(
            account.nt_review,
            number = number,
            supplier = supplier,
            question = detail
        )
        .to_string(),
        NoticeKind::SoonOverdue => tr_string!(
            account.nt_soon,
            number = number,
            supplier = supplier,
            due = due
        )
        .to_string(),
        NoticeKind::Overdue => tr_string!(
            account.nt_overdue,
            number = number,
            supplier = supplier,
            due = due
        )
        .to_string(),
        NoticeKind::Escalated => tr_string!(
            account.nt_escalated,
            number = number,
            supplier = supplier,
            days = detail
        )
        .to_string(),
        NoticeKind::BundleSigned => tr_string!(account.nt_bundle, count = detail).to_string(),
        NoticeKind::PaymentRejected => tr_string!(
            account.nt_rejected,
            supplier = supplier,
            amount = amount,
            reason = detail
        )
        .to_string(),
    }
}

#[component]
pub fn NotificationsCard() -> impl IntoView {
    let session = use_session();
    let list = RwSignal::new(None::<NotificationsView>);
    let error = RwSignal::new(None::<String>);
    // The header's count follows the list.
    let show = move |v: NotificationsView| {
        if let Some(mut me) = untrack(move || session.me()) {
            if me.unread_notifications != v.unread {
                me.unread_notifications = v.unread;
                session.set_me(me);
            }
        }
        list.set(Some(v));
    };
    let load = Action::new_local(move |_: &()| async move {
        match api::notifications().await {
            Ok(v) => show(v),
            Err(e) => error.set(Some(e.message)),
        }
    });
    load.dispatch(());
    let read_all = Action::new_local(move |_: &()| async move {
        match api::read_notifications(Vec::new()).await {
            Ok(v) => show(v),
            Err(e) => error.set(Some(e.message)),
        }
    });
    view! {
        <section class="card" id="notifications" aria-labelledby="notifications-title" data-testid="notifications">
            <h2 id="notifications-title">{tr!(account.nt_title)}</h2>
            {move || error.get().map(|m| view! { <ErrorNote message=m /> })}
            {move || list.get().map(|v| {
                let unread = v.unread;
                view! {
                    {(v.items.is_empty()).then(|| view! { <p class="muted">{tr!(account.nt_none)}</p> })}
                    <ul class="notification-list">
                        {v.items.into_iter().map(|n| {
                            let text = match &n.notice.on_behalf_of {
                                Some(name) => format!("{} {}", sentence(&n), tr_string!(account.nt_on_behalf_of, name = name.clone())),
                                None => sentence(&n),
                            };
                            let href = n.notice.process_id.as_ref().map(|id| format!("/tasks/{id}"));
                            let when = ap_core::dates::Date::from_unix_secs(n.notice.at)
                                .map(|d| date_text(&d.to_string()))
                                .unwrap_or_default();
                            view! {
                                <li class:unread=!n.read data-kind=n.notice.kind.as_str()>
                                    <span class="muted small">{when}</span>" "
                                    {match href {
                                        Some(href) => view! { <A href=href>{text}</A> }.into_any(),
                                        None => view! { <span>{text}</span> }.into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(unread > 0).then(|| view! {
                        <button type="button" class="secondary" on:click=move |_| { read_all.dispatch(()); }>
                            {tr!(account.nt_read_all)}
                        </button>
                    })}
                }
            })}
        </section>
    }
}
