//! The rate-limit Durable Object: failed attempts of one key (an e-mail address or a client
//! address, hashed), counted in a fixed window by the rules of `ap_core::throttle`.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object per key, named
//! `{purpose}:{sha256 of the key}`. Table `window` holds one row: the window's `start` and its
//! `failures`. Each command reads and writes without awaiting in between: one atomic step.

use ap_core::throttle::{Gate, Limit, Window};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

use crate::durable::read_command;
use crate::problem::ApiError;
use crate::store::{call_object, THROTTLE_BINDING};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ThrottleCommand {
    /// Starts an attempt: refused when the budget is spent, else counted until refunded.
    Attempt { now: u64, limit: Limit },
    /// The attempt succeeded: its count is given back.
    Refund { now: u64, limit: Limit },
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AttemptAnswer {
    pub gate: Gate,
    /// This attempt spent the last of the budget.
    pub reached: bool,
}

#[durable_object]
pub struct Throttle {
    sql: SqlStorage,
}

impl DurableObject for Throttle {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(
            "CREATE TABLE IF NOT EXISTS window (id INTEGER PRIMARY KEY CHECK (id = 1), \
             start INTEGER NOT NULL, failures INTEGER NOT NULL)",
            None,
        ) {
            worker::console_error!("throttle schema: {e}");
        }
        Self { sql }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: ThrottleCommand = read_command(&mut req).await?;
        // No await below: one atomic step.
        let (window, answer) = match command {
            ThrottleCommand::Attempt { now, limit } => {
                let (window, gate, reached) = self.window()?.attempt(limit, now);
                (window, AttemptAnswer { gate, reached })
            }
            ThrottleCommand::Refund { now, limit } => (
                self.window()?.refund(limit, now),
                AttemptAnswer {
                    gate: Gate::Open,
                    reached: false,
                },
            ),
        };
        self.sql.exec(
            "INSERT INTO window (id, start, failures) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET start = excluded.start, failures = excluded.failures",
            vec![
                i64::try_from(window.start).unwrap_or(i64::MAX).into(),
                i64::from(window.failures).into(),
            ],
        )?;
        Response::from_json(&answer)
    }
}

impl Throttle {
    fn window(&self) -> Result<Window> {
        #[derive(Deserialize)]
        struct Row {
            start: i64,
            failures: i64,
        }
        let rows: Vec<Row> = self
            .sql
            .exec("SELECT start, failures FROM window WHERE id = 1", None)?
            .to_array()?;
        Ok(rows.first().map_or_else(Window::default, |r| Window {
            start: u64::try_from(r.start).unwrap_or(0),
            failures: u32::try_from(r.failures).unwrap_or(u32::MAX),
        }))
    }
}

/// Starts an attempt under key `name`.
pub async fn attempt(
    env: &Env,
    name: &str,
    limit: Limit,
    now: u64,
) -> Result<AttemptAnswer, ApiError> {
    call_object(
        env,
        THROTTLE_BINDING,
        name,
        &ThrottleCommand::Attempt { now, limit },
    )
    .await
}

/// The attempt under key `name` succeeded.
pub async fn refund(env: &Env, name: &str, limit: Limit, now: u64) -> Result<(), ApiError> {
    let _: AttemptAnswer = call_object(
        env,
        THROTTLE_BINDING,
        name,
        &ThrottleCommand::Refund { now, limit },
    )
    .await?;
    Ok(())
}
