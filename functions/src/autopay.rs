//! AutoPay: the reference ERP's payment-suggestion export, payment-file uploads with the token
//! check, signing an upload, normal approval, payment events, and bank status reports.
//!
//! Storage per request: the key and the company from KV, then ONE call to the company's ledger
//! Durable Object, which checks and consumes every token of the file and stores every payment
//! and event in its SQLite in one atomic step. Operations therefore do not grow with the number
//! of payments (see BENCHMARKS.md, "Payment file upload").

use ap_core::api::{BankAgreementView, Scope};
use ap_core::api_autopay::{
    ApprovePaymentRequest, ExportAcknowledgement, PaymentEvents, PaymentFileRow, PaymentRow,
    PaymentStatus, RejectPaymentRequest, SignFileRequest, StatusReportResult, UploadResult,
};
use ap_core::approval::{company_of_process, debtor_agreement};
use ap_core::autopay::{
    content_hash, instr_id_hash, presented_token, suggestion_file, upload_needs_signing,
    PresentedToken, SuggestionItem,
};
use ap_core::bank_report::report_items;
use ap_core::dates::{Date, Timestamp};
use ap_core::ids::{BankAgreementId, CompanyId, PaymentFileId, PaymentId};
use ap_core::iso20022::{
    read_pain001, read_pain002, write_pain001_v03, IsoDateTime, PaymentFile, ReadError,
    MAX_FILE_BYTES, MAX_PAYMENTS,
};
use ap_core::roles::Role;
use ap_core::settlement::{check_warning_confirmed, reject_reason, PaymentNeeds};
use ap_core::token::ApprovalToken;
use worker::{Env, Headers, Request, Response};

use crate::approval::actor_label;
use crate::auth::{require_session, SessionCtx};
use crate::events;
use crate::http::{json, now_secs, query_param, random_id, read_body, read_json};
use crate::integration::{require_integration_key, require_integration_key_with_any};
use crate::ledger::{
    ask_ledger, ApprovePaymentAnswer, ExportAck, ExportAnswer, LedgerCommand, NewFile, NewPayment,
    PaymentApproval, Presented, SignFileAnswer, UploadOutcome,
};
use crate::problem::ApiError;
use crate::records::{all_companies, company_id, load_company, rfc3339, CompanyRecord};
use crate::secrets;
use crate::store::Kv;

/// Most payments listed per company in the overview.
const MAX_LISTED_PAYMENTS: usize = 500;
/// The longest `Idempotency-Key` accepted.
const MAX_IDEMPOTENCY_KEY: usize = 255;

fn xml_response(xml: String, filename: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", "application/xml; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"{filename}\""),
    )?;
    Ok(Response::ok(xml)?.with_headers(headers))
}

/// A refused ISO 20022 file: 400 with every problem and its line in `errors`.
fn read_error(what: &str, e: &ReadError) -> ApiError {
    let first = e
        .problems
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let errors = e
        .problems
        .iter()
        .map(|p| ap_core::api::FieldError {
            field: format!("line {}", p.line),
            message: p.to_string(),
        })
        .collect();
    ApiError::BadRequest {
        detail: format!("The {what} was refused: {first}"),
        errors,
    }
}

/// `pre-approved` → true, `regular` → false; anything else is no such resource.
fn suggestion_kind(kind: &str) -> Result<bool, ApiError> {
    match kind {
        "pre-approved" => Ok(true),
        "regular" => Ok(false),
        _ => Err(ApiError::NotFound(
            "Payment suggestions are pre-approved or regular.".to_owned(),
        )),
    }
}

