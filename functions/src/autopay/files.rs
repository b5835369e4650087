//! Payment files: the list, one file's outcome, and signing an upload with a code.

use ap_core::api::Page;
use ap_core::api_autopay::{FileStatus, PaymentFileRow, SignFileRequest, UploadResult};
use ap_core::approval::company_of_process;
use ap_core::autopay::content_hash_bytes;
use ap_core::ids::{CompanyId, PaymentFileId};
use ap_core::listing::FileKey;
use ap_core::passkey::Binding;
use ap_core::readiness::SigningMethod;
use worker::{Env, Request, Response};

use super::{approver_company, may_read, readable_page, verify_code};
use crate::auth::require_session;
use crate::events;
use crate::http::{json, keyed_page_params, query_param, read_json};
use crate::ledger::{ask_ledger, LedgerCommand, SignFileAnswer};
use crate::passkeys;
use crate::platform::now_secs;
use crate::problem::{ApiError, BadQuery, Missing};
use crate::records::actor_label;
use crate::records::CompanyRecord;

/// A signing of a payment file that is not (or no longer) waiting for it (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("This payment file is not waiting for signing.")]
pub struct NotPendingSigning;

/// `GET /api/v1/autopay/files?company=&status=&cursor=&limit=`: one page of the payment files,
/// newest first (`ap_core::listing::FileKey`).
pub async fn list_files(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let only = query_param(req, "company")?;
    let status = match query_param(req, "status")? {
        None => None,
        Some(s) => Some(FileStatus::parse_key(&s).ok_or(BadQuery::FileStatus)?),
    };
    let (limit, after) = keyed_page_params::<FileKey>(req)?;
    let page: Page<PaymentFileRow> = readable_page(
        env,
        &ctx,
        only.as_deref(),
        |company, limit| LedgerCommand::ListFiles {
            company: company.clone(),
            status,
            after: after.clone(),
            limit,
        },
        after.as_ref(),
        limit,
    )
    .await?;
    json(200, &page)
}

fn file_company(id: &str) -> Result<CompanyId, ApiError> {
    let (company, _) = company_of_process(id).ok_or(Missing::PaymentFile)?;
    PaymentFileId::parse(id).map_err(|_| Missing::PaymentFile)?;
    Ok(company)
}

/// `GET /api/v1/autopay/files/{id}`.
pub async fn file(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let company = file_company(id)?;
    if !may_read(&ctx, &company) {
        return Err(Missing::PaymentFile.into());
    }
    let result: Option<UploadResult> = ask_ledger(
        env,
        &company,
        &LedgerCommand::FileResult {
            company: company.clone(),
            file_id: id.to_owned(),
        },
    )
    .await?;
    json(200, &result.ok_or(Missing::PaymentFile)?)
}

/// The upload `id` of `company` while it waits for signing (404 when there is none, 409 when
/// it no longer waits).
async fn pending_signing(
    env: &Env,
    company: &CompanyRecord,
    id: &str,
) -> Result<UploadResult, ApiError> {
    let pending: Option<UploadResult> = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::FileResult {
            company: company.id.clone(),
            file_id: id.to_owned(),
        },
    )
    .await?;
    let pending = pending.ok_or(Missing::PaymentFile)?;
    if pending.status != ap_core::api_autopay::FileStatus::PendingSigning {
        return Err(NotPendingSigning.into());
    }
    Ok(pending)
}

/// What signing an upload with a passkey binds: the SHA-256 of the file's bytes.
fn file_digest(pending: &UploadResult) -> Result<[u8; 32], ApiError> {
    content_hash_bytes(&pending.content_sha256)
        .ok_or_else(|| ApiError::internal("upload", "stored content hash is not SHA-256 hex"))
}

/// `POST /api/v1/autopay/files/{id}/passkey-options`: the options of a passkey assertion whose
/// challenge binds this file's SHA-256.
pub async fn file_passkey_options(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let company_id = file_company(id)?;
    let company = approver_company(&ctx, env, &company_id, Missing::PaymentFile).await?;
    let digest = file_digest(&pending_signing(env, &company, id).await?)?;
    json(
        200,
        &passkeys::assertion_options(env, &ctx, Binding::Upload(&digest)).await?,
    )
}

/// `POST /api/v1/autopay/files/{id}/sign`: an AutoPay Approver signs an upload with a code or
/// a passkey bound to the file's SHA-256.
pub async fn sign_file(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let company_id = file_company(id)?;
    let company = approver_company(&ctx, env, &company_id, Missing::PaymentFile).await?;
    let body: SignFileRequest = read_json(&mut req).await?;
    let pending = pending_signing(env, &company, id).await?;
    let method = match &body.passkey {
        Some(assertion) => {
            passkeys::verify(
                env,
                &ctx,
                &crate::two_step::PASSKEY_AUTOPAY,
                Binding::Upload(&file_digest(&pending)?),
                assertion,
            )
            .await?;
            SigningMethod::Passkey
        }
        None => {
            verify_code(env, &ctx, Some(&body.code)).await?;
            SigningMethod::PasswordAndCode
        }
    };
    let answer: SignFileAnswer = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::SignFile {
            company: company.id.clone(),
            file_id: id.to_owned(),
            actor: actor_label(&ctx.user),
            allow_pre_approval: company.settings.allow_pre_approval,
            now: now_secs(),
        },
    )
    .await?;
    match answer {
        SignFileAnswer::Signed { result } => {
            events::record(
                env,
                &ctx.actor(),
                "payment_file_signed",
                Some(&company.id),
                match method {
                    SigningMethod::PasswordAndCode => ap_core::sentence!(
                        "Signed the upload of payment file {} with TOTP: {} sent to bank, {} \
                         pending approval.",
                        result.file_id,
                        result.summary.sent_to_bank,
                        result.summary.pending_approval
                    ),
                    SigningMethod::Passkey => ap_core::sentence!(
                        "Signed the upload of payment file {} with a passkey bound to its \
                         content: {} sent to bank, {} pending approval.",
                        result.file_id,
                        result.summary.sent_to_bank,
                        result.summary.pending_approval
                    ),
                },
            )
            .await?;
            json(200, &result)
        }
        SignFileAnswer::NotPending => Err(NotPendingSigning.into()),
        SignFileAnswer::NotFound => Err(Missing::PaymentFile.into()),
    }
}
