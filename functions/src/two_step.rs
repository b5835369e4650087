//! The one two-step verification service: a signed-in user's TOTP code (and, for signing, their
//! password) checked through their `UserGuard` Durable Object, which decides replay and the
//! lockout atomically. Every caller (activating and deactivating two-step verification, signing
//! a bundle, AutoPay approvals and upload signing, a System Administrator's step-up) gets the
//! same rules, the same event on failure and the same problem answers; only the sentence naming
//! what was not done is the caller's ([`Purpose`]).

use ap_core::account::check_step_up;
use ap_core::guard::{attempts_left_sentence, Locked, LOCK_SECONDS};
use ap_core::password::{Password, PasswordHash};
use ap_core::recovery::RecoveryCode;
use ap_core::totp::TotpCode;
use worker::Env;

use crate::auth::{Denied, SessionCtx};
use crate::do_user::{
    ask_guard_with_record, CheckedSeed, GuardAnswer, GuardCommand, Outcome, UserChange,
};
use crate::events;
use crate::platform::now_secs;
use crate::problem::{ApiError, BadField};
use crate::records::{publish_user, UserRecord};
use crate::secrets;
use crate::store::Kv;

/// What a code is checked for: the event kinds (`{event}_failed`, `{event}_locked`) and the
/// answer to a wrong code.
pub struct Purpose {
    pub event: &'static str,
    pub not_correct: &'static str,
    /// Set: a wrong code is a 400 naming this field (a form with a code field); otherwise 403.
    pub field: Option<&'static str>,
}

/// Activating or deactivating one's own two-step verification.
pub const MY_TWO_STEP: Purpose = Purpose {
    event: "two_step_code",
    not_correct: "The code is not correct. Enter the code your authenticator app shows now.",
    field: Some("code"),
};

/// Signing a bundle (password and code).
pub const SIGNING: Purpose = Purpose {
    event: "signing",
    not_correct: "The password or code is not correct. Nothing was signed.",
    field: None,
};

/// Approving an AutoPay payment or signing an upload.
pub const AUTOPAY: Purpose = Purpose {
    event: "autopay_code",
    not_correct: "The code is not correct. Nothing was approved or signed.",
    field: None,
};

/// Signing a bundle with a passkey.
pub const PASSKEY_SIGNING: Purpose = Purpose {
    event: "signing",
    not_correct: "The passkey could not be verified. Nothing was signed.",
    field: None,
};

/// Approving an AutoPay payment or signing an upload with a passkey.
pub const PASSKEY_AUTOPAY: Purpose = Purpose {
    event: "autopay_code",
    not_correct: "The passkey could not be verified. Nothing was approved or signed.",
    field: None,
};

/// Removing a passkey with a passkey.
pub const PASSKEY_CHANGE: Purpose = Purpose {
    event: "two_step_code",
    not_correct: "The passkey could not be verified. Nothing was changed.",
    field: None,
};

/// Registering a passkey: the password and code asked first, then the passkey made.
pub const PASSKEY_REGISTRATION: Purpose = Purpose {
    event: "passkey_registration",
    not_correct: "The password, code or passkey could not be verified. No passkey was added.",
    field: None,
};

/// Confirming a fresh code before a System Administrator's sensitive change.
pub const STEP_UP: Purpose = Purpose {
    event: "step_up",
    not_correct: "The code is not correct. Enter the code your authenticator app shows now.",
    field: Some("code"),
};

/// One check: the code against `seed`, optionally the password too, and a change of the
/// user's record applied in the same guard step when the check succeeds.
pub struct CodeCheck<'a> {
    pub seed: CheckedSeed,
    pub code: Option<&'a str>,
    pub password: Option<&'a str>,
    pub then: Option<UserChange>,
}

/// The active seed of the signed-in user, or the 422 telling them to activate it.
pub fn active_seed(user: &UserRecord) -> Result<CheckedSeed, ApiError> {
    user.two_step
        .clone()
        .map(CheckedSeed::Active)
        .ok_or_else(|| CodeRefusal::NotActivated.into())
}

/// Why a two-step code was not accepted (a lock is `ap_core::guard::Locked`, 423). Statuses in
/// `problem.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeRefusal {
    /// The user has no active seed to check a code against (422).
    #[error("You have not activated two-step verification. Activate it on My details.")]
    NotActivated,
    /// A recovery code where a TOTP code is needed (422): recovery codes are for signing in
    /// only, never for signing or approving a payment or a sensitive change. It is not checked,
    /// used up or counted.
    #[error(
        "A recovery code is only for signing in. Enter the code your authenticator app shows now."
    )]
    RecoveryCodeNotAccepted,
    /// Wrong or replayed code (or password), said as the purpose says it: 403, or 400 naming
    /// `field` where the purpose has a form field for the code.
    /// `attempts_left` before the lock is said after the sentence (never which factor).
    #[error(
        "{sentence}{}",
        attempts_left
            .map(attempts_left_sentence)
            .filter(|s| !s.is_empty())
            .map(|s| format!(" {s}"))
            .unwrap_or_default()
    )]
    NotCorrect {
        sentence: &'static str,
        field: Option<&'static str>,
        attempts_left: Option<u32>,
    },
}

/// Refuses a recovery code typed where a TOTP code is needed, with a sentence saying so (never
/// checked against the user's codes, so it is neither used up nor counted).
pub fn refuse_recovery_code(code: Option<&str>) -> Result<(), CodeRefusal> {
    match code {
        Some(typed) if RecoveryCode::parse(typed).is_ok() => {
            Err(CodeRefusal::RecoveryCodeNotAccepted)
        }
        _ => Ok(()),
    }
}

