//! The Approve & Pay Worker: routes HTTP requests to one module per function.
//!
//! Architecture Invariant: handlers parse input, call `ap_core`, persist through `store`, and
//! answer. Rules live in `ap_core`; errors become problem+json in `problem` and nowhere else.

mod do_ledger;
mod health;
mod http;
mod problem;
mod store;

pub use do_ledger::Ledger;

use problem::ApiError;
use worker::{event, Context, Env, Method, Request, Response, Result};

/// The build version reported by `/api/v1/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let answer = route(req, &env).await;
    Ok(answer.unwrap_or_else(|e| e.into_response()))
}

/// The route table: every `/api/*` request comes here (the SPA and its assets are served by
/// Workers static assets before the Worker runs).
async fn route(req: Request, env: &Env) -> std::result::Result<Response, ApiError> {
    let url = req
        .url()
        .map_err(|_| ApiError::bad_request("The request URL is not valid."))?;
    let path = url.path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["api", "v1", "health"]) => health::get(env).await,
        (_, ["api", "v1", "health"]) => Err(ApiError::method_not_allowed("GET")),
        _ => Err(ApiError::not_found(&path)),
    }
}
