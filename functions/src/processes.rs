//! The process overview (System Administrator): every process, filterable, a page at a time; a process's detail
//! with its full history; revoking an approval token. The token itself is never answered here,
//! only its last four characters.

use std::rc::Rc;

use ap_core::api::Page;
use ap_core::api_approval::{ProcessDetail, ProcessFilter, ProcessRow, TokenView};
use ap_core::approval::company_of_process;
use ap_core::listing::{merged_key_page, ProcessKey};
use worker::{Env, Request, Response};

use crate::approval::{process_detail, process_row, process_with_history};
use crate::auth::require_session;
use crate::events;
use crate::http::{json, keyed_page_params, query_param};
use crate::ledger::{ask_ledger, LedgerCommand, ProcessRecord};
use crate::platform::now_secs;
use crate::problem::{ApiError, BadQuery, Missing};
use crate::records::{actor_label, Names};
use crate::records::{all_companies, load_company, rfc3339, CompanyRecord};
use crate::store::Kv;

/// A revocation of a process that holds no approval token (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("This invoice has no approval token: its payment was not pre-approved.")]
pub struct NoToken;

fn filter_of(req: &Request) -> Result<ProcessFilter, ApiError> {
    let payment_approved = match query_param(req, "payment_approved")?.as_deref() {
        None => None,
        Some("yes" | "true") => Some(true),
        Some("no" | "false") => Some(false),
        Some(_) => return Err(BadQuery::PaymentApproved.into()),
    };
    Ok(ProcessFilter {
        company: query_param(req, "company")?,
        status: query_param(req, "status")?,
        payment_approved,
        warning: query_param(req, "warning")?,
    })
}

/// `GET /api/v1/admin/processes?company=&status=&payment_approved=&warning=&cursor=&limit=`:
/// one page of the processes the filters keep, by due date (`ap_core::listing::ProcessKey`).
/// Each company's ledger answers its own page of `limit + 1` after the cursor, filters applied;
/// the pages are merged and cut at `limit`, so a page costs one ledger call per company.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    require_session(req, env).await?.require_system_admin()?;
    let filter = filter_of(req)?;
    let (limit, after) = keyed_page_params::<ProcessKey>(req)?;
    let kv = Kv::open(env)?;
    let now = now_secs();
    let mut candidates = Vec::new();
    for company in all_companies(&kv).await?.into_iter().map(Rc::new) {
        if filter
            .company
            .as_deref()
            .is_some_and(|c| c != company.id.as_str())
        {
            continue;
        }
        let command = LedgerCommand::ListProcesses {
            company: company.id.clone(),
            filter: filter.clone(),
            now,
            after: after.clone(),
            limit: limit + 1,
        };
        let records: Vec<ProcessRecord> = ask_ledger(env, &company.id, &command).await?;
        for record in records {
            let key = ProcessKey::of(&record.process);
            candidates.push((key, (record, Rc::clone(&company))));
        }
    }
    let page = merged_key_page(candidates, after.as_ref(), limit);
    // Only the page's processes are shown, so only their approvers' names are looked up.
    let mut names = Names::default();
    let mut items = Vec::with_capacity(page.items.len());
    for (record, company) in page.items {
        items.push(process_row!(ProcessRow, &record, &company, {
            approvers: names.approvers(&kv, &record).await?,
            payment_approved: record.process.payment_approved(),
            warnings: crate::approval::row_notes(&record, &company, now),
        }));
    }
    json(
        200,
        &Page {
            items,
            next_cursor: page.next_cursor,
        },
    )
}

async fn scope(kv: &Kv, id: &str) -> Result<(CompanyRecord, ap_core::ids::InvoiceId), ApiError> {
    let (company, process) = company_of_process(id).ok_or(Missing::Process)?;
    let company = load_company(kv, &company).await?.ok_or(Missing::Process)?;
    Ok((company, process))
}

fn token_view(record: &ProcessRecord) -> Option<TokenView> {
    let token = record.token.as_ref()?;
    Some(TokenView {
        last_four: record.process.token_last_four()?.to_owned(),
        issued_at: rfc3339(token.issued_at),
        expires_at: rfc3339(token.expires_at),
        revoked: token.revoked,
        used: token.consumed.is_some(),
    })
}

async fn detail_of(env: &Env, kv: &Kv, id: &str) -> Result<ProcessDetail, ApiError> {
    let (company, process) = scope(kv, id).await?;
    let found = process_with_history(env, &company.id, &process)
        .await?
        .ok_or(Missing::Process)?;
    Ok(process_detail!(ProcessDetail, &found, &company.name, kv, {
        payment_approved: found.record.process.payment_approved(),
        token: token_view(&found.record),
    }))
}

/// `GET /api/v1/admin/processes/{id}`.
pub async fn detail(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    require_session(req, env).await?.require_system_admin()?;
    let kv = Kv::open(env)?;
    json(200, &detail_of(env, &kv, id).await?)
}

/// `POST /api/v1/admin/processes/{id}/revoke-token`.
pub async fn revoke_token(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    ctx.require_system_admin()?;
    let kv = Kv::open(env)?;
    let (company, process) = scope(&kv, id).await?;
    let answer: Option<Option<ProcessRecord>> = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::Revoke {
            process_id: process.clone(),
            actor: actor_label(&ctx.user),
            now: now_secs(),
        },
    )
    .await?;
    match answer {
        None => return Err(Missing::Process.into()),
        Some(None) => return Err(NoToken.into()),
        Some(Some(_)) => {
            events::record(
                env,
                &ctx.actor(),
                "token_revoked",
                Some(&company.id),
                ap_core::sentence!("Revoked the approval token of process {process}."),
            )
            .await?;
        }
    }
    json(200, &detail_of(env, &kv, id).await?)
}
