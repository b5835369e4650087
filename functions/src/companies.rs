//! Administration of companies: master data, settings, bank agreements, and the readiness table.
//!
//! Every change is one command to the `Registry` Durable Object, which owns the company records:
//! it reads the record, applies the `ap_core::org` rule and writes the record with its
//! debtor-account claims in one atomic step (see `do_registry.rs`).

use ap_core::api::{
    BankAgreementRequest, BankAgreementView, CompanyRequest, CompanySettings, CompanySettingsPatch,
    Page, ReadinessRow,
};
use ap_core::ids::{CompanyId, UserId};
use ap_core::listing::{company_sort_key, page_by_key};
use ap_core::org::{validate_bank_agreement, validate_company};
use ap_core::roles::Role;
use worker::{Env, Request, Response};

use crate::auth::{require_session, Denied, SessionCtx};
use crate::do_registry::{list_claims, CompanyChange, EMAIL};
use crate::events;
use crate::http::{json, key_page_params, query_param, read_json};
use crate::platform::random_id;
use crate::problem::{ApiError, BadField, Missing};
use crate::records::{
    all_companies, change_company, company_id, create_company, existing_company, load_user,
    CompanyRecord,
};
use crate::store::Kv;

/// `GET /api/v1/admin/companies?cursor=&limit=`: by name, a page at a time.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    require_session(req, env).await?.require_system_admin()?;
    let (limit, after) = key_page_params(req)?;
    let views: Vec<_> = all_companies(&Kv::open(env)?)
        .await?
        .iter()
        .map(CompanyRecord::view)
        .collect();
    let page = page_by_key(
        views,
        |c| company_sort_key(&c.name, &c.id),
        after.as_deref(),
        limit,
    );
    json(200, &page)
}

/// `POST /api/v1/admin/companies`.
pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    ctx.require_system_admin()?;
    let body: CompanyRequest = read_json(&mut req).await?;
    let valid = validate_company(&body)?;
    let id = CompanyId::parse(&random_id()?).map_err(|e| ApiError::internal("company id", e))?;
    let company = CompanyRecord {
        id: id.clone(),
        name: valid.name,
        org_number: valid.org_number,
        country: valid.country,
        base_currency: valid.base_currency.code().to_owned(),
        settings: CompanySettings::default(),
        bank_agreements: Vec::new(),
        version: 1,
        workflows: Default::default(),
        webhook: None,
    };
    let kv = Kv::open(env)?;
    let company = create_company(&kv, company).await?;
    events::record(
        env,
        &ctx.actor(),
        "company_created",
        Some(&id),
        ap_core::sentence!("Created company {}.", company.name),
    )
    .await?;
    json(201, &company.view())
}

/// `PUT /api/v1/admin/companies/{id}`: master data only; settings and agreements are kept.
pub async fn update(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    ctx.require_system_admin()?;
    let body: CompanyRequest = read_json(&mut req).await?;
    let id = company_id(id)?;
    let valid = validate_company(&body)?;
    let change = CompanyChange::MasterData {
        name: valid.name,
        org_number: valid.org_number,
        country: valid.country,
        base_currency: valid.base_currency.code().to_owned(),
    };
    let kv = Kv::open(env)?;
    let (_, company) = change_company(&kv, &id, None, change).await?;
    events::record(
        env,
        &ctx.actor(),
        "company_changed",
        Some(&company.id),
        ap_core::sentence!("Changed the master data of {}.", company.name),
    )
    .await?;
    json(200, &company.view())
}

/// Refuses a user with no business in this company before revealing whether it exists.
fn require_some_say(ctx: &SessionCtx, id: &str, role: Role) -> Result<(), ApiError> {
    let holds = CompanyId::parse(id).is_ok_and(|c| ctx.user.roles.has(&c, role));
    if ctx.user.roles.is_system_admin || holds {
        Ok(())
    } else {
        Err(Denied::NeedsRoleHere(role).into())
    }
}

/// `GET /api/v1/companies/{id}`: one company for a System Administrator or an AutoPay
/// Administrator of it (the SPA's AutoPay settings screen).
pub async fn get(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    require_some_say(&ctx, id, Role::AutoPayAdministrator)?;
    let kv = Kv::open(env)?;
    json(200, &existing_company(&kv, id).await?.view())
}

