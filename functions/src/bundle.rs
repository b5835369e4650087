//! The bundle and signing. A user's bundle is not stored on its own: it is every process in
//! state `InBundle { user }` across the user's companies, read from their ledgers, so it can
//! never disagree with the processes. Signing checks the digest of what was shown, verifies
//! password and TOTP code through the user's guard (the same lockout and replay rules as
//! sign-in), then signs each company's part atomically in that company's ledger.

use std::collections::BTreeMap;

use ap_core::api::PasskeyBundleOptionsRequest;
use ap_core::api_approval::{
    BundleGroupView, BundleItemView, BundleView, CompanySignResult, RefusedInvoice, SignRequest,
    SignResult, SignedInvoice,
};
use ap_core::approval::{amount_view, debtor_agreement};
use ap_core::bundle::{Bundle, BundleDigest, BundleItem};
use ap_core::iban::Iban;
use ap_core::ids::{BankAgreementId, CompanyId};
use ap_core::money::{Money, Totals};
use ap_core::passkey::Binding;
use ap_core::readiness::SigningMethod;
use ap_core::token::ApprovalToken;
use worker::{Env, Request, Response};

use crate::approval::{act, approver_companies, approver_scope};
use crate::auth::{require_session, SessionCtx};
use crate::events;
use crate::http::{json, read_json};
use crate::ledger::{
    ask_ledger, Action, LedgerCommand, ProcessRecord, SignAnswer, SignItem, SignRefusal, Signing,
};
use crate::passkeys;
use crate::platform::{now_secs, random_bytes, random_id};
use crate::problem::{ApiError, BadField, Missing};
use crate::records::actor_label;
use crate::records::{CompanyRecord, UserRecord};
use crate::secrets;
use crate::store::Kv;
use crate::two_step;

/// The user's bundle as it is now.
pub struct CurrentBundle {
    pub bundle: Bundle,
    pub entries: Vec<(ProcessRecord, CompanyRecord)>,
}

fn item_of(record: &ProcessRecord, company: &CompanyRecord) -> BundleItem {
    let doc = record.process.document();
    let agreement = debtor_agreement(&company.bank_agreements);
    BundleItem {
        invoice_id: record.process.id().clone(),
        company_id: company.id.clone(),
        company_name: company.name.clone(),
        payee_name: doc.supplier.name.as_str().to_owned(),
        creditor_account: doc.supplier.account.creditor_account(),
        amount: doc.amount,
        due_date: doc.due_date,
        payment_reference: doc.payment_reference.as_str().to_owned(),
        creditor_bic: doc
            .supplier
            .account
            .bic()
            .map(ToString::to_string)
            .unwrap_or_default(),
        debtor_account: agreement.map_or_else(String::new, |a| a.debtor_account.clone()),
        debtor_bank: agreement.map_or_else(String::new, |a| a.bank_name.clone()),
        approvers_required: agreement.map_or(0, |a| a.approvers_required.max(1)),
    }
}

impl CurrentBundle {
    pub fn view(&self) -> BundleView {
        let items = self
            .entries
            .iter()
            .map(|(record, company)| {
                let doc = record.process.document();
                BundleItemView {
                    id: record.process.id().to_string(),
                    company_id: company.id.to_string(),
                    company_name: company.name.clone(),
                    payee_name: doc.supplier.name.as_str().to_owned(),
                    creditor_account: doc.supplier.account.as_str().to_owned(),
                    invoice_number: doc.invoice_number.as_str().to_owned(),
                    amount: amount_view(doc.amount),
                    due_date: doc.due_date.to_string(),
                    payment_reference: doc.payment_reference.as_str().to_owned(),
                    creditor_bic: doc.supplier.account.bic().map(ToString::to_string),
                    version: record.process.version(),
                    on_behalf_of: record
                        .process
                        .forwarded()
                        .and_then(|f| f.on_behalf_of.clone()),
                }
            })
            .collect::<Vec<_>>();
        BundleView {
            count: items.len(),
            items,
            totals: self
                .bundle
                .totals_per_currency()
                .iter()
                .map(amount_view)
                .collect(),
            groups: self
                .bundle
                .by_company()
                .into_iter()
                .map(|g| BundleGroupView {
                    company_id: g.company_id.to_string(),
                    company_name: g.company_name,
                    item_ids: g.invoice_ids.iter().map(ToString::to_string).collect(),
                    totals: g.totals.iter().map(amount_view).collect(),
                    debtor_account: g.debtor_account,
                    debtor_bank: g.debtor_bank,
                    approvers_required: g.approvers_required,
                })
                .collect(),
            digest: self.bundle.digest().to_hex(),
        }
    }
}