/// `GET /api/v1/companies/{company}/payment-suggestions/{pre-approved|regular}` (`erp:read`):
/// the current export of that kind, read without side effect. While the ERP has not
/// acknowledged it, every read answers the same file (same `MsgId`, which is the export id, and
/// the same invoices and creation time); invoices approved meanwhile wait for the next export,
/// made by the first read after the acknowledgement. 204 when there is nothing to export.
pub async fn payment_suggestions(
    req: &Request,
    env: &Env,
    company: &str,
    kind: &str,
) -> Result<Response, ApiError> {
    let company = company_id(company)?;
    let pre_approved = suggestion_kind(kind)?;
    require_integration_key(req, env, Some(&company), Some(Scope::ErpRead)).await?;
    let kv = Kv::open(env)?;
    let record = load_company(&kv, &company)
        .await?
        .ok_or_else(|| ApiError::NotFound("There is no such company.".into()))?;
    let fallback = debtor_agreement(&record.bank_agreements)
        .or_else(|| record.bank_agreements.first())
        .cloned()
        .ok_or_else(|| {
            ApiError::Unprocessable(format!(
                "{} has no bank agreement to pay from; add one first.",
                record.name
            ))
        })?;
    let proposed_id = format!(
        "AP-{}-{}",
        if pre_approved { "PRE" } else { "REG" },
        &random_id()?[..16]
    );
    let export: Option<ExportAnswer> = ask_ledger(
        env,
        &company,
        &LedgerCommand::Export {
            pre_approved,
            export_id: proposed_id,
            limit: MAX_PAYMENTS,
            now: now_secs(),
        },
    )
    .await?;
    let Some(export) = export else {
        let headers = Headers::new();
        headers.set(
            "x-nothing-to-export",
            &format!("There are no approved {kind} invoices that were not exported yet."),
        )?;
        headers.set("cache-control", "no-store")?;
        return Ok(Response::empty()?.with_status(204).with_headers(headers));
    };
    let rows = &export.rows;
    let export_id = &export.export_id;
    let mut tokens = Vec::new();
    let mut agreements: Vec<BankAgreementView> = Vec::new();
    for row in rows {
        let process = &row.record.process;
        let token = match &row.sealed_token {
            Some(sealed) => Some(
                ApprovalToken::parse(&secrets::open_text(env, sealed, process.id().as_str())?)
                    .map_err(|e| ApiError::internal("sealed token", e))?,
            ),
            None => None,
        };
        let agreement = row
            .record
            .token
            .as_ref()
            .filter(|_| token.is_some())
            .and_then(|t| {
                record
                    .bank_agreements
                    .iter()
                    .find(|a| a.id == t.binding.bank_agreement_id.as_str())
            })
            .unwrap_or(&fallback)
            .clone();
        tokens.push(token);
        agreements.push(agreement);
    }
    let items: Vec<SuggestionItem<'_>> = rows
        .iter()
        .zip(tokens)
        .zip(&agreements)
        .map(|((row, token), agreement)| SuggestionItem {
            summary: row.record.process.document(),
            token,
            agreement,
        })
        .collect();
    // The export's own time, not the clock: a second read answers the same file.
    let today =
        Date::from_unix_secs(export.created_at).map_err(|e| ApiError::internal("date", e))?;
    let created = IsoDateTime::parse(&Timestamp(export.created_at).to_rfc3339())
        .map_err(|e| ApiError::internal("date", e))?;
    let file = suggestion_file(export_id, created, &record.name, &items, today)
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let xml = write_pain001_v03(&file).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let response = xml_response(xml, &format!("{export_id}.xml"))?;
    let mut response = response;
    response.headers_mut().set("x-export-id", export_id)?;
    Ok(response)
}

