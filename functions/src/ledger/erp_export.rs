//! What the ERP reads of the ledger: approved invoices in approval order, and the
//! payment-suggestion exports (made on reading, marked exported only when acknowledged).

use ap_core::ids::InvoiceId;
use ap_core::settlement::exports_as_pre_approved;
use serde::Deserialize;
use worker::Result;

use super::process_store::HistoryEntry;
use super::schema::{int, text};
use super::{ApprovedRow, ExportAck, ExportAnswer, Ledger};

impl Ledger {
    /// Approvals after `after` (a sequence number), oldest first.
    pub(super) fn approved(&self, after: u64, limit: usize) -> Result<Vec<ApprovedRow>> {
        self.approved_rows(
            "a.seq > ? ORDER BY a.seq LIMIT ?",
            vec![int(after), int(limit as u64)],
        )
    }

    /// The current payment-suggestion export of one kind: the unacknowledged one if there is
    /// one (the same invoices, id and creation time however often it is read), otherwise a new
    /// one of up to `limit` approved invoices that are in no export yet, under `export_id`;
    /// `None` when there is nothing to export. Marks nothing exported: only
    /// [`Ledger::acknowledge_export`] does. Pre-approved: invoices with a token that can still
    /// be used when the export is made; regular: every other approved invoice.
    pub(super) fn export(
        &self,
        pre_approved: bool,
        export_id: &str,
        limit: usize,
        now: u64,
    ) -> Result<Option<ExportAnswer>> {
        let kind = export_kind(pre_approved);
        let pending: Vec<ExportFileRow> = self
            .sql
            .exec(
                "SELECT export_id, created_at FROM export_files WHERE kind = ? \
                 AND acknowledged_at IS NULL ORDER BY created_at LIMIT 1",
                vec![text(kind)],
            )?
            .to_array()?;
        if let Some(file) = pending.into_iter().next() {
            let rows = self.export_rows(&file.export_id, pre_approved)?;
            return Ok(Some(ExportAnswer {
                export_id: file.export_id,
                created_at: u64::try_from(file.created_at).unwrap_or_default(),
                rows,
            }));
        }
        let candidates = self.approved_rows(
            "a.process_id NOT IN (SELECT process_id FROM exports) \
             AND a.process_id NOT IN (SELECT i.process_id FROM export_items i \
             JOIN export_files f ON f.export_id = i.export_id WHERE f.acknowledged_at IS NULL) \
             ORDER BY a.seq",
            Vec::new(),
        )?;
        let mut rows = Vec::new();
        for mut row in candidates {
            if rows.len() >= limit {
                break;
            }
            let usable =
                exports_as_pre_approved(row.record.token.as_ref(), row.sealed_token.is_some(), now);
            if usable != pre_approved {
                continue;
            }
            if !pre_approved {
                row.sealed_token = None;
            }
            rows.push(row);
        }
        if rows.is_empty() {
            return Ok(None);
        }
        self.sql.exec(
            "INSERT INTO export_files (export_id, kind, created_at, acknowledged_at) \
             VALUES (?, ?, ?, NULL)",
            vec![text(export_id), text(kind), int(now)],
        )?;
        for (pos, row) in rows.iter().enumerate() {
            self.sql.exec(
                "INSERT INTO export_items (export_id, pos, process_id) VALUES (?, ?, ?)",
                vec![
                    text(export_id),
                    int(pos as u64),
                    text(row.record.process.id().as_str()),
                ],
            )?;
        }
        Ok(Some(ExportAnswer {
            export_id: export_id.to_owned(),
            created_at: now,
            rows,
        }))
    }

    /// The invoices of one export, in approval order.
    fn export_rows(&self, export_id: &str, pre_approved: bool) -> Result<Vec<ApprovedRow>> {
        let mut rows = self.approved_rows(
            "a.process_id IN (SELECT process_id FROM export_items WHERE export_id = ?) \
             ORDER BY a.seq",
            vec![text(export_id)],
        )?;
        if !pre_approved {
            for row in &mut rows {
                row.sealed_token = None;
            }
        }
        Ok(rows)
    }

    /// The ERP acknowledges an export: its invoices are exported (one "exported" history entry
    /// each) and never offered again. Acknowledging again answers the same; `None`: no export of
    /// this kind has that id in this company.
    pub(super) fn acknowledge_export(
        &self,
        pre_approved: bool,
        export_id: &str,
        now: u64,
    ) -> Result<Option<ExportAck>> {
        let kind = export_kind(pre_approved);
        #[derive(Deserialize)]
        struct Row {
            acknowledged_at: Option<i64>,
        }
        let found: Vec<Row> = self
            .sql
            .exec(
                "SELECT acknowledged_at FROM export_files WHERE export_id = ? AND kind = ?",
                vec![text(export_id), text(kind)],
            )?
            .to_array()?;
        let Some(file) = found.into_iter().next() else {
            return Ok(None);
        };
        #[derive(Deserialize)]
        struct Item {
            process_id: String,
        }
        let items: Vec<Item> = self
            .sql
            .exec(
                "SELECT process_id FROM export_items WHERE export_id = ? ORDER BY pos",
                vec![text(export_id)],
            )?
            .to_array()?;
        if let Some(at) = file.acknowledged_at {
            return Ok(Some(ExportAck {
                export_id: export_id.to_owned(),
                invoices: items.len(),
                acknowledged_at: u64::try_from(at).unwrap_or_default(),
                newly: false,
            }));
        }
        self.sql.exec(
            "UPDATE export_files SET acknowledged_at = ? WHERE export_id = ?",
            vec![int(now), text(export_id)],
        )?;
        for item in &items {
            self.sql.exec(
                "INSERT OR IGNORE INTO exports (process_id, export_id, kind, exported_at) \
                 VALUES (?, ?, ?, ?)",
                vec![
                    text(&item.process_id),
                    text(export_id),
                    text(kind),
                    int(now),
                ],
            )?;
            let process = InvoiceId::parse(&item.process_id)
                .map_err(|e| worker::Error::RustError(format!("export item: {e}")))?;
            self.history(
                &process,
                now,
                HistoryEntry::new(
                    "exported",
                    "ERP",
                    ap_core::sentence!(
                        "Exported to the ERP in the {} payment-suggestion file {export_id} \
                         (acknowledged).",
                        if pre_approved {
                            "pre-approved"
                        } else {
                            "regular"
                        }
                    ),
                ),
            )?;
        }
        Ok(Some(ExportAck {
            export_id: export_id.to_owned(),
            invoices: items.len(),
            acknowledged_at: now,
            newly: true,
        }))
    }
}

fn export_kind(pre_approved: bool) -> &'static str {
    if pre_approved {
        "pre_approved"
    } else {
        "regular"
    }
}

#[derive(Deserialize)]
struct ExportFileRow {
    export_id: String,
    created_at: i64,
}
