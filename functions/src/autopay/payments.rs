//! AutoPay payments: the list with filters, a payment's events, and an AutoPay Approver's
//! approval or rejection of a payment pending approval.

use ap_core::api::Scope;
use ap_core::api_autopay::{
    ApprovePaymentRequest, PaymentEvents, PaymentRow, PaymentStatus, RejectPaymentRequest,
};
use ap_core::approval::company_of_process;
use ap_core::dates::Date;
use ap_core::ids::{CompanyId, PaymentId};
use ap_core::settlement::{check_warning_confirmed, reject_reason, PaymentApprovalRefusal};
use worker::{Env, Request, Response};

use super::{approver_company, may_read, readable_companies, verify_code, MAX_LISTED_PAYMENTS};
use crate::auth::{require_session, SessionCtx};
use crate::events;
use crate::http::{json, query_param, read_json};
use crate::integration::require_integration_key_with_any;
use crate::ledger::{ask_ledger, ApprovePaymentAnswer, LedgerCommand, PaymentApproval};
use crate::platform::now_secs;
use crate::problem::{ApiError, Missing};
use crate::records::actor_label;
use crate::store::Kv;

/// `GET /api/v1/autopay/payments?company=&status=&file=&date=`.
pub async fn list_payments(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let status = match query_param(req, "status")? {
        None => None,
        Some(s) => Some(PaymentStatus::parse_key(&s).ok_or_else(|| {
            ApiError::field(
                "status",
                "Filter status with pending_signing, pending_approval, sent_to_bank, \
                 accepted_by_bank, rejected_in_bank or paid.",
            )
        })?),
    };
    let date = query_param(req, "date")?;
    if let Some(d) = &date {
        Date::parse(d).map_err(|e| ApiError::field("date", e.to_string()))?;
    }
    let file = query_param(req, "file")?;
    let mut only = query_param(req, "company")?;
    if let Some(f) = &file {
        let (company, _) = company_of_process(f).ok_or(Missing::PaymentFile)?;
        if only.as_deref().is_some_and(|o| o != company.as_str()) {
            return json(200, &Vec::<PaymentRow>::new());
        }
        only = Some(company.to_string());
    }
    let kv = Kv::open(env)?;
    let mut rows: Vec<PaymentRow> = Vec::new();
    for company in readable_companies(&kv, &ctx, only.as_deref()).await? {
        let part: Vec<PaymentRow> = ask_ledger(
            env,
            &company.id,
            &LedgerCommand::ListPayments {
                company: company.id.clone(),
                status,
                file: file.clone(),
                date: date.clone(),
                limit: MAX_LISTED_PAYMENTS,
            },
        )
        .await?;
        rows.extend(part);
    }
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    json(200, &rows)
}

fn payment_company(id: &str) -> Result<(CompanyId, PaymentId), ApiError> {
    let (company, _) = company_of_process(id).ok_or(Missing::Payment)?;
    let payment = PaymentId::parse(id).map_err(|_| Missing::Payment)?;
    Ok((company, payment))
}

/// `GET /api/v1/autopay/payments/{id}/events` (session, or an integration key of the company
/// with `autopay:read` or `autopay:upload`).
pub async fn payment_events(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (company, payment) = payment_company(id)?;
    let bearer = req
        .headers()
        .get("authorization")?
        .is_some_and(|h| h.trim_start().to_ascii_lowercase().starts_with("bearer "));
    if bearer {
        require_integration_key_with_any(
            req,
            env,
            Some(&company),
            &[Scope::AutopayRead, Scope::AutopayUpload],
        )
        .await?;
    } else {
        let ctx = require_session(req, env).await?;
        if !may_read(&ctx, &company) {
            return Err(Missing::Payment.into());
        }
    }
    let events: Option<PaymentEvents> = ask_ledger(
        env,
        &company,
        &LedgerCommand::PaymentEvents {
            company: company.clone(),
            payment_id: payment,
        },
    )
    .await?;
    json(200, &events.ok_or(Missing::Payment)?)
}

