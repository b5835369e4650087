//! Telling people (issue 10): each notice goes to its recipients' notification lists (their
//! `UserGuard`, once per notice id) and, where the company has one, to its webhook (kept in the
//! company's ledger, delivered signed and retried with back-off). Also the hourly run
//! (`#[event(scheduled)]`: reminders, escalations, webhook retries), the notification list
//! endpoints and the webhook's settings. The rules are `ap_core::notify`.
//!
//! Delivery comes after the command that decided it has been stored: a notice is never told of
//! something that did not happen. A failure to tell is logged and does not undo the decision;
//! the reminders are stored as sent in the command that decides them, so a run cut short
//! between the ledger and the lists loses those notices rather than sending them twice.

use std::collections::BTreeMap;
use std::pin::pin;

use ap_core::api_workflow::{
    NotificationsView, ReadNotificationsRequest, WebhookRequest, WebhookView,
};
use ap_core::dates::Date;
use ap_core::ids::UserId;
use ap_core::notify::{check_webhook_url, delivered, webhook_signature, Addressed, Notice};
use ap_core::roles::Role;
use futures_util::future::{select, Either};
use worker::{Delay, Env, Fetch, Headers, Method, Request, RequestInit, Response};

use crate::auth::require_session;
use crate::do_registry::CompanyChange;
use crate::do_user::{ask_guard, GuardCommand};
use crate::events;
use crate::http::{json, read_json};
use crate::ledger::{ask_ledger, DueDelivery, LedgerCommand, RemindSettings};
use crate::platform::{now_secs, random_bytes};
use crate::problem::{ApiError, BadField};
use crate::records::{
    all_companies, change_company, company_id, existing_company, load_user, CompanyRecord,
    CompanyWebhook,
};
use crate::secrets::{open_text, seal_text};
use crate::store::Kv;

/// Notifications answered per list.
const LIST_LIMIT: u32 = 50;
/// Deliveries attempted per company and run (the rest wait for the next).
const DELIVERIES_PER_RUN: usize = 20;
/// How long a receiver may take to answer.
const DELIVERY_TIMEOUT_MS: u64 = 10_000;
/// Deliveries shown in the log.
const LOG_LIMIT: usize = 50;

/// Tells each notice to its recipients and the company's webhook. Never fails the caller: what
/// went wrong is logged.
pub async fn tell(env: &Env, company: &CompanyRecord, told: Vec<Addressed>) {
    if told.is_empty() {
        return;
    }
    if let Err(e) = try_tell(env, company, told).await {
        worker::console_error!("notifications of {}: {e:?}", company.id.as_str());
    }
}

async fn try_tell(env: &Env, record: &CompanyRecord, told: Vec<Addressed>) -> Result<(), ApiError> {
    let kv = Kv::open(env)?;
    // Who substitutes for whom today, asked once per person however many notices they get.
    let mut substitutes: BTreeMap<UserId, Option<UserId>> = BTreeMap::new();
    let today = Date::from_unix_secs(now_secs()).map_err(|e| ApiError::internal("today", e))?;
    // Everyone's task: every active Invoice Approver, read once for all the notices.
    let mut everyone: Option<Vec<UserId>> = None;
    for addressed in &told {
        let to = match &addressed.to {
            Some(to) => to.clone(),
            None => {
                if everyone.is_none() {
                    let approvers = crate::workflows::invoice_approvers(env, &kv, record).await?;
                    everyone = Some(approvers.into_iter().map(|u| u.id).collect());
                }
                everyone.clone().unwrap_or_default()
            }
        };
        for user in to {
            notify(env, &user, addressed.notice.clone()).await;
            // Someone away has a substitute deciding their tasks: they are told too. (A task
            // that is everyone's is every approver's anyway.)
            if addressed.to.is_none() {
                continue;
            }
            let substitute = match substitutes.get(&user) {
                Some(known) => known.clone(),
                None => {
                    let found = crate::absences::substitute_of(env, &user, today).await?;
                    substitutes.insert(user.clone(), found.clone());
                    found
                }
            };
            if let Some(substitute) = substitute {
                let name = load_user(&kv, &user).await?.map(|u| u.name);
                let notice = Notice {
                    on_behalf_of: name,
                    ..addressed.notice.clone()
                };
                notify(env, &substitute, notice).await;
            }
        }
    }
    if record.webhook.is_some() {
        let notices: Vec<Notice> = told.into_iter().map(|a| a.notice).collect();
        let enqueue = LedgerCommand::EnqueueDeliveries {
            notices,
            now: now_secs(),
        };
        ask_ledger::<()>(env, &record.id, &enqueue).await?;
        deliver_due(env, record).await?;
    }
    Ok(())
}

