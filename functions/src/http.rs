//! Small helpers shared by handlers for building answers.

use serde::Serialize;
use worker::{Headers, Response};

use crate::problem::ApiError;

/// A JSON answer with the given status; never cached (answers carry private data).
pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(|e| ApiError::internal("serialize", e))?;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(headers))
}