/// Reads the user's bundle from the ledgers of the companies where they approve invoices.
pub async fn current(env: &Env, kv: &Kv, user: &UserRecord) -> Result<CurrentBundle, ApiError> {
    let mut bundle = Bundle::new();
    let mut entries = Vec::new();
    for company in approver_companies(kv, user, None).await? {
        let mine: Vec<ProcessRecord> = ask_ledger(
            env,
            &company.id,
            &LedgerCommand::InBundle {
                user: user.id.clone(),
            },
        )
        .await?;
        for record in mine {
            bundle
                .add(item_of(&record, &company))
                .map_err(|e| ApiError::internal("bundle", e))?;
            entries.push((record, company.clone()));
        }
    }
    Ok(CurrentBundle { bundle, entries })
}

/// `GET /api/v1/bundle`.
pub async fn get(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let kv = Kv::open(env)?;
    json(200, &current(env, &kv, &ctx.user).await?.view())
}

/// `DELETE /api/v1/bundle/items/{id}`: back to the task list as it was.
pub async fn remove(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let kv = Kv::open(env)?;
    let (company, process) = approver_scope(&kv, &ctx, id).await?;
    let found = crate::approval::process_with_history(env, &company.id, &process)
        .await?
        .ok_or(Missing::Task)?;
    act(
        env,
        &ctx,
        &company,
        &process,
        Action::RemoveFromBundle {
            expected_version: found.record.process.version(),
        },
    )
    .await?;
    json(200, &current(env, &kv, &ctx.user).await?.view())
}

/// `POST /api/v1/bundle/cancel`: "Cancel approval" — every invoice back, unapproved.
pub async fn cancel(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let kv = Kv::open(env)?;
    for company in approver_companies(&kv, &ctx.user, None).await? {
        let cancelled: Vec<ProcessRecord> = ask_ledger(
            env,
            &company.id,
            &LedgerCommand::CancelBundle {
                user: ctx.user.id.clone(),
                actor: actor_label(&ctx.user),
                now: now_secs(),
            },
        )
        .await?;
        if !cancelled.is_empty() {
            events::record(
                env,
                &ctx.actor(),
                "bundle_cancelled",
                Some(&company.id),
                match cancelled.len() {
                    1 => ap_core::sentence!(
                        "Cancelled approval of 1 invoice in the bundle; it is back on the task list."
                    ),
                    n => ap_core::sentence!(
                        "Cancelled approval of {n} invoices in the bundle; they are back on the \
                         task list."
                    ),
                },
            )
            .await?;
        }
    }
    json(200, &current(env, &kv, &ctx.user).await?.view())
}

/// A passkey assertion whose challenge binds `digest` (the bundle as it is now), or password
/// and TOTP code, through the user's guard: a wrong factor, a replayed code or an assertion
/// made for anything else counts as a failure, five in a row lock two-step verification (423).
/// Never says which check failed.
async fn verify_signature(
    env: &Env,
    ctx: &SessionCtx,
    body: &SignRequest,
    digest: &BundleDigest,
) -> Result<SigningMethod, ApiError> {
    if let Some(assertion) = &body.passkey {
        passkeys::verify(
            env,
            ctx,
            &two_step::PASSKEY_SIGNING,
            Binding::Bundle(digest),
            assertion,
        )
        .await?;
        return Ok(SigningMethod::Passkey);
    }
    two_step::verify_password_and_code(env, ctx, &two_step::SIGNING, &body.password, &body.code)
        .await?;
    Ok(SigningMethod::PasswordAndCode)
}