/// `POST /api/v1/companies/{company}/payment-suggestions/{kind}/{export_id}/acknowledge`
/// (`erp:read`, the key that read the export): its invoices are exported — one "exported"
/// history entry each — and the next read makes a new export. Acknowledging again answers the
/// same 200; an id this company's ledger does not know for this kind is 404.
pub async fn acknowledge_export(
    req: &Request,
    env: &Env,
    company: &str,
    kind: &str,
    export_id: &str,
) -> Result<Response, ApiError> {
    let company = company_id(company)?;
    let pre_approved = suggestion_kind(kind)?;
    require_integration_key(req, env, Some(&company), Some(Scope::ErpRead)).await?;
    let no_such_export = || {
        ApiError::NotFound(format!(
            "There is no {kind} payment-suggestion export {} for this company.",
            export_id.chars().take(40).collect::<String>()
        ))
    };
    let well_formed = export_id.len() <= 64
        && export_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !well_formed {
        return Err(no_such_export());
    }
    let ack: Option<ExportAck> = ask_ledger(
        env,
        &company,
        &LedgerCommand::AcknowledgeExport {
            pre_approved,
            export_id: export_id.to_owned(),
            now: now_secs(),
        },
    )
    .await?;
    let ack = ack.ok_or_else(no_such_export)?;
    if ack.newly {
        events::record(
            env,
            "ERP",
            "payment_suggestions_exported",
            Some(&company),
            format!(
                "The ERP acknowledged payment-suggestion file {} with {} {kind} invoice(s).",
                ack.export_id, ack.invoices
            ),
        )
        .await?;
    }
    json(
        200,
        &ExportAcknowledgement {
            export_id: ack.export_id,
            kind: kind.to_owned(),
            invoices: ack.invoices,
            acknowledged_at: rfc3339(ack.acknowledged_at),
        },
    )
}

fn idempotency_key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(key) = req.headers().get("idempotency-key")? else {
        return Ok(None);
    };
    let key = key.trim().to_owned();
    let fine = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY
        && key.bytes().all(|b| b.is_ascii_graphic());
    if !fine {
        return Err(ApiError::bad_request(format!(
            "The Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters."
        )));
    }
    Ok(Some(key))
}

/// `POST /api/v1/autopay/payment-files`.
pub async fn upload(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let key = require_integration_key(&req, env, None, Some(Scope::AutopayUpload)).await?;
    let idempotency = idempotency_key(&req)?;
    let bytes = read_body(&mut req, MAX_FILE_BYTES).await?;
    let file = read_pain001(&bytes).map_err(|e| read_error("payment file", &e))?;
    let hash = content_hash(&bytes);
    drop(bytes);
    let kv = Kv::open(env)?;
    let company = load_company(&kv, &key.company_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("The key's company no longer exists.".into()))?;
    let uploader = Uploader {
        label: format!("integration key {} ({}…)", key.label, key.prefix),
        actor: format!("integration key {}", key.prefix),
    };
    accept_upload(env, &company, file, hash, idempotency, uploader).await
}

/// `POST /api/v1/autopay/files` (session): an AutoPay Approver uploads a payment file in the
/// AutoPay screen. The company is the one, among those where the user is AutoPay Approver,
/// whose bank agreement holds the file's first debtor account; then as an integration upload.
pub async fn upload_signed_in(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let idempotency = idempotency_key(&req)?;
    let bytes = read_body(&mut req, MAX_FILE_BYTES).await?;
    let file = read_pain001(&bytes).map_err(|e| read_error("payment file", &e))?;
    let hash = content_hash(&bytes);
    drop(bytes);
    let kv = Kv::open(env)?;
    let account = file
        .payment_infos
        .first()
        .map(|i| i.debtor_account.as_str().to_owned())
        .unwrap_or_default();
    let company = all_companies(&kv)
        .await?
        .into_iter()
        .filter(|c| ctx.user.roles.has(&c.id, Role::AutoPayApprover))
        .find(|c| {
            c.bank_agreements
                .iter()
                .any(|a| a.debtor_account == account)
        })
        .ok_or_else(|| {
            ApiError::Unprocessable(format!(
                "The file pays from account {account}, which is not the debtor account of a \
                 bank agreement of any company where you are AutoPay Approver. Nothing was stored."
            ))
        })?;
    let uploader = Uploader {
        label: actor_label(&ctx.user),
        actor: ctx.actor(),
    };
    accept_upload(env, &company, file, hash, idempotency, uploader).await
}

/// Who uploaded a file: the label stored with it and the actor of the audit event.
struct Uploader {
    label: String,
    actor: String,
}