/// Keeps `notice` in `user`'s list; a failure is logged.
async fn notify(env: &Env, user: &UserId, notice: Notice) {
    if let Err(e) = ask_guard(env, user, &GuardCommand::Notify { notice }).await {
        worker::console_error!("notify {}: {e:?}", user.as_str());
    }
}

/// Sends the company's webhook deliveries that are due, each signed, recording each result.
pub async fn deliver_due(env: &Env, company: &CompanyRecord) -> Result<(), ApiError> {
    let Some(webhook) = &company.webhook else {
        return Ok(());
    };
    let secret = open_text(env, &webhook.sealed_secret, company.id.as_str())?;
    let due: Vec<DueDelivery> = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::DueDeliveries {
            now: now_secs(),
            limit: DELIVERIES_PER_RUN,
        },
    )
    .await?;
    for delivery in due {
        let (ok, result) = match post(&webhook.url, secret.as_bytes(), &delivery).await {
            Ok(status) => (delivered(status), format!("HTTP {status}")),
            Err(why) => (false, why),
        };
        let attempted = LedgerCommand::DeliveryAttempted {
            id: delivery.id,
            ok,
            result,
            now: now_secs(),
        };
        ask_ledger::<()>(env, &company.id, &attempted).await?;
    }
    Ok(())
}

/// One attempt: the receiver's status, or why it could not be reached.
async fn post(url: &str, secret: &[u8], delivery: &DueDelivery) -> Result<u16, String> {
    let headers = Headers::new();
    let signature = webhook_signature(secret, now_secs(), delivery.body.as_bytes());
    for (name, value) in [
        ("content-type", "application/json"),
        (ap_core::notify::SIGNATURE_HEADER, signature.as_str()),
        ("x-approve-and-pay-delivery", delivery.id.as_str()),
        ("user-agent", "Approve-and-Pay-Webhook/1"),
    ] {
        headers.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(delivery.body.clone().into()));
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let fetch = Fetch::Request(request);
    let send = pin!(fetch.send());
    let timeout = pin!(Delay::from(std::time::Duration::from_millis(
        DELIVERY_TIMEOUT_MS
    )));
    match select(send, timeout).await {
        Either::Left((Ok(response), _)) => Ok(response.status_code()),
        Either::Left((Err(e), _)) => Err(format!("not reached: {e}")),
        Either::Right(_) => Err("no answer within 10 seconds".to_owned()),
    }
}

// ---- The hourly run ----

/// The hourly run (Cron Trigger `0 * * * *`): for each company, the reminders and escalations
/// owed today, told; then the webhook deliveries due again.
pub async fn run_hourly(env: &Env) {
    let companies = match Kv::open(env) {
        Ok(kv) => all_companies(&kv).await,
        Err(e) => Err(e),
    };
    let companies = match companies {
        Ok(companies) => companies,
        Err(e) => {
            worker::console_error!("hourly run: companies: {e:?}");
            return;
        }
    };
    for company in companies {
        if let Err(e) = remind(env, &company).await {
            worker::console_error!("hourly run of {}: {e:?}", company.id.as_str());
        }
    }
}

async fn remind(env: &Env, company: &CompanyRecord) -> Result<(), ApiError> {
    let now = now_secs();
    let today = Date::from_unix_secs(now).map_err(|e| ApiError::internal("today", e))?;
    let settings = RemindSettings {
        soon_days: company.settings.soon_overdue_days,
        escalate_after: company.settings.escalate_after_days,
        escalation: escalation_approver(env, company).await?,
    };
    let command = LedgerCommand::Remind {
        today,
        now,
        settings,
    };
    let told: Vec<Addressed> = ask_ledger(env, &company.id, &command).await?;
    tell(env, company, told).await;
    deliver_due(env, company).await
}

