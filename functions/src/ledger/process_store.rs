//! How the ledger reads and writes invoice processes, their tokens and their history: the
//! helpers every process command and AutoPay's settlement share, and [`HistoryEntry`].

use ap_core::ids::InvoiceId;
use ap_core::process::{Change, Process, Transition};
use ap_core::token::TokenRecord;
use ap_core::warnings::Warning;
use serde::Deserialize;
use worker::{Result, SqlStorageValue};

use super::schema::{from_json, int, opt_text, task_keys, text, to_json, DataRow, TokenRow};
use super::{ApprovedRow, Ledger, ProcessRecord};

/// One entry of a process's history, for [`Ledger::history`]: what happened and who did it,
/// with the bundle, two-step method or comment where the event has one.
pub(super) struct HistoryEntry<'a> {
    kind: &'a str,
    actor: &'a str,
    detail: String,
    bundle_id: Option<String>,
    method: Option<String>,
    comment: Option<String>,
}

impl<'a> HistoryEntry<'a> {
    pub(super) fn new(kind: &'a str, actor: &'a str, detail: impl Into<String>) -> Self {
        Self {
            kind,
            actor,
            detail: detail.into(),
            bundle_id: None,
            method: None,
            comment: None,
        }
    }

    /// The signed bundle the event belongs to.
    pub(super) fn bundle(self, bundle_id: &str) -> Self {
        Self {
            bundle_id: Some(bundle_id.to_owned()),
            ..self
        }
    }

    /// The two-step method that confirmed the event.
    pub(super) fn method(self, method: &str) -> Self {
        Self {
            method: Some(method.to_owned()),
            ..self
        }
    }

    /// The approver's comment (a rejection's reason or a comment), if any.
    pub(super) fn comment(self, comment: Option<String>) -> Self {
        Self { comment, ..self }
    }
}

impl Ledger {
    pub(super) fn token_of(&self, process_id: &InvoiceId) -> Result<Option<TokenRecord>> {
        let rows: Vec<TokenRow> = self
            .sql
            .exec(
                "SELECT record FROM tokens WHERE process_id = ?",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        rows.first().map(|r| from_json(&r.record)).transpose()
    }

    pub(super) fn record_from(&self, row: &DataRow) -> Result<ProcessRecord> {
        let process: Process = from_json(&row.data)?;
        let token = self.token_of(process.id())?;
        Ok(ProcessRecord {
            warnings: from_json(&row.warnings)?,
            token,
            process,
        })
    }

    pub(super) fn load(&self, process_id: &InvoiceId) -> Result<Option<ProcessRecord>> {
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE id = ?",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        rows.first().map(|r| self.record_from(r)).transpose()
    }

    pub(super) fn save(&self, process: &Process, warnings: &[Warning]) -> Result<()> {
        let [due, amount, assignees, postponed] = task_keys(process);
        self.sql.exec(
            "UPDATE processes SET state = ?, version = ?, data = ?, warnings = ?, task_due = ?, \
             task_amount = ?, assignees = ?, postponed_until = ? WHERE id = ?",
            vec![
                text(process.state().name()),
                int(process.version()),
                text(to_json(process)?),
                text(to_json(&warnings)?),
                due,
                amount,
                assignees,
                postponed,
                text(process.id().as_str()),
            ],
        )?;
        Ok(())
    }

    pub(super) fn save_token(&self, process_id: &InvoiceId, token: &TokenRecord) -> Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO tokens (token_hash, process_id, record) VALUES (?, ?, ?)",
            vec![
                text(token.token_hash.to_hex()),
                text(process_id.as_str()),
                text(to_json(token)?),
            ],
        )?;
        Ok(())
    }

    /// Appends `entry` to the history of `process_id`.
    pub(super) fn history(
        &self,
        process_id: &InvoiceId,
        at: u64,
        entry: HistoryEntry<'_>,
    ) -> Result<()> {
        self.sql.exec(
            "INSERT INTO history (process_id, at, kind, actor, detail, bundle_id, method, comment) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(process_id.as_str()),
                int(at),
                text(entry.kind),
                text(entry.actor),
                text(entry.detail),
                opt_text(entry.bundle_id),
                opt_text(entry.method),
                opt_text(entry.comment),
            ],
        )?;
        Ok(())
    }

    /// The history entry of a change made by a process transition.
    pub(super) fn transition_history(&self, t: &Transition, actor: &str) -> Result<()> {
        let comment = match &t.change {
            Change::Commented { text } => Some(text.to_string()),
            Change::Rejected { comment } => Some(comment.to_string()),
            _ => None,
        };
        self.history(
            &t.process_id,
            t.at.unix_secs(),
            HistoryEntry::new(change_kind(&t.change), actor, t.change.describe()).comment(comment),
        )
    }

    pub(super) fn same_supplier(&self, supplier_org: &str) -> Result<Vec<ProcessRecord>> {
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE supplier_org = ?",
                vec![text(supplier_org)],
            )?
            .to_array()?;
        rows.iter().map(|r| self.record_from(r)).collect()
    }

    /// Approved invoices (the ERP outbox joined with their processes) matching `filter`, an SQL
    /// `WHERE` tail over `approved a` with its positional `bindings`.
    pub(super) fn approved_rows(
        &self,
        filter: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> Result<Vec<ApprovedRow>> {
        #[derive(Deserialize)]
        struct Row {
            seq: i64,
            approved_at: i64,
            sealed_token: Option<String>,
            data: String,
            warnings: String,
        }
        let rows: Vec<Row> = self
            .sql
            .exec(
                &format!(
                    "SELECT a.seq, a.approved_at, a.sealed_token, p.data, p.warnings FROM approved a \
                     JOIN processes p ON p.id = a.process_id WHERE {filter}"
                ),
                bindings,
            )?
            .to_array()?;
        rows.into_iter()
            .map(|r| {
                Ok(ApprovedRow {
                    seq: r.seq,
                    approved_at: r.approved_at,
                    sealed_token: r.sealed_token,
                    record: self.record_from(&DataRow {
                        data: r.data,
                        warnings: r.warnings,
                    })?,
                })
            })
            .collect()
    }
}

/// The history `kind` of a change.
pub(super) fn change_kind(change: &Change) -> &'static str {
    match change {
        Change::Opened { .. } => "opened",
        Change::Approved { complete: true, .. } => "approved",
        Change::Approved {
            complete: false,
            step: Some(_),
        } => "step_approved",
        Change::Approved {
            complete: false,
            step: None,
        } => "first_approval",
        Change::AddedToBundle => "added_to_bundle",
        Change::RemovedFromBundle => "removed_from_bundle",
        Change::BundleCancelled => "bundle_cancelled",
        Change::PaymentApproved { .. } => "payment_approved",
        Change::Rejected { .. } => "rejected",
        Change::Commented { .. } => "commented",
        Change::Forwarded { .. } => "forwarded",
        Change::ReviewRequested { .. } => "review_requested",
        Change::ReviewAnswered { .. } => "review_answered",
        Change::Postponed { .. } => "postponed",
        Change::Escalated { .. } => "escalated",
    }
}
