//! The ledger's read-only commands: the process list and the overview's pages, one process
//! with its history, and AutoPay's payment files, payments (both a page at a time, in keyset
//! order: `ap_core::listing`) and payment events.

use ap_core::api_approval::ProcessFilter;
use ap_core::api_autopay::{
    FileStatus, PaymentEvent, PaymentEvents, PaymentFileRow, PaymentRow, PaymentStatus,
    UploadResult,
};
use ap_core::approval::{matches_filter, FilterFacts, TaskSort};
use ap_core::ids::{CompanyId, InvoiceId, PaymentId, UserId};
use ap_core::listing::{self, FileKey, PaymentKey, ProcessKey};
use ap_core::process::ProcessState;
use ap_core::task_list::TaskKey;
use serde::Deserialize;
use worker::Result;

use super::payment_store::{payment_row, rfc3339, FileData, StoredEvent, StoredPayment};
use super::schema::{assignee_pattern, from_json, int, text, Data, DataRow};
use super::{HistoryRow, Ledger, ProcessRecord, ProcessWithHistory};

impl Ledger {
    /// A page of the process overview: at most `limit` processes after `after` in
    /// [`ProcessKey`]'s order that `filter` keeps. The status filter is a column; payment
    /// approval and warnings (as at `now`) are read from the records, so the rows are read in
    /// keyset batches from the `(due_date, id)` index until the page is full or none remain.
    pub(super) fn list_processes(
        &self,
        company: &CompanyId,
        filter: &ProcessFilter,
        now: u64,
        after: Option<&ProcessKey>,
        limit: usize,
    ) -> Result<Vec<ProcessRecord>> {
        #[derive(Deserialize)]
        struct Row {
            due_date: String,
            id: String,
            data: String,
            warnings: String,
        }
        let batch = limit.clamp(1, listing::MAX_LIMIT + 1);
        let mut from: Option<(String, String)> =
            after.map(|k| (k.due_date.to_string(), k.process.to_string()));
        let mut kept = Vec::new();
        while kept.len() < limit {
            let mut conditions = vec!["due_date IS NOT NULL"];
            let mut bindings = Vec::new();
            if let Some((due, id)) = &from {
                conditions.push("(due_date, id) > (?, ?)");
                bindings.extend([text(due.as_str()), text(id.as_str())]);
            }
            if let Some(status) = &filter.status {
                conditions.push("state = ?");
                bindings.push(text(status.as_str()));
            }
            bindings.push(int(batch as u64));
            let rows: Vec<Row> = self
                .sql
                .exec(
                    &format!(
                        "SELECT due_date, id, data, warnings FROM processes WHERE {} \
                         ORDER BY due_date, id LIMIT ?",
                        conditions.join(" AND ")
                    ),
                    bindings,
                )?
                .to_array()?;
            let exhausted = rows.len() < batch;
            for row in rows {
                from = Some((row.due_date, row.id));
                let record = self.record_from(&DataRow {
                    data: row.data,
                    warnings: row.warnings,
                })?;
                let warnings = record.warnings_at(now);
                let facts = FilterFacts {
                    company_id: company.as_str(),
                    status: record.process.state().name(),
                    payment_approved: record.process.payment_approved(),
                    warnings: &warnings,
                };
                if matches_filter(filter, &facts) && kept.len() < limit {
                    kept.push(record);
                }
            }
            if exhausted {
                break;
            }
        }
        Ok(kept)
    }

    /// A page of the open tasks in `ap_core::task_list`'s order, through the index on their
    /// stored sort keys ([`TaskKey::sort_text`]): only the page's rows are read.
    pub(super) fn open_tasks(
        &self,
        sort: TaskSort,
        after: Option<&TaskKey>,
        limit: usize,
        users: &[UserId],
        today: &str,
    ) -> Result<Vec<ProcessRecord>> {
        let column = match sort {
            TaskSort::DueDate => "task_due",
            TaskSort::Amount => "task_amount",
        };
        // Every key is longer than "", so no cursor means from the first task.
        let after = after.map(|key| key.sort_text(sort)).unwrap_or_default();
        // One `instr` per user (a handful: the user and whom they substitute for).
        let mine: String = users
            .iter()
            .map(|_| " OR instr(assignees, ?) > 0")
            .collect();
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT data, warnings FROM processes WHERE {column} > ? \
                     AND (assignees IS NULL{mine}) \
                     AND (postponed_until IS NULL OR postponed_until <= ?) \
                     ORDER BY {column} LIMIT ?"
                ),
                [text(after)]
                    .into_iter()
                    .chain(users.iter().map(|u| text(assignee_pattern(u))))
                    .chain([text(today), int(limit as u64)])
                    .collect::<Vec<_>>(),
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

