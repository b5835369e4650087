//! The ledger's read-only commands: the process list, one process with its history, and
//! AutoPay's payment files, payments and payment events.

use ap_core::api_autopay::{
    PaymentEvent, PaymentEvents, PaymentFileRow, PaymentRow, PaymentStatus, UploadResult,
};
use ap_core::approval::TaskSort;
use ap_core::ids::{CompanyId, InvoiceId, PaymentId, UserId};
use ap_core::process::ProcessState;
use ap_core::task_list::TaskKey;
use worker::Result;

use super::payment_store::{payment_row, rfc3339, FileData, StoredEvent};
use super::schema::{from_json, int, opt_text, text, Data, DataRow};
use super::{HistoryRow, Ledger, ProcessRecord, ProcessWithHistory};

impl Ledger {
    pub(super) fn list(&self) -> Result<Vec<ProcessRecord>> {
        self.all()
    }

    /// A page of the open tasks in `ap_core::task_list`'s order, through the index on their
    /// stored sort keys ([`TaskKey::sort_text`]): only the page's rows are read.
    pub(super) fn open_tasks(
        &self,
        sort: TaskSort,
        after: Option<&TaskKey>,
        limit: usize,
    ) -> Result<Vec<ProcessRecord>> {
        let column = match sort {
            TaskSort::DueDate => "task_due",
            TaskSort::Amount => "task_amount",
        };
        // Every key is longer than "", so no cursor means from the first task.
        let after = after.map(|key| key.sort_text(sort)).unwrap_or_default();
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT data, warnings FROM processes WHERE {column} > ? \
                     ORDER BY {column} LIMIT ?"
                ),
                vec![text(after), int(limit as u64)],
            )?
            .to_array()?;
        rows.iter().map(|r| self.record_from(r)).collect()
    }

    /// The processes in `user`'s bundle, found through the state index: the bundle is read
    /// without reading the company's other processes.
    pub(super) fn in_bundle(&self, user: &UserId) -> Result<Vec<ProcessRecord>> {
        let in_bundle = ProcessState::InBundle { user: user.clone() };
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE state = ? ORDER BY id",
                vec![text(in_bundle.name())],
            )?
            .to_array()?;
        let mut mine = Vec::new();
        for row in &rows {
            let record = self.record_from(row)?;
            if *record.process.state() == in_bundle {
                mine.push(record);
            }
        }
        Ok(mine)
    }

    pub(super) fn get(&self, process_id: &InvoiceId) -> Result<Option<ProcessWithHistory>> {
        let Some(record) = self.load(process_id)? else {
            return Ok(None);
        };
        let history: Vec<HistoryRow> = self
            .sql
            .exec(
                "SELECT at, kind, actor, detail, bundle_id, method, comment FROM history \
                 WHERE process_id = ? ORDER BY seq",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        Ok(Some(ProcessWithHistory { record, history }))
    }

    pub(super) fn file_result(
        &self,
        company: &CompanyId,
        file_id: &str,
    ) -> Result<Option<UploadResult>> {
        self.load_file("id", file_id)?
            .map(|f| self.upload_result(company, &f, false))
            .transpose()
    }

    pub(super) fn list_files(&self, company: &CompanyId) -> Result<Vec<PaymentFileRow>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payment_files ORDER BY uploaded_at DESC LIMIT 500",
                None,
            )?
            .to_array()?;
        rows.iter()
            .map(|r| {
                let f: FileData = from_json(&r.data)?;
                Ok(PaymentFileRow {
                    id: f.id.to_string(),
                    company_id: company.to_string(),
                    msg_id: f.msg_id,
                    status: f.status,
                    status_label: f.status.label().to_owned(),
                    content_sha256: f.content_hash,
                    uploaded_at: rfc3339(f.uploaded_at),
                    uploaded_by: f.uploaded_by,
                    payment_count: f.payment_count,
                    signed_by: f.signed_by,
                    signed_at: f.signed_at.map(rfc3339),
                })
            })
            .collect()
    }

    pub(super) fn list_payments(
        &self,
        company: &CompanyId,
        status: Option<PaymentStatus>,
        file: Option<String>,
        date: Option<String>,
        limit: usize,
    ) -> Result<Vec<PaymentRow>> {
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payments WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR file_id = ?2) \
                 AND (?3 IS NULL OR exec_date = ?3) ORDER BY rowid DESC LIMIT ?4",
                vec![
                    opt_text(status.map(|s| s.as_key().to_owned())),
                    opt_text(file),
                    opt_text(date),
                    int(limit as u64),
                ],
            )?
            .to_array()?;
        rows.iter()
            .map(|r| Ok(payment_row(company, &from_json(&r.data)?)))
            .collect()
    }

    pub(super) fn events(
        &self,
        company: &CompanyId,
        id: &PaymentId,
    ) -> Result<Option<PaymentEvents>> {
        let Some(p) = self.load_payment(id)? else {
            return Ok(None);
        };
        let rows: Vec<Data> = self
            .sql
            .exec(
                "SELECT data FROM payment_events WHERE payment_id = ? ORDER BY seq",
                vec![text(id.as_str())],
            )?
            .to_array()?;
        let events = rows
            .iter()
            .map(|r| {
                let e: StoredEvent = from_json(&r.data)?;
                Ok(PaymentEvent {
                    at: rfc3339(e.at),
                    kind: e.event.kind,
                    actor: e.event.actor,
                    detail: e.event.detail,
                    file_id: e.event.file_id,
                    bundle_id: e.event.bundle_id,
                    method: e.event.method,
                    approved_at: e.event.approved_at,
                    from_status: e.event.from_status,
                    to_status: e.event.to_status,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(PaymentEvents {
            payment: payment_row(company, &p),
            events,
        }))
    }
}
