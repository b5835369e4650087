//! The per-company ledger Durable Object: the source of truth for invoice processes, their
//! approval tokens and, for AutoPay, the payments that use them. This file holds the object
//! (its storage model, its start and its command dispatch) and the health probe; the commands
//! live beside it, one file per group:
//! - [`protocol`]: the commands the Worker sends ([`LedgerCommand`]), their answers, [`ask_ledger`];
//! - [`processes`]: open, act, cancel a bundle, sign a bundle, revoke a token;
//! - [`uploads`]: AutoPay payment files (upload, signing an upload) and token settlement;
//! - [`payment_approval`]: normal approval and rejection of a pending payment;
//! - [`bank_reports`]: pain.002 status reports;
//! - [`erp_export`]: approved invoices for the ERP and the payment-suggestion exports;
//! - [`views`]: the read-only lists and views;
//! - [`reminders`]: the hourly run's reminders and escalations, and the webhook's deliveries;
//! - [`signings`]: "Signed by me", this company's part of each bundle a user signed;
//! - [`process_store`], [`payment_store`]: the rows and how they are read and written;
//! - [`schema`]: the tables and the SQL value helpers.
//!
//! Storage model: SQLite (Durable Object SQL storage). One object per company, named by the
//! company id.
//! - `processes`: one row per invoice process: `id`, the Document Center `document_id`
//!   (unique: idempotency), the document's content `fingerprint`, `supplier_org` (for duplicate
//!   and account checks), `state` and `version` (also inside `data`, the `ap_core` `Process` as
//!   JSON; `state` indexed, for bundles), the stored `warnings` (JSON), and while the process is
//!   an open task its task-list sort keys `task_due` and `task_amount`
//!   (`ap_core::task_list::TaskKey::sort_text`; `NULL` otherwise), each in a partial index, so
//!   a page of the task list reads only its own rows. Every write of a process sets them; a
//!   ledger stored before they existed gets them at its first start after the upgrade.
//! - `tokens`: one row per issued approval token: its SHA-256 (`token_hash`, never the token),
//!   the `process_id`, and the `TokenRecord` (binding, expiry, revoked, consumed) as JSON.
//! - `approved`: the approval order the ERP pages through: `seq`, `process_id`, `approved_at`,
//!   and for pre-approved invoices the token sealed with `SECRETS_KEY` (associated data: the
//!   process id), never in plain text.
//! - `history`: every event of every process (who, when, what, bundle id, two-step method).
//! - `probe`: the health check's counter.
//! - `payment_files`: one row per AutoPay upload: `id` (`{company}_{first 20 hex of the
//!   SHA-256}`), `content_hash` (unique: the same bytes are the same upload), `idempotency_key`
//!   (unique when given), `msg_id`, `status` (`pending_signing`/`processed`), `data` (a
//!   `FileData` as JSON).
//! - `payments`: one row per payment: `id` (`{file id}-{seq}`), `file_id`, `seq`, `status`,
//!   `exec_date`, `end_to_end_id`, `pmt_inf_id`, `instr_hash` (SHA-256 of the `InstrId`, never
//!   the token) and `data` (a `StoredPayment` as JSON).
//! - `payment_events`: every event of every payment, in order.
//! - `exports`: which approved invoices the ERP acknowledged in which payment-suggestion file.
//! - `export_files`: one row per payment-suggestion export: `export_id`, `kind`
//!   (`pre_approved`/`regular`), `created_at`, `acknowledged_at` (NULL while the ERP has not
//!   acknowledged it; at most one unacknowledged export per kind).
//! - `export_items`: the invoices of each export in file order.
//! - `signed_invoices`: one row per signed invoice: `process_id`, the signer's `user_id`,
//!   `signed_at` and `bundle_id` (indexed by user and time), written by the `Sign` command that
//!   issues the invoice's token; a ledger stored before it gets it, filled from its history, at
//!   its first start after the upgrade.
//!
//! Each command runs its reads and writes without awaiting in between, so it is one atomic
//! step: of two approvers acting on the same version exactly one wins, signing a company's
//! part of a bundle either issues every token or none, and a token is consumed at most once
//! (of two uploads carrying it, the second finds it used).

use serde::Deserialize;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

use crate::durable::{answer_command, Transactions};

mod bank_reports;
mod erp_export;
mod payment_approval;
mod payment_store;
mod process_store;
mod processes;
mod protocol;
mod reminders;
mod schema;
mod signings;
mod uploads;
mod views;

pub use protocol::{
    ask_ledger, ActAnswer, Action, ApprovePaymentAnswer, ApprovedRow, ExportAck, ExportAnswer,
    HistoryRow, LedgerCommand, NewFile, NewPayment, OpenAnswer, PaymentApproval, PaymentRefusal,
    Presented, ProbeAnswer, ProcessRecord, ProcessWithHistory, SignAnswer, SignFileAnswer,
    SignItem, SignRefusal, Signing, UploadOutcome,
};
pub use reminders::{DueDelivery, RemindSettings};
use schema::{text, to_json};
pub use signings::SignedPart;

/// The ledger of one company (the `LEDGER` binding of `wrangler.toml`).
#[durable_object]
pub struct Ledger {
    sql: SqlStorage,
    transactions: Result<Transactions>,
}

