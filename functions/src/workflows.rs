//! A company's approval workflow (issue 10): the draft a System Administrator edits, activating
//! it as the next version, and the simulator; and, for new documents, the routing the ledger
//! opens a process with. The rules are `ap_core::workflow` and `ap_core::process_route`; the
//! versions live in the company record, changed by compare-and-set in the registry.

use std::collections::BTreeSet;

use ap_core::api_approval::VersionedRequest;
use ap_core::api_workflow::{
    ActiveWorkflowView, ApproverChoice, SimulateRequest, SimulatedStep, SimulationView,
    WorkflowDraftRequest, WorkflowsView,
};
use ap_core::dates::Timestamp;
use ap_core::ids::UserId;
use ap_core::money::{Currency, Money};
use ap_core::process_route::Routing;
use ap_core::roles::Role;
use ap_core::workflow::{route, Directory, InvoiceFacts};
use worker::{Env, Request, Response};

use crate::auth::require_session;
use crate::do_registry::{list_claims, CompanyChange, EMAIL};
use crate::events;
use crate::http::{json, read_json};
use crate::platform::now_secs;
use crate::problem::{ApiError, BadField};
use crate::records::{
    change_company, company_id, existing_company, load_user, rfc3339, CompanyRecord, Names,
    UserRecord,
};
use crate::store::Kv;

/// Users read per registry page while gathering a company's approvers.
const PAGE: usize = 100;

/// The active users holding Invoice Approver in `company`, by name.
pub async fn invoice_approvers(
    env: &Env,
    kv: &Kv,
    company: &CompanyRecord,
) -> Result<Vec<UserRecord>, ApiError> {
    active_users(env, kv, |u| u.roles.has(&company.id, Role::InvoiceApprover)).await
}

/// The active users `keep` keeps, by name, read through the e-mail claims (the user directory):
/// one registry call per 100 users and one read per user.
pub async fn active_users(
    env: &Env,
    kv: &Kv,
    keep: impl Fn(&UserRecord) -> bool,
) -> Result<Vec<UserRecord>, ApiError> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = list_claims(env, EMAIL, after.clone(), PAGE).await?;
        for (_, owner) in &page.claims {
            let Ok(id) = UserId::parse(owner) else {
                continue;
            };
            if let Some(user) = load_user(kv, &id).await? {
                if user.active && keep(&user) {
                    out.push(user);
                }
            }
        }
        match (page.more, page.claims.last()) {
            (true, Some((key, _))) => after = Some(key.clone()),
            _ => break,
        }
    }
    out.sort_by_key(|u| u.name.to_lowercase());
    Ok(out)
}

/// What a new document of `company` is routed with: its active workflow and approvers, or
/// `None` when it has no active workflow (every Invoice Approver decides, as before).
pub async fn routing(
    env: &Env,
    kv: &Kv,
    company: &CompanyRecord,
) -> Result<Option<Routing>, ApiError> {
    let Some(active) = &company.workflows.active else {
        return Ok(None);
    };
    let approvers = invoice_approvers(env, kv, company).await?;
    Ok(Some(Routing {
        version: active.version,
        workflow: active.workflow.clone(),
        invoice_approvers: approvers.into_iter().map(|u| u.id).collect(),
    }))
}

async fn admin(req: &Request, env: &Env) -> Result<(String, Kv), ApiError> {
    let ctx = require_session(req, env).await?;
    ctx.require_system_admin()?;
    Ok((ctx.actor(), Kv::open(env)?))
}

async fn view(env: &Env, kv: &Kv, company: &CompanyRecord) -> Result<WorkflowsView, ApiError> {
    let approvers = invoice_approvers(env, kv, company).await?;
    let active = match &company.workflows.active {
        Some(a) => Some(ActiveWorkflowView {
            version: a.version,
            workflow: a.workflow.clone(),
            activated_by: Names::default().of(kv, &a.activated_by).await?,
            activated_at: rfc3339(a.activated_at.unix_secs()),
        }),
        None => None,
    };
    Ok(WorkflowsView {
        company_id: company.id.to_string(),
        company_name: company.name.clone(),
        base_currency: company.base_currency.clone(),
        version: company.version,
        draft: company.workflows.draft.clone(),
        active,
        approvers: approvers
            .into_iter()
            .map(|u| ApproverChoice {
                id: u.id.to_string(),
                name: u.name,
            })
            .collect(),
    })
}

