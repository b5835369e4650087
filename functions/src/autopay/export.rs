//! The reference ERP's payment-suggestion export (pain.001 of approved invoices, pre-approved
//! with their tokens or regular) and its explicit acknowledgement.

use ap_core::api::{BankAgreementView, Scope};
use ap_core::api_autopay::ExportAcknowledgement;
use ap_core::approval::debtor_agreement;
use ap_core::autopay::{suggestion_file, SuggestionError, SuggestionItem};
use ap_core::dates::{Date, Timestamp};
use ap_core::iso20022::{write_pain001_v03, IsoDateTime, WriteError, MAX_PAYMENTS};
use ap_core::token::ApprovalToken;
use worker::{Env, Headers, Request, Response};

use crate::events;
use crate::http::json;
use crate::integration::require_integration_key;
use crate::ledger::{ask_ledger, ExportAck, ExportAnswer, LedgerCommand};
use crate::platform::{now_secs, random_id};
use crate::problem::{ApiError, Missing};
use crate::records::{company_id, load_company, rfc3339};
use crate::secrets;
use crate::store::Kv;

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

/// Why a payment-suggestion file cannot be made (422). Statuses in `problem.rs`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportRefusal {
    #[error("{company} has no bank agreement to pay from; add one first.")]
    NoBankAgreement { company: String },
    #[error(transparent)]
    Suggestion(#[from] SuggestionError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// `pre-approved` → true, `regular` → false; anything else is no such resource.
fn suggestion_kind(kind: &str) -> Result<bool, ApiError> {
    match kind {
        "pre-approved" => Ok(true),
        "regular" => Ok(false),
        _ => Err(Missing::SuggestionKind.into()),
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
    let record = load_company(&kv, &company).await?.ok_or(Missing::Company)?;
    let fallback = debtor_agreement(&record.bank_agreements)
        .or_else(|| record.bank_agreements.first())
        .cloned()
        .ok_or_else(|| ExportRefusal::NoBankAgreement {
            company: record.name.clone(),
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
            &ap_core::sentence!(
                "There are no approved {kind} invoices that were not exported yet."
            ),
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
        .map_err(ExportRefusal::from)?;
    let xml = write_pain001_v03(&file).map_err(ExportRefusal::from)?;
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
    let no_such_export = || Missing::Export {
        kind: kind.to_owned(),
        export_id: export_id.to_owned(),
    };
    let well_formed = export_id.len() <= 64
        && export_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !well_formed {
        return Err(no_such_export().into());
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
            ap_core::sentence!(
                "The ERP acknowledged payment-suggestion file {} ({kind}). Invoices in it: {}.",
                ack.export_id,
                ack.invoices
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
