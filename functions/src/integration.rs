//! Integration keys: created and revoked by a System Administrator, stored only as SHA-256
//! hashes, and checked on every integration API call by [`require_integration_key`].

use std::collections::BTreeSet;

use ap_core::api::{IntegrationWhoAmI, NewIntegrationKey, NewIntegrationKeyRequest, Scope};
use ap_core::ids::CompanyId;
use ap_core::integration::{
    ClientVersion, IntegrationKeySecret, KEY_BYTES, MIN_CLIENT_VERSION_TEXT,
};
use ap_core::org::check_name;
use worker::{Env, Request, Response};

use crate::auth::require_session;
use crate::events;
use crate::http::{json, now_secs, random_bytes, random_id, read_json};
use crate::problem::ApiError;
use crate::records::{
    existing_company, integration_key_id_key, integration_key_key, IntegrationKeyRecord, MAX_LISTED,
};
use crate::store::Kv;
use crate::two_step::require_step_up;

/// `last_used_at` is written at most this often per key (KV allows one write per key per second).
const LAST_USED_GRANULARITY: u64 = 60;

/// Checks an integration call: a live key (401), for `company` when given (403), with `scope`
/// when given (403), from a client of at least version 14.00 (426). Records when it was used.
pub async fn require_integration_key(
    req: &Request,
    env: &Env,
    company: Option<&CompanyId>,
    scope: Option<Scope>,
) -> Result<IntegrationKeyRecord, ApiError> {
    let unauthorized = || {
        ApiError::Unauthorized(
            "Send a valid integration key: Authorization: Bearer ap_live_….".to_owned(),
        )
    };
    let header = req.headers().get("authorization")?.unwrap_or_default();
    let secret = IntegrationKeySecret::from_authorization(&header).ok_or_else(unauthorized)?;
    let kv = Kv::open(env)?;
    let mut key: IntegrationKeyRecord = kv
        .get(&integration_key_key(&secret.hash()))
        .await?
        .filter(|k: &IntegrationKeyRecord| k.revoked_at.is_none())
        .ok_or_else(unauthorized)?;
    let version = req.headers().get("x-client-version")?;
    let supported = version
        .as_deref()
        .and_then(|v| ClientVersion::parse(v).ok())
        .is_some_and(ClientVersion::is_supported);
    if !supported {
        return Err(ApiError::UpgradeRequired(MIN_CLIENT_VERSION_TEXT));
    }
    if company.is_some_and(|c| *c != key.company_id) {
        return Err(ApiError::Forbidden(
            "This integration key belongs to another company.".to_owned(),
        ));
    }
    if let Some(scope) = scope {
        if !key.scopes.contains(&scope) {
            return Err(ApiError::Forbidden(format!(
                "This integration key lacks the scope {}.",
                scope.as_str()
            )));
        }
    }
    let now = now_secs();
    if key
        .last_used_at
        .is_none_or(|t| now >= t + LAST_USED_GRANULARITY)
    {
        key.last_used_at = Some(now);
        kv.put(&integration_key_key(&key.hash), &key).await?;
    }
    Ok(key)
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

/// `GET /api/v1/admin/integration-keys`.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    require_session(req, env).await?.require_system_admin()?;
    let kv = Kv::open(env)?;
    let mut keys = Vec::new();
    for (index, _) in kv.list("integration-key-id:", MAX_LISTED).await? {
        if let Some(hash) = kv.get::<String>(&index).await? {
            if let Some(key) = kv
                .get::<IntegrationKeyRecord>(&integration_key_key(&hash))
                .await?
            {
                keys.push(key);
            }
        }
    }
    keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
    let views: Vec<_> = keys.iter().map(IntegrationKeyRecord::view).collect();
    json(200, &views)
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
        errors.push(ap_core::api::FieldError {
            field: "scopes".into(),
            message: "Choose at least one scope.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
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
    let key = IntegrationKeyRecord {
        id: random_id()?,
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
    kv.put(&integration_key_id_key(&key.id), &key.hash).await?;
    let scope_list: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    events::record(
        env,
        &ctx.actor(),
        "integration_key_created",
        Some(&company.id),
        format!(
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
    let not_found = || ApiError::NotFound("There is no such integration key.".to_owned());
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    let hash: String = kv
        .get(&integration_key_id_key(id))
        .await?
        .ok_or_else(not_found)?;
    let mut key: IntegrationKeyRecord = kv
        .get(&integration_key_key(&hash))
        .await?
        .ok_or_else(not_found)?;
    require_step_up(&ctx)?;
    if key.revoked_at.is_none() {
        key.revoked_at = Some(now_secs());
        kv.put(&integration_key_key(&hash), &key).await?;
        events::record(
            env,
            &ctx.actor(),
            "integration_key_revoked",
            Some(&key.company_id),
            format!("Revoked integration key “{}” ({}…).", key.label, key.prefix),
        )
        .await?;
    }
    json(200, &key.view())
}
