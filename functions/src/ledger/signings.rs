//! "Signed by me": this company's part of every bundle a user signed. `signed_invoices` holds
//! one row per signed invoice (who signed, when, which bundle), written by the same `Sign`
//! command that issues the tokens, so a part is stored exactly when it was signed; the path of
//! each invoice is read from what the ledger already keeps (its token, the ERP's exports and
//! the payment that used the token).

use ap_core::api_autopay::PaymentStatus;
use ap_core::ids::{BundleId, InvoiceId, PaymentId, UserId};
use ap_core::process::{Process, ProcessState};
use ap_core::signings::SigningKey;
use serde::{Deserialize, Serialize};
use worker::{Result, SqlStorage};

use super::schema::{from_json, int, text};
use super::{Ledger, ProcessRecord};
use crate::durable::Transactions;

/// The table and its index: created with the rows of bundles signed before it existed.
const CREATE: [&str; 2] = [
    "CREATE TABLE signed_invoices (process_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, \
     signed_at INTEGER NOT NULL, bundle_id TEXT NOT NULL)",
    "CREATE INDEX signed_invoices_user ON signed_invoices (user_id, signed_at, bundle_id)",
];

/// Creates `signed_invoices` when it is missing, filled from the history of bundles signed
/// before it existed (each signed process's `payment_approved` entry names its bundle, and its
/// last approval is the signer's), all in one transaction: a half-filled table would hide
/// signings for good.
pub(super) fn create(sql: &SqlStorage, transactions: &Result<Transactions>) -> Result<()> {
    if sql
        .exec("SELECT bundle_id FROM signed_invoices LIMIT 0", None)
        .is_ok()
    {
        return Ok(());
    }
    let transactions = transactions
        .as_ref()
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    transactions.run(|| {
        for statement in CREATE {
            sql.exec(statement, None)?;
        }
        backfill(sql)
    })
}

fn backfill(sql: &SqlStorage) -> Result<()> {
    #[derive(Deserialize)]
    struct Row {
        process_id: String,
        at: i64,
        bundle_id: String,
        data: String,
    }
    let rows: Vec<Row> = sql
        .exec(
            "SELECT h.process_id, h.at, h.bundle_id, p.data FROM history h \
             JOIN processes p ON p.id = h.process_id \
             WHERE h.kind = 'payment_approved' AND h.bundle_id IS NOT NULL",
            None,
        )?
        .to_array()?;
    for row in rows {
        let process: Process = from_json(&row.data)?;
        let signer = match (process.state(), process.approvals().last()) {
            (ProcessState::PaymentApproved, Some(last)) => last.user.clone(),
            _ => continue,
        };
        sql.exec(
            "INSERT OR IGNORE INTO signed_invoices (process_id, user_id, signed_at, bundle_id) \
             VALUES (?, ?, ?, ?)",
            vec![
                text(row.process_id),
                text(signer.as_str()),
                int(u64::try_from(row.at).unwrap_or(0)),
                text(row.bundle_id),
            ],
        )?;
    }
    Ok(())
}

/// One invoice of a signing with the facts its path is read from.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignedInvoiceFacts {
    pub record: ProcessRecord,
    /// The ERP acknowledged a payment export holding it.
    pub exported: bool,
    /// The payment that used its token, and that payment's status.
    pub payment: Option<(PaymentId, PaymentStatus)>,
}

/// This company's part of one signing.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignedPart {
    pub key: SigningKey,
    pub invoices: Vec<SignedInvoiceFacts>,
}

impl Ledger {
    /// Records that `user` signed `process` in `bundle` at `now` (inside `Sign`).
    pub(super) fn record_signed(
        &self,
        process: &InvoiceId,
        user: &UserId,
        bundle: &str,
        now: u64,
    ) -> Result<()> {
        self.sql.exec(
            "INSERT INTO signed_invoices (process_id, user_id, signed_at, bundle_id) \
             VALUES (?, ?, ?, ?)",
            vec![
                text(process.as_str()),
                text(user.as_str()),
                int(now),
                text(bundle),
            ],
        )?;
        Ok(())
    }

    /// This company's parts of `user`'s first `limit` signings after `after`, newest first.
    pub(super) fn signings(
        &self,
        user: &UserId,
        after: Option<&SigningKey>,
        limit: usize,
    ) -> Result<Vec<SignedPart>> {
        #[derive(Deserialize)]
        struct KeyRow {
            signed_at: i64,
            bundle_id: String,
        }
        #[derive(Deserialize)]
        struct IdRow {
            process_id: String,
        }
        let mut bindings = vec![text(user.as_str())];
        let mut condition = "user_id = ?".to_owned();
        if let Some(after) = after {
            condition.push_str(" AND (signed_at, bundle_id) < (?, ?)");
            bindings.extend([int(after.signed_at), text(after.bundle.as_str())]);
        }
        bindings.push(int(limit as u64));
        let keys: Vec<KeyRow> = self
            .sql
            .exec(
                &format!(
                    "SELECT DISTINCT signed_at, bundle_id FROM signed_invoices WHERE {condition} \
                     ORDER BY signed_at DESC, bundle_id DESC LIMIT ?"
                ),
                bindings,
            )?
            .to_array()?;
        let mut parts = Vec::with_capacity(keys.len());
        for key in keys {
            let ids: Vec<IdRow> = self
                .sql
                .exec(
                    "SELECT process_id FROM signed_invoices WHERE user_id = ? AND signed_at = ? \
                     AND bundle_id = ? ORDER BY process_id",
                    vec![
                        text(user.as_str()),
                        int(u64::try_from(key.signed_at).unwrap_or(0)),
                        text(key.bundle_id.as_str()),
                    ],
                )?
                .to_array()?;
            let mut invoices = Vec::with_capacity(ids.len());
            for row in ids {
                let id = InvoiceId::parse(&row.process_id)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                if let Some(facts) = self.signed_facts(&id)? {
                    invoices.push(facts);
                }
            }
            parts.push(SignedPart {
                key: SigningKey {
                    signed_at: u64::try_from(key.signed_at).unwrap_or(0),
                    bundle: BundleId::parse(&key.bundle_id)
                        .map_err(|e| worker::Error::RustError(e.to_string()))?,
                },
                invoices,
            });
        }
        Ok(parts)
    }

    fn signed_facts(&self, id: &InvoiceId) -> Result<Option<SignedInvoiceFacts>> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let Some(record) = self.load(id)? else {
            return Ok(None);
        };
        let exported: Count = self
            .sql
            .exec(
                "SELECT COUNT(*) AS n FROM exports WHERE process_id = ?",
                vec![text(id.as_str())],
            )?
            .one()?;
        let payment = match record.token.as_ref().and_then(|t| t.consumed.as_ref()) {
            Some(used) => self
                .load_payment(&used.payment_id)?
                .map(|p| (p.id.clone(), p.status)),
            None => None,
        };
        Ok(Some(SignedInvoiceFacts {
            record,
            exported: exported.n > 0,
            payment,
        }))
    }
}