/// Checks a read payment file against `company`'s bank agreements and hands it to the
/// company's ledger in one call; answers 201 (new) or 200 (replayed).
async fn accept_upload(
    env: &Env,
    company: &CompanyRecord,
    file: PaymentFile,
    hash: String,
    idempotency: Option<String>,
    uploader: Uploader,
) -> Result<Response, ApiError> {
    // Every debtor account must be one of the company's bank agreements.
    let mut used: Vec<&BankAgreementView> = Vec::new();
    let mut agreement_of = Vec::with_capacity(file.payment_infos.len());
    for info in &file.payment_infos {
        let account = info.debtor_account.as_str();
        let Some(agreement) = company
            .bank_agreements
            .iter()
            .find(|a| a.debtor_account == account)
        else {
            return Err(ApiError::Unprocessable(format!(
                "Payment information {} (line {}) pays from account {account}, which is not the \
                 debtor account of any bank agreement of {}. Nothing was stored.",
                info.pmt_inf_id, info.line, company.name
            )));
        };
        if !used.iter().any(|a| a.id == agreement.id) {
            used.push(agreement);
        }
        agreement_of.push(agreement);
    }
    let needs_signing = upload_needs_signing(used.iter().copied());

    let mut payments = Vec::with_capacity(file.nb_of_txs as usize);
    for (info, agreement) in file.payment_infos.iter().zip(&agreement_of) {
        let bank_agreement_id = BankAgreementId::parse(&agreement.id)
            .map_err(|e| ApiError::internal("bank agreement id", e))?;
        let debtor_iban = info.debtor_account.iban().cloned().ok_or_else(|| {
            ApiError::Unprocessable(format!(
                "Payment information {} pays from an account that is not an IBAN.",
                info.pmt_inf_id
            ))
        })?;
        for tx in &info.transactions {
            let instr = tx.instr_id.as_ref().map(|i| i.as_str());
            let presented = match presented_token(instr) {
                PresentedToken::None => Presented::None,
                PresentedToken::Token(hash) => Presented::Token { hash },
                PresentedToken::NotAToken(reason) => Presented::NotAToken { reason },
            };
            payments.push(NewPayment {
                pmt_inf_id: info.pmt_inf_id.to_string(),
                end_to_end_id: tx.end_to_end_id.to_string(),
                instr_hash: instr.map(instr_id_hash),
                presented,
                debtor_name: info.debtor_name.to_string(),
                debtor_iban: debtor_iban.clone(),
                bank_agreement_id: bank_agreement_id.clone(),
                approvals_required: agreement.approvers_required.max(1),
                needs: Some(PaymentNeeds::at_entry(
                    agreement.two_step_level,
                    agreement.approvers_required,
                    company.settings.two_step_for_autopay,
                )),
                creditor_name: tx.creditor_name.to_string(),
                creditor_account: tx
                    .creditor_account
                    .as_ref()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
                creditor_bic: tx.creditor_bic.as_ref().map(ToString::to_string),
                creditor_reference: tx
                    .creditor_reference
                    .as_ref()
                    .map(|r| r.as_str().to_owned()),
                amount: tx.amount,
                requested_execution_date: info.requested_execution_date,
            });
        }
    }
    let file_id = PaymentFileId::parse(&format!("{}_{}", company.id, &hash[..20]))
        .map_err(|e| ApiError::internal("file id", e))?;
    let msg_id = file.msg_id.to_string();
    drop(file);
    let outcome: UploadOutcome = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::Upload {
            company: company.id.clone(),
            file: NewFile {
                id: file_id,
                content_hash: hash,
                idempotency_key: idempotency,
                msg_id,
                uploaded_by: uploader.label,
                needs_signing,
            },
            payments,
            allow_pre_approval: company.settings.allow_pre_approval,
            now: now_secs(),
        },
    )
    .await?;
    let answer = match outcome {
        UploadOutcome::Accepted(answer) => answer,
        UploadOutcome::IdempotencyKeyReused { key } => {
            return Err(ApiError::Unprocessable(format!(
                "The Idempotency-Key {key} was already used for a payment file with other \
                 content. Send a new file with a new key; nothing was stored."
            )))
        }
    };
    if !answer.replayed {
        let s = &answer.result.summary;
        events::record(
            env,
            &uploader.actor,
            "payment_file_uploaded",
            Some(&company.id),
            format!(
                "Payment file {} uploaded: {} payment(s), {} sent to bank, {} pending approval, \
                 {} pending signing, {} warning(s).",
                answer.result.file_id,
                s.payments,
                s.sent_to_bank,
                s.pending_approval,
                s.pending_signing,
                s.warnings
            ),
        )
        .await?;
    }
    json(if answer.replayed { 200 } else { 201 }, &answer.result)
}

