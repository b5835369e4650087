//! My details: the signed-in user's own view, password change and two-step verification.

use ap_core::account::{check_replacement, AccountRefusal};
use ap_core::api::{
    ChangePasswordRequest, LanguageRequest, Me, RecoveryCodesShown, TwoStepCodeRequest,
    TwoStepEnrolment,
};
use ap_core::guard::{Locked, LOCK_SECONDS};
use ap_core::password::{Password, PasswordHash};
use ap_core::qr::qr_svg;
use ap_core::recovery::{RecoveryCode, RecoveryCodes};
use ap_core::totp::{otpauth_uri, TotpCode};
use worker::{Env, Request, Response};

use crate::auth::{require_session, require_signed_in, Denied, SessionCtx};
use crate::do_user::{
    ask_guard_with_record, CheckedSeed, GuardAnswer, GuardCommand, Outcome, UserChange,
};
use crate::events;
use crate::http::{json, no_content, read_json};
use crate::platform::{now_secs, random_bytes};
use crate::problem::{ApiError, BadField};
use crate::records::{load_company, publish_user, rfc3339, UserRecord};
use crate::secrets;
use crate::store::Kv;
use crate::two_step::{self, CodeCheck, MY_TWO_STEP};

/// The user of `ctx` as they see themself in this session.
pub async fn view_of_session(env: &Env, ctx: &SessionCtx) -> Result<Me, ApiError> {
    let me = view(env, &ctx.user, ctx.locked_until, ctx.recovery_codes_left).await?;
    Ok(Me {
        may_replace_authenticator: ctx.may_replace_authenticator(now_secs()),
        unread_notifications: ctx.unread_notifications,
        ..me
    })
}

/// The user as they see themself, with readiness per company where they hold a role
/// (`may_replace_authenticator` false: [`view_of_session`] says it for a session).
pub async fn view(
    env: &Env,
    user: &UserRecord,
    locked_until: Option<u64>,
    recovery_codes_left: u32,
) -> Result<Me, ApiError> {
    let kv = Kv::open(env)?;
    let mut companies = Vec::new();
    for company in user.roles.companies.keys() {
        if let Some(record) = load_company(&kv, company).await? {
            companies.push(record.my_company(user));
        }
    }
    Ok(Me {
        id: user.id.to_string(),
        name: user.name.clone(),
        email: user.email.to_string(),
        is_system_admin: user.roles.is_system_admin,
        must_change_password: user.must_change_password,
        two_step_active: user.two_step.is_some(),
        recovery_codes_left,
        may_replace_authenticator: false,
        passkeys: user.passkeys,
        locked_until: locked_until.map(rfc3339),
        language: user.language,
        unread_notifications: 0,
        companies,
    })
}

/// Sends a change of the signed-in user's own record to their guard; publishes the result.
async fn change_own(
    env: &Env,
    ctx: &SessionCtx,
    command: &GuardCommand,
) -> Result<GuardAnswer, ApiError> {
    let answer = ask_guard_with_record(env, &ctx.user.id, command)
        .await?
        .ok_or(Denied::SignInRequired)?;
    if let Some(record) = &answer.user {
        publish_user(&Kv::open(env)?, record).await?;
    }
    Ok(answer)
}

/// `POST /api/v1/me/password`: the one call allowed before a one-time password is replaced.
/// A wrong current password counts toward the same lockout as sign-in and two-step codes (five
/// in a row lock for 15 minutes; while locked even the right password is refused). The change
/// is one command of the user's guard, applied to the record as it is then, so a request held
/// back cannot write an old copy of the user back. Other sessions of the user end.
pub async fn change_password(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_signed_in(&req, env).await?;
    let body: ChangePasswordRequest = read_json(&mut req).await?;
    let current_ok = Password::parse(&body.current_password)
        .is_ok_and(|p| PasswordHash::parse(&ctx.user.password_hash).is_ok_and(|h| h.verify(&p)));
    let new_hash = if current_ok {
        let new = Password::parse(&body.new_password).map_err(BadField::NewPassword)?;
        if body.new_password == body.current_password {
            return Err(BadField::SamePassword.into());
        }
        Some(PasswordHash::create(&new, random_bytes()?).encode())
    } else {
        None
    };
    let now = now_secs();
    let answer = change_own(
        env,
        &ctx,
        &GuardCommand::ChangePassword {
            now,
            checked_password: ctx.user.password_hash.clone(),
            new_hash,
            keep_session: ctx.token.secret_hash(),
        },
    )
    .await?;
    match answer.outcome {
        Outcome::Accepted => {
            events::record(
                env,
                &ctx.actor(),
                "password_changed",
                None,
                ap_core::sentence!("Changed their password."),
            )
            .await?;
            no_content()
        }
        Outcome::Refused => Err(answer.refusal().into()),
        Outcome::Locked => {
            let until = answer.locked_until.unwrap_or(now + LOCK_SECONDS);
            events::record(
                env,
                &ctx.actor(),
                "password_change_locked",
                None,
                ap_core::sentence!("Password change refused: locked until {}.", rfc3339(until)),
            )
            .await?;
            Err(Locked { until }.into())
        }
        _ => {
            events::record(
                env,
                &ctx.actor(),
                "password_change_failed",
                None,
                ap_core::sentence!(
                    "Password change refused: the current password was not correct."
                ),
            )
            .await?;
            Err(BadField::CurrentPassword.into())
        }
    }
}