/// `POST /api/v1/bundle/passkey-options`: the options of a passkey assertion whose challenge
/// binds the digest the signing dialog shows. Sign with the same digest; a bundle changed
/// meanwhile is refused then (409), and an assertion sent with another digest never verifies.
pub async fn passkey_options(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: PasskeyBundleOptionsRequest = read_json(&mut req).await?;
    let shown = BundleDigest::parse(&body.digest).map_err(BadField::Digest)?;
    json(
        200,
        &passkeys::assertion_options(env, &ctx, Binding::Bundle(&shown)).await?,
    )
}

/// Why a signing was refused as a whole, before any company was asked (409). Statuses in
/// `problem.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BundleRefusal {
    #[error("Your bundle is empty: there is nothing to sign.")]
    Empty,
    /// The digest sent is not the bundle's now.
    #[error(
        "The bundle changed since it was shown; nothing was signed. Review the bundle and sign \
         again."
    )]
    Changed,
}

/// Signs one company's part of the bundle, or says why not (the ledger's answer, or the same
/// refusal made here before the ledger is asked).
async fn sign_company(
    env: &Env,
    ctx: &SessionCtx,
    bundle_id: &str,
    company: &CompanyRecord,
    records: &[&ProcessRecord],
    method: SigningMethod,
    now: u64,
) -> Result<SignAnswer, ApiError> {
    // Settings may have changed since the invoices went into the bundle: read them again.
    let shown_company = company;
    let kv = Kv::open(env)?;
    let company = crate::records::load_company(&kv, &company.id)
        .await?
        .ok_or_else(|| ApiError::internal("sign", "company vanished"))?;
    if !method.accepted_by(company.settings.require_passkey) {
        return Ok(refused(SignRefusal::PasskeyRequired {
            company: company.name.clone(),
        }));
    }
    let readiness = company.readiness_of(&ctx.user);
    if !readiness.ready {
        return Ok(refused(SignRefusal::NotReady {
            messages: readiness.messages(&company.name),
        }));
    }
    let Some(agreement) = debtor_agreement(&company.bank_agreements) else {
        return Ok(refused(SignRefusal::NoSigningAgreement {
            company: company.name.clone(),
        }));
    };
    let bank_agreement_id = BankAgreementId::parse(&agreement.id)
        .map_err(|e| ApiError::internal("bank agreement id", e))?;
    let debtor_iban = Iban::parse(&agreement.debtor_account)
        .map_err(|e| ApiError::internal("debtor account", e))?;
    let mut items = Vec::new();
    for record in records {
        // What you see is what you sign: the debtor account, bank and approvals shown with the
        // digest must still be the ones this signature binds.
        if item_of(record, &company) != item_of(record, shown_company) {
            return Ok(refused(SignRefusal::AgreementChanged {
                company: company.name.clone(),
            }));
        }
        let token = ApprovalToken::from_random_bytes(random_bytes::<17>()?);
        let sealed_token = secrets::seal_text(env, token.as_str(), record.process.id().as_str())?;
        items.push(SignItem {
            process_id: record.process.id().clone(),
            expected_version: record.process.version(),
            shown: item_of(record, &company),
            token,
            sealed_token,
        });
    }
    ask_ledger(
        env,
        &company.id,
        &LedgerCommand::Sign(Signing {
            user: ctx.user.id.clone(),
            actor: actor_label(&ctx.user),
            bundle_id: bundle_id.to_owned(),
            bank_agreement_id,
            debtor_iban,
            expiry_days: company.settings.token_expiry_days,
            items,
            now,
        }),
    )
    .await
}

fn refused(refusal: SignRefusal) -> SignAnswer {
    SignAnswer::Refused { refusal }
}

