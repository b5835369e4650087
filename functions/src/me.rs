//! My details: the signed-in user's own view, password change and two-step verification.

use ap_core::api::{ChangePasswordRequest, Me, TwoStepCodeRequest, TwoStepEnrolment};
use ap_core::password::{Password, PasswordHash};
use ap_core::qr::qr_svg;
use ap_core::totp::{otpauth_uri, TotpCode};
use worker::{Env, Request, Response};

use crate::auth::{require_session, require_signed_in};
use crate::do_user::{ask_guard, GuardAnswer, GuardCommand, Outcome};
use crate::events;
use crate::http::{json, no_content, now_secs, random_bytes, read_json};
use crate::problem::ApiError;
use crate::records::{load_company, rfc3339, save_user, UserRecord};
use crate::secrets;
use crate::store::Kv;

/// The user as they see themself, with readiness per company where they hold a role.
pub async fn view(env: &Env, user: &UserRecord, locked_until: Option<u64>) -> Result<Me, ApiError> {
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
        locked_until: locked_until.map(rfc3339),
        companies,
    })
}

/// `POST /api/v1/me/password`: the one call allowed before a one-time password is replaced.
/// Other sessions of the user end.
pub async fn change_password(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let mut ctx = require_signed_in(&req, env).await?;
    let body: ChangePasswordRequest = read_json(&mut req).await?;
    let current_ok = Password::parse(&body.current_password)
        .is_ok_and(|p| PasswordHash::parse(&ctx.user.password_hash).is_ok_and(|h| h.verify(&p)));
    if !current_ok {
        return Err(ApiError::field(
            "current_password",
            "The current password is not correct.",
        ));
    }
    let new = Password::parse(&body.new_password)
        .map_err(|e| ApiError::field("new_password", e.to_string()))?;
    if body.new_password == body.current_password {
        return Err(ApiError::field(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    ctx.user.password_hash = PasswordHash::create(&new, random_bytes()?).encode();
    ctx.user.must_change_password = false;
    let kv = Kv::open(env)?;
    save_user(&kv, &ctx.user).await?;
    ask_guard(
        env,
        &ctx.user.id,
        &GuardCommand::EndOtherSessions {
            keep: ctx.token.secret_hash(),
        },
    )
    .await?;
    events::record(
        env,
        &ctx.actor(),
        "password_changed",
        None,
        "Changed their password.",
    )
    .await?;
    no_content()
}

/// `POST /api/v1/me/two-step/enrolment`: a new secret, stored sealed as pending, shown once.
pub async fn enrol(req: Request, env: &Env) -> Result<Response, ApiError> {
    let mut ctx = require_session(&req, env).await?;
    if ctx.user.two_step.is_some() {
        return Err(ApiError::Conflict(
            "Two-step verification is already active. Deactivate it first to enrol a new authenticator.".to_owned(),
        ));
    }
    let (secret, sealed) = secrets::new_seed(env, &ctx.user.id)?;
    ctx.user.pending_two_step = Some(sealed);
    let kv = Kv::open(env)?;
    save_user(&kv, &ctx.user).await?;
    // Steps used with an earlier secret say nothing about the new one.
    ask_guard(env, &ctx.user.id, &GuardCommand::ForgetSteps).await?;
    let uri = otpauth_uri(&secret, &ctx.user.email);
    let qr_svg = qr_svg(&uri).map_err(|e| ApiError::internal("qr", e))?;
    events::record(
        env,
        &ctx.actor(),
        "two_step_enrolment_started",
        None,
        "Started two-step enrolment.",
    )
    .await?;
    json(
        200,
        &TwoStepEnrolment {
            otpauth_uri: uri,
            secret: secret.to_base32(),
            qr_svg,
        },
    )
}

async fn check_code(
    env: &Env,
    user: &UserRecord,
    sealed: &str,
    code: &str,
) -> Result<GuardAnswer, ApiError> {
    let code = TotpCode::parse(code).map_err(|e| ApiError::field("code", e.to_string()))?;
    let now = now_secs();
    let step = secrets::matched_step(env, &user.id, sealed, Some(code.as_str()), now)?;
    let answer = ask_guard(env, &user.id, &GuardCommand::VerifyCode { now, step }).await?;
    match answer.outcome {
        Outcome::Accepted => Ok(answer),
        Outcome::NotCorrect => Err(ApiError::field(
            "code",
            "The code is not correct. Enter the code your authenticator app shows now.",
        )),
        Outcome::Locked => Err(ApiError::Locked(
            ap_core::guard::Locked {
                until: answer.locked_until.unwrap_or(now),
            }
            .to_string(),
        )),
    }
}

/// `POST /api/v1/me/two-step/activate`: the pending secret becomes active with a valid code.
pub async fn activate(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let mut ctx = require_session(&req, env).await?;
    let body: TwoStepCodeRequest = read_json(&mut req).await?;
    let Some(pending) = ctx.user.pending_two_step.clone() else {
        return Err(ApiError::Conflict(
            "There is no two-step enrolment to activate. Start the enrolment first.".to_owned(),
        ));
    };
    let answer = check_code(env, &ctx.user, &pending, &body.code).await?;
    ctx.user.two_step = Some(pending);
    ctx.user.pending_two_step = None;
    let kv = Kv::open(env)?;
    save_user(&kv, &ctx.user).await?;
    events::record(
        env,
        &ctx.actor(),
        "two_step_activated",
        None,
        "Activated two-step verification.",
    )
    .await?;
    json(200, &view(env, &ctx.user, answer.locked_until).await?)
}

/// `POST /api/v1/me/two-step/deactivate`: needs a valid code of the active secret.
pub async fn deactivate(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let mut ctx = require_session(&req, env).await?;
    let body: TwoStepCodeRequest = read_json(&mut req).await?;
    let Some(active) = ctx.user.two_step.clone() else {
        return Err(ApiError::Conflict(
            "Two-step verification is not active.".to_owned(),
        ));
    };
    let answer = check_code(env, &ctx.user, &active, &body.code).await?;
    ctx.user.two_step = None;
    ctx.user.pending_two_step = None;
    let kv = Kv::open(env)?;
    save_user(&kv, &ctx.user).await?;
    ask_guard(env, &ctx.user.id, &GuardCommand::ForgetSteps).await?;
    events::record(
        env,
        &ctx.actor(),
        "two_step_deactivated",
        None,
        "Deactivated two-step verification.",
    )
    .await?;
    json(200, &view(env, &ctx.user, answer.locked_until).await?)
}