/// `POST /api/v1/autopay/status-reports`.
pub async fn status_report(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let key = require_integration_key(&req, env, None, Some(Scope::AutopayUpload)).await?;
    let bytes = read_body(&mut req, MAX_FILE_BYTES).await?;
    let report = read_pain002(&bytes).map_err(|e| read_error("status report", &e))?;
    let result: StatusReportResult = ask_ledger(
        env,
        &key.company_id,
        &LedgerCommand::BankReport {
            company: key.company_id.clone(),
            report_msg_id: report.msg_id.to_string(),
            original_msg_id: report.original_msg_id.to_string(),
            items: report_items(&report),
            now: now_secs(),
        },
    )
    .await?;
    if result.changed > 0 {
        events::record(
            env,
            &format!("integration key {}", key.prefix),
            "status_report_imported",
            Some(&key.company_id),
            format!(
                "Status report {} on {}: {} payment(s) changed status.",
                result.report_msg_id, result.original_msg_id, result.changed
            ),
        )
        .await?;
    }
    json(200, &result)
}

/// Whether the user may see a company's AutoPay (AutoPay Approver there, or System
/// Administrator).
fn may_read(ctx: &SessionCtx, company: &CompanyId) -> bool {
    ctx.user.roles.is_system_admin || ctx.user.roles.has(company, Role::AutoPayApprover)
}

fn no_such_payment() -> ApiError {
    ApiError::NotFound("There is no such payment.".to_owned())
}

fn no_such_file() -> ApiError {
    ApiError::NotFound("There is no such payment file.".to_owned())
}

/// The companies whose payments the user may read, optionally only `only`.
async fn readable_companies(
    kv: &Kv,
    ctx: &SessionCtx,
    only: Option<&str>,
) -> Result<Vec<CompanyRecord>, ApiError> {
    let companies: Vec<CompanyRecord> = all_companies(kv)
        .await?
        .into_iter()
        .filter(|c| may_read(ctx, &c.id))
        .filter(|c| only.is_none_or(|o| o == c.id.as_str()))
        .collect();
    if only.is_some() && companies.is_empty() {
        return Err(ApiError::NotFound(
            "You are not an AutoPay Approver in that company.".to_owned(),
        ));
    }
    Ok(companies)
}

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
        let (company, _) = company_of_process(f).ok_or_else(no_such_file)?;
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
    let (company, _) = company_of_process(id).ok_or_else(no_such_payment)?;
    let payment = PaymentId::parse(id).map_err(|_| no_such_payment())?;
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
            return Err(no_such_payment());
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
    json(200, &events.ok_or_else(no_such_payment)?)
}

/// A TOTP code through the two-step service: the sign-in lockout and replay rules. Wrong or
/// replayed: 403; locked: 423.
async fn verify_code(env: &Env, ctx: &SessionCtx, code: Option<&str>) -> Result<(), ApiError> {
    crate::two_step::verify(
        env,
        ctx,
        &crate::two_step::AUTOPAY,
        crate::two_step::CodeCheck {
            seed: crate::two_step::active_seed(&ctx.user)?,
            code,
            password: None,
            then: None,
        },
    )
    .await?;
    Ok(())
}

/// The company record for an AutoPay Approver's action (404 otherwise).
async fn approver_company(
    ctx: &SessionCtx,
    env: &Env,
    company: &CompanyId,
    not_found: fn() -> ApiError,
) -> Result<CompanyRecord, ApiError> {
    if !ctx.user.roles.has(company, Role::AutoPayApprover) {
        return Err(not_found());
    }
    let kv = Kv::open(env)?;
    load_company(&kv, company).await?.ok_or_else(not_found)
}

