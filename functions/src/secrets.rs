//! TOTP seeds at rest: sealed with AES-256-GCM under the Worker secret `SECRETS_KEY`, the owner's
//! user id as associated data. Seeds leave this module only as [`TotpSecret`]s. Recovery codes
//! are hashed with a key derived from the same secret (`ap_core::recovery`).

use ap_core::ids::UserId;
use ap_core::recovery::{self, RecoveryCode, RecoveryCodes, RecoveryHash, RecoveryKey};
use ap_core::seal::{open, seal, SealKey};
use ap_core::totp::{self, TotpCode, TotpSecret, SECRET_BYTES};
use worker::Env;

use crate::platform::random_bytes;
use crate::problem::{ApiError, Unavailable};

/// The name of the Worker secret holding the sealing key.
pub const SECRETS_KEY: &str = "SECRETS_KEY";

fn seal_key(env: &Env) -> Result<SealKey, ApiError> {
    let text = env
        .secret(SECRETS_KEY)
        .map(|s| s.to_string())
        .map_err(|_| Unavailable::SecretsKeyMissing)?;
    Ok(SealKey::from_base64(&text).map_err(|e| Unavailable::SecretsKeyInvalid(e.to_string()))?)
}

/// A fresh 160-bit seed from the CSPRNG, and its sealed form for storage.
pub fn new_seed(env: &Env, owner: &UserId) -> Result<(TotpSecret, String), ApiError> {
    let key = seal_key(env)?;
    let secret = TotpSecret::from_random_bytes(random_bytes::<SECRET_BYTES>()?);
    let sealed = seal(
        &key,
        random_bytes::<12>()?,
        secret.as_bytes(),
        owner.as_str().as_bytes(),
    );
    Ok((secret, sealed))
}

pub fn open_seed(env: &Env, owner: &UserId, sealed: &str) -> Result<TotpSecret, ApiError> {
    let key = seal_key(env)?;
    let bytes = open(&key, sealed, owner.as_str().as_bytes())
        .map_err(|e| ApiError::internal("open seed", e))?;
    let bytes: [u8; SECRET_BYTES] = bytes
        .try_into()
        .map_err(|_| ApiError::internal("open seed", "wrong length"))?;
    Ok(TotpSecret::from_random_bytes(bytes))
}

/// The time step `code` matches for the sealed seed at `now`, if any. Replay is decided by the
/// user's guard Durable Object, which knows the last used step.
pub fn matched_step(
    env: &Env,
    owner: &UserId,
    sealed: &str,
    code: Option<&str>,
    now: u64,
) -> Result<Option<u64>, ApiError> {
    let secret = open_seed(env, owner, sealed)?;
    let Some(code) = code.and_then(|c| TotpCode::parse(c).ok()) else {
        return Ok(None);
    };
    Ok(totp::verify(&secret, &code, now, None).ok())
}

/// Seals `plaintext` under `SECRETS_KEY` with `associated_data` (for instance an approval token
/// with its process id), so it is kept only encrypted.
pub fn seal_text(env: &Env, plaintext: &str, associated_data: &str) -> Result<String, ApiError> {
    let key = seal_key(env)?;
    Ok(seal(
        &key,
        random_bytes::<12>()?,
        plaintext.as_bytes(),
        associated_data.as_bytes(),
    ))
}

/// Opens what [`seal_text`] sealed with the same associated data.
pub fn open_text(env: &Env, sealed: &str, associated_data: &str) -> Result<String, ApiError> {
    let key = seal_key(env)?;
    let bytes = open(&key, sealed, associated_data.as_bytes())
        .map_err(|e| ApiError::internal("open sealed text", e))?;
    String::from_utf8(bytes).map_err(|e| ApiError::internal("open sealed text", e))
}

fn recovery_key(env: &Env) -> Result<RecoveryKey, ApiError> {
    Ok(RecoveryKey::derive(&seal_key(env)?))
}

/// A new set of recovery codes for `owner` from the CSPRNG: the codes to show once, and their
/// hashes to store.
pub fn new_recovery_codes(
    env: &Env,
    owner: &UserId,
) -> Result<(Vec<RecoveryCode>, RecoveryCodes), ApiError> {
    let key = recovery_key(env)?;
    let codes = recovery::generate(&random_bytes::<{ recovery::RANDOM_BYTES }>()?);
    let hashes = RecoveryCodes::of(&key, owner.as_str(), &codes);
    Ok((codes, hashes))
}

/// The stored form of a recovery code `owner` typed.
pub fn recovery_hash(
    env: &Env,
    owner: &UserId,
    code: &RecoveryCode,
) -> Result<RecoveryHash, ApiError> {
    Ok(RecoveryHash::of(&recovery_key(env)?, owner.as_str(), code))
}
