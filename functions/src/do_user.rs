//! The per-user guard Durable Object: the owner of the user's record, lockout, TOTP replay
//! protection and sessions.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object per user, named by the user
//! id. Table `account` holds exactly one row (`id = 1`): the user's [`UserRecord`] as JSON, the
//! source of truth (its `version` goes up with every change; the KV copy under `user:` is a read
//! model for listings and the e-mail lookup, published after each change). Table `guard` holds
//! exactly one row (`id = 1`): the [`TwoStepGuard`] fields (`consecutive_failures`,
//! `locked_until`, `last_used_step`) and `active` (the state from before the record lived here,
//! kept in step with `record.active`). Table `sessions` holds one row per live session: the
//! SHA-256 of the cookie secret (never the secret), `created`, `last_seen` and `stepped_up_at`
//! (unix seconds; the last time this session confirmed a fresh code for a System
//! Administrator's sensitive change) and `recovered_at` (unix seconds; set when the session was
//! signed in with a recovery code, cleared once it has replaced the authenticator app: the
//! right to do that without a code from the old app, `ap_core::account::check_replacement`);
//! expired rows are deleted when met. Table `recovery`
//! holds at most one row (`id = 1`): the unused recovery codes as
//! [`RecoveryCodes`] JSON (HMAC hashes only, never the codes; kept out of the record so the KV
//! read model never carries them), replaced when two-step verification is activated or new codes
//! are generated, emptied when it is deactivated or reset. Table `passkeys` holds at most one row
//! (`id = 1`): the user's [`PasskeyRing`] as JSON (public keys, sign counters, names, and the
//! nonces drawn for ceremonies, each used once); emptied when two-step verification is reset.
//! The record counts the passkeys (`UserRecord::passkeys`) so readiness reads from KV.
//! Table `notifications` holds the user's in-app notifications (`ap_core::notify::Notice` as
//! JSON, by its id: a notice told twice is kept once), with `at` and `read`; the newest
//! [`KEPT_NOTIFICATIONS`] are kept. Every answer carries the unread count.
//!
//! Each command runs its reads and writes without awaiting in between, so two concurrent
//! attempts with the same TOTP step cannot both succeed, the failure count is exact, and every
//! change of the record is applied to the record as it is now: a request that read the user
//! earlier can never write an old copy back. A factor the Worker checked (password hash, TOTP
//! seed) counts only if the record still holds what it was checked against. A recovery code is
//! looked up and removed in the same command that accepts the sign-in, so two sign-ins with one
//! code cannot both succeed.

use crate::durable::{answer_command, Transactions};
use ap_core::account::{
    check_replacement, still_current, AccountRefusal, ReplaceRefusal, TwoStepSeeds,
};
use ap_core::api_workflow::NotificationView;
use ap_core::format::Lang;
use ap_core::guard::{TwoStepGuard, TwoStepRefusal};
use ap_core::passkey::{
    AssertionResponse, Bound, Ceremony, PasskeyNonce, PasskeyRefusal, PasskeyRing, RegisterRefusal,
    RegisteredPasskey, RegistrationResponse, RelyingParty, RingRefusal,
};
use ap_core::recovery::{sign_in_with_recovery_code, RecoveryCodes, RecoveryHash};
use ap_core::roles::UserRoles;
use ap_core::session::session_is_live;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, SqlStorageValue,
    State,
};

use crate::records::UserRecord;

/// Which seed a code was checked against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "sealed", rename_all = "snake_case")]
pub enum CheckedSeed {
    /// The active seed (signing, approvals, step-up, deactivating two-step verification).
    Active(String),
    /// The pending seed of an enrolment (activating two-step verification).
    Pending(String),
}

/// A change of the user's record, applied by the guard to the record as it is now.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum UserChange {
    Roles {
        roles: UserRoles,
    },
    /// Ends every session at once.
    Deactivate,
    /// A new one-time password; every session ends.
    Reactivate {
        password_hash: String,
    },
    /// The user must enrol again; every session ends and old TOTP steps are forgotten.
    ResetTwoStep,
    /// A new pending seed (refused while two-step verification is active).
    Enrol {
        pending: String,
    },
    /// Only inside [`GuardCommand::VerifyCode`] with the pending seed whose code was verified;
    /// `recovery_codes` become the user's recovery codes.
    ActivateTwoStep {
        #[serde(default)]
        recovery_codes: RecoveryCodes,
    },
    /// A new set of recovery codes replaces the old one (refused unless two-step verification
    /// is active). The handler checks the step-up first.
    NewRecoveryCodes {
        recovery_codes: RecoveryCodes,
    },
    /// Only inside [`GuardCommand::VerifyCode`] with the active seed whose code was verified.
    DeactivateTwoStep,
    /// A new pending seed beside the active one, for the session `session_hash` while it may
    /// replace the authenticator app (signed in with a recovery code, `check_replacement`).
    EnrolReplacement {
        pending: String,
        session_hash: String,
        now: u64,
    },
    /// Only inside [`GuardCommand::VerifyCode`] with the pending seed whose code was verified,
    /// and only while the session `session_hash` may replace the authenticator app: the pending
    /// seed replaces the active one, the session's right is used up, every other session ends
    /// and `recovery_codes` replace the old ones.
    ReplaceTwoStep {
        recovery_codes: RecoveryCodes,
        session_hash: String,
        now: u64,
    },
    /// The language the user chose (`None`: the browser's).
    Language {
        language: Option<Lang>,
    },
}

