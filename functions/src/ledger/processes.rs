//! The invoice-process commands: open a document's process, act on it (approve, reject,
//! comment, remove from the bundle), cancel a bundle, sign a company's part of a bundle (the
//! tokens are issued here), and revoke a token.

use ap_core::approval::revokes_on_account_change;
use ap_core::ids::{InvoiceId, UserId};
use ap_core::process::{opening_warnings, Process, ProcessState, Transition};
use ap_core::process_route::Routing;
use ap_core::token::TokenRecord;
use ap_core::warnings::Warning;
use serde::Deserialize;
use worker::Result;

use super::process_store::{change_kind, HistoryEntry};
use super::schema::{int, task_keys, text, to_json, DataRow};
use super::{
    ActAnswer, Action, Ledger, OpenAnswer, ProcessRecord, SignAnswer, SignRefusal, Signing,
};

/// Who acts: the user, their label for the history, their name, and the absent approvers they
/// substitute for today.
pub(super) struct Actor<'a> {
    pub(super) user: &'a UserId,
    pub(super) label: &'a str,
    pub(super) name: &'a str,
    pub(super) stand_in: &'a [(UserId, String)],
}

impl Ledger {
    pub(super) fn open(
        &self,
        process: Process,
        fingerprint: String,
        transition: Transition,
        routing: Option<Routing>,
    ) -> Result<OpenAnswer> {
        #[derive(Deserialize)]
        struct Existing {
            id: String,
            fingerprint: String,
            data: String,
            warnings: String,
        }
        let document_id = process.document().document_id.as_str().to_owned();
        let existing: Vec<Existing> = self
            .sql
            .exec(
                "SELECT id, fingerprint, data, warnings FROM processes WHERE document_id = ?",
                vec![text(document_id)],
            )?
            .to_array()?;
        if let Some(row) = existing.first() {
            if row.fingerprint == fingerprint {
                let record = self.record_from(&DataRow {
                    data: row.data.clone(),
                    warnings: row.warnings.clone(),
                })?;
                return Ok(OpenAnswer::Existing { record });
            }
            let process_id =
                InvoiceId::parse(&row.id).map_err(|e| worker::Error::RustError(e.to_string()))?;
            return Ok(OpenAnswer::DifferentContent { process_id });
        }

        let new = process.document().clone();
        let supplier_org = new.supplier.organisation_number.as_str().to_owned();
        let others = self.same_supplier(&supplier_org)?;
        let same_supplier: Vec<&Process> = others.iter().map(|r| &r.process).collect();
        let warnings = opening_warnings(&new, &same_supplier);
        // Under a workflow the route is decided here, where the supplier's history is.
        let (process, transition) = match &routing {
            Some(routing) => Process::open_routed(
                process.id().clone(),
                new.clone(),
                routing.route_for(&new, &same_supplier),
                transition.at,
            ),
            None => (process, transition),
        };

        let [due, amount, assignees, postponed] = task_keys(&process);
        self.sql.exec(
            "INSERT INTO processes (id, document_id, fingerprint, supplier_org, state, version, data, \
             warnings, task_due, task_amount, due_date, assignees, postponed_until) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                text(process.id().as_str()),
                text(new.document_id.as_str()),
                text(fingerprint),
                text(supplier_org),
                text(process.state().name()),
                int(process.version()),
                text(to_json(&process)?),
                text(to_json(&warnings)?),
                due,
                amount,
                text(new.due_date.to_string()),
                assignees,
                postponed,
            ],
        )?;
        self.transition_history(&transition, "Document Center")?;

        // A pre-approval names an account; a later document of the same supplier naming another
        // account means the approved one can no longer be trusted.
        for other in &others {
            let Some(mut token) = other.token.clone() else {
                continue;
            };
            if !revokes_on_account_change(&new, other.process.document(), &token) {
                continue;
            }
            token.revoke();
            self.save_token(other.process.id(), &token)?;
            let mut other_warnings = other.warnings.clone();
            other_warnings.push(Warning::AccountChangedAfterApproval {
                by_document: new.document_id.clone(),
            });
            self.save(&other.process, &other_warnings)?;
            self.history(
                other.process.id(),
                transition.at.unix_secs(),
                HistoryEntry::new(
                    "token_revoked",
                    "system",
                    ap_core::sentence!(
                        "Approval token revoked: document {} names another bank account for this \
                         supplier.",
                        new.document_id
                    ),
                ),
            )?;
        }

