//! AutoPay payments: the list with filters, a payment's events, and an AutoPay Approver's
//! approval or rejection of a payment pending approval.

use ap_core::api::{Page, Scope};
use ap_core::api_autopay::{
    ApprovePaymentRequest, PaymentEvents, PaymentRow, PaymentStatus, RejectPaymentRequest,
};
use ap_core::approval::company_of_process;
use ap_core::autopay::payment_digest;
use ap_core::dates::Date;
use ap_core::ids::{CompanyId, PaymentId};
use ap_core::listing::PaymentKey;
use ap_core::passkey::Binding;
use ap_core::settlement::{check_warning_confirmed, reject_reason, PaymentApprovalRefusal};
use serde::de::{DeserializeOwned, IgnoredAny};
use worker::{Env, Request, Response};

use super::{approver_company, may_read, readable_page, verify_code};
use crate::auth::{require_session, SessionCtx};
use crate::events;
use crate::http::{json, keyed_page_params, query_param, read_json};
use crate::integration::require_integration_key_with_any;
use crate::ledger::{ask_ledger, ApprovePaymentAnswer, LedgerCommand, PaymentApproval};
use crate::passkeys;
use crate::platform::now_secs;
use crate::problem::{ApiError, BadField, BadQuery, Missing};
use crate::records::{actor_label, CompanyRecord};

