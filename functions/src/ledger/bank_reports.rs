//! Bank status reports (pain.002) on the ledger's payments: matched by
//! `ap_core::bank_report::match_report`, each status change a "bank" event.

use ap_core::api_autopay::{PaymentStatus, StatusReportResult};
use ap_core::bank_report::{match_report, ReportItem, ReportedPayment};
use ap_core::ids::{CompanyId, InvoiceId, PaymentFileId, PaymentId};
use serde::Deserialize;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use worker::Result;

use super::payment_store::{payment_row, NewEvent, StoredPayment};
use super::schema::text;
use super::uploads::{tally, Tallies};
use super::Ledger;

impl Ledger {
    /// A bank status report on the files with message id `original_msg_id`: the payments of
    /// those files are matched by [`match_report`]; each status change is written as a "bank"
    /// event, the changed payments once each, and rejected token payments' warnings tallied on
    /// their processes.
    pub(super) fn bank_report(
        &self,
        company: &CompanyId,
        report_msg_id: &str,
        original_msg_id: &str,
        items: Vec<ReportItem>,
        now: u64,
    ) -> Result<StatusReportResult> {
        let payments = self.reported_payments(original_msg_id)?;
        let decided = match_report(report_msg_id, &items, &payments);
        let mut changed: BTreeMap<usize, StoredPayment> = BTreeMap::new();
        let mut rows = Vec::new();
        let mut tallies = Tallies::new();
        for change in decided.changes() {
            let p = match changed.entry(change.payment) {
                Entry::Occupied(loaded) => loaded.into_mut(),
                Entry::Vacant(slot) => {
                    let id = &payments[change.payment].id;
                    let p = self.load_payment(id)?.ok_or_else(|| {
                        worker::Error::RustError(format!("payment {id} vanished"))
                    })?;
                    slot.insert(p)
                }
            };
            p.status = change.to;
            p.updated_at = now;
            if let Some(reason) = &change.bank_reason {
                p.bank_reason = Some(reason.clone());
            }
            self.payment_event(
                &p.id,
                now,
                NewEvent::status("bank", change.detail.clone(), change.from, change.to),
            )?;
            if let Some(w) = &change.process_warning {
                tally(&mut tallies, &w.process, w.warning.clone(), &p.id);
            }
            rows.push(payment_row(company, p));
        }
        for p in changed.values() {
            self.save_payment(p)?;
        }
        self.write_tallies(tallies, &format!("status report {report_msg_id}"), now)?;
        Ok(StatusReportResult {
            report_msg_id: report_msg_id.to_owned(),
            original_msg_id: original_msg_id.to_owned(),
            matched: decided.matched(),
            changed: decided.changed(),
            unchanged: decided.unchanged(),
            unmatched: decided.unmatched(),
            payments: rows,
        })
    }

    /// The payments of every file with message id `msg_id`, file by file (in upload order),
    /// each in file order: what a status report on that message can name. Only the columns
    /// matching needs, so a report costs one parse per changed payment, not per payment.
    fn reported_payments(&self, msg_id: &str) -> Result<Vec<ReportedPayment>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            file_id: String,
            status: String,
            instr_hash: Option<String>,
            end_to_end_id: String,
            pmt_inf_id: String,
            process_id: Option<String>,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT p.id, p.file_id, p.status, p.instr_hash, p.end_to_end_id, p.pmt_inf_id, \
                 json_extract(p.data, '$.process_id') AS process_id \
                 FROM payments p JOIN payment_files f ON f.id = p.file_id \
                 WHERE f.msg_id = ? ORDER BY f.uploaded_at, f.id, p.seq",
                vec![text(msg_id)],
            )?
            .to_array()?;
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            worker::Error::RustError(format!("stored payment {what}: {e}"))
        };
        rows.into_iter()
            .map(|r| {
                Ok(ReportedPayment {
                    id: PaymentId::parse(&r.id).map_err(|e| bad("id", &e))?,
                    file_id: PaymentFileId::parse(&r.file_id).map_err(|e| bad("file", &e))?,
                    status: PaymentStatus::parse_key(&r.status)
                        .ok_or_else(|| bad("status", &r.status))?,
                    instr_hash: r.instr_hash,
                    end_to_end_id: r.end_to_end_id,
                    pmt_inf_id: r.pmt_inf_id,
                    process_id: r
                        .process_id
                        .map(|p| InvoiceId::parse(&p).map_err(|e| bad("process", &e)))
                        .transpose()?,
                })
            })
            .collect()
    }
}
