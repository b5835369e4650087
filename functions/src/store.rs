//! Storage behind a small interface: the KV namespace for documents and read models, and the
//! Durable Object namespaces for everything that needs an atomic read-modify-write.
//!
//! Architecture Invariant: handlers reach storage only through this module.

use ap_core::api::Page;
use serde::{de::DeserializeOwned, Serialize};
use worker::{Env, Method, Request, RequestInit};

use crate::meter::{measured, Call};
use crate::problem::{ApiError, BadQuery};

/// The KV binding that holds documents and read models.
pub const KV_BINDING: &str = "DATA";
/// The Durable Object binding of the per-company ledger.
pub const LEDGER_BINDING: &str = "LEDGER";
/// The Durable Object binding of the per-user guard (lockout, TOTP steps, sessions).
pub const USER_GUARD_BINDING: &str = "USER_GUARD";
/// The Durable Object binding of the organisation-wide registry of unique claims.
pub const REGISTRY_BINDING: &str = "REGISTRY";
/// The Durable Object binding of the rate limits (one object per limited key).
pub const THROTTLE_BINDING: &str = "THROTTLE";
/// The one registry object's name.
pub const REGISTRY_NAME: &str = "organisation";
/// Most keys one KV list page returns.
const LIST_PAGE: u64 = 1000;

/// One page of a KV listing: key names with their metadata, and where the next page starts.
struct KeyPage {
    keys: Vec<(String, Option<serde_json::Value>)>,
    next_cursor: Option<String>,
}

/// One page of an API list read from KV keys under a prefix (the audit events, the integration
/// keys): KV list calls, each asking for no more keys than the page still needs, until the page
/// is full, the keys run out, the listing is stopped, or its calls are spent. The cursor it ends
/// on is the page's `next_cursor`, so the list never stops silently.
pub struct KeyScan<'a> {
    kv: &'a Kv,
    prefix: &'a str,
    limit: usize,
    cursor: Option<String>,
    calls_left: usize,
    started: bool,
}

impl KeyScan<'_> {
    /// The next KV page's keys with their metadata, while the page (`kept` items so far) wants
    /// more; `None` once it is full, the keys ran out, the listing was stopped or the calls are
    /// spent.
    pub async fn next(
        &mut self,
        kept: usize,
    ) -> Result<Option<Vec<(String, Option<serde_json::Value>)>>, ApiError> {
        let ran_out = self.started && self.cursor.is_none();
        if kept >= self.limit || self.calls_left == 0 || ran_out {
            return Ok(None);
        }
        self.calls_left -= 1;
        self.started = true;
        let page = self
            .kv
            .list_page(self.prefix, self.cursor.take(), self.limit - kept)
            .await?;
        self.cursor = page.next_cursor;
        Ok(Some(page.keys))
    }

    /// Ends the listing where it is: nothing after what was read belongs to it (no next page).
    pub fn stop(&mut self) {
        self.started = true;
        self.cursor = None;
    }

    /// The page: the items kept, and the cursor of the next page while there may be more.
    pub fn page<T>(self, items: Vec<T>) -> Page<T> {
        Page {
            items,
            next_cursor: self.cursor,
        }
    }
}

/// Documents and read models in Workers KV. It also carries the `Env`, so that readers of records
/// kept in a Durable Object (company records, in the `Registry`) take the same handle.
pub struct Kv(worker::kv::KvStore, Env);

/// Every KV value is stored as JSON text, so `get` reads back exactly what `put` wrote (a raw
/// string put would otherwise come back parsed as whatever JSON it happens to look like).
fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::internal("serialize", e))
}

impl Kv {
    pub fn open(env: &Env) -> Result<Self, ApiError> {
        Ok(Self(env.kv(KV_BINDING)?, env.clone()))
    }

    /// The environment this handle was opened in (for [`call_object`]).
    pub fn env(&self) -> &Env {
        &self.1
    }

    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, ApiError> {
        Ok(measured(Call::KvRead, self.0.get(key).json::<T>()).await?)
    }

    pub async fn put<T: Serialize>(&self, key: &str, value: &T) -> Result<(), ApiError> {
        measured(Call::KvWrite, self.0.put(key, to_json(value)?)?.execute()).await?;
        Ok(())
    }

    /// Stores raw bytes (a PDF), not JSON.
    pub async fn put_bytes(&self, key: &str, bytes: &[u8]) -> Result<(), ApiError> {
        measured(Call::KvWrite, self.0.put_bytes(key, bytes)?.execute()).await?;
        Ok(())
    }

