//! The per-user guard Durable Object: lockout, TOTP replay protection and sessions.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object per user, named by the user
//! id. Table `guard` holds exactly one row (`id = 1`): the [`TwoStepGuard`] fields
//! (`consecutive_failures`, `locked_until`, `last_used_step`) and `active` (0 once the user is
//! deactivated, so a stale KV copy of the user cannot sign in). Table `sessions` holds one row
//! per live session: the SHA-256 of the cookie secret (never the secret), `created` and
//! `last_seen` (unix seconds); expired rows are deleted when met.
//!
//! Each command runs its reads and writes without awaiting in between, so two concurrent
//! attempts with the same TOTP step cannot both succeed, and the failure count is exact.

use ap_core::guard::TwoStepGuard;
use ap_core::session::session_is_live;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, SqlStorageValue,
    State,
};

/// Commands the Worker sends to a user's guard. Times are unix seconds from the Worker's clock.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GuardCommand {
    /// A sign-in attempt. `step` is the TOTP step the Worker matched (`None`: no or wrong code);
    /// it must be newer than the last used step. On success the session is stored.
    SignIn {
        now: u64,
        password_ok: bool,
        needs_code: bool,
        step: Option<u64>,
        session_hash: String,
    },
    /// A code check without a password (activating or deactivating two-step verification).
    VerifyCode {
        now: u64,
        step: Option<u64>,
    },
    /// Is this session live? Refreshes `last_seen` when it is.
    Touch {
        now: u64,
        session_hash: String,
    },
    EndSession {
        session_hash: String,
    },
    /// Ends every session but `keep` (after a password change).
    EndOtherSessions {
        keep: String,
    },
    /// Deactivation ends every session at once; reactivation allows sign-in again.
    SetActive {
        active: bool,
    },
    /// A System Administrator lifts the lock.
    Unlock,
    /// The TOTP secret changed or was removed: steps of the old secret no longer matter.
    ForgetSteps,
    Status {
        now: u64,
    },
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accepted,
    NotCorrect,
    Locked,
}

/// The answer to every [`GuardCommand`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GuardAnswer {
    pub outcome: Outcome,
    /// Set while a lock is in force.
    pub locked_until: Option<u64>,
}

#[derive(Deserialize)]
struct GuardRow {
    consecutive_failures: i64,
    locked_until: Option<i64>,
    last_used_step: Option<i64>,
    active: i64,
}

#[derive(Deserialize)]
struct SessionRow {
    created: i64,
    last_seen: i64,
}

#[durable_object]
pub struct UserGuard {
    sql: SqlStorage,
}

impl DurableObject for UserGuard {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        for statement in [
            "CREATE TABLE IF NOT EXISTS guard (id INTEGER PRIMARY KEY CHECK (id = 1), \
             consecutive_failures INTEGER NOT NULL, locked_until INTEGER, last_used_step INTEGER, \
             active INTEGER NOT NULL)",
            "INSERT OR IGNORE INTO guard (id, consecutive_failures, active) VALUES (1, 0, 1)",
            "CREATE TABLE IF NOT EXISTS sessions (secret_hash TEXT PRIMARY KEY, \
             created INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
        ] {
            if let Err(e) = sql.exec(statement, None) {
                worker::console_error!("user guard schema: {e}");
            }
        }
        Self { sql }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: GuardCommand = req.json().await?;
        // No await below this line: the command is one atomic step of this object.
        let answer = self.apply(command)?;
        Response::from_json(&answer)
    }
}

fn int(v: u64) -> SqlStorageValue {
    SqlStorageValue::from(i64::try_from(v).unwrap_or(i64::MAX))
}

impl UserGuard {
    fn load(&self) -> Result<(TwoStepGuard, bool)> {
        let row: GuardRow = self
            .sql
            .exec(
                "SELECT consecutive_failures, locked_until, last_used_step, active FROM guard WHERE id = 1",
                None,
            )?
            .one()?;
        let guard = TwoStepGuard {
            consecutive_failures: u32::try_from(row.consecutive_failures).unwrap_or(u32::MAX),
            locked_until: row.locked_until.and_then(|v| u64::try_from(v).ok()),
            last_used_step: row.last_used_step.and_then(|v| u64::try_from(v).ok()),
        };
        Ok((guard, row.active != 0))
    }

    fn save(&self, guard: &TwoStepGuard) -> Result<()> {
        self.sql.exec(
            "UPDATE guard SET consecutive_failures = ?, locked_until = ?, last_used_step = ? WHERE id = 1",
            vec![
                int(u64::from(guard.consecutive_failures)),
                guard.locked_until.map(int).unwrap_or(SqlStorageValue::Null),
                guard.last_used_step.map(int).unwrap_or(SqlStorageValue::Null),
            ],
        )?;
        Ok(())
    }