/// The signed-in user's password and a fresh code of their active seed, checked for `purpose`
/// (signing a bundle, registering a passkey).
pub async fn verify_password_and_code(
    env: &Env,
    ctx: &SessionCtx,
    purpose: &Purpose,
    password: &str,
    code: &str,
) -> Result<(), ApiError> {
    verify(
        env,
        ctx,
        purpose,
        CodeCheck {
            seed: active_seed(&ctx.user)?,
            code: Some(code),
            password: Some(password),
            then: None,
        },
    )
    .await?;
    Ok(())
}

/// A fresh code of the signed-in user's active seed, checked for `purpose` (AutoPay approvals
/// and uploads, removing a passkey).
pub async fn verify_active_code(
    env: &Env,
    ctx: &SessionCtx,
    purpose: &Purpose,
    code: Option<&str>,
) -> Result<(), ApiError> {
    verify(
        env,
        ctx,
        purpose,
        CodeCheck {
            seed: active_seed(&ctx.user)?,
            code,
            password: None,
            then: None,
        },
    )
    .await?;
    Ok(())
}

/// Verifies `check` for the signed-in user through their guard. Wrong password, wrong or
/// replayed code: counted, an event, the purpose's sentence; locked: an event and 423 saying
/// until when. Answers the guard's answer (the record after any change).
pub async fn verify(
    env: &Env,
    ctx: &SessionCtx,
    purpose: &Purpose,
    check: CodeCheck<'_>,
) -> Result<GuardAnswer, ApiError> {
    verify_for_session(env, ctx, purpose, check, None).await
}

async fn verify_for_session(
    env: &Env,
    ctx: &SessionCtx,
    purpose: &Purpose,
    check: CodeCheck<'_>,
    step_up_session: Option<String>,
) -> Result<GuardAnswer, ApiError> {
    refuse_recovery_code(check.code)?;
    let user = &ctx.user;
    let now = now_secs();
    let sealed = match &check.seed {
        CheckedSeed::Active(s) | CheckedSeed::Pending(s) => s.as_str(),
    };
    let step = secrets::matched_step(env, &user.id, sealed, check.code, now)?;
    let password_ok = check.password.is_some_and(|typed| {
        Password::parse(typed)
            .is_ok_and(|p| PasswordHash::parse(&user.password_hash).is_ok_and(|h| h.verify(&p)))
    });
    let command = GuardCommand::VerifyCode {
        now,
        step,
        seed: check.seed,
        password_ok,
        checked_password: check.password.map(|_| user.password_hash.clone()),
        then: check.then,
        step_up_session,
    };
    let answer = ask_guard_with_record(env, &user.id, &command)
        .await?
        .ok_or(Denied::SignInRequired)?;
    settle(env, ctx, purpose, answer, now).await
}

/// What the guard answered to a check of a factor (a code, a password, a passkey), said once
/// for every caller: accepted (the record published if it changed), or counted (an event and
/// the purpose's sentence with the attempts left), or locked (an event and 423).
pub async fn settle(
    env: &Env,
    ctx: &SessionCtx,
    purpose: &Purpose,
    answer: GuardAnswer,
    now: u64,
) -> Result<GuardAnswer, ApiError> {
    let user = &ctx.user;
    match answer.outcome {
        Outcome::Accepted => {
            if let Some(record) = &answer.user {
                if record.version != user.version {
                    publish_user(&Kv::open(env)?, record).await?;
                }
            }
            Ok(answer)
        }
        Outcome::NotCorrect | Outcome::Missing => {
            events::record(
                env,
                &ctx.actor(),
                &format!("{}_failed", purpose.event),
                None,
                ap_core::sentence!("Two-step verification failed."),
            )
            .await?;
            Err(CodeRefusal::NotCorrect {
                sentence: purpose.not_correct,
                field: purpose.field,
                attempts_left: answer.attempts_left,
            }
            .into())
        }
        Outcome::Locked => {
            let until = answer.locked_until.unwrap_or(now + LOCK_SECONDS);
            events::record(
                env,
                &ctx.actor(),
                &format!("{}_locked", purpose.event),
                None,
                ap_core::sentence!(
                    "Two-step verification locked until {}.",
                    crate::records::rfc3339(until)
                ),
            )
            .await?;
            Err(Locked { until }.into())
        }
        Outcome::Refused => Err(answer.refusal().into()),
    }
}

/// Step-up for a System Administrator's sensitive change (roles, bank agreements, integration
/// keys): two-step verification active and this session confirmed with a fresh code (`POST
/// /api/v1/me/step-up`, [`step_up`]) less than five minutes ago; 403 with a sentence saying what
/// to do otherwise. Call it after the role check, before the change.
pub fn require_step_up(ctx: &SessionCtx) -> Result<(), ApiError> {
    check_step_up(ctx.user.two_step.is_some(), ctx.stepped_up_at, now_secs())
        .map_err(|refusal| Denied::from(refusal).into())
}

/// Confirms a fresh code for this session (step-up), through the same checks as any code.
pub async fn step_up(env: &Env, ctx: &SessionCtx, code: &str) -> Result<(), ApiError> {
    refuse_recovery_code(Some(code))?;
    let code = TotpCode::parse(code).map_err(BadField::Code)?;
    verify_for_session(
        env,
        ctx,
        &STEP_UP,
        CodeCheck {
            seed: active_seed(&ctx.user)?,
            code: Some(code.as_str()),
            password: None,
            then: None,
        },
        Some(ctx.token.secret_hash()),
    )
    .await?;
    Ok(())
}