/// `PUT /api/v1/me/language`: the language the user reads the app and its messages in
/// (`null`: the browser's). One command of the user's guard, like every change of the record.
pub async fn set_language(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: LanguageRequest = read_json(&mut req).await?;
    let answer = change_own(
        env,
        &ctx,
        &GuardCommand::Change {
            change: UserChange::Language {
                language: body.language,
            },
        },
    )
    .await?;
    if answer.outcome == Outcome::Refused {
        return Err(answer.refusal().into());
    }
    let user = answer.user.ok_or(Denied::SignInRequired)?;
    let me = view(env, &user, answer.locked_until, answer.recovery_codes_left).await?;
    let me = Me {
        unread_notifications: answer.unread_notifications,
        ..me
    };
    json(
        200,
        &Me {
            may_replace_authenticator: ctx.may_replace_authenticator(now_secs()),
            ..me
        },
    )
}

/// `POST /api/v1/me/two-step/enrolment`: a new secret, stored sealed as pending, shown once.
/// While two-step verification is active, only a session signed in with a recovery code less
/// than 15 minutes ago may start one (to replace a lost authenticator app; the old secret
/// keeps working until the new one is activated); any other session gets 409 as before.
pub async fn enrol(req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let now = now_secs();
    let replacing = ctx.user.two_step.is_some() && ctx.recovered_at.is_some();
    if replacing {
        check_replacement(ctx.recovered_at, now)?;
    }
    let (secret, sealed) = secrets::new_seed(env, &ctx.user.id)?;
    let change = if replacing {
        UserChange::EnrolReplacement {
            pending: sealed,
            session_hash: ctx.token.secret_hash(),
            now,
        }
    } else {
        UserChange::Enrol { pending: sealed }
    };
    let answer = change_own(env, &ctx, &GuardCommand::Change { change }).await?;
    if answer.outcome == Outcome::Refused {
        return Err(answer.refusal().into());
    }
    let uri = otpauth_uri(&secret, &ctx.user.email);
    let qr_svg = qr_svg(&uri).map_err(|e| ApiError::internal("qr", e))?;
    let (kind, detail) = if replacing {
        (
            "two_step_replacement_started",
            ap_core::sentence!(
                "Started setting up a new authenticator app after signing in with a recovery code."
            ),
        )
    } else {
        (
            "two_step_enrolment_started",
            ap_core::sentence!("Started two-step enrolment."),
        )
    };
    events::record(env, &ctx.actor(), kind, None, detail).await?;
    json(
        200,
        &TwoStepEnrolment {
            otpauth_uri: uri,
            secret: secret.to_base32(),
            qr_svg,
        },
    )
}

/// Turning one's own two-step verification on or off, with a code of the secret it concerns.
#[derive(Debug, Clone)]
enum Switch {
    /// The pending secret becomes active.
    On,
    /// The pending secret replaces the active one: only for the session `session_hash`, signed
    /// in with a recovery code (the guard checks the right again and uses it up).
    Replace { session_hash: String, now: u64 },
    /// The active secret is removed.
    Off,
}

impl Switch {
    /// The secret whose code is checked; refused when the user has none.
    fn seed(&self, user: &UserRecord) -> Result<CheckedSeed, AccountRefusal> {
        match self {
            Self::On | Self::Replace { .. } => user
                .pending_two_step
                .clone()
                .map(CheckedSeed::Pending)
                .ok_or(AccountRefusal::NoEnrolment),
            Self::Off => user
                .two_step
                .clone()
                .map(CheckedSeed::Active)
                .ok_or(AccountRefusal::NotActive),
        }
    }

    /// The change (activation brings `recovery_codes`), and the audit event (kind and
    /// sentence) once it is made.
    fn change(self, recovery_codes: RecoveryCodes) -> (UserChange, &'static str, &'static str) {
        match self {
            Self::Replace { session_hash, now } => (
                UserChange::ReplaceTwoStep {
                    recovery_codes,
                    session_hash,
                    now,
                },
                "two_step_replaced",
                // A sentence of the catalog (core/locales/nb.json), like the two below.
                "Replaced the authenticator app after signing in with a recovery code; other \
                 sessions ended and the earlier recovery codes no longer work.",
            ),
            Self::On => (
                UserChange::ActivateTwoStep { recovery_codes },
                "two_step_activated",
                "Activated two-step verification.",
            ),
            Self::Off => (
                UserChange::DeactivateTwoStep,
                "two_step_deactivated",
                "Deactivated two-step verification.",
            ),
        }
    }
}

