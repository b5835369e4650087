//! Accounts and sessions: first run, sign-in, sign-out, the session cookie, the CSRF rule, and
//! the checks every other handler starts with (`require_session`, `require_system_admin`).

use ap_core::account::{check_replacement, StepUpRefusal};
use ap_core::api::{FirstAdminRequest, SessionState, SignInRequest};
use ap_core::dates::Timestamp;
use ap_core::guard::Locked;
use ap_core::ids::{Email, UserId};
use ap_core::org::check_name;
use ap_core::password::{dummy_verify, Password, PasswordHash};
use ap_core::recovery::RecoveryCode;
use ap_core::roles::{Role, UserRoles, SYSTEM_ADMINISTRATOR};
use ap_core::session::{
    check_same_origin, cookie_name, CrossSiteRefusal, SessionToken, SIGN_IN_NOT_CORRECT,
};
use worker::{Env, Request, Response};

use crate::do_registry::{ask_registry, claim, RegistryCommand, EMAIL, FIRST_ADMIN};
use crate::do_user::{ask_guard, ask_guard_with_record, current_user, GuardCommand, Outcome};
use crate::events;
use crate::http::{cookie, json, no_content, read_json};
use crate::me;
use crate::platform::{now_secs, random_bytes, random_id};
use crate::problem::{ApiError, BadField};
use crate::records::{email_key, publish_user, UserRecord};
use crate::secrets;
use crate::store::Kv;
use crate::throttle::SignInKeys;

/// The signed-in user of a request.
pub struct SessionCtx {
    pub user: UserRecord,
    pub token: SessionToken,
    pub locked_until: Option<u64>,
    /// When this session last confirmed a fresh code (`POST /me/step-up`).
    pub stepped_up_at: Option<u64>,
    /// The user's unused recovery codes.
    pub recovery_codes_left: u32,
    /// Unread in-app notifications.
    pub unread_notifications: u32,
    /// When this session was signed in with a recovery code, while it keeps the right to
    /// replace the authenticator app (stored with the session in the guard, never sent by the
    /// client).
    pub recovered_at: Option<u64>,
}

