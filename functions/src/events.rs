//! The audit trail: every sign-in attempt and every state change writes one event (who, when,
//! what). `GET /api/v1/admin/events` lists them newest first, a page at a time, filtered by
//! kind, actor, company and time.

use ap_core::api::EventView;
use ap_core::ids::CompanyId;
use ap_core::listing::{instant_millis, EventFilter, InRange};
use worker::{Env, Request};

use crate::auth;
use crate::http::{json, page_params, query_param};
use crate::platform::random_id;
use crate::problem::{ApiError, BadQuery};
use crate::records::rfc3339;
use crate::store::Kv;

/// Keys sort newest first: the millisecond timestamp is subtracted from this.
const INVERT_FROM: u64 = 9_999_999_999_999;
/// Most KV list calls one page of the listing makes while a filter skips events.
const MAX_LIST_CALLS: usize = 20;
/// Most events read from their value (too long for metadata) for one page.
const MAX_READS: usize = 400;
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

/// The millisecond time an event key holds (`event:{inverted millis}:{id}`).
fn key_millis(key: &str) -> Option<u64> {
    let inverted: u64 = key
        .strip_prefix("event:")?
        .split(':')
        .next()?
        .parse()
        .ok()?;
    INVERT_FROM.checked_sub(inverted)
}

/// A `?from=`/`?to=` bound, or a 400 naming the field.
fn bound(req: &Request, name: &'static str, end: bool) -> Result<Option<u64>, ApiError> {
    match query_param(req, name)? {
        None => Ok(None),
        Some(t) if t.is_empty() => Ok(None),
        Some(t) => Ok(Some(
            instant_millis(&t, end).ok_or(BadQuery::TimeBound(name))?,
        )),
    }
}

/// `GET /api/v1/admin/events?kind=&actor=&company=&from=&to=&cursor=&limit=`: newest first,
/// back to the very first event, one page at a time. `kind` keeps events whose kind starts with
/// it, `actor` one e-mail address (any case) or "system", `company` one company id, `from`/`to`
/// a time range (both ends included). A page may hold fewer than `limit` events while
/// `next_cursor` is set: the filter skipped the rest of what was read.
pub async fn list(req: &Request, env: &Env) -> Result<worker::Response, ApiError> {
    let ctx = auth::require_session(req, env).await?;
    ctx.require_system_admin()?;
    let nonempty = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    let filter = EventFilter {
        kind: query_param(req, "kind")?.unwrap_or_default(),
        actor: nonempty(query_param(req, "actor")?),
        company: nonempty(query_param(req, "company")?),
        from_millis: bound(req, "from", false)?,
        to_millis: bound(req, "to", true)?,
    };
    if filter
        .from_millis
        .zip(filter.to_millis)
        .is_some_and(|(f, t)| f > t)
    {
        return Err(BadQuery::RangeReversed.into());
    }
    let (limit, cursor) = page_params(req)?;
    let kv = Kv::open(env)?;
    let mut scan = kv.scan("event:", limit, cursor, MAX_LIST_CALLS);
    let mut items = Vec::new();
    let mut reads = 0;
    while reads < MAX_READS {
        let Some(keys) = scan.next(items.len()).await? else {
            break;
        };
        for (key, metadata) in keys {
            match key_millis(&key).map(|m| filter.range(m)) {
                Some(InRange::Older) => {
                    // Newest first: everything after this is older still.
                    scan.stop();
                    break;
                }
                Some(InRange::Newer) => continue,
                _ => {}
            }
            let event = match metadata.and_then(|m| serde_json::from_value::<EventView>(m).ok()) {
                Some(event) => Some(event),
                None => {
                    reads += 1;
                    kv.get::<EventView>(&key).await?
                }
            };
            if let Some(event) = event.filter(|e| filter.admits(e)) {
                items.push(event);
            }
        }
    }
    json(200, &scan.page(items))
}
