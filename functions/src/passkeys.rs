//! Passkeys (WebAuthn): registering, listing, naming and removing them on My details, and the
//! one place a passkey assertion is checked in place of password and code (signing a bundle,
//! approving an AutoPay payment, signing an upload).
//!
//! The rules are `ap_core::passkey`'s: the challenge binds what is authorised (a bundle digest,
//! a payment digest, a file's SHA-256) and a one-time nonce; the user's `UserGuard` keeps the
//! passkeys and the nonces and checks each assertion in one step, counting a failure toward the
//! same lockout as a wrong code. The relying party comes from configuration (`PASSKEY_RP_ID`,
//! `PASSKEY_ORIGIN`); without one that can work, passkeys are unavailable (503), never weaker.

use ap_core::api::{
    PasskeyAssertion, PasskeyCredentialRef, PasskeyNameRequest, PasskeyOptions,
    PasskeyOptionsRequest, PasskeyRegistration, PasskeyRemoveRequest, PasskeyView, PasskeysView,
};
use ap_core::passkey::{
    user_handle, Binding, Ceremony, PasskeyChallenge, PasskeyNonce, RegisteredPasskey,
    RelyingParty, RingRefusal, CEREMONY_TIMEOUT_MS,
};
use worker::{Env, Request, Response};

use crate::auth::{require_session, Denied, SessionCtx};
use crate::do_user::{ask_guard_with_record, GuardAnswer, GuardCommand, Outcome};
use crate::events;
use crate::http::{json, read_json};
use crate::platform::{now_secs, random_bytes};
use crate::problem::{ApiError, Unavailable};
use crate::records::{publish_user, rfc3339};
use crate::store::Kv;
use crate::two_step::{self, Purpose};

/// What the browser shows as the relying party's name.
const RP_NAME: &str = "Approve & Pay";

/// Why a passkey cannot be used for this (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyMissing {
    #[error("You have no passkey yet. Add one on My details, or use your password and code.")]
    NoPasskey,
}

/// The configured relying party, if it can work (`RelyingParty::from_config`).
pub fn relying_party(env: &Env) -> Option<RelyingParty> {
    let var = |name| env.var(name).ok().map(|v| v.to_string());
    RelyingParty::from_config(
        var("PASSKEY_RP_ID").as_deref(),
        var("PASSKEY_ORIGIN").as_deref(),
    )
}

fn require_relying_party(env: &Env) -> Result<RelyingParty, ApiError> {
    relying_party(env).ok_or_else(|| Unavailable::PasskeysNotConfigured.into())
}

/// Sends a passkey command to the signed-in user's guard.
async fn ask(env: &Env, ctx: &SessionCtx, command: &GuardCommand) -> Result<GuardAnswer, ApiError> {
    Ok(ask_guard_with_record(env, &ctx.user.id, command)
        .await?
        .ok_or(Denied::SignInRequired)?)
}

fn view(held: &RegisteredPasskey) -> PasskeyView {
    PasskeyView {
        id: held.passkey.credential_id_base64url(),
        name: held.name.clone(),
        created_at: rfc3339(held.created_at),
        last_used_at: held.last_used_at.map(rfc3339),
    }
}

fn list_view(env: &Env, answer: &GuardAnswer) -> PasskeysView {
    PasskeysView {
        available: relying_party(env).is_some(),
        passkeys: answer.passkeys.iter().map(view).collect(),
    }
}

fn credential_refs(answer: &GuardAnswer) -> Vec<PasskeyCredentialRef> {
    answer
        .passkeys
        .iter()
        .map(|held| PasskeyCredentialRef {
            id: held.passkey.credential_id_base64url(),
            transports: held.passkey.transports.clone(),
        })
        .collect()
}

