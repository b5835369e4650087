//! Payment-file uploads (integration key or the AutoPay screen): the file is read, its debtor
//! accounts checked against the company's bank agreements, and handed to the company's ledger in
//! one call that settles every token (see `ap_core::settlement`).

use ap_core::api::{BankAgreementView, Scope};
use ap_core::autopay::{
    content_hash, instr_id_hash, presented_token, upload_needs_signing, PresentedToken,
};
use ap_core::ids::{BankAgreementId, PaymentFileId};
use ap_core::iso20022::{read_pain001, PaymentFile, MAX_FILE_BYTES};
use ap_core::roles::Role;
use ap_core::settlement::PaymentNeeds;
use worker::{Env, Request, Response};

use super::{read_file, MAX_IDEMPOTENCY_KEY};
use crate::auth::require_session;
use crate::events;
use crate::http::{json, read_body};
use crate::integration::require_integration_key;
use crate::ledger::{ask_ledger, LedgerCommand, NewFile, NewPayment, Presented, UploadOutcome};
use crate::platform::now_secs;
use crate::problem::{ApiError, Missing};
use crate::records::actor_label;
use crate::records::{all_companies, load_company, CompanyRecord};
use crate::store::Kv;

/// Why a payment file was refused before anything was stored. Statuses in `problem.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    /// 400: the header is malformed.
    #[error(
        "The Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters."
    )]
    BadIdempotencyKey,
    /// The screen's upload: no company where the user is AutoPay Approver holds the account.
    #[error(
        "The file pays from account {account}, which is not the debtor account of a bank \
         agreement of any company where you are AutoPay Approver. Nothing was stored."
    )]
    NotYourAccount { account: String },
    /// A payment information pays from an account none of the company's agreements holds.
    #[error(
        "Payment information {pmt_inf_id} (line {line}) pays from account {account}, which is \
         not the debtor account of any bank agreement of {company}. Nothing was stored."
    )]
    ForeignAccount {
        pmt_inf_id: String,
        line: u32,
        account: String,
        company: String,
    },
    #[error("Payment information {pmt_inf_id} pays from an account that is not an IBAN.")]
    NotAnIban { pmt_inf_id: String },
    /// The ledger holds a file with other content under this key.
    #[error(
        "The Idempotency-Key {key} was already used for a payment file with other content. \
         Send a new file with a new key; nothing was stored."
    )]
    IdempotencyKeyReused { key: String },
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
        return Err(UploadRefusal::BadIdempotencyKey.into());
    }
    Ok(Some(key))
}

/// A payment file as uploaded: read (its refusal a 400 with every problem and line), the
/// hash of its bytes, and the request's Idempotency-Key; the bytes themselves are dropped.
struct Received {
    file: PaymentFile,
    hash: String,
    idempotency: Option<String>,
}

async fn receive(req: &mut Request) -> Result<Received, ApiError> {
    let idempotency = idempotency_key(req)?;
    let bytes = read_body(req, MAX_FILE_BYTES).await?;
    let file = read_file("payment file", &bytes, read_pain001)?;
    Ok(Received {
        file,
        hash: content_hash(&bytes),
        idempotency,
    })
}

/// `POST /api/v1/autopay/payment-files`.
pub async fn upload(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let key = require_integration_key(&req, env, None, Some(Scope::AutopayUpload)).await?;
    let received = receive(&mut req).await?;
    let kv = Kv::open(env)?;
    let company = load_company(&kv, &key.company_id)
        .await?
        .ok_or(Missing::KeyCompany)?;
    let uploader = Uploader {
        label: format!("integration key {} ({}…)", key.label, key.prefix),
        actor: format!("integration key {}", key.prefix),
    };
    accept_upload(env, &company, received, uploader).await
}

/// `POST /api/v1/autopay/files` (session): an AutoPay Approver uploads a payment file in the
/// AutoPay screen. The company is the one, among those where the user is AutoPay Approver,
/// whose bank agreement holds the file's first debtor account; then as an integration upload.
pub async fn upload_signed_in(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let received = receive(&mut req).await?;
    let kv = Kv::open(env)?;
    let account = received
        .file
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
        .ok_or(UploadRefusal::NotYourAccount { account })?;
    let uploader = Uploader {
        label: actor_label(&ctx.user),
        actor: ctx.actor(),
    };
    accept_upload(env, &company, received, uploader).await
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
    received: Received,
    uploader: Uploader,
) -> Result<Response, ApiError> {
    let Received {
        file,
        hash,
        idempotency,
    } = received;
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
            return Err(UploadRefusal::ForeignAccount {
                pmt_inf_id: info.pmt_inf_id.to_string(),
                line: info.line,
                account: account.to_owned(),
                company: company.name.clone(),
            }
            .into());
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
        let debtor_iban =
            info.debtor_account
                .iban()
                .cloned()
                .ok_or_else(|| UploadRefusal::NotAnIban {
                    pmt_inf_id: info.pmt_inf_id.to_string(),
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
                creditor_name: tx.creditor_label().to_owned(),
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
            return Err(UploadRefusal::IdempotencyKeyReused { key }.into())
        }
    };
    if !answer.replayed {
        let s = &answer.result.summary;
        events::record(
            env,
            &uploader.actor,
            "payment_file_uploaded",
            Some(&company.id),
            ap_core::sentence!(
                "Payment file {} uploaded. Payments: {}; sent to bank: {}; pending approval: {}; \
                 pending signing: {}; with a warning: {}.",
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
