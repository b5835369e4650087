//! The ledger's tables (described in the storage model of [`super`]) and the small helpers
//! every command uses to bind SQL values and to store JSON.

use ap_core::approval::TaskSort;
use ap_core::process::Process;
use ap_core::task_list::TaskKey;
use serde::{Deserialize, Serialize};
use worker::{Result, SqlStorage, SqlStorageValue};

use crate::durable::Transactions;

/// Every table and index, created (if missing) when the object starts.
const SCHEMA: [&str; 19] = [
    // Invoice processes, their tokens, the ERP's approval order and their history.
    "CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS processes (id TEXT PRIMARY KEY, document_id TEXT NOT NULL UNIQUE, \
     fingerprint TEXT NOT NULL, supplier_org TEXT NOT NULL, state TEXT NOT NULL, \
     version INTEGER NOT NULL, data TEXT NOT NULL, warnings TEXT NOT NULL, task_due TEXT, \
     task_amount TEXT, due_date TEXT)",
    "CREATE INDEX IF NOT EXISTS processes_supplier ON processes (supplier_org)",
    "CREATE INDEX IF NOT EXISTS processes_state ON processes (state)",
    "CREATE TABLE IF NOT EXISTS tokens (token_hash TEXT PRIMARY KEY, process_id TEXT NOT NULL UNIQUE, \
     record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS approved (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
     process_id TEXT NOT NULL UNIQUE, approved_at INTEGER NOT NULL, sealed_token TEXT)",
    "CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
     process_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, \
     detail TEXT NOT NULL, bundle_id TEXT, method TEXT, comment TEXT)",
    "CREATE INDEX IF NOT EXISTS history_process ON history (process_id, seq)",
    // AutoPay: payment files, their payments and the payments' events.
    "CREATE TABLE IF NOT EXISTS payment_files (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, \
     idempotency_key TEXT UNIQUE, msg_id TEXT NOT NULL, status TEXT NOT NULL, uploaded_at INTEGER NOT NULL, \
     data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, file_id TEXT NOT NULL, seq INTEGER NOT NULL, \
     status TEXT NOT NULL, exec_date TEXT NOT NULL, end_to_end_id TEXT NOT NULL, pmt_inf_id TEXT NOT NULL, \
     instr_hash TEXT, data TEXT NOT NULL, created_at INTEGER)",
    "CREATE INDEX IF NOT EXISTS payments_file ON payments (file_id, seq)",
    "CREATE INDEX IF NOT EXISTS payments_e2e ON payments (end_to_end_id)",
    "CREATE INDEX IF NOT EXISTS payments_instr ON payments (instr_hash)",
    "CREATE TABLE IF NOT EXISTS payment_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
     payment_id TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS payment_events_payment ON payment_events (payment_id, seq)",
    // The ERP's payment-suggestion exports.
    "CREATE TABLE IF NOT EXISTS exports (process_id TEXT PRIMARY KEY, export_id TEXT NOT NULL, \
     kind TEXT NOT NULL, exported_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS export_files (export_id TEXT PRIMARY KEY, kind TEXT NOT NULL, \
     created_at INTEGER NOT NULL, acknowledged_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS export_items (export_id TEXT NOT NULL, pos INTEGER NOT NULL, \
     process_id TEXT NOT NULL, PRIMARY KEY (export_id, pos))",
    "CREATE INDEX IF NOT EXISTS export_items_process ON export_items (process_id)",
];

/// Columns added after their tables were first created: `(table, column, declaration)`. A
/// ledger stored before them gains them once, filled in by [`backfill`].
const ADDED_COLUMNS: [(&str, &str, &str); 4] = [
    // The process overview's order (`ap_core::listing::ProcessKey`).
    ("processes", "due_date", "TEXT"),
    // The payment list's order (`ap_core::listing::PaymentKey`).
    ("payments", "created_at", "INTEGER"),
    // Who may decide an open task under a workflow (`|id|id|`); `NULL` without one (stored
    // before workflows: none had one, so nothing to fill in).
    ("processes", "assignees", "TEXT"),
    // An open task postponed until this day (`YYYY-MM-DD`); `NULL` otherwise.
    ("processes", "postponed_until", "TEXT"),
];

/// The indexes of the lists' keyset pages; created after the columns they use. The task list's
/// hold an open task's sort keys ([`ap_core::task_list::TaskKey::sort_text`] for each sort),
/// `NULL` for every other process, so they hold only open tasks and a page is
/// `WHERE task_due > ? ORDER BY task_due LIMIT ?`.
const LIST_INDEXES: [&str; 5] = [
    "CREATE INDEX IF NOT EXISTS processes_task_due ON processes (task_due) \
     WHERE task_due IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS processes_task_amount ON processes (task_amount) \
     WHERE task_amount IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS processes_due ON processes (due_date, id)",
    "CREATE INDEX IF NOT EXISTS payments_newest ON payments (created_at, file_id, seq)",
    "CREATE INDEX IF NOT EXISTS payment_files_newest ON payment_files (uploaded_at, id)",
];