    /// A page of the payment files, newest first ([`FileKey`]), each with its key: at most
    /// `limit` after `after`, from the `(uploaded_at, id)` index.
    pub(super) fn list_files(
        &self,
        company: &CompanyId,
        status: Option<FileStatus>,
        after: Option<&FileKey>,
        limit: usize,
    ) -> Result<Vec<(FileKey, PaymentFileRow)>> {
        let mut conditions = vec!["1 = 1"];
        let mut bindings = Vec::new();
        if let Some(k) = after {
            conditions.push("(uploaded_at, id) < (?, ?)");
            bindings.extend([int(k.uploaded_at), text(k.file.as_str())]);
        }
        if let Some(status) = status {
            conditions.push("status = ?");
            bindings.push(text(status.as_key()));
        }
        bindings.push(int(limit as u64));
        let rows: Vec<Data> = self
            .sql
            .exec(
                &format!(
                    "SELECT data FROM payment_files WHERE {} \
                     ORDER BY uploaded_at DESC, id DESC LIMIT ?",
                    conditions.join(" AND ")
                ),
                bindings,
            )?
            .to_array()?;
        rows.iter()
            .map(|r| {
                let f: FileData = from_json(&r.data)?;
                let key = FileKey {
                    uploaded_at: f.uploaded_at,
                    file: f.id.clone(),
                };
                let row = PaymentFileRow {
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
                };
                Ok((key, row))
            })
            .collect()
    }

    /// A page of the payments the filters keep, newest first ([`PaymentKey`]), each with its
    /// key: at most `limit` after `after`, from the `(created_at, file_id, seq)` index.
    pub(super) fn list_payments(
        &self,
        company: &CompanyId,
        status: Option<PaymentStatus>,
        file: Option<String>,
        date: Option<String>,
        after: Option<&PaymentKey>,
        limit: usize,
    ) -> Result<Vec<(PaymentKey, PaymentRow)>> {
        #[derive(Deserialize)]
        struct Row {
            created_at: i64,
            seq: i64,
            data: String,
        }
        let mut conditions = vec!["created_at IS NOT NULL"];
        let mut bindings = Vec::new();
        if let Some(k) = after {
            conditions.push("(created_at, file_id, seq) < (?, ?, ?)");
            bindings.extend([int(k.created_at), text(k.file.as_str()), int(k.seq)]);
        }
        for (column, value) in [
            ("status = ?", status.map(|s| s.as_key().to_owned())),
            ("file_id = ?", file),
            ("exec_date = ?", date),
        ] {
            if let Some(value) = value {
                conditions.push(column);
                bindings.push(text(value));
            }
        }
        bindings.push(int(limit as u64));
        let rows: Vec<Row> = self
            .sql
            .exec(
                &format!(
                    "SELECT created_at, seq, data FROM payments WHERE {} \
                     ORDER BY created_at DESC, file_id DESC, seq DESC LIMIT ?",
                    conditions.join(" AND ")
                ),
                bindings,
            )?
            .to_array()?;
        rows.iter()
            .map(|r| {
                let p: StoredPayment = from_json(&r.data)?;
                let key = PaymentKey {
                    created_at: u64::try_from(r.created_at).unwrap_or_default(),
                    file: p.file_id.clone(),
                    seq: u64::try_from(r.seq).unwrap_or_default(),
                };
                Ok((key, payment_row(company, &p)))
            })
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
        // The invoice the payment's token names: known once the token was checked, and before
        // that (a file waiting for its upload to be signed) from the token's hash.
        let process = match (&p.process_id, &p.payment.instr_hash) {
            (Some(process), _) => Some(process.clone()),
            (None, Some(hash)) => match ap_core::token::TokenHash::parse(hash) {
                Ok(hash) => self.token_by_hash(&hash)?.map(|(process, _)| process),
                Err(_) => None,
            },
            (None, None) => None,
        };
        let invoice_number = match &process {
            Some(process) => self
                .load(process)?
                .map(|r| r.process.document().invoice_number.as_str().to_owned()),
            None => None,
        };
        Ok(Some(PaymentEvents {
            payment: payment_row(company, &p),
            events,
            invoice_number,
            payment_reference: p.payment.creditor_reference.clone(),
        }))
    }
}