/// `GET /api/v1/companies/{id}/workflow`.
pub async fn get(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (_, kv) = admin(req, env).await?;
    let company = existing_company(&kv, id).await?;
    json(200, &view(env, &kv, &company).await?)
}

/// `PUT /api/v1/companies/{id}/workflow/draft`.
pub async fn put_draft(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (actor, kv) = admin(&req, env).await?;
    let body: WorkflowDraftRequest = read_json(&mut req).await?;
    let steps = body.workflow.steps.len();
    let change = CompanyChange::SaveWorkflowDraft {
        draft: body.workflow,
    };
    let (_, company) =
        change_company(&kv, &company_id(id)?, Some(body.expected_version), change).await?;
    events::record(
        env,
        &actor,
        "workflow_draft_saved",
        Some(&company.id),
        ap_core::sentence!(
            "Saved a draft of the approval workflow of {} with {steps} steps.",
            company.name
        ),
    )
    .await?;
    json(200, &view(env, &kv, &company).await?)
}

/// `POST /api/v1/companies/{id}/workflow/activate`.
pub async fn activate(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    ctx.require_system_admin()?;
    let kv = Kv::open(env)?;
    let body: VersionedRequest = read_json(&mut req).await?;
    let change = CompanyChange::ActivateWorkflow {
        by: ctx.user.id.clone(),
        at: Timestamp(now_secs()),
    };
    let (_, company) =
        change_company(&kv, &company_id(id)?, Some(body.expected_version), change).await?;
    let version = company.workflows.active.as_ref().map_or(0, |a| a.version);
    events::record(
        env,
        &ctx.actor(),
        "workflow_activated",
        Some(&company.id),
        ap_core::sentence!(
            "Activated version {version} of the approval workflow of {}; invoices received from \
             now on follow it, invoices already in approval keep their version.",
            company.name
        ),
    )
    .await?;
    json(200, &view(env, &kv, &company).await?)
}

/// `POST /api/v1/companies/{id}/workflow/simulate`: the route an invoice would take through the
/// draft (or the active version), with the company's approvers as they are now. Changes nothing.
pub async fn simulate(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (_, kv) = admin(&req, env).await?;
    let body: SimulateRequest = read_json(&mut req).await?;
    let company = existing_company(&kv, id).await?;
    let currency = Currency::parse(body.currency.trim()).map_err(BadField::Currency)?;
    let amount = Money::parse_decimal(body.amount.trim(), currency).map_err(BadField::Amount)?;
    let workflow = if body.draft {
        company.workflows.draft.clone()
    } else {
        company
            .workflows
            .active
            .as_ref()
            .map(|a| a.workflow.clone())
    }
    .ok_or(ap_core::workflow::WorkflowRefusal::NoDraft)
    .map_err(|r| ApiError::from(crate::do_registry::CompanyRefusal::Workflow(r)))?;
    let approvers = invoice_approvers(env, &kv, &company).await?;
    let ids: BTreeSet<UserId> = approvers.iter().map(|u| u.id.clone()).collect();
    let facts = InvoiceFacts {
        amount,
        supplier_org_number: body.supplier_org_number.trim().to_owned(),
        supplier_is_new: body.supplier_is_new,
        bank_account_changed: body.bank_account_changed,
    };
    let resolved = route(&workflow, &facts, &Directory::of(ids, &workflow));
    let mut names = Names::default();
    let mut steps = Vec::new();
    for step in &resolved.steps {
        let mut people = Vec::new();
        for user in &step.approvers {
            people.push(names.of(&kv, user).await?);
        }
        steps.push(SimulatedStep {
            name: step.name.clone(),
            applies: step.applies,
            why: step.why.describe(),
            approvers: people,
            needed: step.needed,
        });
    }
    json(
        200,
        &SimulationView {
            steps,
            blocked: resolved.blocked.map(|b| b.to_string()),
        },
    )
}