/// `PATCH /api/v1/companies/{id}/settings`: Allow pre-approval only by an AutoPay Administrator
/// of the company, every other setting only by a System Administrator.
pub async fn patch_settings(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    require_some_say(&ctx, id, Role::AutoPayAdministrator)?;
    let patch: CompanySettingsPatch = read_json(&mut req).await?;
    let id = company_id(id)?;
    let kv = Kv::open(env)?;
    // The escalation approver must be able to decide the tasks handed to them (checked again
    // at each hourly run).
    if let Some(Some(user)) = &patch.escalation_user {
        let approver = crate::records::load_user(&kv, user)
            .await?
            .is_some_and(|u| u.active && u.roles.has(&id, Role::InvoiceApprover));
        if !approver {
            return Err(BadField::Person("escalation_user").into());
        }
    }
    let expected_version = patch.expected_version;
    let change = CompanyChange::Settings {
        patch,
        roles: ctx.user.roles.clone(),
    };
    let (before, company) = change_company(&kv, &id, expected_version, change).await?;
    let detail = settings_change(&before.settings, &company.settings, &company.base_currency);
    events::record(
        env,
        &ctx.actor(),
        "settings_changed",
        Some(&company.id),
        ap_core::sentence!("Changed the settings of {}: {detail}", company.name),
    )
    .await?;
    json(200, &company.view())
}

/// What changed, as sentences (each translated on its own when shown).
fn settings_change(before: &CompanySettings, after: &CompanySettings, currency: &str) -> String {
    let mut parts = Vec::new();
    let mut flag = |name: String, a: bool, b: bool| {
        if a != b {
            parts.push(if b {
                ap_core::sentence!("Turned “{name}” on.")
            } else {
                ap_core::sentence!("Turned “{name}” off.")
            });
        }
    };
    flag(
        ap_core::sentence!("Enable two-step verification for AutoPay"),
        before.two_step_for_autopay,
        after.two_step_for_autopay,
    );
    flag(
        ap_core::sentence!("Send workflows to Approval"),
        before.send_workflows_to_approval,
        after.send_workflows_to_approval,
    );
    flag(
        ap_core::sentence!("Allow pre-approval"),
        before.allow_pre_approval,
        after.allow_pre_approval,
    );
    flag(
        ap_core::sentence!("Require a passkey for Approve and pay"),
        before.require_passkey,
        after.require_passkey,
    );
    if before.soon_overdue_days != after.soon_overdue_days {
        parts.push(ap_core::sentence!(
            "Soon overdue now starts this many days before the due date: {}.",
            after.soon_overdue_days
        ));
    }
    if before.escalate_after_days != after.escalate_after_days {
        parts.push(ap_core::sentence!(
            "Overdue tasks are now escalated after {} working days.",
            after.escalate_after_days
        ));
    }
    if before.escalation_user != after.escalation_user {
        parts.push(match &after.escalation_user {
            Some(user) => ap_core::sentence!(
                "Overdue tasks are now escalated to the user {}.",
                user.as_str()
            ),
            None => ap_core::sentence!("Overdue tasks are no longer escalated to anyone."),
        });
    }
    if before.token_expiry_days != after.token_expiry_days {
        parts.push(ap_core::sentence!(
            "Set the approval token expiry to {} days.",
            after.token_expiry_days
        ));
    }
    if before.four_eyes_threshold_minor != after.four_eyes_threshold_minor {
        parts.push(match after.four_eyes_threshold_minor {
            Some(t) => {
                let amount = ap_core::money::Currency::parse(currency)
                    .map(|c| ap_core::money::Money::from_minor(t, c).to_string())
                    .unwrap_or_else(|_| format!("{t} (minor units)"));
                ap_core::sentence!("Set the four-eyes threshold to {amount}.")
            }
            None => ap_core::sentence!("Removed the four-eyes threshold."),
        });
    }
    if parts.is_empty() {
        ap_core::sentence!("Nothing changed.")
    } else {
        parts.join(" ")
    }
}