    fn apply(&self, command: GuardCommand) -> Result<GuardAnswer> {
        let (mut guard, active) = self.load()?;
        let answer = |outcome, guard: &TwoStepGuard, now: Option<u64>| GuardAnswer {
            outcome,
            locked_until: guard
                .locked_until
                .filter(|until| now.is_none_or(|now| now < *until)),
        };
        match command {
            GuardCommand::SignIn {
                now,
                password_ok,
                needs_code,
                step,
                session_hash,
            } => {
                if !active {
                    return Ok(answer(Outcome::NotCorrect, &guard, Some(now)));
                }
                let outcome = self.attempt(&mut guard, now, password_ok, needs_code, step)?;
                if outcome == Outcome::Accepted {
                    self.sql.exec(
                        "DELETE FROM sessions WHERE created <= ? OR last_seen <= ?",
                        vec![
                            int(now.saturating_sub(ap_core::session::ABSOLUTE_SECONDS)),
                            int(now.saturating_sub(ap_core::session::IDLE_SECONDS)),
                        ],
                    )?;
                    self.sql.exec(
                        "INSERT OR REPLACE INTO sessions (secret_hash, created, last_seen) VALUES (?, ?, ?)",
                        vec![session_hash.into(), int(now), int(now)],
                    )?;
                }
                Ok(answer(outcome, &guard, Some(now)))
            }
            GuardCommand::VerifyCode { now, step } => {
                let outcome = self.attempt(&mut guard, now, true, true, step)?;
                Ok(answer(outcome, &guard, Some(now)))
            }
            GuardCommand::Touch { now, session_hash } => {
                let rows: Vec<SessionRow> = self
                    .sql
                    .exec(
                        "SELECT created, last_seen FROM sessions WHERE secret_hash = ?",
                        vec![session_hash.clone().into()],
                    )?
                    .to_array()?;
                let live = active
                    && rows.first().is_some_and(|row| {
                        session_is_live(
                            u64::try_from(row.created).unwrap_or(0),
                            u64::try_from(row.last_seen).unwrap_or(0),
                            now,
                        )
                    });
                if live {
                    self.sql.exec(
                        "UPDATE sessions SET last_seen = ? WHERE secret_hash = ?",
                        vec![int(now), session_hash.into()],
                    )?;
                } else if !rows.is_empty() {
                    self.sql.exec(
                        "DELETE FROM sessions WHERE secret_hash = ?",
                        vec![session_hash.into()],
                    )?;
                }
                let outcome = if live {
                    Outcome::Accepted
                } else {
                    Outcome::NotCorrect
                };
                Ok(answer(outcome, &guard, Some(now)))
            }
            GuardCommand::EndSession { session_hash } => {
                self.sql.exec(
                    "DELETE FROM sessions WHERE secret_hash = ?",
                    vec![session_hash.into()],
                )?;
                Ok(answer(Outcome::Accepted, &guard, None))
            }
            GuardCommand::EndOtherSessions { keep } => {
                self.sql.exec(
                    "DELETE FROM sessions WHERE secret_hash <> ?",
                    vec![keep.into()],
                )?;
                Ok(answer(Outcome::Accepted, &guard, None))
            }
            GuardCommand::SetActive { active } => {
                self.sql.exec(
                    "UPDATE guard SET active = ? WHERE id = 1",
                    vec![i64::from(active).into()],
                )?;
                if !active {
                    self.sql.exec("DELETE FROM sessions", None)?;
                }
                Ok(answer(Outcome::Accepted, &guard, None))
            }
            GuardCommand::Unlock => {
                guard.unlock();
                self.save(&guard)?;
                Ok(answer(Outcome::Accepted, &guard, None))
            }
            GuardCommand::ForgetSteps => {
                guard.last_used_step = None;
                self.save(&guard)?;
                Ok(answer(Outcome::Accepted, &guard, None))
            }
            GuardCommand::Status { now } => Ok(answer(Outcome::Accepted, &guard, Some(now))),
        }
    }

    /// The lockout rule around one attempt: refused while locked; accepted only with a correct
    /// password and, when needed, a step newer than the last used one; otherwise counted.
    fn attempt(
        &self,
        guard: &mut TwoStepGuard,
        now: u64,
        password_ok: bool,
        needs_code: bool,
        step: Option<u64>,
    ) -> Result<Outcome> {
        if guard.check_locked(now).is_err() {
            return Ok(Outcome::Locked);
        }
        let fresh_step = step.filter(|s| guard.last_used_step.is_none_or(|used| *s > used));
        let outcome = match (password_ok, needs_code, fresh_step) {
            (true, true, Some(step)) => {
                guard.record_success(step);
                Outcome::Accepted
            }
            (true, false, _) => {
                guard.unlock(); // a success resets the count and keeps the last step
                Outcome::Accepted
            }
            _ => match guard.record_failure(now) {
                Ok(()) => Outcome::NotCorrect,
                Err(_) => Outcome::Locked,
            },
        };
        self.save(guard)?;
        Ok(outcome)
    }
}

/// Sends one command to `user`'s guard.
pub async fn ask_guard(
    env: &Env,
    user: &ap_core::ids::UserId,
    command: &GuardCommand,
) -> std::result::Result<GuardAnswer, crate::problem::ApiError> {
    crate::store::call_object(
        env,
        crate::store::USER_GUARD_BINDING,
        user.as_str(),
        command,
    )
    .await
}