        let record = self
            .load(process.id())?
            .ok_or_else(|| worker::Error::RustError("process vanished".into()))?;
        Ok(OpenAnswer::Created { record })
    }

    pub(super) fn act(
        &self,
        process_id: &InvoiceId,
        by: &Actor,
        action: Action,
        now: u64,
    ) -> Result<ActAnswer> {
        let Some(record) = self.load(process_id)? else {
            return Ok(ActAnswer::NotFound);
        };
        let mut process = record.process.clone();
        let at = ap_core::dates::Timestamp(now);
        let user = by.user;
        // A substitute deciding an absent approver's task takes it over first, in this command
        // (a comment needs no stand-in).
        let on_behalf_of = match action {
            Action::Comment { .. } => None,
            _ => process.stand_in(user, by.name, by.stand_in),
        };
        let actor_label = match &on_behalf_of {
            Some(absent) => ap_core::sentence!("{} on behalf of {absent}", by.label),
            None => by.label.to_owned(),
        };
        let actor = actor_label.as_str();
        let result = match &action {
            Action::Approve { expected_version } => process.approve(user, *expected_version, at),
            Action::ApproveAndPay { expected_version } => {
                process.approve_and_pay(user, *expected_version, at)
            }
            Action::Reject {
                expected_version,
                comment,
            } => process.reject(user, comment, *expected_version, at),
            Action::Comment { text } => process.comment(user, text, at),
            Action::RemoveFromBundle { expected_version } => {
                process.remove_from_bundle(user, *expected_version, at)
            }
            Action::Forward {
                expected_version,
                to,
                to_name,
                comment,
            } => process.forward(user, to, to_name, comment, *expected_version, at),
            Action::RequestReview {
                expected_version,
                user_name,
                reviewer,
                reviewer_name,
                question,
            } => process.request_review(
                user,
                user_name,
                reviewer,
                reviewer_name,
                question,
                *expected_version,
                at,
            ),
            Action::AnswerReview {
                expected_version,
                answer,
            } => process.answer_review(user, answer, *expected_version, at),
            Action::Postpone {
                expected_version,
                until,
                today,
            } => process.postpone(user, *until, *today, *expected_version, at),
        };
        let transition = match result {
            Ok(t) => t,
            Err(refusal) => return Ok(ActAnswer::Refused { refusal }),
        };
        self.save(&process, &record.warnings)?;
        self.transition_history(&transition, actor)?;
        if matches!(process.state(), ProcessState::Approved) {
            self.sql.exec(
                "INSERT OR IGNORE INTO approved (process_id, approved_at, sealed_token) VALUES (?, ?, NULL)",
                vec![text(process_id.as_str()), int(now)],
            )?;
        }
        let told = ap_core::notify::newly_assigned(Some(&record.process), &process, now);
        Ok(ActAnswer::Done {
            record: ProcessRecord { process, ..record },
            transition,
            on_behalf_of,
            told,
        })
    }

    pub(super) fn cancel_bundle(
        &self,
        user: &UserId,
        actor: &str,
        now: u64,
    ) -> Result<Vec<ProcessRecord>> {
        let mut out = Vec::new();
        let rows: Vec<DataRow> = self
            .sql
            .exec(
                "SELECT data, warnings FROM processes WHERE state = 'in_bundle'",
                None,
            )?
            .to_array()?;
        for row in &rows {
            let record = self.record_from(row)?;
            let mut process = record.process.clone();
            let version = process.version();
            if let Ok(t) = process.cancel_bundle(user, version, ap_core::dates::Timestamp(now)) {
                self.save(&process, &record.warnings)?;
                self.transition_history(&t, actor)?;
                out.push(ProcessRecord { process, ..record });
            }
        }
        Ok(out)
    }

    /// Signs this company's part of a bundle: every invoice still as shown gets its token, or
    /// none does.
    pub(super) fn sign(&self, signing: Signing) -> Result<SignAnswer> {
        let Signing {
            user,
            actor,
            bundle_id,
            bank_agreement_id,
            debtor_iban,
            expiry_days,
            items,
            now,
        } = signing;
        let (user, actor, bundle_id) = (&user, actor.as_str(), bundle_id.as_str());
        // Check everything first: the company's part is signed whole or not at all.
        let mut loaded = Vec::new();
        for item in &items {
            let Some(record) = self.load(&item.process_id)? else {
                return Ok(SignAnswer::Refused {
                    refusal: SignRefusal::InvoiceGone(item.process_id.clone()),
                });
            };
            let doc = record.process.document();
            let still_shown = record.process.version() == item.expected_version
                && matches!(record.process.state(), ProcessState::InBundle { user: u } if u == user)
                && doc.amount == item.shown.amount
                && doc.due_date == item.shown.due_date
                && doc.supplier.account.creditor_account() == item.shown.creditor_account;
            if !still_shown {
                return Ok(SignAnswer::Refused {
                    refusal: SignRefusal::BundleChanged,
                });
            }
            loaded.push(record);
        }
        let mut out = Vec::new();
        for (item, record) in items.into_iter().zip(loaded) {
            let mut process = record.process.clone();
            let doc = process.document().clone();
            let binding = ap_core::approval::token_binding(
                &doc,
                bank_agreement_id.clone(),
                debtor_iban.clone(),
            );
            let mut token = TokenRecord::issue(&item.token, binding, now);
            token.expires_at = ap_core::approval::token_expiry(now, expiry_days);
            token.signed_by = Some(user.clone());
            let transition = match process.mark_signed(
                user,
                &item.token,
                item.expected_version,
                ap_core::dates::Timestamp(now),
            ) {
                Ok(t) => t,
                Err(refusal) => {
                    // Unreachable after the checks above; refuse rather than half-sign.
                    return Ok(SignAnswer::Refused {
                        refusal: SignRefusal::Process(refusal),
                    });
                }
            };
            self.save_token(process.id(), &token)?;
            self.save(&process, &record.warnings)?;
            self.sql.exec(
                "INSERT OR REPLACE INTO approved (process_id, approved_at, sealed_token) VALUES (?, ?, ?)",
                vec![text(process.id().as_str()), int(now), text(item.sealed_token)],
            )?;
            self.history(
                process.id(),
                now,
                HistoryEntry::new(
                    change_kind(&transition.change),
                    actor,
                    transition.change.describe(),
                )
                .bundle(bundle_id)
                .method("TOTP"),
            )?;
            self.record_signed(process.id(), user, bundle_id, now)?;
            out.push(ProcessRecord {
                process,
                warnings: record.warnings,
                token: Some(token),
            });
        }
        Ok(SignAnswer::Signed { records: out })
    }

    /// `None`: no such process; `Some(None)`: it has no token; else the record after.
    pub(super) fn revoke(
        &self,
        process_id: &InvoiceId,
        actor: &str,
        now: u64,
    ) -> Result<Option<Option<ProcessRecord>>> {
        let Some(record) = self.load(process_id)? else {
            return Ok(None);
        };
        let Some(mut token) = record.token.clone() else {
            return Ok(Some(None));
        };
        let mut warnings = record.warnings.clone();
        if !token.revoked {
            token.revoke();
            self.save_token(process_id, &token)?;
            warnings.push(Warning::TokenRevoked);
            self.save(&record.process, &warnings)?;
            self.history(
                process_id,
                now,
                HistoryEntry::new(
                    "token_revoked",
                    actor,
                    ap_core::sentence!(
                        "Revoked the approval token; the payment needs normal approval in AutoPay."
                    ),
                ),
            )?;
        }
        Ok(Some(Some(ProcessRecord {
            process: record.process,
            warnings,
            token: Some(token),
        })))
    }
}
