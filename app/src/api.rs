//! The one API client: typed calls to the Worker, with problem+json errors turned into
//! sentences a user can read. Request and response types come from `ap_core::api`.

use ap_core::api::{Health, Problem};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

/// Why a call failed, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiFailure> {
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/problem+json"));
    if is_problem {
        let problem: Problem = resp.json().await.map_err(|e| network(status, e))?;
        return Err(ApiFailure {
            status,
            message: problem.detail,
        });
    }
    resp.json::<T>().await.map_err(|e| network(status, e))
}

fn network(status: u16, err: impl std::fmt::Display) -> ApiFailure {
    ApiFailure {
        status,
        message: format!("The service could not be reached ({err})."),
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let resp = Request::get(path).send().await.map_err(|e| network(0, e))?;
    decode(resp).await
}

/// `GET /api/v1/health`. A degraded service answers 503 with the same body.
pub async fn health() -> Result<Health, ApiFailure> {
    get("/api/v1/health").await
}