/// `POST /api/v1/admin/companies/{id}/bank-agreements` (`agreement` None) and
/// `PUT …/bank-agreements/{a}`: System Administrator or AutoPay Administrator of the company.
pub async fn put_agreement(
    mut req: Request,
    env: &Env,
    id: &str,
    agreement: Option<&str>,
) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    require_some_say(&ctx, id, Role::AutoPayAdministrator)?;
    // A System Administrator changes bank agreements only with a fresh code (step-up).
    if ctx.user.roles.is_system_admin {
        crate::two_step::require_step_up(&ctx)?;
    }
    let body: BankAgreementRequest = read_json(&mut req).await?;
    let id = company_id(id)?;
    let valid = validate_bank_agreement(&body)?;
    let view = BankAgreementView {
        id: match agreement {
            Some(a) => a.to_owned(),
            None => random_id()?,
        },
        bank_name: valid.bank_name,
        bic: valid.bic.as_str().to_owned(),
        debtor_account: valid.debtor_account.as_str().to_owned(),
        two_step_level: valid.two_step_level,
        approvers_required: valid.approvers_required,
    };
    let detail = ap_core::sentence!(
        "Bank agreement {} {} ({}): two-step verification {}; approvers needed: {}.",
        view.bank_name,
        view.debtor_account,
        view.bic,
        view.two_step_level,
        view.approvers_required
    );
    let change = CompanyChange::PutAgreement {
        agreement: view,
        adding: agreement.is_none(),
    };
    let kv = Kv::open(env)?;
    let (_, company) = change_company(&kv, &id, None, change).await?;
    let kind = if agreement.is_some() {
        "bank_agreement_changed"
    } else {
        "bank_agreement_added"
    };
    events::record(env, &ctx.actor(), kind, Some(&company.id), detail).await?;
    json(if agreement.is_some() { 200 } else { 201 }, &company.view())
}

/// `DELETE /api/v1/admin/companies/{id}/bank-agreements/{a}`.
pub async fn delete_agreement(
    req: Request,
    env: &Env,
    id: &str,
    agreement: &str,
) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    require_some_say(&ctx, id, Role::AutoPayAdministrator)?;
    if ctx.user.roles.is_system_admin {
        crate::two_step::require_step_up(&ctx)?;
    }
    let id = company_id(id)?;
    let change = CompanyChange::RemoveAgreement {
        agreement_id: agreement.to_owned(),
    };
    let kv = Kv::open(env)?;
    let (before, company) = change_company(&kv, &id, None, change).await?;
    let Some(removed) = before.bank_agreements.iter().find(|x| x.id == agreement) else {
        return Err(ApiError::internal(
            "registry",
            "removed agreement not in record",
        ));
    };
    events::record(
        env,
        &ctx.actor(),
        "bank_agreement_removed",
        Some(&company.id),
        ap_core::sentence!(
            "Removed bank agreement {} {}.",
            removed.bank_name,
            removed.debtor_account
        ),
    )
    .await?;
    json(200, &company.view())
}

/// `GET /api/v1/admin/readiness?cursor=&limit=`: every active user × every company, a page of
/// users (by e-mail address, `limit` of them) at a time; `?user=` for one user's row only.
pub async fn readiness(req: &Request, env: &Env) -> Result<Response, ApiError> {
    require_session(req, env).await?.require_system_admin()?;
    let (limit, after) = key_page_params(req)?;
    let kv = Kv::open(env)?;
    let companies = all_companies(&kv).await?;
    let (users, next_cursor) = match query_param(req, "user")? {
        // One user: an id that names nobody is a 404, never an empty table.
        Some(user) => {
            let id = UserId::parse(&user).map_err(|_| Missing::User)?;
            (vec![load_user(&kv, &id).await?.ok_or(Missing::User)?], None)
        }
        None => {
            let page = list_claims(env, EMAIL, after, limit).await?;
            let mut users = Vec::new();
            for (_, owner) in &page.claims {
                if let Ok(id) = UserId::parse(owner) {
                    users.extend(load_user(&kv, &id).await?);
                }
            }
            (users, page.next_cursor())
        }
    };
    let mut rows = Vec::new();
    for user in users.iter().filter(|u| u.active) {
        for company in &companies {
            let readiness = company.readiness_of(user);
            rows.push(ReadinessRow {
                user_id: user.id.to_string(),
                user_name: user.name.clone(),
                company_id: company.id.to_string(),
                company_name: company.name.clone(),
                ready: readiness.ready,
                missing: readiness.messages_about(&user.name, &company.name),
            });
        }
    }
    json(
        200,
        &Page {
            items: rows,
            next_cursor,
        },
    )
}
