//! Substitutes (issue 10): on My details a user sets an absence period and a substitute, who
//! decides their tasks meanwhile "on behalf of" them with the substitute's own roles and two-step
//! verification. The rules are `ap_core::workflow::check_absence`, applied in the `Registry`
//! against every stored absence in one step. A System Administrator can do the same for any
//! user of the organisation (`/api/v1/admin/users/{id}/absences`); the audit event names them.

use ap_core::api_workflow::{AbsenceRequest, AbsenceView, AbsencesView, ApproverChoice};
use ap_core::dates::Date;
use ap_core::ids::UserId;
use ap_core::roles::Role;
use ap_core::workflow::Absence;
use worker::{Env, Request, Response};

use crate::auth::{require_session, SessionCtx};
use crate::do_registry::{AbsenceAnswer, RegistryCommand, StoredAbsence};
use crate::events;
use crate::http::{json, read_json};
use crate::platform::{now_secs, random_id};
use crate::problem::{ApiError, BadField, Missing};
use crate::records::{load_user, user_id, Names, UserRecord};
use crate::store::{call_object, Kv, REGISTRY_BINDING, REGISTRY_NAME};

async fn ask(env: &Env, command: &RegistryCommand) -> Result<AbsenceAnswer, ApiError> {
    call_object(env, REGISTRY_BINDING, REGISTRY_NAME, command).await
}

async fn stored(env: &Env, user: &UserId) -> Result<Vec<StoredAbsence>, ApiError> {
    match ask(
        env,
        &RegistryCommand::Absences {
            user: user.to_string(),
        },
    )
    .await?
    {
        AbsenceAnswer::Listed { absences } => Ok(absences),
        other => Err(ApiError::internal("absences", format!("{other:?}"))),
    }
}

/// The absent approvers `user` substitutes for `today`, with their names.
pub async fn standing_in_for(
    env: &Env,
    kv: &Kv,
    user: &UserId,
    today: Date,
) -> Result<Vec<(UserId, String)>, ApiError> {
    let mut out = Vec::new();
    let mut names = Names::default();
    for s in stored(env, user).await? {
        if &s.absence.substitute == user && s.absence.covers(today) {
            let name = names.of(kv, &s.absence.user).await?;
            out.push((s.absence.user, name));
        }
    }
    Ok(out)
}

/// Who substitutes for `user` on `today`, if they are away.
pub async fn substitute_of(
    env: &Env,
    user: &UserId,
    today: Date,
) -> Result<Option<UserId>, ApiError> {
    let absences: Vec<Absence> = stored(env, user)
        .await?
        .into_iter()
        .map(|s| s.absence)
        .collect();
    Ok(ap_core::workflow::substitute_on(user, today, &absences).cloned())
}

/// Who can substitute for `user`: the other active Invoice Approvers of their companies (the
/// user directory read once, not once per company).
async fn people(env: &Env, kv: &Kv, user: &UserRecord) -> Result<Vec<UserRecord>, ApiError> {
    crate::workflows::active_users(env, kv, |person| {
        person.id != user.id
            && user
                .roles
                .companies_with(Role::InvoiceApprover)
                .any(|c| person.roles.has(c, Role::InvoiceApprover))
    })
    .await
}

fn today() -> Result<Date, ApiError> {
    Date::from_unix_secs(now_secs()).map_err(|e| ApiError::internal("today", e))
}

/// `GET /api/v1/me/absences`.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    json(200, &view(env, &ctx.user).await?)
}

/// My absences and those I substitute in (not over yet), and who can be my substitute.
async fn view(env: &Env, user: &UserRecord) -> Result<AbsencesView, ApiError> {
    let kv = Kv::open(env)?;
    let mut names = Names::default();
    let mut absences = Vec::new();
    let today = today()?;
    for s in stored(env, &user.id).await? {
        // Past absences are history, not something to manage.
        if s.absence.to < today {
            continue;
        }
        absences.push(AbsenceView {
            id: s.id,
            user_name: names.of(&kv, &s.absence.user).await?,
            substitute_name: names.of(&kv, &s.absence.substitute).await?,
            from: s.absence.from.to_string(),
            to: s.absence.to.to_string(),
            mine: s.absence.user == user.id,
        });
    }
    absences.sort_by(|a, b| (&a.from, &a.id).cmp(&(&b.from, &b.id)));
    let people = people(env, &kv, user)
        .await?
        .into_iter()
        .map(|u| ApproverChoice {
            id: u.id.to_string(),
            name: u.name,
        })
        .collect();
    Ok(AbsencesView { absences, people })
}

/// `POST /api/v1/me/absences`.
pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: AbsenceRequest = read_json(&mut req).await?;
    let (from, to, substitute) = set_absence(env, &ctx.user, &body).await?;
    events::record(
        env,
        &ctx.actor(),
        "absence_set",
        None,
        ap_core::sentence!(
            "{} is away from {from} to {to}; {} substitutes.",
            ctx.user.name,
            substitute.name
        ),
    )
    .await?;
    json(201, &view(env, &ctx.user).await?)
}