/// Creates what is missing of [`SCHEMA`], adds the task list's sort keys and what is missing of
/// [`ADDED_COLUMNS`] to a ledger stored before them, fills them in and creates
/// [`LIST_INDEXES`]. A failing statement is logged, not fatal: the commands that need its table
/// then fail on their own.
pub(super) fn create(sql: &SqlStorage, transactions: &Result<Transactions>) {
    let log = |result: Result<()>| {
        if let Err(e) = result {
            worker::console_error!("ledger schema: {e}");
        }
    };
    for statement in SCHEMA {
        log(sql.exec(statement, None).map(|_| ()));
    }
    if sql
        .exec("SELECT task_due FROM processes LIMIT 0", None)
        .is_err()
    {
        // Columns and keys together or not at all: a half-filled column would hide open tasks.
        log(match transactions {
            Ok(t) => t.run(|| add_task_keys(sql)),
            Err(e) => Err(worker::Error::RustError(e.to_string())),
        });
    }
    for (table, column, declaration) in ADDED_COLUMNS {
        let probe = format!("SELECT {column} FROM {table} LIMIT 0");
        if sql.exec(&probe, None).is_err() {
            let add = format!("ALTER TABLE {table} ADD COLUMN {column} {declaration}");
            log(sql.exec(&add, None).map(|_| ()));
        }
    }
    log(backfill(sql));
    for statement in LIST_INDEXES {
        log(sql.exec(statement, None).map(|_| ()));
    }
}

/// A stored process's id and JSON, for the migrations.
#[derive(Deserialize)]
struct IdData {
    id: String,
    data: String,
}

/// Adds the sort-key columns and fills them from each stored process.
fn add_task_keys(sql: &SqlStorage) -> Result<()> {
    sql.exec("ALTER TABLE processes ADD COLUMN task_due TEXT", None)?;
    sql.exec("ALTER TABLE processes ADD COLUMN task_amount TEXT", None)?;
    let rows: Vec<IdData> = sql
        .exec("SELECT id, data FROM processes", None)?
        .to_array()?;
    for row in rows {
        let process: Process = from_json(&row.data)?;
        let [due, amount, _, _] = task_keys(&process);
        sql.exec(
            "UPDATE processes SET task_due = ?, task_amount = ? WHERE id = ?",
            vec![due, amount, text(row.id)],
        )?;
    }
    Ok(())
}

/// The `task_due`, `task_amount` and `assignees` of `process`: its sort keys while it is an open
/// task (`ProcessState::is_open_task`), `NULL` otherwise, and under a workflow who may decide
/// it now as `|id|id|` ([`assignee_pattern`] finds one). Every write of a process stores them.
/// The company is the document's, which is the ledger's (`documents.rs` refuses another).
pub(super) fn task_keys(process: &Process) -> [SqlStorageValue; 4] {
    if !process.state().is_open_task() {
        return [
            SqlStorageValue::Null,
            SqlStorageValue::Null,
            SqlStorageValue::Null,
            SqlStorageValue::Null,
        ];
    }
    let key = TaskKey::of(process, &process.document().company_id);
    let assignees = match process.assignees() {
        Some(users) => text(format!(
            "|{}|",
            users
                .iter()
                .map(|u| u.as_str())
                .collect::<Vec<_>>()
                .join("|")
        )),
        None => SqlStorageValue::Null,
    };
    let postponed = match process.postponed_until() {
        Some(day) => text(day.to_string()),
        None => SqlStorageValue::Null,
    };
    [
        text(key.sort_text(TaskSort::DueDate)),
        text(key.sort_text(TaskSort::Amount)),
        assignees,
        postponed,
    ]
}

/// What `instr(assignees, ?)` looks for to find `user` among a task's assignees (user ids have
/// no `|`).
pub(super) fn assignee_pattern(user: &ap_core::ids::UserId) -> String {
    format!("|{}|", user.as_str())
}

/// Fills the [`ADDED_COLUMNS`] of rows stored before them (none after the first start): a
/// process's due date from its document, a payment's upload time from its file (a payment is
/// created when its file is uploaded).
fn backfill(sql: &SqlStorage) -> Result<()> {
    let rows: Vec<IdData> = sql
        .exec(
            "SELECT id, data FROM processes WHERE due_date IS NULL",
            None,
        )?
        .to_array()?;
    for row in rows {
        let process: Process = from_json(&row.data)?;
        sql.exec(
            "UPDATE processes SET due_date = ? WHERE id = ?",
            vec![text(process.document().due_date.to_string()), text(row.id)],
        )?;
    }
    sql.exec(
        "UPDATE payments SET created_at = (SELECT f.uploaded_at FROM payment_files f \
         WHERE f.id = payments.file_id) WHERE created_at IS NULL",
        None,
    )?;
    Ok(())
}

/// A `processes` row as commands read it.
#[derive(Deserialize)]
pub(super) struct DataRow {
    pub(super) data: String,
    pub(super) warnings: String,
}

/// A `tokens` row's record.
#[derive(Deserialize)]
pub(super) struct TokenRow {
    pub(super) record: String,
}

/// The `data` column of a payment, file or payment event.
#[derive(Deserialize)]
pub(super) struct Data {
    pub(super) data: String,
}

pub(super) fn int(v: u64) -> SqlStorageValue {
    SqlStorageValue::from(i64::try_from(v).unwrap_or(i64::MAX))
}

pub(super) fn text(v: impl Into<String>) -> SqlStorageValue {
    SqlStorageValue::from(v.into())
}

pub(super) fn opt_text(v: Option<String>) -> SqlStorageValue {
    v.map(SqlStorageValue::from)
        .unwrap_or(SqlStorageValue::Null)
}

pub(super) fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| worker::Error::RustError(e.to_string()))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| worker::Error::RustError(e.to_string()))
}