/// `POST /api/v1/bundle/sign`.
pub async fn sign(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let body: SignRequest = read_json(&mut req).await?;
    let shown = BundleDigest::parse(&body.digest).map_err(BadField::Digest)?;
    if body.passkey.is_none() && body.code.trim().is_empty() && body.password.is_empty() {
        return Err(BadField::SignatureRequired.into());
    }
    let kv = Kv::open(env)?;
    let now_bundle = current(env, &kv, &ctx.user).await?;
    if now_bundle.bundle.is_empty() {
        return Err(BundleRefusal::Empty.into());
    }
    if now_bundle.bundle.check_digest(&shown).is_err() {
        return Err(BundleRefusal::Changed.into());
    }
    let method = verify_signature(env, &ctx, &body, &now_bundle.bundle.digest()).await?;

    let bundle_id = random_id()?;
    // One time for every company's part: "Signed by me" joins the parts of a signing by it.
    let now = now_secs();
    let mut by_company: BTreeMap<CompanyId, (CompanyRecord, Vec<&ProcessRecord>)> = BTreeMap::new();
    for (record, company) in &now_bundle.entries {
        by_company
            .entry(company.id.clone())
            .or_insert_with(|| (company.clone(), Vec::new()))
            .1
            .push(record);
    }
    let mut companies = Vec::new();
    let mut signed_amounts: Vec<Money> = Vec::new();
    for (company, records) in by_company.values() {
        let outcome = sign_company(env, &ctx, &bundle_id, company, records, method, now).await?;
        let result = match outcome {
            SignAnswer::Signed { records: signed } => {
                signed_amounts.extend(signed.iter().map(|r| r.process.document().amount));
                let invoices: Vec<SignedInvoice> = signed
                    .iter()
                    .map(|r| {
                        let doc = r.process.document();
                        SignedInvoice {
                            id: r.process.id().to_string(),
                            supplier_name: doc.supplier.name.as_str().to_owned(),
                            invoice_number: doc.invoice_number.as_str().to_owned(),
                            amount: amount_view(doc.amount),
                            token_last_four: r.process.token_last_four().unwrap_or("").to_owned(),
                        }
                    })
                    .collect();
                events::record(
                    env,
                    &ctx.actor(),
                    "bundle_signed",
                    Some(&company.id),
                    match method {
                        SigningMethod::PasswordAndCode => ap_core::sentence!(
                            "Signed bundle {bundle_id} with TOTP. Invoices approved and their \
                             payments pre-approved: {}.",
                            invoices.len()
                        ),
                        SigningMethod::Passkey => ap_core::sentence!(
                            "Signed bundle {bundle_id} with a passkey bound to its digest. \
                             Invoices approved and their payments pre-approved: {}.",
                            invoices.len()
                        ),
                    },
                )
                .await?;
                let notice = ap_core::notify::Notice::bundle_signed(
                    &bundle_id,
                    company.id.as_str(),
                    invoices.len(),
                    now,
                );
                let told = ap_core::notify::Addressed {
                    notice,
                    to: Some(vec![ctx.user.id.clone()]),
                };
                crate::notify::tell(env, company, vec![told]).await;
                CompanySignResult {
                    company_id: company.id.to_string(),
                    company_name: company.name.clone(),
                    signed: true,
                    reason: None,
                    invoices,
                    refused: Vec::new(),
                }
            }
            SignAnswer::Refused { refusal } => {
                let reason = refusal.to_string();
                events::record(
                    env,
                    &ctx.actor(),
                    "bundle_sign_refused",
                    Some(&company.id),
                    ap_core::sentence!(
                        "Signing bundle {bundle_id} refused in {}: {reason}",
                        company.name
                    ),
                )
                .await?;
                CompanySignResult {
                    company_id: company.id.to_string(),
                    company_name: company.name.clone(),
                    signed: false,
                    refused: records
                        .iter()
                        .map(|r| RefusedInvoice {
                            id: r.process.id().to_string(),
                            reason: reason.clone(),
                        })
                        .collect(),
                    reason: Some(reason),
                    invoices: Vec::new(),
                }
            }
        };
        companies.push(result);
    }
    let left = current(env, &kv, &ctx.user).await?;
    // The signed invoices are a part of a bundle whose totals were summed without overflow, so
    // theirs cannot overflow either; were it ever to, the confirmation shows no total.
    let signed: Result<Totals, _> = signed_amounts.into_iter().collect();
    json(
        200,
        &SignResult {
            bundle_id,
            totals: signed.map_or_else(|_| Vec::new(), |t| t.iter().map(amount_view).collect()),
            companies,
            bundle: left.view(),
        },
    )
}
