//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the integration API, written from
//! `ap_core`'s types by the `openapi/` crate (`cargo run -p ap-openapi`) and served as it is.

use worker::{Headers, Response};

use crate::problem::ApiError;

const OPENAPI: &str = include_str!("openapi.json");

pub fn get() -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("cache-control", "public, max-age=300")?;
    Ok(Response::ok(OPENAPI)?.with_headers(headers))
}
