//! AutoPay: the reference ERP's payment-suggestion export, payment-file uploads with the token
//! check, signing an upload, normal approval, payment events, and bank status reports.
//!
//! Storage per request: the key and the company from KV, then ONE call to the company's ledger
//! Durable Object, which checks and consumes every token of the file and stores every payment
//! and event in its SQLite in one atomic step. Operations therefore do not grow with the number
//! of payments (see BENCHMARKS.md, "Payment file upload").
//!
//! One file per route group: `export` (payment suggestions), `upload` (payment files),
//! `status_report` (pain.002), `payments` (list, events, approve, reject), `files` (list, one,
//! sign). What several of them share lives here.

mod export;
mod files;
mod payments;
mod status_report;
mod upload;

pub use export::{acknowledge_export, payment_suggestions, ExportRefusal};
pub use files::{file, file_passkey_options, list_files, sign_file, NotPendingSigning};
pub use payments::{
    approve_payment, list_payments, payment_events, payment_passkey_options, reject_payment,
};
pub use status_report::status_report;
pub use upload::{upload, upload_signed_in, UploadRefusal};

use ap_core::api::Page;
use ap_core::ids::CompanyId;
use ap_core::iso20022::ReadError;
use ap_core::listing::{merged_key_page, PageKey};
use ap_core::roles::Role;
use serde::de::DeserializeOwned;
use worker::Env;

use crate::auth::SessionCtx;
use crate::ledger::{ask_ledger, LedgerCommand};
use crate::problem::{ApiError, Missing};
use crate::records::{all_companies, load_company, CompanyRecord};
use crate::store::Kv;

/// The longest `Idempotency-Key` accepted.
pub(super) const MAX_IDEMPOTENCY_KEY: usize = 255;

/// An ISO 20022 file the reader refused (`what` names it: "payment file", "status report");
/// `problem.rs` answers 400 with every problem and its line.
pub struct RefusedFile {
    pub what: &'static str,
    pub error: ReadError,
}

/// `read` (`read_pain001` or `read_pain002`) over `bytes`, a refusal as a [`RefusedFile`].
pub(super) fn read_file<T>(
    what: &'static str,
    bytes: &[u8],
    read: impl FnOnce(&[u8]) -> Result<T, ReadError>,
) -> Result<T, ApiError> {
    read(bytes).map_err(|error| RefusedFile { what, error }.into())
}

/// Whether the user may see a company's AutoPay (AutoPay Approver there, or System
/// Administrator).
pub(super) fn may_read(ctx: &SessionCtx, company: &CompanyId) -> bool {
    ctx.user.roles.is_system_admin || ctx.user.roles.has(company, Role::AutoPayApprover)
}

/// One page of a list over every company whose AutoPay the user may read (optionally only
/// `only`): each company's ledger answers its own page of `limit + 1` keyed rows after the
/// cursor to `list` (given the company and that page size), and
/// `ap_core::listing::merged_key_page` keeps the first `limit` after `after`.
pub(super) async fn readable_page<K, T>(
    env: &Env,
    ctx: &SessionCtx,
    only: Option<&str>,
    list: impl Fn(&CompanyId, usize) -> LedgerCommand,
    after: Option<&K>,
    limit: usize,
) -> Result<Page<T>, ApiError>
where
    K: PageKey + DeserializeOwned,
    T: DeserializeOwned,
{
    let kv = Kv::open(env)?;
    let companies: Vec<CompanyRecord> = all_companies(&kv)
        .await?
        .into_iter()
        .filter(|c| may_read(ctx, &c.id))
        .filter(|c| only.is_none_or(|o| o == c.id.as_str()))
        .collect();
    if only.is_some() && companies.is_empty() {
        return Err(Missing::NotAutoPayApproverIn.into());
    }
    let mut candidates = Vec::new();
    for company in companies {
        let part: Vec<(K, T)> = ask_ledger(env, &company.id, &list(&company.id, limit + 1)).await?;
        candidates.extend(part);
    }
    Ok(merged_key_page(candidates, after, limit))
}

/// A TOTP code through the two-step service: the sign-in lockout and replay rules. Wrong or
/// replayed: 403; locked: 423.
pub(super) async fn verify_code(
    env: &Env,
    ctx: &SessionCtx,
    code: Option<&str>,
) -> Result<(), ApiError> {
    crate::two_step::verify_active_code(env, ctx, &crate::two_step::AUTOPAY, code).await
}

/// The company record for an AutoPay Approver's action (404 otherwise).
pub(super) async fn approver_company(
    ctx: &SessionCtx,
    env: &Env,
    company: &CompanyId,
    missing: Missing,
) -> Result<CompanyRecord, ApiError> {
    if !ctx.user.roles.has(company, Role::AutoPayApprover) {
        return Err(missing.into());
    }
    let kv = Kv::open(env)?;
    Ok(load_company(&kv, company).await?.ok_or(missing)?)
}
