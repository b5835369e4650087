//! The audit trail: every sign-in attempt and every state change writes one event (who, when,
//! what). `GET /api/v1/admin/events` lists them newest first.

use ap_core::api::EventView;
use ap_core::ids::CompanyId;
use worker::{Env, Request};

use crate::auth;
use crate::http::{json, random_id};
use crate::problem::ApiError;
use crate::records::rfc3339;
use crate::store::Kv;

/// Keys sort newest first: the millisecond timestamp is subtracted from this.
const INVERT_FROM: u64 = 9_999_999_999_999;
/// Most events one listing returns.
const MAX_EVENTS: usize = 200;
/// KV metadata is limited to 1 KiB; longer events are read from their value instead.
const MAX_METADATA: usize = 900;

/// Writes one event. `actor` is the user's e-mail address, or "system".
pub async fn record(
    env: &Env,
    actor: &str,
    kind: &str,
    company: Option<&CompanyId>,
    detail: impl Into<String>,
) -> Result<(), ApiError> {
    let millis = worker::Date::now().as_millis();
    let id = random_id()?;
    let event = EventView {
        id: id.clone(),
        at: rfc3339(millis / 1000),
        kind: kind.to_owned(),
        actor: actor.to_owned(),
        company_id: company.map(|c| c.to_string()),
        detail: detail.into(),
    };
    let key = format!("event:{:013}:{id}", INVERT_FROM.saturating_sub(millis));
    let kv = Kv::open(env)?;
    let small = serde_json::to_string(&event).is_ok_and(|s| s.len() <= MAX_METADATA);
    if small {
        kv.put_with_metadata(&key, &event, &event).await
    } else {
        kv.put(&key, &event).await
    }
}

/// `GET /api/v1/admin/events?kind=sign_in`: newest first; `kind` keeps events whose kind starts
/// with it.
pub async fn list(req: &Request, env: &Env) -> Result<worker::Response, ApiError> {
    let ctx = auth::require_session(req, env).await?;
    ctx.require_system_admin()?;
    let url = req.url()?;
    let kind = url
        .query_pairs()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let kv = Kv::open(env)?;
    let mut events = Vec::new();
    for (key, metadata) in kv.list("event:", 2000).await? {
        let event = match metadata.and_then(|m| serde_json::from_value::<EventView>(m).ok()) {
            Some(event) => Some(event),
            None => kv.get::<EventView>(&key).await?,
        };
        if let Some(event) = event.filter(|e| e.kind.starts_with(&kind)) {
            events.push(event);
            if events.len() >= MAX_EVENTS {
                break;
            }
        }
    }
    json(200, &events)
}
