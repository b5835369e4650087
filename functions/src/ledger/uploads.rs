//! AutoPay payment files: an upload (idempotent on its content and its idempotency key),
//! signing an upload that needed it, and the settlement of each received payment, where an
//! approval token is consumed (at most once) or refused with a warning on the payment and, once
//! per command, on the invoice's process.

use ap_core::api_approval::AmountView;
use ap_core::api_autopay::{
    FileStatus, PaymentStatus, UploadResult, UploadSummary, UploadedPayment,
};
use ap_core::approval::amount_view;
use ap_core::ids::{CompanyId, InvoiceId, PaymentId, UserId};
use ap_core::money::Totals;
use ap_core::settlement::{
    add_process_warning, pre_approval_detail, settle, PaymentNeeds, Settlement, TokenLookup,
    WarningTally,
};
use ap_core::token::{CreditorAccount, TokenBinding};
use ap_core::warnings::Warning;
use serde::Deserialize;
use std::collections::BTreeMap;
use worker::Result;

use super::payment_store::{rfc3339, FileData, NewEvent, StoredPayment};
use super::process_store::HistoryEntry;
use super::protocol::UploadAnswer;
use super::schema::{int, opt_text, text, to_json};
use super::{Ledger, NewFile, NewPayment, Presented, SignFileAnswer, UploadOutcome};