/// Why a request is refused for who is asking (401: no one signed in) or for what they may do
/// (403). Statuses in `problem.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Please sign in.")]
    SignInRequired,
    /// E-mail, password or code wrong: deliberately one answer for all.
    #[error("{SIGN_IN_NOT_CORRECT}")]
    SignInNotCorrect,
    #[error("Choose a new password first.")]
    MustChangePassword,
    #[error("This needs the {SYSTEM_ADMINISTRATOR} role.")]
    NotSystemAdministrator,
    /// Neither System Administrator nor holding `role` in the company.
    #[error(
        "This needs the System Administrator role, or the {} role in this company.",
        .0.display_name()
    )]
    NeedsRoleHere(Role),
    #[error(transparent)]
    CrossSite(#[from] CrossSiteRefusal),
    #[error(transparent)]
    StepUp(#[from] StepUpRefusal),
}

/// First run is over: a System Administrator exists (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The organisation is already set up. Please sign in.")]
pub struct AlreadySetUp;

impl SessionCtx {
    /// Refuses with 403 unless the user is a System Administrator.
    pub fn require_system_admin(&self) -> Result<(), ApiError> {
        if self.user.roles.is_system_admin {
            Ok(())
        } else {
            Err(Denied::NotSystemAdministrator.into())
        }
    }

    pub fn actor(&self) -> String {
        self.user.email.to_string()
    }

    /// May this session set up a new authenticator app without a code from the old one?
    pub fn may_replace_authenticator(&self, now: u64) -> bool {
        self.user.two_step.is_some() && check_replacement(self.recovered_at, now).is_ok()
    }
}

fn is_https(req: &Request) -> bool {
    req.url().is_ok_and(|u| u.scheme() == "https")
}

/// The CSRF rule for state-changing session requests (403 when cross-site).
pub fn check_csrf(req: &Request) -> Result<(), ApiError> {
    let url = req.url()?;
    let own = url.origin().ascii_serialization();
    let headers = req.headers();
    let site = headers.get("sec-fetch-site")?;
    let origin = headers.get("origin")?;
    Ok(check_same_origin(site.as_deref(), origin.as_deref(), &own).map_err(Denied::from)?)
}

/// The session of this request, if it carries a live one of an active user. The user record is
/// the guard's, as it is now (never a KV copy that could lag behind a change of roles).
pub async fn current_session(req: &Request, env: &Env) -> Result<Option<SessionCtx>, ApiError> {
    let Some(token) = cookie(req, cookie_name(is_https(req))).and_then(|v| SessionToken::parse(&v))
    else {
        return Ok(None);
    };
    let touch = GuardCommand::Touch {
        now: now_secs(),
        session_hash: token.secret_hash(),
    };
    let Some(answer) = ask_guard_with_record(env, &token.user, &touch).await? else {
        return Ok(None);
    };
    match (answer.outcome, answer.user) {
        (Outcome::Accepted, Some(user)) if user.active => Ok(Some(SessionCtx {
            user,
            token,
            locked_until: answer.locked_until,
            stepped_up_at: answer.stepped_up_at,
            recovery_codes_left: answer.recovery_codes_left,
            recovered_at: answer.recovered_at,
            unread_notifications: answer.unread_notifications,
        })),
        _ => Ok(None),
    }
}

/// A signed-in user, whatever the state of their password (401 otherwise).
pub async fn require_signed_in(req: &Request, env: &Env) -> Result<SessionCtx, ApiError> {
    current_session(req, env)
        .await?
        .ok_or_else(|| Denied::SignInRequired.into())
}

/// A signed-in user who has replaced their one-time initial password.
pub async fn require_session(req: &Request, env: &Env) -> Result<SessionCtx, ApiError> {
    let ctx = require_signed_in(req, env).await?;
    if ctx.user.must_change_password {
        return Err(Denied::MustChangePassword.into());
    }
    Ok(ctx)
}

/// `GET /api/v1/session`.
pub async fn get_session(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = current_session(req, env).await?;
    json(200, &session_state(env, ctx.as_ref()).await?)
}

async fn session_state(env: &Env, ctx: Option<&SessionCtx>) -> Result<SessionState, ApiError> {
    session_state_after(env, ctx, false).await
}

/// The session state; `recovery_code_used`: this sign-in used up a recovery code.
async fn session_state_after(
    env: &Env,
    ctx: Option<&SessionCtx>,
    recovery_code_used: bool,
) -> Result<SessionState, ApiError> {
    let first_run = ask_registry(
        env,
        &RegistryCommand::Lookup {
            kind: FIRST_ADMIN.0.to_owned(),
            key: FIRST_ADMIN.1.to_owned(),
        },
    )
    .await?
    .is_none();
    let user = match ctx {
        Some(ctx) => Some(me::view_of_session(env, ctx).await?),
        None => None,
    };
    Ok(SessionState {
        first_run,
        user,
        recovery_code_used,
    })
}

/// `POST /api/v1/setup/first-admin`: only while no System Administrator exists; of two
/// concurrent requests exactly one wins (the registry claim), the other gets 409.
pub async fn first_admin(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let body: FirstAdminRequest = read_json(&mut req).await?;
    let already = || ApiError::from(AlreadySetUp);
    let mut errors = Vec::new();
    let name = check_name(&body.name, "name", &mut errors);
    let email = Email::parse(&body.email)
        .map_err(|e| errors.push(BadField::Email(e).into()))
        .ok();
    let password = Password::parse(&body.password)
        .map_err(|e| errors.push(BadField::Password(e).into()))
        .ok();
    let (Some(email), Some(password), true) = (email, password, errors.is_empty()) else {
        return Err(errors.into());
    };
    let lookup = RegistryCommand::Lookup {
        kind: FIRST_ADMIN.0.to_owned(),
        key: FIRST_ADMIN.1.to_owned(),
    };
    if ask_registry(env, &lookup).await?.is_some() {
        return Err(already());
    }
    let id = UserId::parse(&random_id()?).map_err(|e| ApiError::internal("user id", e))?;
    let hash = PasswordHash::create(&password, random_bytes()?).encode();
    if !claim(env, FIRST_ADMIN.0, FIRST_ADMIN.1, id.as_str()).await? {
        return Err(already());
    }
    claim(env, EMAIL, email.as_str(), id.as_str()).await?;
    let user = create_user(
        env,
        UserRecord::new(
            id.clone(),
            name,
            email.clone(),
            hash,
            UserRoles {
                is_system_admin: true,
                ..UserRoles::default()
            },
            now_secs(),
        ),
    )
    .await?;
    events::record(
        env,
        email.as_str(),
        "first_admin_created",
        None,
        ap_core::sentence!(
            "{} set up the organisation as its first System Administrator.",
            user.name
        ),
    )
    .await?;
    let token = new_token(&id)?;
    let answer = ask_guard(
        env,
        &id,
        &GuardCommand::SignIn {
            now: now_secs(),
            password_ok: true,
            checked_password: user.password_hash.clone(),
            checked_seed: None,
            step: None,
            session_hash: token.secret_hash(),
            recovery_hash: None,
        },
    )
    .await?;
    let ctx = SessionCtx {
        user,
        token,
        locked_until: answer.locked_until,
        stepped_up_at: None,
        recovery_codes_left: answer.recovery_codes_left,
        recovered_at: None,
        unread_notifications: answer.unread_notifications,
    };
    let state = session_state(env, Some(&ctx)).await?;
    with_cookie(json(201, &state)?, &req, &set_cookie(&req, &ctx.token))
}

/// A new user: the guard first (it owns the record), then the KV read model and the e-mail
/// index. Answers the record as the guard holds it.
pub async fn create_user(env: &Env, user: UserRecord) -> Result<UserRecord, ApiError> {
    let id = user.id.clone();
    let email = user.email.clone();
    let seeded = ask_guard(env, &id, &GuardCommand::Seed { record: user }).await?;
    let user = seeded
        .user
        .ok_or_else(|| ApiError::internal("user guard", "no record after seeding"))?;
    let kv = Kv::open(env)?;
    publish_user(&kv, &user).await?;
    kv.put(&email_key(&email), &id).await?;
    Ok(user)
}

fn new_token(user: &UserId) -> Result<SessionToken, ApiError> {
    // 128 random bits from the CSPRNG, 26 base32 characters.
    Ok(SessionToken::new(user.clone(), random_id()?))
}

fn set_cookie(req: &Request, token: &SessionToken) -> String {
    format!(
        "{}={}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        cookie_name(is_https(req)),
        token.cookie_value(),
        ap_core::session::ABSOLUTE_SECONDS
    )
}

fn clear_cookie(req: &Request) -> String {
    format!(
        "{}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0",
        cookie_name(is_https(req))
    )
}

fn with_cookie(mut resp: Response, _req: &Request, cookie: &str) -> Result<Response, ApiError> {
    resp.headers_mut().append("set-cookie", cookie)?;
    Ok(resp)
}

/// `POST /api/v1/session`: e-mail, password and (with two-step verification) the code, or a
/// recovery code in its place, in one request. Every failure answers the same 401 (a wrong,
/// used or malformed recovery code too); a lock answers 423 saying until when.
pub async fn sign_in(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let body: SignInRequest = read_json(&mut req).await?;
    let typed_code = |c: &Option<String>| {
        c.as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
    };
    let (code, recovery_code) = (typed_code(&body.code), typed_code(&body.recovery_code));
    if code.is_some() && recovery_code.is_some() {
        return Err(BadField::CodeAndRecoveryCode.into());
    }
    let now = now_secs();
    let typed = body.email.trim().chars().take(254).collect::<String>();
    let mut limits = SignInKeys::of(&req, &typed);
    limits.begin(env, now).await?;
    let not_correct = || ApiError::from(Denied::SignInNotCorrect);
    let kv = Kv::open(env)?;
    let password = Password::parse(&body.password).ok();
    let id = match Email::parse(&body.email) {
        Ok(email) => kv.get::<UserId>(&email_key(&email)).await?,
        Err(_) => None,
    };
    // The guard's record, as it is now: the KV copy is only the e-mail index.
    let user = match id {
        Some(id) => current_user(env, &id).await?.map(|(user, _)| user),
        None => None,
    };
    let (Some(user), Some(password)) = (user, password.clone()) else {
        // Unknown e-mail: spend the time of one verification so the answer does not tell.
        if let Some(password) = &password {
            dummy_verify(password);
        }
        events::record(
            env,
            &typed,
            "sign_in_failed",
            None,
            ap_core::sentence!("Sign-in failed."),
        )
        .await?;
        limits.failed(env, &typed).await?;
        return Err(not_correct());
    };
    let password_ok = PasswordHash::parse(&user.password_hash)
        .map(|h| h.verify(&password))
        .unwrap_or(false)
        && user.active;
    let step = match &user.two_step {
        Some(sealed) => secrets::matched_step(env, &user.id, sealed, code.as_deref(), now)?,
        None => None,
    };
    // A malformed recovery code is no hash: it fails like a wrong one.
    let recovery_hash = match (&user.two_step, recovery_code.as_deref()) {
        (Some(_), Some(typed)) => match RecoveryCode::parse(typed) {
            Ok(code) => Some(secrets::recovery_hash(env, &user.id, &code)?),
            Err(_) => None,
        },
        _ => None,
    };
    let token = new_token(&user.id)?;
    let answer = ask_guard(
        env,
        &user.id,
        &GuardCommand::SignIn {
            now,
            password_ok,
            checked_password: user.password_hash.clone(),
            checked_seed: user.two_step.clone(),
            step,
            session_hash: token.secret_hash(),
            recovery_hash,
        },
    )
    .await?;
    let actor = user.email.to_string();
    match answer.outcome {
        Outcome::Accepted => {
            // Rotation: a session this browser had before ends now.
            if let Some(old) =
                cookie(&req, cookie_name(is_https(&req))).and_then(|v| SessionToken::parse(&v))
            {
                ask_guard(
                    env,
                    &old.user,
                    &GuardCommand::EndSession {
                        session_hash: old.secret_hash(),
                    },
                )
                .await?;
            }
            limits.succeeded(env, now).await?;
            let detail = if answer.recovery_code_used {
                ap_core::sentence!(
                    "Signed in with a recovery code; {} recovery codes left.",
                    answer.recovery_codes_left
                )
            } else {
                ap_core::sentence!("Signed in.")
            };
            events::record(env, &actor, "sign_in_succeeded", None, detail).await?;
            let ctx = SessionCtx {
                user: answer.user.unwrap_or(user),
                token,
                locked_until: None,
                stepped_up_at: None,
                recovery_codes_left: answer.recovery_codes_left,
                recovered_at: answer.recovery_code_used.then_some(now),
                unread_notifications: answer.unread_notifications,
            };
            let state = session_state_after(env, Some(&ctx), answer.recovery_code_used).await?;
            with_cookie(json(200, &state)?, &req, &set_cookie(&req, &ctx.token))
        }
        Outcome::NotCorrect | Outcome::Refused | Outcome::Missing => {
            let why = if user.active {
                "Sign-in failed."
            } else {
                "Sign-in refused: the user is deactivated."
            };
            events::record(env, &actor, "sign_in_failed", None, why).await?;
            limits.failed(env, &actor).await?;
            Err(not_correct())
        }
        Outcome::Locked => {
            let until = answer
                .locked_until
                .unwrap_or(now + ap_core::guard::LOCK_SECONDS);
            events::record(
                env,
                &actor,
                "sign_in_locked",
                None,
                ap_core::sentence!("Sign-in locked until {}.", Timestamp(until).to_rfc3339()),
            )
            .await?;
            limits.failed(env, &actor).await?;
            Err(Locked { until }.into())
        }
    }
}

/// `DELETE /api/v1/session`: ends this session (if any) and clears the cookie.
pub async fn sign_out(req: Request, env: &Env) -> Result<Response, ApiError> {
    if let Some(ctx) = current_session(&req, env).await? {
        ask_guard(
            env,
            &ctx.user.id,
            &GuardCommand::EndSession {
                session_hash: ctx.token.secret_hash(),
            },
        )
        .await?;
        events::record(
            env,
            &ctx.actor(),
            "signed_out",
            None,
            ap_core::sentence!("Signed out."),
        )
        .await?;
    }
    with_cookie(no_content()?, &req, &clear_cookie(&req))
}
