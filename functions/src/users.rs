//! Administration of users: create with a one-time password, roles, deactivate and reactivate,
//! reset two-step verification, unlock.

use std::collections::BTreeSet;

use ap_core::api::{NewUserCreated, NewUserRequest, Page, RolesRequest, UserView};
use ap_core::ids::{CompanyId, Email, UserId};
use ap_core::org::check_name;
use ap_core::password::{Password, PasswordHash};
use ap_core::roles::UserRoles;
use worker::{Env, Request, Response};

use crate::auth::{create_user, require_session, SessionCtx};
use crate::do_registry::{claim, list_claims, EMAIL};
use crate::do_user::{ask_guard, ask_guard_with_record, GuardCommand, Outcome, UserChange};
use crate::events;
use crate::http::{json, key_page_params, read_json};
use crate::platform::{now_secs, random_bytes, random_id};
use crate::problem::{ApiError, BadField, Missing};
use crate::records::{load_company, load_user, publish_user, user_id, UserRecord};
use crate::store::Kv;
use crate::two_step::require_step_up;

async fn admin(req: &Request, env: &Env) -> Result<SessionCtx, ApiError> {
    let ctx = require_session(req, env).await?;
    ctx.require_system_admin()?;
    Ok(ctx)
}

/// The user as the guard holds them now (the KV copy only when the guard holds none yet).
async fn view(env: &Env, user: &UserRecord) -> Result<UserView, ApiError> {
    let status = ask_guard(env, &user.id, &GuardCommand::Status { now: now_secs() }).await?;
    Ok(status
        .user
        .as_ref()
        .unwrap_or(user)
        .view(status.locked_until))
}

/// The answer to a System Administrator's change of `user`: the audit event `kind`, then the
/// user as their guard holds them now.
async fn changed(
    env: &Env,
    ctx: &SessionCtx,
    user: &UserRecord,
    kind: &str,
    detail: String,
) -> Result<Response, ApiError> {
    events::record(env, &ctx.actor(), kind, None, detail).await?;
    json(200, &view(env, user).await?)
}

/// Why a System Administrator's change of users was refused (409). Statuses in `problem.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserRefusal {
    #[error("A user with the e-mail address {0} already exists.")]
    EmailTaken(String),
    #[error(
        "You cannot remove your own System Administrator role; ask another System Administrator."
    )]
    OwnAdministratorRole,
    #[error("You cannot deactivate yourself.")]
    DeactivateYourself,
}

/// One change of user `id`'s record, applied by their guard to the record as it is now (never a
/// copy read earlier), then published to the KV read model. Answers the changed record.
async fn change_user(env: &Env, id: &str, change: UserChange) -> Result<UserRecord, ApiError> {
    let id = user_id(id)?;
    let answer = ask_guard_with_record(env, &id, &GuardCommand::Change { change })
        .await?
        .ok_or(Missing::User)?;
    if answer.outcome == Outcome::Refused && answer.user.is_some() {
        return Err(answer.refusal().into());
    }
    let user = answer.user.ok_or(Missing::User)?;
    publish_user(&Kv::open(env)?, &user).await?;
    Ok(user)
}

/// A one-time initial password: 128 random bits as 26 base32 characters.
fn initial_password() -> Result<(String, String), ApiError> {
    let text = random_id()?;
    let password = Password::parse(&text).map_err(|e| ApiError::internal("initial password", e))?;
    Ok((
        text,
        PasswordHash::create(&password, random_bytes()?).encode(),
    ))
}

/// The user `id` as their guard holds them (the KV copy for a record the guard has not taken
/// over yet); `None` when there is no such user.
async fn current_view(env: &Env, kv: &Kv, id: &UserId) -> Result<Option<UserView>, ApiError> {
    let status = ask_guard(env, id, &GuardCommand::Status { now: now_secs() }).await?;
    let user = match status.user {
        Some(user) => user,
        None => match load_user(kv, id).await? {
            Some(user) => user,
            None => return Ok(None),
        },
    };
    Ok(Some(user.view(status.locked_until)))
}

/// `GET /api/v1/admin/users?cursor=&limit=`: by e-mail address, a page at a time (the e-mail
/// claims in the registry are the directory), so every user can be found however many there are.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    admin(req, env).await?;
    let (limit, after) = key_page_params(req)?;
    let kv = Kv::open(env)?;
    let page = list_claims(env, EMAIL, after, limit).await?;
    let mut items = Vec::new();
    for (_, owner) in &page.claims {
        // A claim whose user was never created (a failed creation) lists nobody.
        let Ok(id) = UserId::parse(owner) else {
            continue;
        };
        if let Some(view) = current_view(env, &kv, &id).await? {
            items.push(view);
        }
    }
    json(
        200,
        &Page {
            items,
            next_cursor: page.next_cursor(),
        },
    )
}

/// `GET /api/v1/admin/users/{id}`.
pub async fn get(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    admin(req, env).await?;
    let view = current_view(env, &Kv::open(env)?, &user_id(id)?)
        .await?
        .ok_or(Missing::User)?;
    json(200, &view)
}

