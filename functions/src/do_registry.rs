//! The organisation-wide registry Durable Object: claims that must be unique.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object, named
//! [`crate::store::REGISTRY_NAME`]. Table `claims` has one row per claimed `(kind, key)` with its
//! `owner`; the primary key makes a claim first-come, first-served, even for two requests at the
//! same instant. Kinds in use: `first-admin` (key `organisation`, owner the first System
//! Administrator's user id) and `email` (key the normalised address, owner the user id).

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

/// The claim that the organisation's first System Administrator exists.
pub const FIRST_ADMIN: (&str, &str) = ("first-admin", "organisation");
/// Kind of the claim on an e-mail address.
pub const EMAIL: &str = "email";

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RegistryCommand {
    /// Claims `(kind, key)` for `owner` unless someone holds it already.
    Claim {
        kind: String,
        key: String,
        owner: String,
    },
    /// Gives up a claim, only if `owner` holds it.
    Release {
        kind: String,
        key: String,
        owner: String,
    },
    Lookup {
        kind: String,
        key: String,
    },
}

/// Who holds the claim now (after a `Claim`: the caller if it won).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimAnswer {
    pub owner: Option<String>,
}

#[derive(Deserialize)]
struct OwnerRow {
    owner: String,
}

#[durable_object]
pub struct Registry {
    sql: SqlStorage,
}

impl DurableObject for Registry {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = sql.exec(
            "CREATE TABLE IF NOT EXISTS claims (kind TEXT NOT NULL, key TEXT NOT NULL, \
             owner TEXT NOT NULL, PRIMARY KEY (kind, key))",
            None,
        ) {
            worker::console_error!("registry schema: {e}");
        }
        Self { sql }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: RegistryCommand = req.json().await?;
        let (kind, key) = match command {
            RegistryCommand::Claim { kind, key, owner } => {
                self.sql.exec(
                    "INSERT OR IGNORE INTO claims (kind, key, owner) VALUES (?, ?, ?)",
                    vec![kind.clone().into(), key.clone().into(), owner.into()],
                )?;
                (kind, key)
            }
            RegistryCommand::Release { kind, key, owner } => {
                self.sql.exec(
                    "DELETE FROM claims WHERE kind = ? AND key = ? AND owner = ?",
                    vec![kind.clone().into(), key.clone().into(), owner.into()],
                )?;
                (kind, key)
            }
            RegistryCommand::Lookup { kind, key } => (kind, key),
        };
        let rows: Vec<OwnerRow> = self
            .sql
            .exec(
                "SELECT owner FROM claims WHERE kind = ? AND key = ?",
                vec![kind.into(), key.into()],
            )?
            .to_array()?;
        Response::from_json(&ClaimAnswer {
            owner: rows.into_iter().next().map(|r| r.owner),
        })
    }
}

/// Sends one command to the registry and answers who holds the claim.
pub async fn ask_registry(
    env: &Env,
    command: &RegistryCommand,
) -> std::result::Result<Option<String>, crate::problem::ApiError> {
    let answer: ClaimAnswer = crate::store::call_object(
        env,
        crate::store::REGISTRY_BINDING,
        crate::store::REGISTRY_NAME,
        command,
    )
    .await?;
    Ok(answer.owner)
}

/// Claims `(kind, key)` for `owner`; true when `owner` holds it afterwards.
pub async fn claim(
    env: &Env,
    kind: &str,
    key: &str,
    owner: &str,
) -> std::result::Result<bool, crate::problem::ApiError> {
    let command = RegistryCommand::Claim {
        kind: kind.to_owned(),
        key: key.to_owned(),
        owner: owner.to_owned(),
    };
    Ok(ask_registry(env, &command).await?.as_deref() == Some(owner))
}
