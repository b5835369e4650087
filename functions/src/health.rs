//! `GET /api/v1/health`: proves that KV and the Durable Objects really work.

use ap_core::api::{Health, HealthCheck};
use worker::Env;

use crate::do_ledger::{LedgerCommand, ProbeAnswer};
use crate::http::json;
use crate::problem::ApiError;
use crate::store::{call_object, Kv, LEDGER_BINDING};

pub async fn get(env: &Env) -> Result<worker::Response, ApiError> {
    let checks = vec![check_kv(env).await, check_ledger(env).await];
    let ok = checks.iter().all(|c| c.ok);
    let health = Health {
        status: if ok { "ok" } else { "degraded" }.to_owned(),
        version: crate::VERSION.to_owned(),
        checks,
    };
    json(if ok { 200 } else { 503 }, &health)
}

/// Writes a fresh value to KV and reads it back.
async fn check_kv(env: &Env) -> HealthCheck {
    let written = worker::Date::now().as_millis().to_string();
    let result = async {
        let kv = Kv::open(env)?;
        kv.put("health:probe", &written).await?;
        kv.get::<String>("health:probe").await
    }
    .await;
    match result {
        Ok(Some(read)) if read == written => check("kv", true, "wrote and read back a value"),
        Ok(other) => check(
            "kv",
            false,
            &format!("read back {other:?}, expected {written}"),
        ),
        Err(e) => check("kv", false, &e.to_string()),
    }
}

/// Asks the health ledger Durable Object to record a probe in its SQLite storage.
async fn check_ledger(env: &Env) -> HealthCheck {
    match call_object::<_, ProbeAnswer>(env, LEDGER_BINDING, "health", &LedgerCommand::Probe).await
    {
        Ok(a) => check(
            "durable_object",
            true,
            &format!("ledger recorded probe #{}", a.probes),
        ),
        Err(e) => check("durable_object", false, &e.to_string()),
    }
}

fn check(name: &str, ok: bool, detail: &str) -> HealthCheck {
    HealthCheck {
        name: name.to_owned(),
        ok,
        detail: detail.to_owned(),
    }
}