/// Commands the Worker sends to a user's guard. Times are unix seconds from the Worker's clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GuardCommand {
    /// Stores `record` unless the guard already holds one: creation, and the one-time migration
    /// of a record that so far lived only in KV (compare-and-set). Answers the record held.
    Seed {
        record: UserRecord,
    },
    /// A sign-in attempt. `checked_password` and `checked_seed` are the hash and seed the Worker
    /// checked the factors against; `step` is the TOTP step it matched (`None`: no or wrong
    /// code), which must be newer than the last used step. On success the session is stored.
    SignIn {
        now: u64,
        password_ok: bool,
        checked_password: String,
        checked_seed: Option<String>,
        step: Option<u64>,
        session_hash: String,
        /// The hash of a recovery code given instead of a TOTP code (`step` is then `None`):
        /// on success it is used up.
        #[serde(default)]
        recovery_hash: Option<RecoveryHash>,
    },
    /// A code check (with the password when `checked_password` is set), counted by the lockout;
    /// on success `then` is applied in the same step.
    VerifyCode {
        now: u64,
        step: Option<u64>,
        seed: CheckedSeed,
        password_ok: bool,
        checked_password: Option<String>,
        then: Option<UserChange>,
        /// Set (a session's secret hash): on success that session is stepped up at `now`.
        #[serde(default)]
        step_up_session: Option<String>,
    },
    /// `POST /me/password`: the current password counts toward the lockout like a code. `None`
    /// as `new_hash`: the current password was not correct. On success every other session ends.
    ChangePassword {
        now: u64,
        checked_password: String,
        new_hash: Option<String>,
        keep_session: String,
    },
    /// An administrator's change (or an enrolment): applied to the current record.
    Change {
        change: UserChange,
    },
    /// Is this session live? Refreshes `last_seen` when it is; answers the record.
    Touch {
        now: u64,
        session_hash: String,
    },
    EndSession {
        session_hash: String,
    },
    /// Keeps a nonce the Worker drew for one passkey ceremony (registration: only after the
    /// Worker verified a fresh password and code).
    OpenPasskeyNonce {
        now: u64,
        nonce: String,
        ceremony: Ceremony,
    },
    /// Registers a passkey made under a registration nonce (`ap_core::passkey::PasskeyRing`);
    /// a ceremony that does not verify counts toward the lockout like a wrong code.
    RegisterPasskey {
        now: u64,
        rp: RelyingParty,
        nonce: String,
        name: String,
        credential: RegistrationResponse,
    },
    /// A passkey assertion for `bound` under one of the user's nonces, counted like a code.
    UsePasskey {
        now: u64,
        rp: RelyingParty,
        bound: Bound,
        nonce: String,
        credential: AssertionResponse,
    },
    RenamePasskey {
        id: String,
        name: String,
    },
    RemovePasskey {
        id: String,
    },
    /// Answers the user's passkeys.
    Passkeys,
    /// Keeps a notice in the user's notification list, once (by its id).
    Notify {
        notice: ap_core::notify::Notice,
    },
    /// Answers the newest notifications, at most `limit`.
    Notifications {
        limit: u32,
    },
    /// Marks these notifications read (none named: all of them).
    ReadNotifications {
        ids: Vec<String>,
    },
    /// A System Administrator lifts the lock.
    Unlock,
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
    /// The change does not apply to the record as it is now; `refusal` says why.
    Refused,
    /// The guard holds no record yet: seed it from KV and ask again.
    Missing,
}