/// Switches the signed-in user's two-step verification: a code of the secret `switch` concerns,
/// checked through the two-step service, with the change applied in the same guard step; the
/// event, and My details as they are then. Activation also answers the ten new recovery codes,
/// this once.
async fn switch_two_step(
    mut req: Request,
    env: &Env,
    switch: Switch,
) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: TwoStepCodeRequest = read_json(&mut req).await?;
    let switch = match switch {
        // Activating while a seed is active replaces it: only this session's right allows that,
        // checked here first and again by the guard, in the command that uses it up.
        Switch::On if ctx.user.two_step.is_some() => {
            let now = now_secs();
            check_replacement(ctx.recovered_at, now)?;
            Switch::Replace {
                session_hash: ctx.token.secret_hash(),
                now,
            }
        }
        switch => switch,
    };
    let seed = switch.seed(&ctx.user)?;
    two_step::refuse_recovery_code(Some(&body.code))?;
    let code = TotpCode::parse(&body.code).map_err(BadField::Code)?;
    let (codes, hashes) = match switch {
        Switch::On | Switch::Replace { .. } => secrets::new_recovery_codes(env, &ctx.user.id)?,
        Switch::Off => (Vec::new(), RecoveryCodes::default()),
    };
    let shows_codes = !matches!(switch, Switch::Off);
    let (then, kind, detail) = switch.change(hashes);
    let answer = two_step::verify(
        env,
        &ctx,
        &MY_TWO_STEP,
        CodeCheck {
            seed,
            code: Some(code.as_str()),
            password: None,
            then: Some(then),
        },
    )
    .await?;
    let user = answer
        .user
        .ok_or_else(|| ApiError::internal("user guard", "no record in answer"))?;
    events::record(env, &ctx.actor(), kind, None, detail).await?;
    let me = view(env, &user, answer.locked_until, answer.recovery_codes_left).await?;
    let me = Me {
        unread_notifications: answer.unread_notifications,
        ..me
    };
    if shows_codes {
        json(
            200,
            &RecoveryCodesShown {
                me,
                recovery_codes: codes.iter().map(RecoveryCode::display).collect(),
            },
        )
    } else {
        json(200, &me)
    }
}

/// `POST /api/v1/me/two-step/recovery-codes`: a new set of ten recovery codes, answered this
/// once; the old codes stop working in the same guard command. Needs a fresh second factor:
/// this session's step-up (`POST /api/v1/me/step-up` with a TOTP code, never a recovery code)
/// less than five minutes ago.
pub async fn new_recovery_codes(req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    two_step::require_step_up(&ctx)?;
    let (codes, hashes) = secrets::new_recovery_codes(env, &ctx.user.id)?;
    let answer = change_own(
        env,
        &ctx,
        &GuardCommand::Change {
            change: UserChange::NewRecoveryCodes {
                recovery_codes: hashes,
            },
        },
    )
    .await?;
    if answer.outcome == Outcome::Refused {
        return Err(answer.refusal().into());
    }
    let user = answer.user.ok_or(Denied::SignInRequired)?;
    events::record(
        env,
        &ctx.actor(),
        "recovery_codes_generated",
        None,
        ap_core::sentence!("Generated new recovery codes; the earlier ones no longer work."),
    )
    .await?;
    let me = view(env, &user, answer.locked_until, answer.recovery_codes_left).await?;
    let me = Me {
        unread_notifications: answer.unread_notifications,
        ..me
    };
    json(
        200,
        &RecoveryCodesShown {
            me,
            recovery_codes: codes.iter().map(RecoveryCode::display).collect(),
        },
    )
}

/// `POST /api/v1/me/two-step/activate`: the pending secret becomes active with a valid code.
/// While another is active, only a session signed in with a recovery code less than 15 minutes
/// ago may do this, once: the new secret replaces the old, every other session ends, and new
/// recovery codes (answered this once) void the old ones. Any other session gets 403.
pub async fn activate(req: Request, env: &Env) -> Result<Response, ApiError> {
    switch_two_step(req, env, Switch::On).await
}

/// `POST /api/v1/me/two-step/deactivate`: needs a valid code of the active secret.
pub async fn deactivate(req: Request, env: &Env) -> Result<Response, ApiError> {
    switch_two_step(req, env, Switch::Off).await
}

/// `POST /api/v1/me/step-up`: confirms a fresh code, so this session may make a System
/// Administrator's sensitive changes (roles, bank agreements, integration keys) for five
/// minutes. A wrong or replayed code counts toward the lockout.
pub async fn step_up(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: TwoStepCodeRequest = read_json(&mut req).await?;
    two_step::step_up(env, &ctx, &body.code).await?;
    events::record(
        env,
        &ctx.actor(),
        "stepped_up",
        None,
        ap_core::sentence!("Confirmed a fresh code for sensitive changes."),
    )
    .await?;
    no_content()
}
