//! Integration keys: created and revoked by a System Administrator, stored only as SHA-256
//! hashes, and checked on every integration API call by [`require_integration_key`].

use std::collections::BTreeSet;

use ap_core::api::{
    IntegrationKeyView, IntegrationWhoAmI, NewIntegrationKey, NewIntegrationKeyRequest, Scope,
};
use ap_core::ids::CompanyId;
use ap_core::integration::{
    ClientVersion, IntegrationKeySecret, KEY_BYTES, MIN_CLIENT_VERSION_TEXT,
};
use ap_core::listing::KeyStatus;
use ap_core::org::check_name;
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

use crate::auth::require_session;
use crate::events;
use crate::http::{json, page_params, query_param, read_json};
use crate::platform::{now_secs, random_bytes, random_id};
use crate::problem::{ApiError, BadField, BadQuery, Missing};
use crate::records::{
    existing_company, integration_key_id_key, integration_key_key, rfc3339, IntegrationKeyRecord,
};
use crate::store::Kv;
use crate::two_step::require_step_up;

/// `last_used_at` is written at most this often per key (KV allows one write per key per second).
const LAST_USED_GRANULARITY: u64 = 60;
/// Key ids start with this minus the creation time in milliseconds, so the listing (in KV key
/// order) shows the newest keys first.
const INVERT_FROM: u64 = 9_999_999_999_999;
/// Most KV list calls one page of the key listing makes while a filter skips keys.
const MAX_LIST_CALLS: usize = 10;

/// `integration-key-used:{key id}` → unix seconds of the key's latest use. Kept apart from the
/// key record so that recording a use never writes the record: a use racing a revocation can
/// never write the key back unrevoked.
fn integration_key_used_key(id: &str) -> String {
    format!("integration-key-used:{id}")
}

/// The metadata of `integration-key-id:{id}`: the hash (so listing needs no extra read) and
/// whether the key is revoked (so `?status=` filters without reading the key).
#[derive(Debug, Serialize, Deserialize)]
struct IndexMeta {
    hash: String,
    revoked: bool,
}

/// Checks an integration call: a live key (401), for `company` when given (403), with `scope`
/// when given (403), from a client of at least version 14.00 (426). Records when it was used.
pub async fn require_integration_key(
    req: &Request,
    env: &Env,
    company: Option<&CompanyId>,
    scope: Option<Scope>,
) -> Result<IntegrationKeyRecord, ApiError> {
    require_integration_key_with_any(req, env, company, scope.as_slice()).await
}

/// Why an integration API call is refused before it is looked at. Statuses in `problem.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRefusal {
    /// No key, an unknown one or a revoked one (401).
    #[error("Send a valid integration key: Authorization: Bearer ap_live_….")]
    NoValidKey,
    /// `X-Client-Version` missing or below the minimum (426).
    #[error(
        "This client is too old: X-Client-Version must be at least {MIN_CLIENT_VERSION_TEXT}. \
         Please upgrade the integration."
    )]
    ClientTooOld,
    #[error("This integration key belongs to another company.")]
    OtherCompany,
    /// A document for another company than the key's.
    #[error(
        "This integration key belongs to another company: send documents for company_id \
         with that company's key."
    )]
    DocumentOfOtherCompany,
    /// None of the scopes the call accepts (`a or b`).
    #[error("This integration key lacks the scope {0}.")]
    LacksScope(String),
}

/// Like [`require_integration_key`], for calls that any one of `scopes` allows (none given:
/// any live key of the company).
pub async fn require_integration_key_with_any(
    req: &Request,
    env: &Env,
    company: Option<&CompanyId>,
    scopes: &[Scope],
) -> Result<IntegrationKeyRecord, ApiError> {
    let header = req.headers().get("authorization")?.unwrap_or_default();
    let secret = IntegrationKeySecret::from_authorization(&header).ok_or(KeyRefusal::NoValidKey)?;
    let kv = Kv::open(env)?;
    let key: IntegrationKeyRecord = kv
        .get(&integration_key_key(&secret.hash()))
        .await?
        .filter(|k: &IntegrationKeyRecord| k.revoked_at.is_none())
        .ok_or(KeyRefusal::NoValidKey)?;
    let version = req.headers().get("x-client-version")?;
    let supported = version
        .as_deref()
        .and_then(|v| ClientVersion::parse(v).ok())
        .is_some_and(ClientVersion::is_supported);
    if !supported {
        return Err(KeyRefusal::ClientTooOld.into());
    }
    if company.is_some_and(|c| *c != key.company_id) {
        return Err(KeyRefusal::OtherCompany.into());
    }
    if !scopes.is_empty() && !scopes.iter().any(|s| key.scopes.contains(s)) {
        let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        return Err(KeyRefusal::LacksScope(names.join(" or ")).into());
    }
    let now = now_secs();
    let used_key = integration_key_used_key(&key.id);
    let last_used = kv.get::<u64>(&used_key).await?.or(key.last_used_at);
    if last_used.is_none_or(|t| now >= t + LAST_USED_GRANULARITY) {
        kv.put(&used_key, &now).await?;
    }
    Ok(key)
}

