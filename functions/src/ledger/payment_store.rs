//! The AutoPay rows of the ledger (a payment, a payment file, a payment event) and how they
//! are read and written; [`payment_row`], the overview row every payment answer carries.

use ap_core::api_autopay::{FileStatus, PaymentRow, PaymentStatus};
use ap_core::approval::amount_view;
use ap_core::dates::Timestamp;
use ap_core::ids::{CompanyId, InvoiceId, PaymentFileId, PaymentId, UserId};
use ap_core::token::{TokenHash, TokenRecord};
use serde::{Deserialize, Serialize};
use worker::Result;

use super::schema::{from_json, text, to_json, Data};
use super::{Ledger, NewPayment};

/// A payment as stored in `payments.data`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StoredPayment {
    pub(super) id: PaymentId,
    pub(super) file_id: PaymentFileId,
    pub(super) payment: NewPayment,
    pub(super) status: PaymentStatus,
    /// The status the upload (or its signing) gave: the upload's outcome, answered again on
    /// a replay.
    pub(super) upload_status: PaymentStatus,
    pub(super) pre_approved: bool,
    pub(super) process_id: Option<InvoiceId>,
    pub(super) approver_ids: Vec<UserId>,
    pub(super) approver_names: Vec<String>,
    pub(super) warning: Option<String>,
    pub(super) bank_reason: Option<String>,
    pub(super) created_at: u64,
    pub(super) updated_at: u64,
}

/// A file as stored in `payment_files.data`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct FileData {
    pub(super) id: PaymentFileId,
    pub(super) content_hash: String,
    pub(super) msg_id: String,
    pub(super) status: FileStatus,
    pub(super) uploaded_at: u64,
    pub(super) uploaded_by: String,
    pub(super) payment_count: usize,
    pub(super) signed_by: Option<String>,
    pub(super) signed_at: Option<u64>,
}

/// One event of a payment, as [`Ledger::payment_event`] stores it: `NewEvent::new(kind, actor,
/// detail)` or `NewEvent::status(..)`, with the file or two-step method where it has one.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct NewEvent {
    pub(super) kind: String,
    pub(super) actor: String,
    pub(super) detail: String,
    pub(super) file_id: Option<String>,
    pub(super) bundle_id: Option<String>,
    pub(super) method: Option<String>,
    pub(super) approved_at: Option<String>,
    pub(super) from_status: Option<PaymentStatus>,
    pub(super) to_status: Option<PaymentStatus>,
}

impl NewEvent {
    pub(super) fn new(kind: &str, actor: &str, detail: String) -> Self {
        Self {
            kind: kind.to_owned(),
            actor: actor.to_owned(),
            detail,
            file_id: None,
            bundle_id: None,
            method: None,
            approved_at: None,
            from_status: None,
            to_status: None,
        }
    }

    /// A status change; `from` is `None` for a payment's first status (it was only received).
    pub(super) fn status(
        actor: &str,
        detail: String,
        from: impl Into<Option<PaymentStatus>>,
        to: PaymentStatus,
    ) -> Self {
        Self {
            from_status: from.into(),
            to_status: Some(to),
            ..Self::new(to.as_key(), actor, detail)
        }
    }