/// `GET /api/v1/autopay/payments?company=&status=&file=&date=&cursor=&limit=`: one page of
/// the payments the filters keep, newest first (`ap_core::listing::PaymentKey`).
pub async fn list_payments(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let status = match query_param(req, "status")? {
        None => None,
        Some(s) => Some(PaymentStatus::parse_key(&s).ok_or(BadQuery::PaymentStatus)?),
    };
    let date = query_param(req, "date")?;
    if let Some(d) = &date {
        Date::parse(d).map_err(BadQuery::Date)?;
    }
    let (limit, after) = keyed_page_params::<PaymentKey>(req)?;
    let file = query_param(req, "file")?;
    let mut only = query_param(req, "company")?;
    if let Some(f) = &file {
        let (company, _) = company_of_process(f).ok_or(Missing::PaymentFile)?;
        if only.as_deref().is_some_and(|o| o != company.as_str()) {
            let none: Page<PaymentRow> = Page {
                items: Vec::new(),
                next_cursor: None,
            };
            return json(200, &none);
        }
        only = Some(company.to_string());
    }
    let page: Page<PaymentRow> = readable_page(
        env,
        &ctx,
        only.as_deref(),
        |company, limit| LedgerCommand::ListPayments {
            company: company.clone(),
            status,
            file: file.clone(),
            date: date.clone(),
            after: after.clone(),
            limit,
        },
        after.as_ref(),
        limit,
    )
    .await?;
    json(200, &page)
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

/// An AutoPay Approver's decision on payment `id`: who decides, their company (404 where they
/// hold no such role) and the payment, then the request's body.
async fn decision<B: DeserializeOwned>(
    req: &mut Request,
    env: &Env,
    id: &str,
) -> Result<(SessionCtx, CompanyRecord, PaymentId, B), ApiError> {
    let ctx = require_session(req, env).await?;
    let (company_id, payment) = payment_company(id)?;
    let company = approver_company(&ctx, env, &company_id, Missing::Payment).await?;
    let body: B = read_json(req).await?;
    Ok((ctx, company, payment, body))
}

/// The payment as it is now, if `ctx`'s user may still approve it: refused before a code or
/// passkey is asked for, so a second try does not spend one.
async fn approvable(
    env: &Env,
    ctx: &SessionCtx,
    company: &CompanyRecord,
    payment: &PaymentId,
) -> Result<PaymentRow, ApiError> {
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
    if current.approvals.contains(&actor_label(&ctx.user)) {
        return Err(PaymentApprovalRefusal::SameApprover.into());
    }
    if current.status != PaymentStatus::PendingApproval {
        return Err(PaymentApprovalRefusal::NotPending(current.status).into());
    }
    Ok(current)
}

/// `POST /api/v1/autopay/payments/{id}/passkey-options`: the options of a passkey assertion
/// whose challenge binds this payment (`ap_core::autopay::payment_digest`).
pub async fn payment_passkey_options(
    mut req: Request,
    env: &Env,
    id: &str,
) -> Result<Response, ApiError> {
    let (ctx, company, payment, _) = decision::<IgnoredAny>(&mut req, env, id).await?;
    let current = approvable(env, &ctx, &company, &payment).await?;
    let digest = payment_digest(&current);
    json(
        200,
        &passkeys::assertion_options(env, &ctx, Binding::AutoPayPayment(&digest)).await?,
    )
}

/// `POST /api/v1/autopay/payments/{id}/approve`.
pub async fn approve_payment(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (ctx, company, payment, body) =
        decision::<ApprovePaymentRequest>(&mut req, env, id).await?;
    let current = approvable(env, &ctx, &company, &payment).await?;
    // A refused approval token is looked at first; refused before a code is spent.
    check_warning_confirmed(current.warning.as_deref(), body.confirm_warning)?;
    // What the payment needs was fixed when it entered AutoPay: a bank agreement changed or
    // deleted since never lowers it (the ledger checks it again when it records the approval).
    let method = match (current.code_on_approval, &body.passkey) {
        (false, _) => None,
        // The passkey signs this payment as it is now: an assertion made for another payment,
        // or for this one before it changed, never verifies.
        (true, Some(assertion)) => {
            let digest = payment_digest(&current);
            passkeys::verify(
                env,
                &ctx,
                &crate::two_step::PASSKEY_AUTOPAY,
                Binding::AutoPayPayment(&digest),
                assertion,
            )
            .await?;
            Some("passkey".to_owned())
        }
        (true, None) => {
            // The ledger's refusal, said as a field error before a code is spent.
            let code = body
                .code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .ok_or(BadField::CodeRequired)?;
            verify_code(env, &ctx, Some(code)).await?;
            Some("TOTP".to_owned())
        }
    };
    let command = LedgerCommand::ApprovePayment(PaymentApproval {
        company: company.id.clone(),
        payment_id: payment,
        user: ctx.user.id.clone(),
        actor: actor_label(&ctx.user),
        method,
        confirm_warning: body.confirm_warning,
        now: now_secs(),
    });
    decide(env, &ctx, &company.id, &command, Decided::Approved).await
}

/// What an AutoPay Approver decided on a payment.
#[derive(Debug, Clone, Copy)]
enum Decided {
    Approved,
    Rejected,
}

impl Decided {
    /// The audit event (kind and sentence) of the decision, once the ledger made it.
    fn event(self, row: &PaymentRow) -> (&'static str, String) {
        match self {
            Self::Approved => (
                "payment_approved_in_autopay",
                ap_core::sentence!("Approved payment {}; now {}.", row.id, row.status_label),
            ),
            Self::Rejected => (
                "payment_rejected_in_autopay",
                ap_core::sentence!("Rejected payment {}.", row.id),
            ),
        }
    }
}

/// An AutoPay Approver's decision on a payment, made by the company's ledger: the row and an
/// audit event when it was made, 409 with the ledger's sentence when refused, 404 when there is
/// no such payment.
async fn decide(
    env: &Env,
    ctx: &SessionCtx,
    company: &CompanyId,
    command: &LedgerCommand,
    decided: Decided,
) -> Result<Response, ApiError> {
    let answer: ApprovePaymentAnswer = ask_ledger(env, company, command).await?;
    match answer {
        ApprovePaymentAnswer::Done { row } => {
            let (kind, detail) = decided.event(&row);
            events::record(env, &ctx.actor(), kind, Some(company), detail).await?;
            json(200, &row)
        }
        ApprovePaymentAnswer::Refused { refusal } => Err(refusal.into()),
        ApprovePaymentAnswer::NotFound => Err(Missing::Payment.into()),
    }
}

/// `POST /api/v1/autopay/payments/{id}/reject`: an AutoPay Approver stops a payment pending
/// approval with a reason; it is never sent.
pub async fn reject_payment(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (ctx, company, payment, body) = decision::<RejectPaymentRequest>(&mut req, env, id).await?;
    // The reason is judged here as a field (400); whether the payment can still be stopped is
    // the ledger's decision (409).
    reject_reason(&body.reason).map_err(BadField::Reason)?;
    let command = LedgerCommand::RejectPayment {
        company: company.id.clone(),
        payment_id: payment,
        actor: actor_label(&ctx.user),
        reason: body.reason,
        now: now_secs(),
    };
    decide(env, &ctx, &company.id, &command, Decided::Rejected).await
}