/// A key as the administrators see it, with its latest use.
async fn key_view(kv: &Kv, key: &IntegrationKeyRecord) -> Result<IntegrationKeyView, ApiError> {
    let used = kv.get::<u64>(&integration_key_used_key(&key.id)).await?;
    let mut view = key.view();
    if let Some(at) = used.max(key.last_used_at) {
        view.last_used_at = Some(rfc3339(at));
    }
    Ok(view)
}

/// `GET /api/v1/integration/whoami`: the presented key's company and scopes.
pub async fn whoami(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let key = require_integration_key(req, env, None, None).await?;
    json(
        200,
        &IntegrationWhoAmI {
            key_id: key.id,
            company_id: key.company_id.to_string(),
            scopes: key.scopes,
        },
    )
}

/// `GET /api/v1/admin/integration-keys?status=all|live|revoked&cursor=&limit=`: newest first,
/// revoked keys included unless filtered; a page of at most `limit` keys and the cursor of the
/// next page while there is more, so every live key can be found and revoked.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    require_session(req, env).await?.require_system_admin()?;
    let status =
        KeyStatus::parse(query_param(req, "status")?.as_deref()).ok_or(BadQuery::KeyStatus)?;
    let (limit, cursor) = page_params(req)?;
    let kv = Kv::open(env)?;
    let mut scan = kv.scan("integration-key-id:", limit, cursor, MAX_LIST_CALLS);
    let mut items = Vec::new();
    while let Some(keys) = scan.next(items.len()).await? {
        for (index, metadata) in keys {
            let meta = metadata.and_then(|m| serde_json::from_value::<IndexMeta>(m).ok());
            if meta.as_ref().is_some_and(|m| !status.admits(m.revoked)) {
                continue;
            }
            let hash = match meta {
                Some(m) => Some(m.hash),
                None => kv.get::<String>(&index).await?,
            };
            let Some(hash) = hash else { continue };
            let Some(key) = kv
                .get::<IntegrationKeyRecord>(&integration_key_key(&hash))
                .await?
            else {
                continue;
            };
            if status.admits(key.revoked_at.is_some()) {
                items.push(key_view(&kv, &key).await?);
            }
        }
    }
    json(200, &scan.page(items))
}

/// `POST /api/v1/admin/companies/{id}/integration-keys`: the key is answered once. Step-up: this
/// session confirmed a fresh code (`POST /api/v1/me/step-up`) in the last five minutes.
pub async fn create(mut req: Request, env: &Env, company: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    ctx.require_system_admin()?;
    let body: NewIntegrationKeyRequest = read_json(&mut req).await?;
    let kv = Kv::open(env)?;
    let company = existing_company(&kv, company).await?;
    let mut errors = Vec::new();
    let label = check_name(&body.label, "label", &mut errors);
    if body.scopes.is_empty() {
        errors.push(BadField::NoScopes.into());
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    require_step_up(&ctx)?;
    let scopes: Vec<Scope> = body
        .scopes
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let secret = IntegrationKeySecret::from_random_bytes(random_bytes::<KEY_BYTES>()?);
    let millis = worker::Date::now().as_millis();
    let key = IntegrationKeyRecord {
        id: format!("{:013}{}", INVERT_FROM.saturating_sub(millis), random_id()?),
        company_id: company.id.clone(),
        label,
        scopes,
        prefix: secret.shown_prefix(),
        hash: secret.hash(),
        created_at: now_secs(),
        last_used_at: None,
        revoked_at: None,
    };
    kv.put(&integration_key_key(&key.hash), &key).await?;
    kv.put_with_metadata(
        &integration_key_id_key(&key.id),
        &key.hash,
        &IndexMeta {
            hash: key.hash.clone(),
            revoked: false,
        },
    )
    .await?;
    let scope_list: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    events::record(
        env,
        &ctx.actor(),
        "integration_key_created",
        Some(&company.id),
        ap_core::sentence!(
            "Created integration key “{}” ({}…) with scopes {}.",
            key.label,
            key.prefix,
            scope_list.join(", ")
        ),
    )
    .await?;
    json(
        201,
        &NewIntegrationKey {
            key: key.view(),
            secret: secret.expose().to_owned(),
        },
    )
}

/// `DELETE /api/v1/admin/integration-keys/{key}`: revokes; revoking twice changes nothing.
/// Step-up: this session confirmed a fresh code (`POST /api/v1/me/step-up`) in the last
/// five minutes.
pub async fn revoke(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    ctx.require_system_admin()?;
    let kv = Kv::open(env)?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Missing::IntegrationKey.into());
    }
    let hash: String = kv
        .get(&integration_key_id_key(id))
        .await?
        .ok_or(Missing::IntegrationKey)?;
    let mut key: IntegrationKeyRecord = kv
        .get(&integration_key_key(&hash))
        .await?
        .ok_or(Missing::IntegrationKey)?;
    require_step_up(&ctx)?;
    if key.revoked_at.is_none() {
        key.revoked_at = Some(now_secs());
        kv.put(&integration_key_key(&hash), &key).await?;
        kv.put_with_metadata(
            &integration_key_id_key(id),
            &hash,
            &IndexMeta {
                hash: hash.clone(),
                revoked: true,
            },
        )
        .await?;
        events::record(
            env,
            &ctx.actor(),
            "integration_key_revoked",
            Some(&key.company_id),
            ap_core::sentence!("Revoked integration key “{}” ({}…).", key.label, key.prefix),
        )
        .await?;
    }
    json(200, &key_view(&kv, &key).await?)
}