    /// Reads raw bytes stored with [`Kv::put_bytes`].
    pub async fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, ApiError> {
        Ok(measured(Call::KvRead, self.0.get(key).bytes()).await?)
    }

    /// Stores `value` with `metadata` that listings return without reading the value.
    pub async fn put_with_metadata<T: Serialize, M: Serialize>(
        &self,
        key: &str,
        value: &T,
        metadata: &M,
    ) -> Result<(), ApiError> {
        let put = self.0.put(key, to_json(value)?)?.metadata(metadata)?;
        measured(Call::KvWrite, put.execute()).await?;
        Ok(())
    }

    /// Up to `limit` keys starting with `prefix`, in key order, with their metadata.
    pub async fn list(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<(String, Option<serde_json::Value>)>, ApiError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut builder = self.0.list().prefix(prefix.to_owned()).limit(LIST_PAGE);
            if let Some(c) = cursor.take() {
                builder = builder.cursor(c);
            }
            let page = measured(Call::KvRead, builder.execute()).await?;
            out.extend(page.keys.into_iter().map(|k| (k.name, k.metadata)));
            if out.len() >= limit || page.list_complete {
                break;
            }
            match page.cursor {
                Some(c) if !c.is_empty() => cursor = Some(c),
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// A paged listing of the keys starting with `prefix` ([`KeyScan`]): a page of at most
    /// `limit` items from `cursor` on, read in at most `max_calls` KV list calls.
    pub fn scan<'a>(
        &'a self,
        prefix: &'a str,
        limit: usize,
        cursor: Option<String>,
        max_calls: usize,
    ) -> KeyScan<'a> {
        KeyScan {
            kv: self,
            prefix,
            limit,
            cursor,
            calls_left: max_calls,
            started: false,
        }
    }

    /// One page of keys starting with `prefix`, in key order, with their metadata: at most
    /// `limit` keys from `cursor` on (a cursor an earlier page answered), and the cursor of the
    /// next page when there is more. A cursor the store does not understand is the caller's
    /// mistake: 400, never 500.
    async fn list_page(
        &self,
        prefix: &str,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<KeyPage, ApiError> {
        let given = cursor.is_some();
        let mut builder = self
            .0
            .list()
            .prefix(prefix.to_owned())
            .limit(limit.clamp(1, LIST_PAGE as usize) as u64);
        if let Some(c) = cursor {
            builder = builder.cursor(c);
        }
        let page = match measured(Call::KvRead, builder.execute()).await {
            Ok(page) => page,
            Err(e) if given => {
                worker::console_warn!("kv list with a client cursor failed: {e}");
                return Err(BadQuery::CursorRefused.into());
            }
            Err(e) => return Err(e.into()),
        };
        let next_cursor = match page.cursor {
            Some(c) if !page.list_complete && !c.is_empty() => Some(c),
            _ => None,
        };
        Ok(KeyPage {
            keys: page
                .keys
                .into_iter()
                .map(|k| (k.name, k.metadata))
                .collect(),
            next_cursor,
        })
    }

    /// The values of every key starting with `prefix` (at most `limit`), skipping keys that
    /// vanished between listing and reading.
    pub async fn values<T: DeserializeOwned>(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        for (key, _) in self.list(prefix, limit).await? {
            if let Some(value) = self.get::<T>(&key).await? {
                out.push(value);
            }
        }
        Ok(out)
    }
}

/// Sends one typed command to the Durable Object `name` of `binding` and decodes its answer.
///
/// Durable Objects answer commands with JSON `Result<R, String>`-like bodies; transport
/// failures become `ApiError::Internal`.
pub async fn call_object<C: Serialize, R: DeserializeOwned>(
    env: &Env,
    binding: &str,
    name: &str,
    command: &C,
) -> Result<R, ApiError> {
    let stub = env.durable_object(binding)?.get_by_name(name)?;
    let body = serde_json::to_string(command).map_err(|e| ApiError::internal("serialize", e))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let req = Request::new_with_init("https://durable-object/command", &init)?;
    measured(Call::Object, async {
        let mut resp = stub.fetch_with_request(req).await?;
        if resp.status_code() != 200 {
            let text = resp.text().await.unwrap_or_default();
            return Err(ApiError::internal("durable object", text));
        }
        Ok(resp.json::<R>().await?)
    })
    .await
}
