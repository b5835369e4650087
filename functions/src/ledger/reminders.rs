//! The hourly run's part in a company's ledger, and the company webhook's delivery log.
//!
//! - `reminders`: one row per reminder sent (`process_id`, `kind`: soon overdue, overdue,
//!   escalated), written in the command that decides it, so a second run sends nothing twice.
//! - `webhook_deliveries`: one row per event for the company's webhook (`id`: the notice's, so
//!   an event told twice is delivered once), its JSON `body` as sent, `status`
//!   (`ap_core::notify::DeliveryStatus`), `attempts`, `next_attempt_at` and the last result.
//!
//! [`Ledger::remind`] reads only the open tasks due by today plus the company's "soon overdue"
//! days (the `task_due` index), so its cost grows with the tasks due, not with all processes.

use ap_core::api_workflow::DeliveryView;
use ap_core::dates::{Date, Timestamp};
use ap_core::ids::UserId;
use ap_core::notify::{
    last_due_day_to_remind, reminders_due, retry_after_seconds, Addressed, DeliveryStatus, Notice,
    NoticeKind,
};
use ap_core::workflow::working_days_overdue;
use serde::{Deserialize, Serialize};
use worker::Result;

use super::schema::{int, text, DataRow};
use super::Ledger;

/// The tables of this file, created when the object starts.
pub(super) const SCHEMA: [&str; 4] = [
    "CREATE TABLE IF NOT EXISTS reminders (process_id TEXT NOT NULL, kind TEXT NOT NULL, \
     sent_at INTEGER NOT NULL, PRIMARY KEY (process_id, kind))",
    "CREATE TABLE IF NOT EXISTS webhook_deliveries (id TEXT PRIMARY KEY, kind TEXT NOT NULL, \
     invoice_number TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, \
     attempts INTEGER NOT NULL, created_at INTEGER NOT NULL, next_attempt_at INTEGER, \
     last_result TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries \
     (status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_newest ON webhook_deliveries \
     (created_at DESC, id DESC)",
];

/// How long a delivery handed out stays with the one sending it (longer than its timeout).
const DELIVERY_LEASE_SECONDS: u64 = 60;

/// The company's settings the run decides with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemindSettings {
    pub soon_days: u32,
    pub escalate_after: u32,
    /// The escalation approver, still an active Invoice Approver (checked by the Worker), with
    /// their name; `None`: overdue tasks are reminded, never moved.
    pub escalation: Option<(UserId, String)>,
}

/// One delivery due now: its id and the body to send.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DueDelivery {
    pub id: String,
    pub body: String,
}

#[derive(Deserialize)]
struct KindRow {
    kind: String,
}

#[derive(Deserialize)]
struct DeliveryRow {
    id: String,
    kind: String,
    invoice_number: String,
    status: String,
    attempts: i64,
    created_at: i64,
    next_attempt_at: Option<i64>,
    last_result: String,
}

fn status_name(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::GaveUp => "gave_up",
    }
}

fn status_of(name: &str) -> DeliveryStatus {
    match name {
        "delivered" => DeliveryStatus::Delivered,
        "gave_up" => DeliveryStatus::GaveUp,
        _ => DeliveryStatus::Pending,
    }
}