impl DurableObject for Ledger {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        // SQLite-backed objects always have transactionSync; without it no command can run all
        // or nothing, so every command is refused (an outage, never a half-written command).
        let transactions = Transactions::of(&state);
        schema::create(&sql, &transactions);
        if let Err(e) = signings::create(&sql, &transactions) {
            worker::console_error!("ledger schema (signed_invoices): {e}");
        }
        for statement in reminders::SCHEMA {
            if let Err(e) = sql.exec(statement, None) {
                worker::console_error!("ledger schema (reminders): {e}");
            }
        }
        Self { sql, transactions }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        answer_command(&mut req, &self.transactions, "ledger", |c| self.dispatch(c)).await
    }
}

impl Ledger {
    /// Runs one command and answers its JSON.
    fn dispatch(&self, command: LedgerCommand) -> Result<String> {
        match command {
            LedgerCommand::Probe => to_json(&self.probe()?),
            LedgerCommand::ProbeCount => to_json(&self.probe_count()?),
            LedgerCommand::Open {
                process,
                fingerprint,
                transition,
                routing,
            } => to_json(&self.open(process, fingerprint, transition, routing)?),
            LedgerCommand::Act {
                process_id,
                user,
                actor,
                action,
                now,
                stand_in,
                user_name,
            } => {
                let by = processes::Actor {
                    user: &user,
                    label: &actor,
                    name: &user_name,
                    stand_in: &stand_in,
                };
                to_json(&self.act(&process_id, &by, action, now)?)
            }
            LedgerCommand::CancelBundle { user, actor, now } => {
                to_json(&self.cancel_bundle(&user, &actor, now)?)
            }
            LedgerCommand::Sign(signing) => to_json(&self.sign(signing)?),
            LedgerCommand::Revoke {
                process_id,
                actor,
                now,
            } => to_json(&self.revoke(&process_id, &actor, now)?),
            LedgerCommand::OpenTasks {
                sort,
                after,
                limit,
                users,
                today,
            } => to_json(&self.open_tasks(sort, after.as_ref(), limit, &users, &today)?),
            LedgerCommand::InBundle { user } => to_json(&self.in_bundle(&user)?),
            LedgerCommand::Signings { user, after, limit } => {
                to_json(&self.signings(&user, after.as_ref(), limit)?)
            }
            LedgerCommand::ListProcesses {
                company,
                filter,
                now,
                after,
                limit,
            } => to_json(&self.list_processes(&company, &filter, now, after.as_ref(), limit)?),
            LedgerCommand::Get { process_id } => to_json(&self.get(&process_id)?),
            LedgerCommand::Approved { after, limit } => to_json(&self.approved(after, limit)?),
            LedgerCommand::Upload {
                company,
                file,
                payments,
                allow_pre_approval,
                now,
            } => to_json(&self.upload(&company, file, payments, allow_pre_approval, now)?),
            LedgerCommand::SignFile {
                company,
                file_id,
                actor,
                allow_pre_approval,
                now,
            } => to_json(&self.sign_file(&company, &file_id, &actor, allow_pre_approval, now)?),
            LedgerCommand::FileResult { company, file_id } => {
                to_json(&self.file_result(&company, &file_id)?)
            }
            LedgerCommand::ListFiles {
                company,
                status,
                after,
                limit,
            } => to_json(&self.list_files(&company, status, after.as_ref(), limit)?),
            LedgerCommand::ListPayments {
                company,
                status,
                file,
                date,
                after,
                limit,
            } => {
                to_json(&self.list_payments(&company, status, file, date, after.as_ref(), limit)?)
            }
            LedgerCommand::PaymentEvents {
                company,
                payment_id,
            } => to_json(&self.events(&company, &payment_id)?),
            LedgerCommand::ApprovePayment(approval) => to_json(&self.approve(approval)?),
            LedgerCommand::RejectPayment {
                company,
                payment_id,
                actor,
                reason,
                now,
            } => to_json(&self.reject(&company, &payment_id, &actor, &reason, now)?),
            LedgerCommand::BankReport {
                company,
                report_msg_id,
                original_msg_id,
                items,
                now,
            } => to_json(&self.bank_report(
                &company,
                &report_msg_id,
                &original_msg_id,
                items,
                now,
            )?),
            LedgerCommand::Export {
                pre_approved,
                export_id,
                limit,
                now,
            } => to_json(&self.export(pre_approved, &export_id, limit, now)?),
            LedgerCommand::Remind {
                today,
                now,
                settings,
            } => to_json(&self.remind(today, now, &settings)?),
            LedgerCommand::EnqueueDeliveries { notices, now } => {
                to_json(&self.enqueue_deliveries(&notices, now)?)
            }
            LedgerCommand::DueDeliveries { now, limit } => {
                to_json(&self.due_deliveries(now, limit)?)
            }
            LedgerCommand::DeliveryAttempted {
                id,
                ok,
                result,
                now,
            } => to_json(&self.delivery_attempted(&id, ok, &result, now)?),
            LedgerCommand::Deliveries { limit } => to_json(&self.deliveries(limit)?),
            LedgerCommand::AcknowledgeExport {
                pre_approved,
                export_id,
                now,
            } => to_json(&self.acknowledge_export(pre_approved, &export_id, now)?),
        }
    }

    /// The health check's write: one probe recorded.
    fn probe(&self) -> Result<ProbeAnswer> {
        self.sql.exec(
            "INSERT INTO probe (at) VALUES (?)",
            vec![text(worker::Date::now().to_string())],
        )?;
        self.probe_count()
    }

    fn probe_count(&self) -> Result<ProbeAnswer> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let count: Count = self
            .sql
            .exec("SELECT COUNT(*) AS n FROM probe", None)?
            .one()?;
        Ok(ProbeAnswer { probes: count.n })
    }
}