/// The warnings one command leaves on processes, one per process and kind, written once at the
/// end of the command (so a file of 10,000 mismatching payments costs one write per process).
pub(super) type Tallies = BTreeMap<(String, &'static str), WarningTally>;

fn uploaded_view(p: &StoredPayment) -> UploadedPayment {
    UploadedPayment {
        payment_id: p.id.to_string(),
        end_to_end_id: p.payment.end_to_end_id.clone(),
        instr_id_present: p.payment.instr_hash.is_some(),
        creditor_name: p.payment.creditor_name.clone(),
        creditor_account: p.payment.creditor_account.clone(),
        amount: amount_view(p.payment.amount),
        requested_execution_date: p.payment.requested_execution_date.to_string(),
        status: p.upload_status,
        status_label: p.upload_status.label().to_owned(),
        pre_approved: p.pre_approved,
        warning: p.warning.clone(),
    }
}

pub(super) fn tally(
    tallies: &mut Tallies,
    process: &InvoiceId,
    warning: Warning,
    payment: &PaymentId,
) {
    tallies
        .entry((process.to_string(), warning.kind()))
        .and_modify(|t| t.add(payment))
        .or_insert_with(|| WarningTally::new(warning, payment));
}

impl Ledger {
    pub(super) fn upload_result(
        &self,
        company: &CompanyId,
        file: &FileData,
        replayed: bool,
    ) -> Result<UploadResult> {
        let payments = self.file_payments(file.id.as_str())?;
        let mut summary = UploadSummary {
            payments: payments.len(),
            ..UploadSummary::default()
        };
        let mut totals = Totals::new();
        for p in &payments {
            match p.upload_status {
                PaymentStatus::SentToBank => summary.sent_to_bank += 1,
                PaymentStatus::PendingSigning => summary.pending_signing += 1,
                _ => summary.pending_approval += 1,
            }
            if p.warning.is_some() {
                summary.warnings += 1;
            }
            // The reader checked the control sum, so totals of a read file cannot overflow.
            let _ = totals.add(p.payment.amount);
        }
        Ok(UploadResult {
            file_id: file.id.to_string(),
            company_id: company.to_string(),
            msg_id: file.msg_id.clone(),
            status: file.status,
            status_label: file.status.label().to_owned(),
            content_sha256: file.content_hash.clone(),
            uploaded_at: rfc3339(file.uploaded_at),
            replayed,
            summary,
            totals: totals.iter().map(amount_view).collect::<Vec<AmountView>>(),
            payments: payments.iter().map(uploaded_view).collect(),
        })
    }

    /// A new upload, or the first outcome of the same content or idempotency key.
    pub(super) fn upload(
        &self,
        company: &CompanyId,
        file: NewFile,
        payments: Vec<NewPayment>,
        allow_pre_approval: bool,
        now: u64,
    ) -> Result<UploadOutcome> {
        let mut existing = self.load_file("content_hash", &file.content_hash)?;
        if existing.is_none() {
            if let Some(key) = &file.idempotency_key {
                existing = self.load_file("idempotency_key", key)?;
                if existing.is_some() {
                    // As Stripe does: the same key with other content is a client error, never
                    // the first file's outcome for a file that was silently dropped.
                    return Ok(UploadOutcome::IdempotencyKeyReused { key: key.clone() });
                }
            }
        }
        if let Some(first) = existing {
            return Ok(UploadOutcome::Accepted(UploadAnswer {
                replayed: true,
                result: self.upload_result(company, &first, true)?,
            }));
        }
        let status = if file.needs_signing {
            FileStatus::PendingSigning
        } else {
            FileStatus::Processed
        };
        let data = FileData {
            id: file.id.clone(),
            content_hash: file.content_hash.clone(),
            msg_id: file.msg_id.clone(),
            status,
            uploaded_at: now,
            uploaded_by: file.uploaded_by.clone(),
            payment_count: payments.len(),
            signed_by: None,
            signed_at: None,
        };
        self.sql.exec(
            "INSERT INTO payment_files (id, content_hash, idempotency_key, msg_id, status, uploaded_at, data) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(file.id.as_str()),
                text(&file.content_hash),
                opt_text(file.idempotency_key.clone()),
                text(&file.msg_id),
                text(status.as_key()),
                int(now),
                text(to_json(&data)?),
            ],
        )?;
        let mut tallies = Tallies::new();
        for (index, payment) in payments.into_iter().enumerate() {
            let seq = index + 1;
            let id = PaymentId::parse(&format!("{}-{seq}", file.id))
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            let mut stored = StoredPayment {
                id: id.clone(),
                file_id: file.id.clone(),
                status: PaymentStatus::PendingSigning,
                upload_status: PaymentStatus::PendingSigning,
                pre_approved: false,
                process_id: None,
                approver_ids: Vec::new(),
                approver_names: Vec::new(),
                warning: None,
                bank_reason: None,
                created_at: now,
                updated_at: now,
                payment,
            };
            self.sql.exec(
                "INSERT INTO payments (id, file_id, seq, status, exec_date, end_to_end_id, pmt_inf_id, instr_hash, data, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)",
                vec![
                    text(id.as_str()),
                    text(file.id.as_str()),
                    int(seq as u64),
                    text(stored.status.as_key()),
                    text(stored.payment.requested_execution_date.to_string()),
                    text(&stored.payment.end_to_end_id),
                    text(&stored.payment.pmt_inf_id),
                    opt_text(stored.payment.instr_hash.clone()),
                    int(stored.created_at),
                ],
            )?;
            let received = NewEvent::new(
                "received",
                &file.uploaded_by,
                ap_core::sentence!(
                    "Received in payment file {} (message {}).",
                    file.id,
                    file.msg_id
                ),
            )
            .file(&file.id);
            self.payment_event(&id, now, received)?;
            if file.needs_signing {
                self.save_payment(&stored)?;
            } else {
                self.settle(
                    company,
                    &mut stored,
                    allow_pre_approval,
                    false,
                    now,
                    &mut tallies,
                )?;
            }
        }
        self.write_tallies(tallies, &format!("file {}", file.id), now)?;
        Ok(UploadOutcome::Accepted(UploadAnswer {
            replayed: false,
            result: self.upload_result(company, &data, false)?,
        }))
    }

    /// Settles a received payment through [`settle`]: its token consumed (Sent to bank, or
    /// Pending approval for a second approver), or Pending approval with the reason as a warning
    /// on the payment and, tallied in `tallies`, on the invoice's process.
    fn settle(
        &self,
        company: &CompanyId,
        p: &mut StoredPayment,
        allow_pre_approval: bool,
        was_pending_signing: bool,
        now: u64,
        tallies: &mut Tallies,
    ) -> Result<()> {
        // A payment of a file that needed no signing had no status before this one.
        let from = Some(p.status).filter(|_| was_pending_signing);
        let needs = p.payment.needs();
        let mut token = match &p.payment.presented {
            Presented::Token { hash } => self.token_by_hash(hash)?,
            Presented::None | Presented::NotAToken { .. } => None,
        };
        let presented = CreditorAccount::parse(&p.payment.creditor_account)
            .ok()
            .map(|creditor_account| TokenBinding {
                company_id: company.clone(),
                bank_agreement_id: p.payment.bank_agreement_id.clone(),
                debtor_iban: p.payment.debtor_iban.clone(),
                creditor_account,
                amount: p.payment.amount,
                due_date: p.payment.requested_execution_date,
                creditor_bic: p
                    .payment
                    .creditor_bic
                    .as_deref()
                    .and_then(|b| ap_core::iban::Bic::parse(b).ok()),
                payment_reference: p.payment.creditor_reference.clone(),
            });
        let lookup = match (&p.payment.presented, token.as_mut()) {
            (Presented::None, _) => TokenLookup::NoToken,
            (Presented::NotAToken { reason }, _) => TokenLookup::NotAToken(reason.clone()),
            (Presented::Token { .. }, None) => TokenLookup::NotIssued,
            (Presented::Token { .. }, Some((_, record))) => {
                TokenLookup::Issued { record, presented }
            }
        };
        let settlement = settle(lookup, allow_pre_approval, needs, &p.id, &p.file_id, now);
        p.process_id = token.as_ref().map(|(id, _)| id.clone());
        p.status = settlement.status();
        match settlement {
            Settlement::NoToken => {
                self.payment_event(
                    &p.id,
                    now,
                    NewEvent::status(
                        "system",
                        "No approval token: the payment needs normal approval.".to_owned(),
                        from,
                        PaymentStatus::PendingApproval,
                    ),
                )?;
            }
            Settlement::Refused {
                reason,
                process_warning,
            } => {
                p.warning = Some(reason.clone());
                let event = NewEvent::status(
                    "system",
                    ap_core::sentence!(
                        "Not pre-approved: {reason} The payment needs normal approval."
                    ),
                    from,
                    PaymentStatus::PendingApproval,
                )
                .kind("token_refused")
                .file(&p.file_id);
                self.payment_event(&p.id, now, event)?;
                if let (Some(warning), Some(process_id)) = (process_warning, &p.process_id) {
                    tally(tallies, process_id, warning, &p.id);
                }
            }
            Settlement::PreApproved { signer, .. } => {
                let (process_id, record) = token.as_ref().ok_or_else(|| {
                    worker::Error::RustError("pre-approved without a token".into())
                })?;
                self.save_token(process_id, record)?;
                self.pre_approved(p, process_id, signer, needs, from, now)?;
            }
        }
        p.upload_status = p.status;
        p.updated_at = now;
        self.save_payment(p)
    }

    fn pre_approved(
        &self,
        p: &mut StoredPayment,
        process_id: &InvoiceId,
        signer: Option<UserId>,
        needs: PaymentNeeds,
        from: Option<PaymentStatus>,
        now: u64,
    ) -> Result<()> {
        #[derive(Deserialize)]
        struct Signed {
            at: i64,
            actor: String,
            bundle_id: Option<String>,
            method: Option<String>,
        }
        let signed: Vec<Signed> = self
            .sql
            .exec(
                "SELECT at, actor, bundle_id, method FROM history WHERE process_id = ? \
                 AND bundle_id IS NOT NULL ORDER BY seq DESC LIMIT 1",
                vec![text(process_id.as_str())],
            )?
            .to_array()?;
        p.pre_approved = true;
        let signed = signed.first();
        let approver = signed.map_or("unknown", |s| s.actor.as_str()).to_owned();
        // The signer's pre-approval is the payment's first approval.
        if let Some(signer) = signer {
            p.approver_ids.push(signer);
        }
        p.approver_names.push(approver.clone());
        self.payment_event(
            &p.id,
            now,
            NewEvent {
                kind: "pre_approved".to_owned(),
                actor: approver.clone(),
                detail: pre_approval_detail(&approver, process_id.as_str(), &p.file_id, needs),
                file_id: Some(p.file_id.to_string()),
                bundle_id: signed.and_then(|s| s.bundle_id.clone()),
                method: signed.and_then(|s| s.method.clone()),
                approved_at: signed.map(|s| rfc3339(u64::try_from(s.at).unwrap_or(0))),
                from_status: from,
                to_status: Some(p.status),
            },
        )?;
        let (kind, detail) = if p.status == PaymentStatus::SentToBank {
            (
                "payment_sent",
                ap_core::sentence!(
                    "Payment {} (file {}) used the approval token and was sent to the bank.",
                    p.id,
                    p.file_id
                ),
            )
        } else {
            (
                "payment_pre_approved",
                ap_core::sentence!(
                "Payment {} (file {}) used the approval token; it waits for a second, different \
                 AutoPay Approver (1 of {} approvals).",
                p.id, p.file_id, needs.approvals_required
            ),
            )
        };
        self.history(process_id, now, HistoryEntry::new(kind, "AutoPay", detail))
    }

    /// Writes what one command tallied: per process, each new kind of warning once, and one
    /// history entry per kind with how many payments of `source` left it.
    pub(super) fn write_tallies(&self, tallies: Tallies, source: &str, now: u64) -> Result<()> {
        let mut by_process: BTreeMap<String, Vec<WarningTally>> = BTreeMap::new();
        for ((process, _), t) in tallies {
            by_process.entry(process).or_default().push(t);
        }
        for (process, list) in by_process {
            let process_id =
                InvoiceId::parse(&process).map_err(|e| worker::Error::RustError(e.to_string()))?;
            let Some(record) = self.load(&process_id)? else {
                continue;
            };
            let mut warnings = record.warnings.clone();
            let mut changed = false;
            for t in &list {
                changed |= add_process_warning(&mut warnings, t.warning.clone());
                self.history(
                    &process_id,
                    now,
                    HistoryEntry::new(t.warning.kind(), "AutoPay", t.detail(source)),
                )?;
            }
            if changed {
                self.save(&record.process, &warnings)?;
            }
        }
        Ok(())
    }

    /// An AutoPay Approver signed an upload: its payments are checked now.
    pub(super) fn sign_file(
        &self,
        company: &CompanyId,
        file_id: &str,
        actor: &str,
        allow_pre_approval: bool,
        now: u64,
    ) -> Result<SignFileAnswer> {
        let Some(mut file) = self.load_file("id", file_id)? else {
            return Ok(SignFileAnswer::NotFound);
        };
        if file.status != FileStatus::PendingSigning {
            return Ok(SignFileAnswer::NotPending);
        }
        file.status = FileStatus::Processed;
        file.signed_by = Some(actor.to_owned());
        file.signed_at = Some(now);
        self.save_file(&file)?;
        let mut tallies = Tallies::new();
        for mut p in self.file_payments(file_id)? {
            let event = NewEvent::new(
                "signed_upload",
                actor,
                ap_core::sentence!("Upload of file {file_id} signed with TOTP."),
            )
            .method(Some("TOTP".to_owned()))
            .file(file_id);
            self.payment_event(&p.id, now, event)?;
            self.settle(company, &mut p, allow_pre_approval, true, now, &mut tallies)?;
        }
        self.write_tallies(tallies, &format!("file {}", file.id), now)?;
        Ok(SignFileAnswer::Signed {
            result: self.upload_result(company, &file, false)?,
        })
    }
}
