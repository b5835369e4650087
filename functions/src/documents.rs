//! Invoices in from the Document Center: `POST /api/v1/documents`.
//!
//! Order of checks: integration key, client version and scope (401/426/403); body size (413,
//! before parsing); JSON; the key's company (403); the company's "Send workflows to Approval"
//! (422); every field (400, each named). Then the company's ledger opens the process, or finds
//! the one already opened for this document id (200), or refuses other content under the same
//! id (409). The PDF is stored on its own in KV.

use ap_core::api::Scope;
use ap_core::api_approval::DocumentAccepted;
use ap_core::approval::process_id;
use ap_core::dates::Timestamp;
use ap_core::document::{Document, DocumentRequest, MAX_DOCUMENT_BODY_BYTES};
use ap_core::ids::InvoiceId;
use ap_core::money::{Currency, Money};
use ap_core::process::Process;
use worker::{Env, Request, Response};

use crate::approval::pdf_key;
use crate::events;
use crate::http::{json, parse_json, read_body};
use crate::integration::{require_integration_key, KeyRefusal};
use crate::ledger::{ask_ledger, LedgerCommand, OpenAnswer, ProcessRecord};
use crate::platform::{now_secs, random_id};
use crate::problem::{ApiError, Missing};
use crate::records::load_company;
use crate::store::Kv;

/// Why a document was not accepted. Statuses in `problem.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentRefusal {
    /// 415.
    #[error("Send the document as JSON: Content-Type: application/json.")]
    NotJson,
    /// 413.
    #[error("The PDF is larger than 10 MiB (10485760 bytes).")]
    PdfTooLarge,
    /// The company's "Send workflows to Approval" is off (422).
    #[error(
        "“Send workflows to Approval” is off for {company}: documents for this company are not \
         accepted. A System Administrator can turn the setting on."
    )]
    SendingOff { company: String },
    /// The document id was received before with other content (409).
    #[error(
        "Document {document_id} was already received (process {process_id}) with different \
         content. Send changed invoices under a new document id."
    )]
    DifferentContent {
        document_id: String,
        process_id: InvoiceId,
    },
}

fn accepted(record: &ProcessRecord) -> DocumentAccepted {
    let doc = record.process.document();
    DocumentAccepted {
        process_id: record.process.id().to_string(),
        document_id: doc.document_id.to_string(),
        company_id: doc.company_id.to_string(),
        status: record.process.state().name().to_owned(),
        warnings: record.warnings_at(now_secs()),
    }
}

/// `POST /api/v1/documents`.
pub async fn create(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let key = require_integration_key(&req, env, None, Some(Scope::DocumentsWrite)).await?;
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    if !content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/json")
    {
        return Err(DocumentRefusal::NotJson.into());
    }
    let body = read_body(&mut req, MAX_DOCUMENT_BODY_BYTES).await?;
    let request: DocumentRequest = parse_json(&body)?;
    drop(body);
    if request.pdf_too_large() {
        return Err(DocumentRefusal::PdfTooLarge.into());
    }
    if request.company_id.trim() != key.company_id.as_str() {
        return Err(KeyRefusal::DocumentOfOtherCompany.into());
    }
    let kv = Kv::open(env)?;
    let company = load_company(&kv, &key.company_id)
        .await?
        .ok_or(Missing::Company)?;
    if !company.settings.send_workflows_to_approval {
        return Err(DocumentRefusal::SendingOff {
            company: company.name,
        }
        .into());
    }
    let document = Document::parse(&request)?;
    drop(request);

    let threshold = match (
        company.settings.four_eyes_threshold_minor,
        Currency::parse(&company.base_currency),
    ) {
        (Some(minor), Ok(currency)) => Some(Money::from_minor(minor, currency)),
        _ => None,
    };
    let id = process_id(&company.id, &random_id()?)
        .ok_or_else(|| ApiError::internal("process id", "company id not usable"))?;
    let fingerprint = document.content_fingerprint();
    let routing = crate::workflows::routing(env, &kv, &company).await?;
    let (process, transition) = Process::open(
        id,
        document.summary.clone(),
        threshold,
        Timestamp(now_secs()),
    );
    let answer: OpenAnswer = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::Open {
            process,
            fingerprint,
            transition,
            routing,
        },
    )
    .await?;
    match answer {
        OpenAnswer::Created { record } => {
            if let Some(pdf) = &document.pdf {
                kv.put_bytes(&pdf_key(record.process.id()), pdf.as_bytes())
                    .await?;
            }
            let doc = record.process.document();
            events::record(
                env,
                &format!("integration key {}", key.prefix),
                "document_received",
                Some(&company.id),
                ap_core::sentence!(
                    "Invoice {} from {} ({}) received from the Document Center as process {}.",
                    doc.invoice_number.as_str(),
                    doc.supplier.name.as_str(),
                    doc.amount,
                    record.process.id()
                ),
            )
            .await?;
            // Those who have the new task are told (under a workflow, the first step's
            // approvers). A task without a workflow is every approver's, on every task list:
            // only the webhook hears of it, so intake never reads the whole user directory.
            if let Some(mut told) =
                ap_core::notify::newly_assigned(None, &record.process, crate::platform::now_secs())
            {
                told.to.get_or_insert_with(Vec::new);
                crate::notify::tell(env, &company, vec![told]).await;
            }
            json(201, &accepted(&record))
        }
        OpenAnswer::Existing { record } => {
            // A resend after a failure between the ledger and the PDF write completes it.
            if let Some(pdf) = &document.pdf {
                let key = pdf_key(record.process.id());
                if kv.get_bytes(&key).await?.is_none() {
                    kv.put_bytes(&key, pdf.as_bytes()).await?;
                }
            }
            json(200, &accepted(&record))
        }
        OpenAnswer::DifferentContent { process_id } => Err(DocumentRefusal::DifferentContent {
            document_id: document.summary.document_id.to_string(),
            process_id,
        }
        .into()),
    }
}