/// `POST /api/v1/autopay/payments/{id}/approve`.
pub async fn approve_payment(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let (company_id, payment) = payment_company(id)?;
    let company = approver_company(&ctx, env, &company_id, no_such_payment).await?;
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
    let current = current.ok_or_else(no_such_payment)?.payment;
    // Refused before a code is asked for, so a second try does not spend one.
    if current.approvals.contains(&actor_label(&ctx.user)) {
        return Err(ApiError::Conflict(
            "You already approved this payment; its bank agreement needs another, different \
             approver."
                .to_owned(),
        ));
    }
    if current.status != PaymentStatus::PendingApproval {
        return Err(ApiError::Conflict(format!(
            "The payment is {}; only a payment pending approval can be approved.",
            current.status.label()
        )));
    }
    // A refused approval token is looked at first; refused before a code is spent.
    check_warning_confirmed(current.warning.as_deref(), body.confirm_warning)
        .map_err(|e| ApiError::Conflict(e.to_string()))?;
    // What the payment needs was fixed when it entered AutoPay: a bank agreement changed or
    // deleted since never lowers it (the ledger checks it again when it records the approval).
    let method = if current.code_on_approval {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(ApiError::field(
                "code",
                "This payment asks for two-step verification on approval: enter the code your \
                 authenticator app shows.",
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
        ApprovePaymentAnswer::Refused { reason } => Err(ApiError::Conflict(reason)),
        ApprovePaymentAnswer::NotFound => Err(no_such_payment()),
    }
}

/// `POST /api/v1/autopay/payments/{id}/reject`: an AutoPay Approver stops a payment pending
/// approval with a reason; it is never sent.
pub async fn reject_payment(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let (company_id, payment) = payment_company(id)?;
    let company = approver_company(&ctx, env, &company_id, no_such_payment).await?;
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

/// `GET /api/v1/autopay/files?company=`.
pub async fn list_files(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let only = query_param(req, "company")?;
    let kv = Kv::open(env)?;
    let mut rows: Vec<PaymentFileRow> = Vec::new();
    for company in readable_companies(&kv, &ctx, only.as_deref()).await? {
        let part: Vec<PaymentFileRow> = ask_ledger(
            env,
            &company.id,
            &LedgerCommand::ListFiles {
                company: company.id.clone(),
            },
        )
        .await?;
        rows.extend(part);
    }
    rows.sort_by(|a, b| b.uploaded_at.cmp(&a.uploaded_at));
    json(200, &rows)
}

fn file_company(id: &str) -> Result<CompanyId, ApiError> {
    let (company, _) = company_of_process(id).ok_or_else(no_such_file)?;
    PaymentFileId::parse(id).map_err(|_| no_such_file())?;
    Ok(company)
}

/// `GET /api/v1/autopay/files/{id}`.
pub async fn file(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let company = file_company(id)?;
    if !may_read(&ctx, &company) {
        return Err(no_such_file());
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
    json(200, &result.ok_or_else(no_such_file)?)
}

/// `POST /api/v1/autopay/files/{id}/sign`: an AutoPay Approver signs an upload with a code.
pub async fn sign_file(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let company_id = file_company(id)?;
    let company = approver_company(&ctx, env, &company_id, no_such_file).await?;
    let body: SignFileRequest = read_json(&mut req).await?;
    let pending: Option<UploadResult> = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::FileResult {
            company: company.id.clone(),
            file_id: id.to_owned(),
        },
    )
    .await?;
    let pending = pending.ok_or_else(no_such_file)?;
    if pending.status != ap_core::api_autopay::FileStatus::PendingSigning {
        return Err(ApiError::Conflict(
            "This payment file is not waiting for signing.".to_owned(),
        ));
    }
    verify_code(env, &ctx, Some(&body.code)).await?;
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
                format!(
                    "Signed the upload of payment file {} with TOTP: {} sent to bank, {} pending \
                     approval.",
                    result.file_id, result.summary.sent_to_bank, result.summary.pending_approval
                ),
            )
            .await?;
            json(200, &result)
        }
        SignFileAnswer::NotPending => Err(ApiError::Conflict(
            "This payment file is not waiting for signing.".to_owned(),
        )),
        SignFileAnswer::NotFound => Err(no_such_file()),
    }
}
