//! Storage behind a small interface: the KV namespace for documents and read models, and the
//! Durable Object namespaces for everything that needs an atomic read-modify-write.
//!
//! Architecture Invariant: handlers reach storage only through this module.

use serde::{de::DeserializeOwned, Serialize};
use worker::{Env, Method, Request, RequestInit};

use crate::problem::ApiError;

/// The KV binding that holds documents and read models.
pub const KV_BINDING: &str = "DATA";
/// The Durable Object binding of the per-company ledger.
pub const LEDGER_BINDING: &str = "LEDGER";

/// Documents and read models in Workers KV.
pub struct Kv(worker::kv::KvStore);

/// Every KV value is stored as JSON text, so `get` reads back exactly what `put` wrote (a raw
/// string put would otherwise come back parsed as whatever JSON it happens to look like).
fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::internal("serialize", e))
}

impl Kv {
    pub fn open(env: &Env) -> Result<Self, ApiError> {
        Ok(Self(env.kv(KV_BINDING)?))
    }

    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, ApiError> {
        Ok(self.0.get(key).json::<T>().await?)
    }

    pub async fn put<T: Serialize>(&self, key: &str, value: &T) -> Result<(), ApiError> {
        self.0.put(key, to_json(value)?)?.execute().await?;
        Ok(())
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
    let mut resp = stub.fetch_with_request(req).await?;
    if resp.status_code() != 200 {
        let text = resp.text().await.unwrap_or_default();
        return Err(ApiError::internal("durable object", text));
    }
    Ok(resp.json::<R>().await?)
}