/// Why the guard refused a change ([`Outcome::Refused`]); statuses in `problem.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum GuardRefusal {
    /// The change does not apply to the account as it is now (409).
    #[error(transparent)]
    Account(#[from] AccountRefusal),
    /// The session a password change keeps ended meanwhile (401).
    #[error("Your session has ended. Please sign in again.")]
    SessionEnded,
    /// The session may not replace the authenticator app (403).
    #[error(transparent)]
    Replace(#[from] ReplaceRefusal),
    /// The change of the user's passkeys does not apply.
    #[error(transparent)]
    Passkeys(#[from] RingRefusal),
}

/// The answer to every [`GuardCommand`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GuardAnswer {
    pub outcome: Outcome,
    /// Set while a lock is in force.
    pub locked_until: Option<u64>,
    /// The record as it is after the command (when the guard holds one).
    #[serde(default)]
    pub user: Option<UserRecord>,
    #[serde(default)]
    pub refusal: Option<GuardRefusal>,
    /// For `Touch`: when this session last confirmed a fresh code (step-up).
    #[serde(default)]
    pub stepped_up_at: Option<u64>,
    /// After a counted failure ([`Outcome::NotCorrect`]): failed attempts still allowed before
    /// the lock (`TwoStepGuard::attempts_left`).
    #[serde(default)]
    pub attempts_left: Option<u32>,
    /// Unused recovery codes after the command.
    #[serde(default)]
    pub recovery_codes_left: u32,
    /// For `SignIn`: the sign-in was accepted with a recovery code, which is now used up.
    #[serde(default)]
    pub recovery_code_used: bool,
    /// For `Touch`: when this session was signed in with a recovery code, while it may still
    /// replace the authenticator app.
    #[serde(default)]
    pub recovered_at: Option<u64>,
    /// For the passkey commands: the user's passkeys after the command.
    #[serde(default)]
    pub passkeys: Vec<RegisteredPasskey>,
    /// For a passkey ceremony that was refused: which check failed (for the log only; the
    /// answer to the user never says).
    #[serde(default)]
    pub passkey_refusal: Option<PasskeyRefusal>,
    /// Unread notifications after the command.
    #[serde(default)]
    pub unread_notifications: u32,
    /// For `Notifications`: the newest first.
    #[serde(default)]
    pub notifications: Vec<ap_core::api_workflow::NotificationView>,
}

impl GuardAnswer {
    /// Why a [`Outcome::Refused`] answer refused; the guard always says, and an answer that
    /// did not is read as a change made meanwhile.
    pub fn refusal(&self) -> GuardRefusal {
        self.refusal
            .unwrap_or(GuardRefusal::Account(AccountRefusal::ChangedMeanwhile))
    }
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
    stepped_up_at: Option<i64>,
    #[serde(default)]
    recovered_at: Option<i64>,
}

#[derive(Deserialize)]
struct AccountRow {
    record: String,
}

/// A side table holding one JSON value in its one row.
#[derive(Clone, Copy)]
enum JsonTable {
    /// The unused recovery codes (`RecoveryCodes`).
    Recovery,
    /// The passkeys and their open nonces (`PasskeyRing`).
    Passkeys,
}

impl JsonTable {
    fn name(self) -> &'static str {
        match self {
            Self::Recovery => "recovery",
            Self::Passkeys => "passkeys",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Self::Recovery => "codes",
            Self::Passkeys => "ring",
        }
    }
}

#[derive(Deserialize)]
struct JsonRow {
    json: String,
}

#[durable_object]
pub struct UserGuard {
    sql: SqlStorage,
    transactions: Result<Transactions>,
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
             created INTEGER NOT NULL, last_seen INTEGER NOT NULL, stepped_up_at INTEGER)",
            "CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), \
             record TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS recovery (id INTEGER PRIMARY KEY CHECK (id = 1), \
             codes TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS passkeys (id INTEGER PRIMARY KEY CHECK (id = 1), \
             ring TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS notifications (id TEXT PRIMARY KEY, at INTEGER NOT NULL, \
             read INTEGER NOT NULL DEFAULT 0, notice TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS notifications_at ON notifications (at DESC, id DESC)",
        ] {
            if let Err(e) = sql.exec(statement, None) {
                worker::console_error!("user guard schema: {e}");
            }
        }
        // Sessions stored before step-ups and recovery sign-ins existed lack the columns: add
        // each once (existing rows get NULL: no step-up, not signed in with a recovery code).
        for column in ["stepped_up_at", "recovered_at"] {
            if sql
                .exec(&format!("SELECT {column} FROM sessions LIMIT 0"), None)
                .is_err()
            {
                if let Err(e) = sql.exec(
                    &format!("ALTER TABLE sessions ADD COLUMN {column} INTEGER"),
                    None,
                ) {
                    worker::console_error!("user guard schema: {e}");
                }
            }
        }
        let transactions = Transactions::of(&state);
        Self { sql, transactions }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        answer_command(
            &mut req,
            &self.transactions,
            "user guard",
            |c: GuardCommand| {
                let answer = self.apply(c)?;
                serde_json::to_string(&answer).map_err(|e| worker::Error::RustError(e.to_string()))
            },
        )
        .await
    }
}

/// How many notifications a user's list keeps (the oldest go first).
pub const KEPT_NOTIFICATIONS: u64 = 200;

fn int(v: u64) -> SqlStorageValue {
    SqlStorageValue::from(i64::try_from(v).unwrap_or(i64::MAX))
}

/// What a change does besides changing the record.
#[derive(Default)]
struct Effects {
    end_sessions: bool,
    /// Set: every session but this one ends, and this one's right to replace the
    /// authenticator app is used up.
    end_other_sessions: Option<String>,
    forget_steps: bool,
    /// Set: the user's recovery codes become these (empty: voided).
    recovery_codes: Option<RecoveryCodes>,
    /// The user's passkeys are removed.
    remove_passkeys: bool,
}