/// The company's escalation approver while they are an active Invoice Approver there (fail
/// closed: anyone else is never handed a task).
async fn escalation_approver(
    env: &Env,
    company: &CompanyRecord,
) -> Result<Option<(UserId, String)>, ApiError> {
    let Some(id) = &company.settings.escalation_user else {
        return Ok(None);
    };
    let kv = Kv::open(env)?;
    Ok(load_user(&kv, id)
        .await?
        .filter(|u| u.active && u.roles.has(&company.id, Role::InvoiceApprover))
        .map(|u| (u.id, u.name)))
}

// ---- The notification list ----

/// `GET /api/v1/me/notifications`.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let answer = ask_guard(
        env,
        &ctx.user.id,
        &GuardCommand::Notifications { limit: LIST_LIMIT },
    )
    .await?;
    json(
        200,
        &NotificationsView {
            items: answer.notifications,
            unread: answer.unread_notifications,
        },
    )
}

/// `POST /api/v1/me/notifications/read`: answers the list as it is then.
pub async fn read(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: ReadNotificationsRequest = read_json(&mut req).await?;
    if body.ids.len() > LIST_LIMIT as usize || body.ids.iter().any(|id| id.len() > 300) {
        return Err(BadField::NotificationIds.into());
    }
    ask_guard(
        env,
        &ctx.user.id,
        &GuardCommand::ReadNotifications { ids: body.ids },
    )
    .await?;
    list(&req, env).await
}

// ---- The company's webhook (System Administrators) ----

async fn admin_company(
    req: &Request,
    env: &Env,
    id: &str,
) -> Result<(String, Kv, CompanyRecord), ApiError> {
    let ctx = require_session(req, env).await?;
    ctx.require_system_admin()?;
    let kv = Kv::open(env)?;
    let company = existing_company(&kv, id).await?;
    Ok((ctx.actor(), kv, company))
}

async fn view(
    env: &Env,
    company: &CompanyRecord,
    secret: Option<String>,
) -> Result<WebhookView, ApiError> {
    let deliveries = if company.webhook.is_some() {
        ask_ledger(
            env,
            &company.id,
            &LedgerCommand::Deliveries { limit: LOG_LIMIT },
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(WebhookView {
        url: company.webhook.as_ref().map(|w| w.url.clone()),
        secret,
        deliveries,
    })
}

/// `GET /api/v1/companies/{id}/webhook`: the address and the delivery log.
pub async fn get(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (_, _, company) = admin_company(req, env, id).await?;
    json(200, &view(env, &company, None).await?)
}

/// `PUT /api/v1/companies/{id}/webhook`: sets the address and draws a new signing secret,
/// answered this once.
pub async fn put(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (actor, kv, company) = admin_company(&req, env, id).await?;
    let body: WebhookRequest = read_json(&mut req).await?;
    let url = body.url.trim().to_owned();
    check_webhook_url(&url).map_err(BadField::WebhookUrl)?;
    let secret = format!(
        "whsec_{}",
        random_bytes::<32>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let webhook = CompanyWebhook {
        url: url.clone(),
        sealed_secret: seal_text(env, &secret, company.id.as_str())?,
    };
    let change = CompanyChange::SetWebhook {
        webhook: Some(webhook),
    };
    let (_, company) = change_company(&kv, &company_id(id)?, None, change).await?;
    events::record(
        env,
        &actor,
        "webhook_set",
        Some(&company.id),
        ap_core::sentence!(
            "Set the webhook of {} to {url}, with a new signing secret.",
            company.name
        ),
    )
    .await?;
    json(200, &view(env, &company, Some(secret)).await?)
}

/// `DELETE /api/v1/companies/{id}/webhook`: no more deliveries.
pub async fn remove(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (actor, kv, company) = admin_company(req, env, id).await?;
    if company.webhook.is_none() {
        return json(200, &view(env, &company, None).await?);
    }
    let change = CompanyChange::SetWebhook { webhook: None };
    let (_, company) = change_company(&kv, &company_id(id)?, None, change).await?;
    events::record(
        env,
        &actor,
        "webhook_removed",
        Some(&company.id),
        ap_core::sentence!("Removed the webhook of {}.", company.name),
    )
    .await?;
    json(200, &view(env, &company, None).await?)
}