/// `POST /api/v1/autopay/payments/{id}/approve`.
pub async fn approve_payment(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let (company_id, payment) = payment_company(id)?;
    let company = approver_company(&ctx, env, &company_id, Missing::Payment).await?;
    let body: ApprovePaymentRequest = read_json(&mut req).await?;
    let current: Option<PaymentEvents> = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::PaymentEvents {
            company: company.id.clone(),
            payment_id: payment.clone(),
        },
    )
    .await?;
    let current = current.ok_or(Missing::Payment)?.payment;
    // Refused before a code is asked for, so a second try does not spend one.
    if current.approvals.contains(&actor_label(&ctx.user)) {
        return Err(PaymentApprovalRefusal::SameApprover.into());
    }
    if current.status != PaymentStatus::PendingApproval {
        return Err(PaymentApprovalRefusal::NotPending(current.status).into());
    }
    // A refused approval token is looked at first; refused before a code is spent.
    check_warning_confirmed(current.warning.as_deref(), body.confirm_warning)?;
    // What the payment needs was fixed when it entered AutoPay: a bank agreement changed or
    // deleted since never lowers it (the ledger checks it again when it records the approval).
    let method = if current.code_on_approval {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            // The ledger's refusal, said as a field error before a code is spent.
            return Err(ApiError::field(
                "code",
                PaymentApprovalRefusal::CodeRequired.to_string(),
            ));
        };
        verify_code(env, &ctx, Some(code)).await?;
        Some("TOTP".to_owned())
    } else {
        None
    };
    let answer: ApprovePaymentAnswer = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::ApprovePayment(PaymentApproval {
            company: company.id.clone(),
            payment_id: payment,
            user: ctx.user.id.clone(),
            actor: actor_label(&ctx.user),
            method,
            confirm_warning: body.confirm_warning,
            now: now_secs(),
        }),
    )
    .await?;
    decided(
        env,
        &ctx,
        &company.id,
        answer,
        "payment_approved_in_autopay",
        |row| format!("Approved payment {}; now {}.", row.id, row.status_label),
    )
    .await
}

/// The answer to an AutoPay Approver's decision on a payment: the row and an audit event when
/// it was made, 409 with the ledger's sentence when refused, 404 when there is no such payment.
async fn decided(
    env: &Env,
    ctx: &SessionCtx,
    company: &CompanyId,
    answer: ApprovePaymentAnswer,
    kind: &str,
    detail: impl FnOnce(&PaymentRow) -> String,
) -> Result<Response, ApiError> {
    match answer {
        ApprovePaymentAnswer::Done { row } => {
            events::record(env, &ctx.actor(), kind, Some(company), detail(&row)).await?;
            json(200, &row)
        }
        ApprovePaymentAnswer::Refused { refusal } => Err(refusal.into()),
        ApprovePaymentAnswer::NotFound => Err(Missing::Payment.into()),
    }
}

/// `POST /api/v1/autopay/payments/{id}/reject`: an AutoPay Approver stops a payment pending
/// approval with a reason; it is never sent.
pub async fn reject_payment(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let (company_id, payment) = payment_company(id)?;
    let company = approver_company(&ctx, env, &company_id, Missing::Payment).await?;
    let body: RejectPaymentRequest = read_json(&mut req).await?;
    // The reason is judged here as a field (400); whether the payment can still be stopped is
    // the ledger's decision (409).
    reject_reason(&body.reason).map_err(|e| ApiError::field("reason", e.to_string()))?;
    let answer: ApprovePaymentAnswer = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::RejectPayment {
            company: company.id.clone(),
            payment_id: payment,
            actor: actor_label(&ctx.user),
            reason: body.reason,
            now: now_secs(),
        },
    )
    .await?;
    decided(
        env,
        &ctx,
        &company.id,
        answer,
        "payment_rejected_in_autopay",
        |row| format!("Rejected payment {}.", row.id),
    )
    .await
}
