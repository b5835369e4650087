//! Bank status reports (pain.002): read, turned into report items by `ap_core::bank_report`,
//! and matched to payments by the ledger.

use ap_core::api::Scope;
use ap_core::api_autopay::StatusReportResult;
use ap_core::bank_report::report_items;
use ap_core::iso20022::{read_pain002, MAX_FILE_BYTES};
use worker::{Env, Request, Response};

use super::read_file;
use crate::events;
use crate::http::{json, read_body};
use crate::integration::require_integration_key;
use crate::ledger::{ask_ledger, LedgerCommand};
use crate::platform::now_secs;
use crate::problem::ApiError;
use ap_core::api_autopay::PaymentStatus;
use ap_core::notify::{Addressed, Notice};
use ap_core::roles::Role;

/// `POST /api/v1/autopay/status-reports`.
pub async fn status_report(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let key = require_integration_key(&req, env, None, Some(Scope::AutopayUpload)).await?;
    let bytes = read_body(&mut req, MAX_FILE_BYTES).await?;
    let report = read_file("status report", &bytes, read_pain002)?;
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
    // The company's AutoPay Administrators hear of each payment the bank rejected.
    let rejected: Vec<Notice> = result
        .payments
        .iter()
        .filter(|p| p.status == PaymentStatus::RejectedInBank)
        .map(|p| Notice::payment_rejected(p, &result.report_msg_id, now_secs()))
        .collect();
    if !rejected.is_empty() {
        let kv = crate::store::Kv::open(env)?;
        let company = key.company_id.clone();
        let admins: Vec<_> = crate::workflows::active_users(env, &kv, |u| {
            u.roles.has(&company, Role::AutoPayAdministrator)
        })
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
        let told = rejected
            .into_iter()
            .map(|notice| Addressed {
                notice,
                to: Some(admins.clone()),
            })
            .collect();
        if let Some(company) = crate::records::load_company(&kv, &key.company_id).await? {
            crate::notify::tell(env, &company, told).await;
        }
    }
    if result.changed > 0 {
        events::record(
            env,
            &format!("integration key {}", key.prefix),
            "status_report_imported",
            Some(&key.company_id),
            ap_core::sentence!(
                "Status report {} on {}. Payments that changed status: {}.",
                result.report_msg_id,
                result.original_msg_id,
                result.changed
            ),
        )
        .await?;
    }
    json(200, &result)
}
