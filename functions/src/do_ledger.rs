//! The per-company ledger Durable Object.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object per company, named by the
//! company id. Today it keeps a probe table used by the health check; approval tokens and their
//! consumption will live here, because a token must be consumed at most once and KV cannot do
//! that atomically.

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

/// Commands the Worker sends to a ledger.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum LedgerCommand {
    /// Records one probe and answers how many were recorded so far.
    Probe,
}

/// Answer to [`LedgerCommand::Probe`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ProbeAnswer {
    pub probes: i64,
}

#[durable_object]
pub struct Ledger {
    sql: SqlStorage,
}

impl DurableObject for Ledger {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(
            "CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL)",
            None,
        ) {
            worker::console_error!("ledger schema: {e}");
        }
        Self { sql }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: LedgerCommand = req.json().await?;
        match command {
            LedgerCommand::Probe => {
                #[derive(Deserialize)]
                struct Count {
                    n: i64,
                }
                self.sql.exec(
                    "INSERT INTO probe (at) VALUES (?)",
                    vec![worker::Date::now().to_string().into()],
                )?;
                let count: Count = self
                    .sql
                    .exec("SELECT COUNT(*) AS n FROM probe", None)?
                    .one()?;
                Response::from_json(&ProbeAnswer { probes: count.n })
            }
        }
    }
}