/// Draws a nonce for `binding`, has the guard keep it, and answers the ceremony's options.
async fn options(
    env: &Env,
    ctx: &SessionCtx,
    rp: &RelyingParty,
    binding: Binding<'_>,
) -> Result<PasskeyOptions, ApiError> {
    let registration = binding.ceremony() == Ceremony::Registration;
    // Without a passkey there is nothing to assert with: refused before a nonce is drawn and
    // kept (the session's record is the guard's, as it is now).
    if !registration && ctx.user.passkeys == 0 {
        return Err(PasskeyMissing::NoPasskey.into());
    }
    let nonce = PasskeyNonce::from_bytes(random_bytes::<32>()?);
    let answer = ask(
        env,
        ctx,
        &GuardCommand::OpenPasskeyNonce {
            now: now_secs(),
            nonce: nonce.to_base64url(),
            ceremony: binding.ceremony(),
        },
    )
    .await?;
    // Removed meanwhile: the nonce is kept but serves nothing.
    if !registration && answer.passkeys.is_empty() {
        return Err(PasskeyMissing::NoPasskey.into());
    }
    let user = &ctx.user;
    Ok(PasskeyOptions {
        nonce: nonce.to_base64url(),
        challenge: PasskeyChallenge::derive(binding, &nonce).to_base64url(),
        rp_id: rp.id.clone(),
        rp_name: RP_NAME.to_owned(),
        user_id: if registration {
            user_handle(user.id.as_str())
        } else {
            String::new()
        },
        user_name: if registration {
            user.email.to_string()
        } else {
            String::new()
        },
        user_display_name: if registration {
            user.name.clone()
        } else {
            String::new()
        },
        credentials: credential_refs(&answer),
        timeout_ms: CEREMONY_TIMEOUT_MS,
    })
}

/// The options for an assertion that authorises exactly `binding`.
pub async fn assertion_options(
    env: &Env,
    ctx: &SessionCtx,
    binding: Binding<'_>,
) -> Result<PasskeyOptions, ApiError> {
    let rp = require_relying_party(env)?;
    options(env, ctx, &rp, binding).await
}

/// Checks `assertion` for exactly `binding` (what is authorised now, recomputed by the caller
/// from the current state): refused, counted and answered as `purpose` says when it does not
/// verify, never saying which check failed.
pub async fn verify(
    env: &Env,
    ctx: &SessionCtx,
    purpose: &Purpose,
    binding: Binding<'_>,
    assertion: &PasskeyAssertion,
) -> Result<(), ApiError> {
    let rp = require_relying_party(env)?;
    let now = now_secs();
    let answer = ask(
        env,
        ctx,
        &GuardCommand::UsePasskey {
            now,
            rp,
            bound: binding.bound(),
            nonce: assertion.nonce.clone(),
            credential: assertion.credential.clone(),
        },
    )
    .await?;
    if let Some(why) = answer.passkey_refusal {
        worker::console_log!("passkey refused for {}: {why:?}", ctx.user.id);
    }
    two_step::settle(env, ctx, purpose, answer, now).await?;
    Ok(())
}

/// `GET /api/v1/me/passkeys`.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let answer = ask(env, &ctx, &GuardCommand::Passkeys).await?;
    json(200, &list_view(env, &answer))
}

/// `POST /api/v1/me/passkeys/options`: a fresh password and code (a passkey stands for both),
/// then the options for `navigator.credentials.create()` under a registration nonce.
pub async fn registration_options(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let rp = require_relying_party(env)?;
    let body: PasskeyOptionsRequest = read_json(&mut req).await?;
    two_step::verify_password_and_code(
        env,
        &ctx,
        &two_step::PASSKEY_REGISTRATION,
        &body.password,
        &body.code,
    )
    .await?;
    let user_id = ctx.user.id.to_string();
    let options = options(
        env,
        &ctx,
        &rp,
        Binding::Registration {
            user_id: user_id.as_str(),
        },
    )
    .await?;
    json(200, &options)
}