/// Applies `change` to `record` (the record as it is now). `checked` is the seed whose code was
/// verified in the same command, for activating and deactivating two-step verification.
fn change_record(
    record: &mut UserRecord,
    change: UserChange,
    checked: Option<&CheckedSeed>,
) -> std::result::Result<Effects, AccountRefusal> {
    let mut seeds = TwoStepSeeds {
        active: record.two_step.take(),
        pending: record.pending_two_step.take(),
    };
    let mut effects = Effects::default();
    let result = match change {
        UserChange::Roles { roles } => {
            record.roles = roles;
            Ok(())
        }
        UserChange::Deactivate => {
            record.active = false;
            effects.end_sessions = true;
            Ok(())
        }
        UserChange::Reactivate { password_hash } => {
            record.active = true;
            record.must_change_password = true;
            record.password_hash = password_hash;
            effects.end_sessions = true;
            Ok(())
        }
        UserChange::ResetTwoStep => {
            // A reset is for a user who lost their factors: a passkey on the lost phone goes
            // with the authenticator app.
            seeds.reset();
            effects.end_sessions = true;
            effects.forget_steps = true;
            effects.recovery_codes = Some(RecoveryCodes::default());
            effects.remove_passkeys = true;
            record.passkeys = 0;
            Ok(())
        }
        UserChange::Enrol { pending } => {
            // Steps used with an earlier secret say nothing about the new one.
            effects.forget_steps = true;
            seeds.enrol(pending)
        }
        UserChange::ActivateTwoStep { recovery_codes } => {
            effects.recovery_codes = Some(recovery_codes);
            match checked {
                Some(CheckedSeed::Pending(sealed)) => seeds.activate(sealed),
                _ => Err(AccountRefusal::ChangedMeanwhile),
            }
        }
        UserChange::NewRecoveryCodes { recovery_codes } => {
            effects.recovery_codes = Some(recovery_codes);
            if seeds.active.is_some() {
                Ok(())
            } else {
                Err(AccountRefusal::NotActive)
            }
        }
        UserChange::Language { language } => {
            record.language = language;
            Ok(())
        }
        UserChange::EnrolReplacement { pending, .. } => seeds.enrol_replacement(pending),
        UserChange::ReplaceTwoStep {
            recovery_codes,
            session_hash,
            ..
        } => {
            // The steps used stay: the one just used is the new seed's, and earlier ones
            // belonged to a seed that is now gone.
            effects.recovery_codes = Some(recovery_codes);
            effects.end_other_sessions = Some(session_hash);
            match checked {
                Some(CheckedSeed::Pending(sealed)) => seeds.replace(sealed),
                _ => Err(AccountRefusal::ChangedMeanwhile),
            }
        }
        UserChange::DeactivateTwoStep => {
            effects.forget_steps = true;
            effects.recovery_codes = Some(RecoveryCodes::default());
            match checked {
                Some(CheckedSeed::Active(sealed)) => seeds.deactivate(sealed),
                _ => Err(AccountRefusal::ChangedMeanwhile),
            }
        }
    };
    record.two_step = seeds.active;
    record.pending_two_step = seeds.pending;
    result.map(|()| effects)
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

    fn load_record(&self) -> Result<Option<UserRecord>> {
        let rows: Vec<AccountRow> = self
            .sql
            .exec("SELECT record FROM account WHERE id = 1", None)?
            .to_array()?;
        match rows.first() {
            Some(row) => Ok(Some(serde_json::from_str(&row.record)?)),
            None => Ok(None),
        }
    }

    /// Stores `record` as the next version.
    fn store_record(&self, record: &mut UserRecord) -> Result<()> {
        record.version = record.version.saturating_add(1);
        self.sql.exec(
            "INSERT OR REPLACE INTO account (id, record) VALUES (1, ?)",
            vec![serde_json::to_string(record)?.into()],
        )?;
        self.sql.exec(
            "UPDATE guard SET active = ? WHERE id = 1",
            vec![i64::from(record.active).into()],
        )?;
        Ok(())
    }

    fn end_sessions(&self, keep: Option<&str>) -> Result<()> {
        match keep {
            Some(keep) => self.sql.exec(
                "DELETE FROM sessions WHERE secret_hash <> ?",
                vec![keep.into()],
            )?,
            None => self.sql.exec("DELETE FROM sessions", None)?,
        };
        Ok(())
    }

    /// Applies `change` to the current record and stores it, with its effects.
    fn change(
        &self,
        guard: &mut TwoStepGuard,
        record: &mut UserRecord,
        change: UserChange,
        checked: Option<&CheckedSeed>,
    ) -> Result<std::result::Result<(), GuardRefusal>> {
        if let UserChange::EnrolReplacement {
            session_hash, now, ..
        }
        | UserChange::ReplaceTwoStep {
            session_hash, now, ..
        } = &change
        {
            if let Err(refusal) = check_replacement(self.recovered_at(session_hash)?, *now) {
                return Ok(Err(refusal.into()));
            }
        }
        let mut changed = record.clone();
        let effects = match change_record(&mut changed, change, checked) {
            Ok(effects) => effects,
            Err(refusal) => return Ok(Err(refusal.into())),
        };
        self.store_record(&mut changed)?;
        if effects.end_sessions {
            self.end_sessions(None)?;
        }
        if let Some(keep) = &effects.end_other_sessions {
            self.end_sessions(Some(keep))?;
            self.sql.exec(
                "UPDATE sessions SET recovered_at = NULL WHERE secret_hash = ?",
                vec![keep.clone().into()],
            )?;
        }
        if effects.forget_steps {
            guard.last_used_step = None;
            self.save(guard)?;
        }
        if let Some(codes) = &effects.recovery_codes {
            self.store_recovery(codes)?;
        }
        if effects.remove_passkeys {
            self.store_ring(&PasskeyRing::default())?;
        }
        *record = changed;
        Ok(Ok(()))
    }

    /// When the session `session_hash` was signed in with a recovery code, while it still may
    /// replace the authenticator app (`None`: no such session, or no such right).
    fn recovered_at(&self, session_hash: &str) -> Result<Option<u64>> {
        let rows: Vec<SessionRow> = self
            .sql
            .exec(
                "SELECT created, last_seen, stepped_up_at, recovered_at FROM sessions WHERE secret_hash = ?",
                vec![session_hash.into()],
            )?
            .to_array()?;
        Ok(rows
            .first()
            .and_then(|row| row.recovered_at)
            .and_then(|at| u64::try_from(at).ok()))
    }

    /// The value kept as JSON in the one row (`id = 1`) of a side table (`recovery`,
    /// `passkeys`); its default while there is no row.
    fn load_json<T: DeserializeOwned + Default>(&self, table: JsonTable) -> Result<T> {
        let rows: Vec<JsonRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT {} AS json FROM {} WHERE id = 1",
                    table.column(),
                    table.name()
                ),
                None,
            )?
            .to_array()?;
        match rows.first() {
            Some(row) => Ok(serde_json::from_str(&row.json)?),
            None => Ok(T::default()),
        }
    }

    fn store_json<T: Serialize>(&self, table: JsonTable, value: &T) -> Result<()> {
        self.sql.exec(
            &format!(
                "INSERT OR REPLACE INTO {} (id, {}) VALUES (1, ?)",
                table.name(),
                table.column()
            ),
            vec![serde_json::to_string(value)?.into()],
        )?;
        Ok(())
    }

    fn load_recovery(&self) -> Result<RecoveryCodes> {
        self.load_json(JsonTable::Recovery)
    }

    fn store_recovery(&self, codes: &RecoveryCodes) -> Result<()> {
        self.store_json(JsonTable::Recovery, codes)
    }

    fn load_ring(&self) -> Result<PasskeyRing> {
        self.load_json(JsonTable::Passkeys)
    }

    fn store_ring(&self, ring: &PasskeyRing) -> Result<()> {
        self.store_json(JsonTable::Passkeys, ring)
    }

    /// Stores `ring` and, when the number of passkeys changed, the record that counts them.
    fn store_ring_and_count(&self, ring: &PasskeyRing, record: &mut UserRecord) -> Result<()> {
        self.store_ring(ring)?;
        if record.passkeys != ring.count() {
            record.passkeys = ring.count();
            self.store_record(record)?;
        }
        Ok(())
    }

    /// The passkey commands. A ceremony that does not verify is counted like a wrong code, and
    /// nothing is checked while two-step verification is locked.
    fn apply_passkeys(
        &self,
        command: GuardCommand,
        mut guard: TwoStepGuard,
        mut record: UserRecord,
    ) -> Result<GuardAnswer> {
        let mut ring = self.load_ring()?;
        let with_ring = |ring: &PasskeyRing, answer: GuardAnswer| GuardAnswer {
            passkeys: ring.passkeys.clone(),
            ..answer
        };
        match command {
            GuardCommand::OpenPasskeyNonce {
                now,
                nonce,
                ceremony,
            } => {
                let nonce = PasskeyNonce::parse(&nonce)
                    .map_err(|_| worker::Error::RustError("passkey nonce".to_owned()))?;
                ring.open_nonce(&nonce, ceremony, now);
                self.store_ring(&ring)?;
                Ok(with_ring(
                    &ring,
                    answer(Outcome::Accepted, &guard, Some(now), Some(record)),
                ))
            }
            GuardCommand::RegisterPasskey {
                now,
                rp,
                nonce,
                name,
                credential,
            } => {
                if guard.check_locked(now).is_err() {
                    return Ok(answer(Outcome::Locked, &guard, Some(now), Some(record)));
                }
                let result = ring
                    .register(&rp, record.id.as_str(), &nonce, &credential, &name, now)
                    .map(|_| ());
                // The nonce is used up whatever the outcome.
                self.store_ring_and_count(&ring, &mut record)?;
                match result {
                    Ok(()) => {
                        self.attempt(&mut guard, now, true, false, None)?;
                        Ok(with_ring(
                            &ring,
                            answer(Outcome::Accepted, &guard, Some(now), Some(record)),
                        ))
                    }
                    Err(RegisterRefusal::Ring(why)) => {
                        Ok(with_ring(&ring, refused(&guard, record, why)))
                    }
                    Err(RegisterRefusal::Ceremony(why)) => {
                        let outcome = self.attempt(&mut guard, now, false, false, None)?;
                        Ok(GuardAnswer {
                            passkey_refusal: Some(why),
                            ..answer(outcome, &guard, Some(now), Some(record))
                        })
                    }
                }
            }
            GuardCommand::UsePasskey {
                now,
                rp,
                bound,
                nonce,
                credential,
            } => {
                if guard.check_locked(now).is_err() {
                    return Ok(answer(Outcome::Locked, &guard, Some(now), Some(record)));
                }
                let result = ring.assert(&rp, &bound, &nonce, &credential, now);
                self.store_ring(&ring)?;
                let outcome = self.attempt(&mut guard, now, result.is_ok(), false, None)?;
                Ok(GuardAnswer {
                    passkey_refusal: result.err(),
                    ..with_ring(&ring, answer(outcome, &guard, Some(now), Some(record)))
                })
            }
            GuardCommand::RenamePasskey { id, name } => match ring.rename(&id, &name) {
                Ok(_) => {
                    self.store_ring(&ring)?;
                    Ok(with_ring(
                        &ring,
                        answer(Outcome::Accepted, &guard, None, Some(record)),
                    ))
                }
                Err(why) => Ok(refused(&guard, record, why)),
            },
            GuardCommand::RemovePasskey { id } => match ring.remove(&id) {
                Ok(()) => {
                    self.store_ring_and_count(&ring, &mut record)?;
                    Ok(with_ring(
                        &ring,
                        answer(Outcome::Accepted, &guard, None, Some(record)),
                    ))
                }
                Err(why) => Ok(refused(&guard, record, why)),
            },
            GuardCommand::Passkeys => Ok(with_ring(
                &ring,
                answer(Outcome::Accepted, &guard, None, Some(record)),
            )),
            _ => Err(worker::Error::RustError("not a passkey command".to_owned())),
        }
    }

    fn apply(&self, command: GuardCommand) -> Result<GuardAnswer> {
        let mut answer = self.apply_command(command)?;
        answer.recovery_codes_left = self.load_recovery()?.left();
        answer.unread_notifications = self.unread_notifications()?;
        Ok(answer)
    }

    fn unread_notifications(&self) -> Result<u32> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let count: Count = self
            .sql
            .exec(
                "SELECT COUNT(*) AS n FROM notifications WHERE read = 0",
                None,
            )?
            .one()?;
        Ok(u32::try_from(count.n).unwrap_or(0))
    }

    /// The notification commands: they need no user record.
    fn apply_notifications(&self, command: GuardCommand) -> Result<Vec<NotificationView>> {
        #[derive(Deserialize)]
        struct Row {
            read: i64,
            notice: String,
        }
        match command {
            GuardCommand::Notify { notice } => {
                let json = serde_json::to_string(&notice)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                self.sql.exec(
                    "INSERT OR IGNORE INTO notifications (id, at, read, notice) VALUES (?, ?, 0, ?)",
                    vec![notice.id.clone().into(), int(notice.at), json.into()],
                )?;
                self.sql.exec(
                    "DELETE FROM notifications WHERE id NOT IN \
                     (SELECT id FROM notifications ORDER BY at DESC, id DESC LIMIT ?)",
                    vec![int(KEPT_NOTIFICATIONS)],
                )?;
                Ok(Vec::new())
            }
            GuardCommand::Notifications { limit } => {
                let rows: Vec<Row> = self
                    .sql
                    .exec(
                        "SELECT read, notice FROM notifications ORDER BY at DESC, id DESC LIMIT ?",
                        vec![int(u64::from(limit.min(KEPT_NOTIFICATIONS as u32)))],
                    )?
                    .to_array()?;
                Ok(rows
                    .into_iter()
                    .filter_map(|row| {
                        // A row that no longer reads is left out, never the whole list.
                        let notice = serde_json::from_str(&row.notice).ok()?;
                        Some(NotificationView {
                            notice,
                            read: row.read != 0,
                        })
                    })
                    .collect())
            }
            GuardCommand::ReadNotifications { ids } if ids.is_empty() => {
                self.sql
                    .exec("UPDATE notifications SET read = 1 WHERE read = 0", None)?;
                Ok(Vec::new())
            }
            GuardCommand::ReadNotifications { ids } => {
                for id in ids {
                    self.sql.exec(
                        "UPDATE notifications SET read = 1 WHERE id = ?",
                        vec![id.into()],
                    )?;
                }
                Ok(Vec::new())
            }
            _ => Err(worker::Error::RustError(
                "not a notification command".to_owned(),
            )),
        }
    }

    fn apply_command(&self, command: GuardCommand) -> Result<GuardAnswer> {
        let (mut guard, active_before_records) = self.load()?;
        let record = self.load_record()?;
        match command {
            GuardCommand::Seed { record: seed } => match record {
                Some(held) => Ok(answer(Outcome::Accepted, &guard, None, Some(held))),
                None => {
                    let mut seed = seed;
                    // Fail closed: a user deactivated here stays deactivated whatever KV says.
                    seed.active = seed.active && active_before_records;
                    self.store_record(&mut seed)?;
                    Ok(answer(Outcome::Accepted, &guard, None, Some(seed)))
                }
            },
            GuardCommand::Unlock => {
                guard.unlock();
                self.save(&guard)?;
                Ok(answer(Outcome::Accepted, &guard, None, record))
            }
            GuardCommand::Status { now } => {
                Ok(answer(Outcome::Accepted, &guard, Some(now), record))
            }
            GuardCommand::EndSession { session_hash } => {
                self.sql.exec(
                    "DELETE FROM sessions WHERE secret_hash = ?",
                    vec![session_hash.into()],
                )?;
                Ok(answer(Outcome::Accepted, &guard, None, record))
            }
            command @ (GuardCommand::Notify { .. }
            | GuardCommand::Notifications { .. }
            | GuardCommand::ReadNotifications { .. }) => Ok(GuardAnswer {
                notifications: self.apply_notifications(command)?,
                ..answer(Outcome::Accepted, &guard, None, record)
            }),
            command => match record {
                None => Ok(answer(Outcome::Missing, &guard, None, None)),
                Some(record) => self.apply_to_record(command, guard, record),
            },
        }
    }

    /// The commands that need the record.
    fn apply_to_record(
        &self,
        command: GuardCommand,
        mut guard: TwoStepGuard,
        mut record: UserRecord,
    ) -> Result<GuardAnswer> {
        match command {
            command @ (GuardCommand::OpenPasskeyNonce { .. }
            | GuardCommand::RegisterPasskey { .. }
            | GuardCommand::UsePasskey { .. }
            | GuardCommand::RenamePasskey { .. }
            | GuardCommand::RemovePasskey { .. }
            | GuardCommand::Passkeys) => self.apply_passkeys(command, guard, record),
            GuardCommand::SignIn {
                now,
                password_ok,
                checked_password,
                checked_seed,
                step,
                session_hash,
                recovery_hash,
            } => {
                if !record.active {
                    return Ok(answer(Outcome::NotCorrect, &guard, Some(now), Some(record)));
                }
                // A factor checked against a hash or seed that changed since does not count.
                let checked = still_current(Some(&record.password_hash), &checked_password)
                    && record.two_step == checked_seed;
                let needs_code = record.two_step.is_some();
                let factors_ok = password_ok && checked;
                let (outcome, recovery_code_used) = match recovery_hash {
                    Some(hash) if needs_code && step.is_none() => {
                        let outcome = self.attempt_recovery(&mut guard, now, factors_ok, &hash)?;
                        (outcome, outcome == Outcome::Accepted)
                    }
                    _ => (
                        self.attempt(&mut guard, now, factors_ok, needs_code, step)?,
                        false,
                    ),
                };
                if outcome == Outcome::Accepted {
                    self.sql.exec(
                        "DELETE FROM sessions WHERE created <= ? OR last_seen <= ?",
                        vec![
                            int(now.saturating_sub(ap_core::session::ABSOLUTE_SECONDS)),
                            int(now.saturating_sub(ap_core::session::IDLE_SECONDS)),
                        ],
                    )?;
                    let recovered_at = if recovery_code_used {
                        int(now)
                    } else {
                        SqlStorageValue::Null
                    };
                    self.sql.exec(
                        "INSERT OR REPLACE INTO sessions (secret_hash, created, last_seen, recovered_at) VALUES (?, ?, ?, ?)",
                        vec![session_hash.into(), int(now), int(now), recovered_at],
                    )?;
                }
                Ok(GuardAnswer {
                    recovery_code_used,
                    ..answer(outcome, &guard, Some(now), Some(record))
                })
            }
            GuardCommand::VerifyCode {
                now,
                step,
                seed,
                password_ok,
                checked_password,
                then,
                step_up_session,
            } => {
                let seed_current = match &seed {
                    CheckedSeed::Active(s) => still_current(record.two_step.as_ref(), s),
                    CheckedSeed::Pending(s) => still_current(record.pending_two_step.as_ref(), s),
                };
                if !seed_current {
                    // The code was checked against a seed that is gone: nothing to count.
                    return Ok(refused(&guard, record, AccountRefusal::ChangedMeanwhile));
                }
                let password_ok = match &checked_password {
                    Some(hash) => password_ok && still_current(Some(&record.password_hash), hash),
                    None => true,
                };
                let outcome = self.attempt(&mut guard, now, password_ok, true, step)?;
                if outcome == Outcome::Accepted {
                    if let Some(session_hash) = step_up_session {
                        self.sql.exec(
                            "UPDATE sessions SET stepped_up_at = ? WHERE secret_hash = ?",
                            vec![int(now), session_hash.into()],
                        )?;
                    }
                    if let Some(change) = then {
                        if let Err(why) =
                            self.change(&mut guard, &mut record, change, Some(&seed))?
                        {
                            return Ok(refused(&guard, record, why));
                        }
                    }
                }
                Ok(answer(outcome, &guard, Some(now), Some(record)))
            }
            GuardCommand::ChangePassword {
                now,
                checked_password,
                new_hash,
                keep_session,
            } => {
                let live: Vec<SessionRow> = self
                    .sql
                    .exec(
                        "SELECT created, last_seen, stepped_up_at FROM sessions WHERE secret_hash = ?",
                        vec![keep_session.clone().into()],
                    )?
                    .to_array()?;
                if live.is_empty() {
                    // The session ended meanwhile (deactivation, reactivation, two-step reset).
                    return Ok(GuardAnswer {
                        refusal: Some(GuardRefusal::SessionEnded),
                        ..answer(Outcome::Refused, &guard, Some(now), Some(record))
                    });
                }
                let password_ok = new_hash.is_some()
                    && still_current(Some(&record.password_hash), &checked_password);
                let outcome = match guard.password_check(password_ok, now) {
                    Ok(()) => Outcome::Accepted,
                    Err(TwoStepRefusal::NotCorrect) => Outcome::NotCorrect,
                    Err(TwoStepRefusal::Locked(_)) => Outcome::Locked,
                };
                self.save(&guard)?;
                if let (Outcome::Accepted, Some(new_hash)) = (outcome, new_hash) {
                    record.password_hash = new_hash;
                    record.must_change_password = false;
                    self.store_record(&mut record)?;
                    self.end_sessions(Some(&keep_session))?;
                }
                Ok(answer(outcome, &guard, Some(now), Some(record)))
            }
            GuardCommand::Change { change } => {
                match self.change(&mut guard, &mut record, change, None)? {
                    Ok(()) => Ok(answer(Outcome::Accepted, &guard, None, Some(record))),
                    Err(why) => Ok(refused(&guard, record, why)),
                }
            }
            GuardCommand::Touch { now, session_hash } => {
                let rows: Vec<SessionRow> = self
                    .sql
                    .exec(
                        "SELECT created, last_seen, stepped_up_at, recovered_at FROM sessions WHERE secret_hash = ?",
                        vec![session_hash.clone().into()],
                    )?
                    .to_array()?;
                let live = record.active
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
                let stepped_up_at = rows
                    .first()
                    .filter(|_| live)
                    .and_then(|row| row.stepped_up_at)
                    .and_then(|at| u64::try_from(at).ok());
                let recovered_at = rows
                    .first()
                    .filter(|_| live)
                    .and_then(|row| row.recovered_at)
                    .and_then(|at| u64::try_from(at).ok());
                Ok(GuardAnswer {
                    stepped_up_at,
                    recovered_at,
                    ..answer(outcome, &guard, Some(now), Some(record))
                })
            }
            GuardCommand::Seed { .. }
            | GuardCommand::Unlock
            | GuardCommand::Status { .. }
            | GuardCommand::EndSession { .. }
            | GuardCommand::Notify { .. }
            | GuardCommand::Notifications { .. }
            | GuardCommand::ReadNotifications { .. } => {
                Err(worker::Error::RustError("handled in apply".to_owned()))
            }
        }
    }

    /// The lockout rule around a sign-in with a recovery code (`ap_core::recovery`): the code
    /// is looked up and removed here, in the command that accepts the sign-in.
    fn attempt_recovery(
        &self,
        guard: &mut TwoStepGuard,
        now: u64,
        password_ok: bool,
        presented: &RecoveryHash,
    ) -> Result<Outcome> {
        let mut codes = self.load_recovery()?;
        let outcome =
            match sign_in_with_recovery_code(guard, &mut codes, password_ok, presented, now) {
                Ok(_) => {
                    self.store_recovery(&codes)?;
                    Outcome::Accepted
                }
                Err(TwoStepRefusal::NotCorrect) => Outcome::NotCorrect,
                Err(TwoStepRefusal::Locked(_)) => Outcome::Locked,
            };
        self.save(guard)?;
        Ok(outcome)
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

fn answer(
    outcome: Outcome,
    guard: &TwoStepGuard,
    now: Option<u64>,
    user: Option<UserRecord>,
) -> GuardAnswer {
    GuardAnswer {
        outcome,
        locked_until: guard
            .locked_until
            .filter(|until| now.is_none_or(|now| now < *until)),
        user,
        refusal: None,
        stepped_up_at: None,
        attempts_left: match (outcome, now) {
            (Outcome::NotCorrect, Some(now)) => Some(guard.attempts_left(now)),
            _ => None,
        },
        recovery_codes_left: 0,
        recovery_code_used: false,
        recovered_at: None,
        passkeys: Vec::new(),
        passkey_refusal: None,
        unread_notifications: 0,
        notifications: Vec::new(),
    }
}

fn refused(guard: &TwoStepGuard, user: UserRecord, why: impl Into<GuardRefusal>) -> GuardAnswer {
    GuardAnswer {
        refusal: Some(why.into()),
        ..answer(Outcome::Refused, guard, None, Some(user))
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

/// Sends a command that needs the user's record. When the guard holds none yet (a user created
/// before the record moved here), seeds it once from the KV copy and sends the command again.
/// `None`: there is no such user.
pub async fn ask_guard_with_record(
    env: &Env,
    user: &ap_core::ids::UserId,
    command: &GuardCommand,
) -> std::result::Result<Option<GuardAnswer>, crate::problem::ApiError> {
    let answer = ask_guard(env, user, command).await?;
    if answer.outcome != Outcome::Missing {
        return Ok(Some(answer));
    }
    let kv = crate::store::Kv::open(env)?;
    let Some(record) = crate::records::load_user(&kv, user).await? else {
        return Ok(None);
    };
    ask_guard(env, user, &GuardCommand::Seed { record }).await?;
    let answer = ask_guard(env, user, command).await?;
    if answer.outcome == Outcome::Missing {
        return Err(crate::problem::ApiError::internal(
            "user guard",
            "record missing after seeding",
        ));
    }
    Ok(Some(answer))
}

/// The user's record as the guard holds it (seeded from KV once if needed); `None`: no such
/// user.
pub async fn current_user(
    env: &Env,
    user: &ap_core::ids::UserId,
) -> std::result::Result<Option<(UserRecord, Option<u64>)>, crate::problem::ApiError> {
    let status = ask_guard(
        env,
        user,
        &GuardCommand::Status {
            now: crate::platform::now_secs(),
        },
    )
    .await?;
    if let Some(record) = status.user {
        return Ok(Some((record, status.locked_until)));
    }
    let kv = crate::store::Kv::open(env)?;
    let Some(record) = crate::records::load_user(&kv, user).await? else {
        return Ok(None);
    };
    let seeded = ask_guard(env, user, &GuardCommand::Seed { record }).await?;
    Ok(seeded.user.map(|r| (r, status.locked_until)))
}