impl Ledger {
    /// The hourly run for this company: the reminders each due task is owed (once), and the
    /// escalation of a task overdue for the company's delay, all in this one command.
    pub(super) fn remind(
        &self,
        today: Date,
        now: u64,
        settings: &RemindSettings,
    ) -> Result<Vec<Addressed>> {
        // Keys begin with the due date: every key of a day up to the last is below the next day.
        let last = last_due_day_to_remind(today, settings.soon_days);
        let below = last
            .add_days(1)
            .map(|d| d.to_string())
            .unwrap_or_else(|_| "~".into());
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE task_due IS NOT NULL AND task_due < ? \
                 ORDER BY task_due",
                vec![text(below)],
            )?
            .to_array()?;
        let mut told = Vec::new();
        for row in &rows {
            let record = self.record_from(row)?;
            let mut process = record.process;
            let id = process.id().clone();
            let sent: Vec<NoticeKind> = self
                .sql
                .exec(
                    "SELECT kind FROM reminders WHERE process_id = ?",
                    vec![text(id.as_str())],
                )?
                .to_array::<KindRow>()?
                .iter()
                .filter_map(|r| NoticeKind::parse(&r.kind))
                .collect();
            let due = process.document().due_date;
            for kind in reminders_due(
                due,
                today,
                settings.soon_days,
                settings.escalate_after,
                &sent,
            ) {
                let addressed = match kind {
                    NoticeKind::Escalated => {
                        // Without an escalation approver nothing moves; the reminder stays owed
                        // for when one is set.
                        let Some((to, to_name)) = &settings.escalation else {
                            continue;
                        };
                        let days = working_days_overdue(due, today);
                        match process.escalate(to, to_name, days, Timestamp(now)) {
                            Some(transition) => {
                                self.save(&process, &record.warnings)?;
                                self.transition_history(
                                    &transition,
                                    &ap_core::sentence!("The hourly reminder run"),
                                )?;
                                Some(Addressed {
                                    notice: Notice::about(
                                        &process,
                                        kind,
                                        &due.to_string(),
                                        days.to_string(),
                                        now,
                                    ),
                                    to: Some(vec![to.clone()]),
                                })
                            }
                            // They have it already, or approved it: nobody to move it to.
                            None => None,
                        }
                    }
                    _ => Some(Addressed {
                        notice: Notice::about(&process, kind, &due.to_string(), "", now),
                        to: process.assignees(),
                    }),
                };
                self.sql.exec(
                    "INSERT OR IGNORE INTO reminders (process_id, kind, sent_at) VALUES (?, ?, ?)",
                    vec![text(id.as_str()), text(kind.as_str()), int(now)],
                )?;
                told.extend(addressed);
            }
        }
        Ok(told)
    }

    /// Keeps these notices for the company's webhook (once each, by id), due at once.
    pub(super) fn enqueue_deliveries(&self, notices: &[Notice], now: u64) -> Result<()> {
        for notice in notices {
            let body = serde_json::to_string(notice)
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            self.sql.exec(
                "INSERT OR IGNORE INTO webhook_deliveries (id, kind, invoice_number, body, status, \
                 attempts, created_at, next_attempt_at, last_result) VALUES (?, ?, ?, ?, ?, 0, ?, ?, '')",
                vec![
                    text(notice.id.as_str()),
                    text(notice.kind.as_str()),
                    text(notice.invoice_number.as_str()),
                    text(body),
                    text(status_name(DeliveryStatus::Pending)),
                    int(now),
                    int(now),
                ],
            )?;
        }
        Ok(())
    }

    /// The deliveries due at `now`, oldest first, at most `limit`, each leased to the caller
    /// for [`DELIVERY_LEASE_SECONDS`]: a run or request delivering at the same time does not
    /// take them too, and one that never reports back leaves them due again after the lease.
    pub(super) fn due_deliveries(&self, now: u64, limit: usize) -> Result<Vec<DueDelivery>> {
        let due: Vec<DueDelivery> = self
            .sql
            .exec(
                "SELECT id, body FROM webhook_deliveries WHERE status = 'pending' \
                 AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                vec![int(now), int(limit as u64)],
            )?
            .to_array()?;
        for delivery in &due {
            self.sql.exec(
                "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?",
                vec![
                    int(now.saturating_add(DELIVERY_LEASE_SECONDS)),
                    text(delivery.id.as_str()),
                ],
            )?;
        }
        Ok(due)
    }

    /// Records one attempt: delivered, or due again after the back-off, or given up.
    pub(super) fn delivery_attempted(
        &self,
        id: &str,
        ok: bool,
        result: &str,
        now: u64,
    ) -> Result<()> {
        #[derive(Deserialize)]
        struct Attempts {
            attempts: i64,
            status: String,
        }
        let rows: Vec<Attempts> = self
            .sql
            .exec(
                "SELECT attempts, status FROM webhook_deliveries WHERE id = ?",
                vec![text(id)],
            )?
            .to_array()?;
        // Unknown, or settled meanwhile by another run: nothing to record.
        let Some(row) = rows.first().filter(|r| r.status == "pending") else {
            return Ok(());
        };
        let attempts = u32::try_from(row.attempts).unwrap_or(0).saturating_add(1);
        let (status, next) = if ok {
            (DeliveryStatus::Delivered, None)
        } else {
            match retry_after_seconds(attempts) {
                Some(wait) => (DeliveryStatus::Pending, Some(now.saturating_add(wait))),
                None => (DeliveryStatus::GaveUp, None),
            }
        };
        let result: String = result.chars().take(200).collect();
        self.sql.exec(
            "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, \
             last_result = ? WHERE id = ?",
            vec![
                text(status_name(status)),
                int(u64::from(attempts)),
                next.map_or(worker::SqlStorageValue::Null, int),
                text(result),
                text(id),
            ],
        )?;
        Ok(())
    }

    /// The delivery log, newest first.
    pub(super) fn deliveries(&self, limit: usize) -> Result<Vec<DeliveryView>> {
        let rows: Vec<DeliveryRow> = self
            .sql
            .exec(
                "SELECT id, kind, invoice_number, status, attempts, created_at, next_attempt_at, \
                 last_result FROM webhook_deliveries ORDER BY created_at DESC, id DESC LIMIT ?",
                vec![int(limit as u64)],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(DeliveryView {
                    kind: NoticeKind::parse(&r.kind)?,
                    id: r.id,
                    invoice_number: r.invoice_number,
                    status: status_of(&r.status),
                    attempts: u32::try_from(r.attempts).unwrap_or(0),
                    created_at: crate::records::rfc3339(u64::try_from(r.created_at).unwrap_or(0)),
                    next_attempt_at: r
                        .next_attempt_at
                        .filter(|_| r.status == "pending")
                        .and_then(|t| u64::try_from(t).ok())
                        .map(crate::records::rfc3339),
                    last_result: r.last_result,
                })
            })
            .collect())
    }
}