    /// Another kind than the status change's own.
    pub(super) fn kind(self, kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            ..self
        }
    }

    /// The payment file the event concerns.
    pub(super) fn file(self, file_id: impl ToString) -> Self {
        Self {
            file_id: Some(file_id.to_string()),
            ..self
        }
    }

    /// The two-step method that confirmed the event, if any.
    pub(super) fn method(self, method: Option<String>) -> Self {
        Self { method, ..self }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoredEvent {
    pub(super) at: u64,
    #[serde(flatten)]
    pub(super) event: NewEvent,
}

pub(super) fn rfc3339(secs: u64) -> String {
    Timestamp(secs).to_rfc3339()
}

/// The overview row of a stored payment.
pub(super) fn payment_row(company: &CompanyId, p: &StoredPayment) -> PaymentRow {
    PaymentRow {
        id: p.id.to_string(),
        company_id: company.to_string(),
        file_id: p.file_id.to_string(),
        pmt_inf_id: p.payment.pmt_inf_id.clone(),
        end_to_end_id: p.payment.end_to_end_id.clone(),
        instr_id_present: p.payment.instr_hash.is_some(),
        debtor_name: p.payment.debtor_name.clone(),
        debtor_account: p.payment.debtor_iban.to_string(),
        bank_agreement_id: p.payment.bank_agreement_id.to_string(),
        creditor_name: p.payment.creditor_name.clone(),
        creditor_account: p.payment.creditor_account.clone(),
        amount: amount_view(p.payment.amount),
        requested_execution_date: p.payment.requested_execution_date.to_string(),
        status: p.status,
        status_label: p.status.label().to_owned(),
        pre_approved: p.pre_approved,
        process_id: p.process_id.as_ref().map(ToString::to_string),
        approvals_required: p.payment.needs().approvals_required,
        code_on_approval: p.payment.needs().code_on_approval,
        approvals: p.approver_names.clone(),
        warning: p.warning.clone(),
        bank_reason: p.bank_reason.clone(),
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(p.updated_at),
    }
}

impl Ledger {
    pub(super) fn payment_event(
        &self,
        payment: &PaymentId,
        at: u64,
        event: NewEvent,
    ) -> Result<()> {
        self.sql.exec(
            "INSERT INTO payment_events (payment_id, data) VALUES (?, ?)",
            vec![
                text(payment.as_str()),
                text(to_json(&StoredEvent { at, event })?),
            ],
        )?;
        Ok(())
    }

    pub(super) fn save_payment(&self, p: &StoredPayment) -> Result<()> {
        self.sql.exec(
            "UPDATE payments SET status = ?, data = ? WHERE id = ?",
            vec![
                text(p.status.as_key()),
                text(to_json(p)?),
                text(p.id.as_str()),
            ],
        )?;
        Ok(())
    }

    pub(super) fn load_payment(&self, id: &PaymentId) -> Result<Option<StoredPayment>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payments WHERE id = ?",
                vec![text(id.as_str())],
            )?
            .to_array()?;
        rows.first().map(|r| from_json(&r.data)).transpose()
    }

    pub(super) fn file_payments(&self, file_id: &str) -> Result<Vec<StoredPayment>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payments WHERE file_id = ? ORDER BY seq",
                vec![text(file_id)],
            )?
            .to_array()?;
        rows.iter().map(|r| from_json(&r.data)).collect()
    }

    pub(super) fn load_file(&self, where_sql: &str, value: &str) -> Result<Option<FileData>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                &format!("SELECT data FROM payment_files WHERE {where_sql} = ?"),
                vec![text(value)],
            )?
            .to_array()?;
        rows.first().map(|r| from_json(&r.data)).transpose()
    }

    pub(super) fn save_file(&self, file: &FileData) -> Result<()> {
        self.sql.exec(
            "UPDATE payment_files SET status = ?, data = ? WHERE id = ?",
            vec![
                text(file.status.as_key()),
                text(to_json(file)?),
                text(file.id.as_str()),
            ],
        )?;
        Ok(())
    }

    /// The token this company issued with `hash`, and its process.
    pub(super) fn token_by_hash(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<(InvoiceId, TokenRecord)>> {
        #[derive(Deserialize)]
        struct Row {
            process_id: String,
            record: String,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT process_id, record FROM tokens WHERE token_hash = ?",
                vec![text(hash.to_hex())],
            )?
            .to_array()?;
        rows.first()
            .map(|row| {
                let process_id = InvoiceId::parse(&row.process_id)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                Ok((process_id, from_json(&row.record)?))
            })
            .transpose()
    }
}