/// `POST /api/v1/admin/users`: 409 when the e-mail address is taken.
pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = admin(&req, env).await?;
    let body: NewUserRequest = read_json(&mut req).await?;
    let mut errors = Vec::new();
    let name = check_name(&body.name, "name", &mut errors);
    let email = Email::parse(&body.email)
        .map_err(|e| errors.push(BadField::Email(e).into()))
        .ok();
    let (Some(email), true) = (email, errors.is_empty()) else {
        return Err(errors.into());
    };
    let id = UserId::parse(&random_id()?).map_err(|e| ApiError::internal("user id", e))?;
    if !claim(env, EMAIL, email.as_str(), id.as_str()).await? {
        return Err(UserRefusal::EmailTaken(email.to_string()).into());
    }
    let (initial_password, hash) = initial_password()?;
    let user = create_user(
        env,
        // A one-time password: the user chooses their own at first sign-in.
        UserRecord {
            must_change_password: true,
            ..UserRecord::new(
                id.clone(),
                name,
                email.clone(),
                hash,
                UserRoles::default(),
                now_secs(),
            )
        },
    )
    .await?;
    events::record(
        env,
        &ctx.actor(),
        "user_created",
        None,
        ap_core::sentence!("Created user {} <{}>.", user.name, user.email),
    )
    .await?;
    json(
        201,
        &NewUserCreated {
            user: user.view(None),
            initial_password,
        },
    )
}

/// `PUT /api/v1/admin/users/{id}/roles`: replaces all roles. Every company must exist; an
/// administrator cannot remove their own System Administrator role. Step-up: this session
/// confirmed a fresh code (`POST /api/v1/me/step-up`) in the last five minutes.
pub async fn put_roles(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = admin(&req, env).await?;
    let body: RolesRequest = read_json(&mut req).await?;
    let kv = Kv::open(env)?;
    let target = user_id(id)?;
    let mut roles = UserRoles {
        is_system_admin: body.is_system_admin,
        ..UserRoles::default()
    };
    let mut errors = Vec::new();
    for (company, granted) in &body.roles {
        match CompanyId::parse(company) {
            Ok(c) if load_company(&kv, &c).await?.is_some() => {
                let set: BTreeSet<_> = granted.iter().copied().collect();
                if !set.is_empty() {
                    roles.companies.insert(c, set);
                }
            }
            _ => errors.push(BadField::RoleCompany(company.clone()).into()),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if target == ctx.user.id && !roles.is_system_admin {
        return Err(UserRefusal::OwnAdministratorRole.into());
    }
    require_step_up(&ctx)?;
    let user = change_user(env, id, UserChange::Roles { roles }).await?;
    // One sentence per company, so each is translated on its own when shown.
    let mut detail = vec![if user.roles.is_system_admin {
        ap_core::sentence!("Set the roles of {}: System Administrator.", user.email)
    } else {
        ap_core::sentence!(
            "Set the roles of {}: not a System Administrator.",
            user.email
        )
    }];
    for (company, roles) in &user.roles.companies {
        let names: Vec<&str> = roles.iter().map(|r| r.display_name()).collect();
        detail.push(ap_core::sentence!(
            "Roles in {company}: {}.",
            names.join(", ")
        ));
    }
    changed(env, &ctx, &user, "roles_changed", detail.join(" ")).await
}

/// `POST /api/v1/admin/users/{id}/deactivate`: the user's sessions end at once.
pub async fn deactivate(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = admin(&req, env).await?;
    if user_id(id)? == ctx.user.id {
        return Err(UserRefusal::DeactivateYourself.into());
    }
    let user = change_user(env, id, UserChange::Deactivate).await?;
    changed(
        env,
        &ctx,
        &user,
        "user_deactivated",
        ap_core::sentence!("Deactivated {}; their sessions ended.", user.email),
    )
    .await
}

/// `POST /api/v1/admin/users/{id}/reactivate`: a new one-time password; every session of the
/// user ends.
pub async fn reactivate(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = admin(&req, env).await?;
    let (initial_password, hash) = initial_password()?;
    let user = change_user(
        env,
        id,
        UserChange::Reactivate {
            password_hash: hash,
        },
    )
    .await?;
    events::record(
        env,
        &ctx.actor(),
        "user_reactivated",
        None,
        ap_core::sentence!(
            "Reactivated {} with a new one-time password; their sessions ended.",
            user.email
        ),
    )
    .await?;
    json(
        200,
        &NewUserCreated {
            user: view(env, &user).await?,
            initial_password,
        },
    )
}

/// `POST /api/v1/admin/users/{id}/reset-two-step`: the user must enrol again; every session of
/// the user ends.
pub async fn reset_two_step(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = admin(&req, env).await?;
    let user = change_user(env, id, UserChange::ResetTwoStep).await?;
    changed(
        env,
        &ctx,
        &user,
        "two_step_reset",
        ap_core::sentence!(
            "Reset two-step verification of {}; their sessions ended and they must enrol again.",
            user.email
        ),
    )
    .await
}

/// `POST /api/v1/admin/users/{id}/unlock`.
pub async fn unlock(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = admin(&req, env).await?;
    let user = crate::do_user::current_user(env, &user_id(id)?)
        .await?
        .ok_or(Missing::User)?
        .0;
    ask_guard(env, &user.id, &GuardCommand::Unlock).await?;
    changed(
        env,
        &ctx,
        &user,
        "user_unlocked",
        ap_core::sentence!(
            "Unlocked sign-in and two-step verification of {}.",
            user.email
        ),
    )
    .await
}
