//! `GET /api/v1/health`: proves that KV and the Durable Objects really work.
//!
//! Anyone may ask, so an anonymous call only reads (KV and the health ledger's probe count): a
//! flood of unauthenticated calls writes nothing. A signed-in System Administrator gets the full
//! check, which writes a value to KV and records a probe in the ledger and reads both back.

use ap_core::api::{Health, HealthCheck};
use worker::{Env, Request};

use crate::auth::current_session;
use crate::http::json;
use crate::ledger::{LedgerCommand, ProbeAnswer};
use crate::problem::ApiError;
use crate::store::{call_object, Kv, LEDGER_BINDING};

/// The KV key the full check writes and every check reads.
const PROBE_KEY: &str = "health:probe";

pub async fn get(req: &Request, env: &Env) -> Result<worker::Response, ApiError> {
    let admin = current_session(req, env)
        .await
        .ok()
        .flatten()
        .is_some_and(|ctx| ctx.require_system_admin().is_ok());
    let checks = if admin {
        vec![write_kv(env).await, probe_ledger(env, true).await]
    } else {
        vec![read_kv(env).await, probe_ledger(env, false).await]
    };
    let ok = checks.iter().all(|c| c.ok);
    let health = Health {
        status: if ok { "ok" } else { "degraded" }.to_owned(),
        version: crate::VERSION.to_owned(),
        checks,
    };
    json(if ok { 200 } else { 503 }, &health)
}

/// Reads the probe value (absent is fine: the store answered).
async fn read_kv(env: &Env) -> HealthCheck {
    let result = async { Kv::open(env)?.get::<String>(PROBE_KEY).await }.await;
    match result {
        Ok(_) => check("kv", true, "read a value"),
        Err(e) => check("kv", false, &e.to_string()),
    }
}

/// Writes a fresh value to KV and reads it back.
async fn write_kv(env: &Env) -> HealthCheck {
    let written = worker::Date::now().as_millis().to_string();
    let result = async {
        let kv = Kv::open(env)?;
        kv.put(PROBE_KEY, &written).await?;
        kv.get::<String>(PROBE_KEY).await
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

/// Asks the health ledger Durable Object how many probes its SQLite storage holds; `record`
/// records one more first.
async fn probe_ledger(env: &Env, record: bool) -> HealthCheck {
    let command = if record {
        LedgerCommand::Probe
    } else {
        LedgerCommand::ProbeCount
    };
    match call_object::<_, ProbeAnswer>(env, LEDGER_BINDING, "health", &command).await {
        Ok(a) if record => check(
            "durable_object",
            true,
            &format!("ledger recorded probe #{}", a.probes),
        ),
        Ok(a) => check(
            "durable_object",
            true,
            &format!("ledger holds {} probe(s)", a.probes),
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