/// `POST /api/v1/me/passkeys`: the passkey made for the options, under their nonce.
pub async fn register(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let rp = require_relying_party(env)?;
    let body: PasskeyRegistration = read_json(&mut req).await?;
    let name = if body.name.trim().is_empty() {
        "Passkey".to_owned()
    } else {
        body.name.clone()
    };
    let now = now_secs();
    let answer = ask(
        env,
        &ctx,
        &GuardCommand::RegisterPasskey {
            now,
            rp,
            nonce: body.nonce.clone(),
            name,
            credential: body.credential.clone(),
        },
    )
    .await?;
    if let Some(why) = answer.passkey_refusal {
        worker::console_log!("passkey registration refused for {}: {why:?}", ctx.user.id);
    }
    if answer.outcome == Outcome::Refused {
        return Err(answer.refusal().into());
    }
    let answer = two_step::settle(env, &ctx, &two_step::PASSKEY_REGISTRATION, answer, now).await?;
    let id = body.credential.raw_id.as_str();
    let added = answer
        .passkeys
        .iter()
        .find(|held| held.passkey.credential_id_base64url() == id)
        .ok_or_else(|| ApiError::internal("passkey", "registered passkey not in the answer"))?;
    events::record(
        env,
        &ctx.actor(),
        "passkey_added",
        None,
        ap_core::sentence!("Added the passkey “{}”.", added.name),
    )
    .await?;
    json(201, &view(added))
}

/// `POST /api/v1/me/passkeys/{id}/name`.
pub async fn rename(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: PasskeyNameRequest = read_json(&mut req).await?;
    let answer = ask(
        env,
        &ctx,
        &GuardCommand::RenamePasskey {
            id: id.to_owned(),
            name: body.name,
        },
    )
    .await?;
    if answer.outcome == Outcome::Refused {
        return Err(answer.refusal().into());
    }
    let renamed = answer
        .passkeys
        .iter()
        .find(|held| held.passkey.credential_id_base64url() == id)
        .ok_or_else(|| ApiError::internal("passkey", "renamed passkey not in the answer"))?;
    json(200, &view(renamed))
}

/// The name of the user's passkey `id` (404 when they have none such).
async fn held_name(env: &Env, ctx: &SessionCtx, id: &str) -> Result<String, ApiError> {
    let listed = ask(env, ctx, &GuardCommand::Passkeys).await?;
    listed
        .passkeys
        .iter()
        .find(|held| held.passkey.credential_id_base64url() == id)
        .map(|held| held.name.clone())
        .ok_or_else(|| RingRefusal::NotFound.into())
}

/// `POST /api/v1/me/passkeys/{id}/remove-options`: the options of an assertion that removes
/// exactly this passkey.
pub async fn removal_options(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    held_name(env, &ctx, id).await?;
    json(
        200,
        &assertion_options(env, &ctx, Binding::Removal { credential_id: id }).await?,
    )
}

/// `POST /api/v1/me/passkeys/{id}/remove`: with a fresh code from the authenticator app, or an
/// assertion bound to removing this passkey.
pub async fn remove(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: PasskeyRemoveRequest = read_json(&mut req).await?;
    let name = held_name(env, &ctx, id).await?;
    match &body.passkey {
        Some(assertion) => {
            verify(
                env,
                &ctx,
                &two_step::PASSKEY_CHANGE,
                Binding::Removal { credential_id: id },
                assertion,
            )
            .await?
        }
        None => {
            two_step::verify_active_code(env, &ctx, &two_step::MY_TWO_STEP, Some(&body.code))
                .await?
        }
    }
    let answer = ask(
        env,
        &ctx,
        &GuardCommand::RemovePasskey { id: id.to_owned() },
    )
    .await?;
    if answer.outcome == Outcome::Refused {
        return Err(answer.refusal().into());
    }
    if let Some(record) = &answer.user {
        publish_user(&Kv::open(env)?, record).await?;
    }
    events::record(
        env,
        &ctx.actor(),
        "passkey_removed",
        None,
        ap_core::sentence!("Removed the passkey “{name}”."),
    )
    .await?;
    json(200, &list_view(env, &answer))
}