/// Sets `user`'s absence as `body` asks: the days read and not over, a substitute that exists,
/// and `check_absence` applied by the registry in the same command that stores it. Answers the
/// days and the substitute for the audit event.
async fn set_absence(
    env: &Env,
    user: &UserRecord,
    body: &AbsenceRequest,
) -> Result<(Date, Date, UserRecord), ApiError> {
    let from = Date::parse(body.from.trim()).map_err(|e| BadField::Day("from", e))?;
    let to = Date::parse(body.to.trim()).map_err(|e| BadField::Day("to", e))?;
    if to < today()? {
        return Err(BadField::PastAbsence.into());
    }
    let kv = Kv::open(env)?;
    let substitute = match UserId::parse(body.substitute.trim()) {
        Ok(id) => load_user(&kv, &id).await?,
        Err(_) => None,
    }
    .ok_or(BadField::Person("substitute"))?;
    // The substitute holds Invoice Approver, active, in a company where the user does.
    let shares_a_company = user
        .roles
        .companies_with(Role::InvoiceApprover)
        .any(|c| substitute.roles.has(c, Role::InvoiceApprover));
    let absence = Absence {
        user: user.id.clone(),
        substitute: substitute.id.clone(),
        from,
        to,
    };
    let command = RegistryCommand::SetAbsence {
        id: random_id()?,
        absence,
        substitute_is_approver: substitute.active && shares_a_company,
    };
    match ask(env, &command).await? {
        AbsenceAnswer::Set { .. } => Ok((from, to, substitute)),
        AbsenceAnswer::Refused { refusal } => Err(ApiError::Unprocessable(refusal.to_string())),
        other => Err(ApiError::internal("absences", format!("{other:?}"))),
    }
}

/// Removes absence `id` of `user` (404 when `user` has no such absence).
async fn remove_absence(env: &Env, user: &UserRecord, id: &str) -> Result<(), ApiError> {
    let command = RegistryCommand::RemoveAbsence {
        id: id.to_owned(),
        user: user.id.to_string(),
    };
    match ask(env, &command).await? {
        AbsenceAnswer::Removed => Ok(()),
        AbsenceAnswer::NotFound => Err(Missing::Absence.into()),
        other => Err(ApiError::internal("absences", format!("{other:?}"))),
    }
}

/// `DELETE /api/v1/me/absences/{id}`: only one's own; answers the list as it is then.
pub async fn remove(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    remove_absence(env, &ctx.user, id).await?;
    events::record(
        env,
        &ctx.actor(),
        "absence_removed",
        None,
        ap_core::sentence!("{} removed an absence.", ctx.user.name),
    )
    .await?;
    json(200, &view(env, &ctx.user).await?)
}

// ---- A System Administrator for a user ("an administrator can do it for them") ----

/// The session of a System Administrator (403 otherwise) and the user `id` whose absences they
/// manage (404 for no such user: the directory is the organisation's).
async fn for_user(
    req: &Request,
    env: &Env,
    id: &str,
) -> Result<(SessionCtx, UserRecord), ApiError> {
    let ctx = require_session(req, env).await?;
    ctx.require_system_admin()?;
    let user = load_user(&Kv::open(env)?, &user_id(id)?)
        .await?
        .ok_or(Missing::User)?;
    Ok((ctx, user))
}

/// `GET /api/v1/admin/users/{id}/absences`: the user's absences and those they substitute in,
/// and who can substitute for them, as they would see it on My details.
pub async fn list_for_user(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (_, user) = for_user(req, env, id).await?;
    json(200, &view(env, &user).await?)
}

/// `POST /api/v1/admin/users/{id}/absences`: the same rules as the user's own; the event names
/// the administrator.
pub async fn create_for_user(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (ctx, user) = for_user(&req, env, id).await?;
    let body: AbsenceRequest = read_json(&mut req).await?;
    let (from, to, substitute) = set_absence(env, &user, &body).await?;
    events::record(
        env,
        &ctx.actor(),
        "absence_set",
        None,
        ap_core::sentence!(
            "{} set an absence for {}: away from {from} to {to}; {} substitutes.",
            ctx.user.name,
            user.name,
            substitute.name
        ),
    )
    .await?;
    json(201, &view(env, &user).await?)
}

/// `DELETE /api/v1/admin/users/{id}/absences/{absence}`: one of the user's own absences (not
/// one they substitute in); answers their list as it is then.
pub async fn remove_for_user(
    req: &Request,
    env: &Env,
    id: &str,
    absence: &str,
) -> Result<Response, ApiError> {
    let (ctx, user) = for_user(req, env, id).await?;
    remove_absence(env, &user, absence).await?;
    events::record(
        env,
        &ctx.actor(),
        "absence_removed",
        None,
        ap_core::sentence!("{} removed an absence of {}.", ctx.user.name, user.name),
    )
    .await?;
    json(200, &view(env, &user).await?)
}
