//! The ERP side: `GET /api/v1/companies/{company}/approved-invoices` (integration key scoped
//! `erp:read` for that company). Approved invoices in approval order, paged with an opaque
//! cursor, with the "Approval token" column: the full token of pre-approved invoices, opened
//! from its sealed form here and nowhere else.

use ap_core::api::Scope;
use ap_core::api_approval::{ApprovedInvoice, ApprovedInvoicesPage};
use ap_core::approval::{erp_limit, ErpCursor};
use worker::{Env, Request, Response};

use crate::http::json;
use crate::http::query_param;
use crate::integration::require_integration_key;
use crate::ledger::{ask_ledger, ApprovedRow, LedgerCommand};
use crate::problem::{ApiError, BadQuery};
use crate::records::{company_id, rfc3339};
use crate::secrets;

/// `GET /api/v1/companies/{company}/approved-invoices?cursor=&limit=`.
pub async fn approved_invoices(
    req: &Request,
    env: &Env,
    company: &str,
) -> Result<Response, ApiError> {
    let company = company_id(company)?;
    require_integration_key(req, env, Some(&company), Some(Scope::ErpRead)).await?;
    let cursor_text = query_param(req, "cursor")?.unwrap_or_default();
    let cursor = ErpCursor::parse(&cursor_text).ok_or(BadQuery::ApprovedCursor)?;
    let limit = erp_limit(query_param(req, "limit")?.as_deref()).ok_or(BadQuery::ApprovedLimit)?;
    let rows: Vec<ApprovedRow> = ask_ledger(
        env,
        &company,
        &LedgerCommand::Approved {
            after: cursor.0,
            limit: limit + 1,
        },
    )
    .await?;
    let more = rows.len() > limit;
    let mut items = Vec::new();
    let mut last = cursor;
    for row in rows.into_iter().take(limit) {
        last = ErpCursor(u64::try_from(row.seq).unwrap_or(0));
        let process = &row.record.process;
        let doc = process.document();
        let approval_token = match &row.sealed_token {
            Some(sealed) => Some(secrets::open_text(env, sealed, process.id().as_str())?),
            None => None,
        };
        let token = row.record.token.as_ref();
        items.push(ApprovedInvoice {
            process_id: process.id().to_string(),
            document_id: doc.document_id.to_string(),
            company_id: doc.company_id.to_string(),
            supplier_name: doc.supplier.name.as_str().to_owned(),
            supplier_organisation_number: doc.supplier.organisation_number.to_string(),
            creditor_account: doc.supplier.account.as_str().to_owned(),
            bic: doc.supplier.account.bic().map(|b| b.to_string()),
            invoice_number: doc.invoice_number.as_str().to_owned(),
            invoice_date: doc.invoice_date.to_string(),
            due_date: doc.due_date.to_string(),
            amount: doc.amount.to_decimal_string(),
            currency: doc.amount.currency().code().to_owned(),
            payment_reference: doc.payment_reference.as_str().to_owned(),
            approved_at: rfc3339(u64::try_from(row.approved_at).unwrap_or(0)),
            payment_approved: process.payment_approved(),
            approval_token,
            bank_agreement_id: token.map(|t| t.binding.bank_agreement_id.to_string()),
            token_expires_at: token.map(|t| rfc3339(t.expires_at)),
        });
    }
    json(
        200,
        &ApprovedInvoicesPage {
            items,
            next_cursor: more.then(|| last.encode()),
            cursor: last.encode(),
        },
    )
}
