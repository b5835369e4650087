//! Matching a bank's status report (pain.002) to the payments it reports on: which payments
//! each line of the report is about, the status each moves to, the sentence for its events, the
//! reason kept on a rejected payment and the warning left on its invoice's process.
//!
//! The Worker reads the report into [`ReportItem`]s ([`report_items`]); the ledger Durable
//! Object loads the payments of the files the report names as [`ReportedPayment`]s, calls
//! [`match_report`] and writes what it decided. Nothing here reads storage or a clock.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::api_autopay::PaymentStatus;
use crate::autopay::{after_bank_report, instr_id_hash};
use crate::ids::{InvoiceId, PaymentFileId, PaymentId};
use crate::iso20022::{StatusCode, StatusReason, StatusReport};
use crate::warnings::Warning;

/// What a line of a status report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReportTarget {
    /// One transaction: found by the hash of its original `InstrId` first, and by its original
    /// `EndToEndId` in a file where the `InstrId` found nothing.
    Transaction {
        instr_hash: Option<String>,
        end_to_end_id: Option<String>,
    },
    /// Every payment of one original payment information.
    PaymentInformation { pmt_inf_id: String },
    /// Every payment of the files the report is about.
    Group,
}

/// One status the report gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    pub target: ReportTarget,
    /// How the report names it (for `unmatched`).
    pub reference: String,
    pub code: StatusCode,
    pub reason: Option<String>,
}

/// The statuses a report gives, most specific first: a transaction's own status, or failing it
/// its payment information's; a payment information without transactions as a whole; the group
/// status only when the report names no payment information. A line without any status says
/// nothing.
pub fn report_items(report: &StatusReport) -> Vec<ReportItem> {
    let mut items = Vec::new();
    for info in &report.payment_infos {
        for tx in &info.transactions {
            let Some(code) = tx.status.clone().or_else(|| info.status.clone()) else {
                continue;
            };
            let reasons = if tx.reasons.is_empty() {
                &info.reasons
            } else {
                &tx.reasons
            };
            let e2e = tx.original_end_to_end_id.as_ref().map(|t| t.to_string());
            let instr = tx.original_instr_id.as_ref().map(|t| t.as_str());
            items.push(ReportItem {
                // The InstrId may be an approval token: never echoed back.
                reference: e2e
                    .clone()
                    .or_else(|| instr.map(|_| "InstrId".to_owned()))
                    .unwrap_or_else(|| format!("line {}", tx.line)),
                target: ReportTarget::Transaction {
                    instr_hash: instr.map(instr_id_hash),
                    end_to_end_id: e2e,
                },
                code,
                reason: reason_text(reasons),
            });
        }
        if info.transactions.is_empty() {
            if let Some(code) = info.status.clone() {
                items.push(ReportItem {
                    reference: info.original_pmt_inf_id.to_string(),
                    target: ReportTarget::PaymentInformation {
                        pmt_inf_id: info.original_pmt_inf_id.to_string(),
                    },
                    code,
                    reason: reason_text(&info.reasons),
                });
            }
        }
    }
    if report.payment_infos.is_empty() {
        if let Some(code) = report.group_status.clone() {
            items.push(ReportItem {
                reference: report.original_msg_id.to_string(),
                target: ReportTarget::Group,
                code,
                reason: reason_text(&report.group_reasons),
            });
        }
    }
    items
}

/// The reasons as one sentence: each reason code with its additional information, `; ` between
/// them; `None` when the report gives none.
fn reason_text(reasons: &[StatusReason]) -> Option<String> {
    let parts: Vec<String> = reasons
        .iter()
        .map(|r| {
            let info: Vec<&str> = r.additional_info.iter().map(|t| t.as_str()).collect();
            match (&r.code, info.is_empty()) {
                (Some(code), true) => code.clone(),
                (Some(code), false) => format!("{code} {}", info.join(" ")),
                (None, _) => info.join(" "),
            }
        })
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A payment of a file the report is about, as matching needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedPayment {
    pub id: PaymentId,
    pub file_id: PaymentFileId,
    /// Its status before the report.
    pub status: PaymentStatus,
    /// SHA-256 of its `InstrId`, if it had one.
    pub instr_hash: Option<String>,
    pub end_to_end_id: String,
    pub pmt_inf_id: String,
    /// The invoice whose approval token it carried.
    pub process_id: Option<InvoiceId>,
}

/// A warning for an invoice's process, to be tallied with the others of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessWarning {
    pub process: InvoiceId,
    pub warning: Warning,
}

/// A status the report gives a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Index of the payment in the list given to [`match_report`].
    pub payment: usize,
    pub from: PaymentStatus,
    pub to: PaymentStatus,
    /// The sentence for the payment's event (actor: the bank).
    pub detail: String,
    /// The bank's reason to keep on the payment (a rejection); `None` keeps what it has.
    pub bank_reason: Option<String>,
    /// The warning for the payment's process (a rejected payment that carried a token).
    pub process_warning: Option<ProcessWarning>,
}

/// What one item does to one payment it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The code moves nothing (see [`after_bank_report`]); index as in [`StatusChange`].
    Unchanged {
        payment: usize,
    },
    Changed(StatusChange),
}

/// What one item of the report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// No payment of the files is the one it names.
    Unmatched { reference: String },
    /// The payments it names (at least one), in the order they were given.
    Matched(Vec<PaymentOutcome>),
}

/// What a status report does, item by item in the report's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportMatch {
    pub items: Vec<ItemOutcome>,
}

impl ReportMatch {
    /// Items that named at least one payment.
    pub fn matched(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, ItemOutcome::Matched(_)))
            .count()
    }

    /// Every status change, in the order it is to be written.
    pub fn changes(&self) -> impl Iterator<Item = &StatusChange> {
        self.outcomes().filter_map(|o| match o {
            PaymentOutcome::Changed(change) => Some(change),
            PaymentOutcome::Unchanged { .. } => None,
        })
    }

    /// Status changes (a payment two items moved counts twice).
    pub fn changed(&self) -> usize {
        self.changes().count()
    }

    /// Payments an item named without changing them.
    pub fn unchanged(&self) -> usize {
        self.outcomes()
            .filter(|o| matches!(o, PaymentOutcome::Unchanged { .. }))
            .count()
    }

    /// How the report names each item that matched nothing.
    pub fn unmatched(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                ItemOutcome::Unmatched { reference } => Some(reference.clone()),
                ItemOutcome::Matched(_) => None,
            })
            .collect()
    }

    fn outcomes(&self) -> impl Iterator<Item = &PaymentOutcome> {
        self.items.iter().flat_map(|i| match i {
            ItemOutcome::Matched(outcomes) => outcomes.as_slice(),
            ItemOutcome::Unmatched { .. } => &[],
        })
    }
}

/// Applies the items of report `report_msg_id` in order to `payments`, the payments of every
/// file whose message id the report names (file by file). A later item sees the status an
/// earlier one gave, so "accepted" then "paid" on one payment makes it paid.
///
/// A transaction is found by its `InstrId` hash, and by its `EndToEndId` only in a file where the
/// hash found nothing; a payment information by its id; the group status names every payment.
pub fn match_report(
    report_msg_id: &str,
    items: &[ReportItem],
    payments: &[ReportedPayment],
) -> ReportMatch {
    let index = PaymentIndex::new(payments);
    let mut status: Vec<PaymentStatus> = payments.iter().map(|p| p.status).collect();
    let items = items
        .iter()
        .map(|item| {
            let found = index.find(&item.target, payments);
            if found.is_empty() {
                return ItemOutcome::Unmatched {
                    reference: item.reference.clone(),
                };
            }
            let outcomes = found
                .into_iter()
                .map(|i| match after_bank_report(status[i], &item.code) {
                    None => PaymentOutcome::Unchanged { payment: i },
                    Some(to) => {
                        let change =
                            status_change(report_msg_id, item, i, &payments[i], status[i], to);
                        status[i] = to;
                        PaymentOutcome::Changed(change)
                    }
                })
                .collect();
            ItemOutcome::Matched(outcomes)
        })
        .collect();
    ReportMatch { items }
}

fn status_change(
    report_msg_id: &str,
    item: &ReportItem,
    index: usize,
    payment: &ReportedPayment,
    from: PaymentStatus,
    to: PaymentStatus,
) -> StatusChange {
    let code = &item.code;
    let reason = item.reason.as_deref().unwrap_or("no reason given");
    let mut change = StatusChange {
        payment: index,
        from,
        to,
        detail: crate::sentence!(
            "The bank reported {code} ({}). Report {report_msg_id}.",
            to.label()
        ),
        bank_reason: None,
        process_warning: None,
    };
    if to == PaymentStatus::RejectedInBank {
        change.detail = crate::sentence!(
            "The bank rejected the payment ({code}): {reason}. Report {report_msg_id}."
        );
        change.bank_reason = Some(reason.to_owned());
        change.process_warning = payment.process_id.as_ref().map(|process| ProcessWarning {
            process: process.clone(),
            warning: Warning::PaymentRejected {
                reason: format!("{code} {reason}"),
            },
        });
    }
    change
}

/// The payments by each reference a report may name, each list in the order given.
struct PaymentIndex<'a> {
    by_instr_hash: BTreeMap<&'a str, Vec<usize>>,
    by_end_to_end_id: BTreeMap<&'a str, Vec<usize>>,
    by_pmt_inf_id: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> PaymentIndex<'a> {
    fn new(payments: &'a [ReportedPayment]) -> Self {
        let mut index = Self {
            by_instr_hash: BTreeMap::new(),
            by_end_to_end_id: BTreeMap::new(),
            by_pmt_inf_id: BTreeMap::new(),
        };
        for (i, p) in payments.iter().enumerate() {
            if let Some(hash) = &p.instr_hash {
                index.by_instr_hash.entry(hash).or_default().push(i);
            }
            index
                .by_end_to_end_id
                .entry(&p.end_to_end_id)
                .or_default()
                .push(i);
            index
                .by_pmt_inf_id
                .entry(&p.pmt_inf_id)
                .or_default()
                .push(i);
        }
        index
    }

    /// The payments `target` names, in the order given.
    fn find(&self, target: &ReportTarget, payments: &[ReportedPayment]) -> Vec<usize> {
        let lookup = |map: &BTreeMap<&str, Vec<usize>>, key: Option<&str>| {
            key.and_then(|k| map.get(k)).cloned().unwrap_or_default()
        };
        match target {
            ReportTarget::Transaction {
                instr_hash,
                end_to_end_id,
            } => {
                let mut found = lookup(&self.by_instr_hash, instr_hash.as_deref());
                let files_found: BTreeSet<&PaymentFileId> =
                    found.iter().map(|&i| &payments[i].file_id).collect();
                found.extend(
                    lookup(&self.by_end_to_end_id, end_to_end_id.as_deref())
                        .into_iter()
                        .filter(|&i| !files_found.contains(&payments[i].file_id)),
                );
                found.sort_unstable();
                found
            }
            ReportTarget::PaymentInformation { pmt_inf_id } => {
                lookup(&self.by_pmt_inf_id, Some(pmt_inf_id))
            }
            ReportTarget::Group => (0..payments.len()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iso20022::read_pain002;
    use PaymentStatus as S;

    const REPORT: &str = "STS-1";
    const FILE_A: &str = "acme_0123456789abcdef0123";
    const FILE_B: &str = "acme_fedcba9876543210fedc";

    fn payment(file: &str, seq: u32, status: PaymentStatus) -> ReportedPayment {
        ReportedPayment {
            id: PaymentId::parse(&format!("{file}-{seq}")).unwrap(),
            file_id: PaymentFileId::parse(file).unwrap(),
            status,
            instr_hash: None,
            end_to_end_id: format!("E2E-{seq}"),
            pmt_inf_id: "PMT-1".to_owned(),
            process_id: None,
        }
    }

    fn with_token(mut p: ReportedPayment, token: &str, process: &str) -> ReportedPayment {
        p.instr_hash = Some(instr_id_hash(token));
        p.process_id = Some(InvoiceId::parse(process).unwrap());
        p
    }

    fn item(target: ReportTarget, code: &str, reason: Option<&str>) -> ReportItem {
        ReportItem {
            reference: match &target {
                ReportTarget::Transaction {
                    end_to_end_id: Some(e2e),
                    ..
                } => e2e.clone(),
                ReportTarget::PaymentInformation { pmt_inf_id } => pmt_inf_id.clone(),
                _ => "ref".to_owned(),
            },
            target,
            code: StatusCode::parse(code).unwrap(),
            reason: reason.map(str::to_owned),
        }
    }

    fn tx(instr: Option<&str>, e2e: Option<&str>, code: &str) -> ReportItem {
        item(
            ReportTarget::Transaction {
                instr_hash: instr.map(instr_id_hash),
                end_to_end_id: e2e.map(str::to_owned),
            },
            code,
            None,
        )
    }

    /// Per item: the indexes it changed, or `None` when it matched nothing.
    fn changed_per_item(m: &ReportMatch) -> Vec<Option<Vec<usize>>> {
        m.items
            .iter()
            .map(|i| match i {
                ItemOutcome::Unmatched { .. } => None,
                ItemOutcome::Matched(outcomes) => Some(
                    outcomes
                        .iter()
                        .filter_map(|o| match o {
                            PaymentOutcome::Changed(c) => Some(c.payment),
                            PaymentOutcome::Unchanged { .. } => None,
                        })
                        .collect(),
                ),
            })
            .collect()
    }

    fn only_change(m: &ReportMatch) -> &StatusChange {
        let changes: Vec<_> = m.changes().collect();
        assert_eq!(changes.len(), 1, "{m:?}");
        changes[0]
    }

    #[test]
    fn a_transaction_is_found_by_its_end_to_end_id() {
        let payments = [
            payment(FILE_A, 1, S::SentToBank),
            payment(FILE_A, 2, S::SentToBank),
        ];
        let m = match_report(REPORT, &[tx(None, Some("E2E-2"), "ACTC")], &payments);
        let change = only_change(&m);
        assert_eq!(change.payment, 1);
        assert_eq!((change.from, change.to), (S::SentToBank, S::AcceptedByBank));
        assert_eq!(
            change.detail,
            "The bank reported ACTC (Accepted by bank). Report STS-1."
        );
        assert_eq!(change.bank_reason, None);
        assert_eq!(change.process_warning, None);
        assert_eq!((m.matched(), m.changed(), m.unchanged()), (1, 1, 0));
        assert!(m.unmatched().is_empty());
    }

    #[test]
    fn the_instr_id_comes_before_the_end_to_end_id() {
        // The report's EndToEndId names payment 1, its InstrId payment 2: the InstrId wins.
        let payments = [
            payment(FILE_A, 1, S::SentToBank),
            with_token(payment(FILE_A, 2, S::SentToBank), "AP1-TOKEN", "acme_p1"),
        ];
        let m = match_report(
            REPORT,
            &[tx(Some("AP1-TOKEN"), Some("E2E-1"), "ACSC")],
            &payments,
        );
        assert_eq!(changed_per_item(&m), [Some(vec![1])]);
        assert_eq!(only_change(&m).to, S::Paid);
    }

    #[test]
    fn an_instr_id_that_finds_nothing_falls_back_to_the_end_to_end_id() {
        let payments = [payment(FILE_A, 1, S::SentToBank)];
        let m = match_report(
            REPORT,
            &[tx(Some("AP1-UNKNOWN"), Some("E2E-1"), "ACTC")],
            &payments,
        );
        assert_eq!(changed_per_item(&m), [Some(vec![0])]);
    }

    #[test]
    fn an_instr_id_alone_that_finds_nothing_is_unmatched() {
        let payments = [payment(FILE_A, 1, S::SentToBank)];
        let mut unknown = tx(Some("AP1-UNKNOWN"), None, "ACTC");
        unknown.reference = "InstrId".to_owned();
        let m = match_report(REPORT, &[unknown], &payments);
        assert_eq!(
            m.items,
            [ItemOutcome::Unmatched {
                reference: "InstrId".into()
            }]
        );
        assert_eq!(m.unmatched(), ["InstrId"]);
        assert_eq!((m.matched(), m.changed(), m.unchanged()), (0, 0, 0));
    }

    #[test]
    fn an_unknown_end_to_end_id_is_unmatched_with_its_reference() {
        let payments = [payment(FILE_A, 1, S::SentToBank)];
        let m = match_report(
            REPORT,
            &[
                tx(None, Some("NOPE"), "ACSC"),
                tx(None, Some("E2E-1"), "ACSC"),
            ],
            &payments,
        );
        assert_eq!(m.unmatched(), ["NOPE"]);
        assert_eq!(changed_per_item(&m), [None, Some(vec![0])]);
        assert_eq!(m.matched(), 1);
    }

    #[test]
    fn a_payment_information_names_its_payments() {
        let mut other = payment(FILE_A, 3, S::SentToBank);
        other.pmt_inf_id = "PMT-2".to_owned();
        let payments = [
            payment(FILE_A, 1, S::SentToBank),
            payment(FILE_A, 2, S::SentToBank),
            other,
        ];
        let target = ReportTarget::PaymentInformation {
            pmt_inf_id: "PMT-1".into(),
        };
        let m = match_report(REPORT, &[item(target, "ACCP", None)], &payments);
        assert_eq!(changed_per_item(&m), [Some(vec![0, 1])]);
        let target = ReportTarget::PaymentInformation {
            pmt_inf_id: "PMT-9".into(),
        };
        let none = match_report(REPORT, &[item(target, "ACCP", None)], &payments);
        assert_eq!(none.unmatched(), ["PMT-9"]);
    }

    #[test]
    fn the_group_status_names_every_payment_of_every_file() {
        let payments = [
            payment(FILE_A, 1, S::SentToBank),
            payment(FILE_A, 2, S::Paid),
            payment(FILE_B, 1, S::AcceptedByBank),
        ];
        let m = match_report(
            REPORT,
            &[item(ReportTarget::Group, "ACSC", None)],
            &payments,
        );
        assert_eq!(
            m.items,
            [ItemOutcome::Matched(vec![
                PaymentOutcome::Changed(StatusChange {
                    payment: 0,
                    from: S::SentToBank,
                    to: S::Paid,
                    detail: "The bank reported ACSC (Paid). Report STS-1.".into(),
                    bank_reason: None,
                    process_warning: None,
                }),
                PaymentOutcome::Unchanged { payment: 1 },
                PaymentOutcome::Changed(StatusChange {
                    payment: 2,
                    from: S::AcceptedByBank,
                    to: S::Paid,
                    detail: "The bank reported ACSC (Paid). Report STS-1.".into(),
                    bank_reason: None,
                    process_warning: None,
                }),
            ])]
        );
        assert_eq!((m.matched(), m.changed(), m.unchanged()), (1, 2, 1));
    }

    #[test]
    fn the_group_status_of_a_report_on_no_payments_is_unmatched() {
        let m = match_report(REPORT, &[item(ReportTarget::Group, "ACSC", None)], &[]);
        assert_eq!(m.unmatched(), ["ref"]);
    }

    #[test]
    fn a_code_that_moves_nothing_leaves_the_payment_unchanged() {
        let payments = [
            payment(FILE_A, 1, S::SentToBank),
            payment(FILE_A, 2, S::PendingApproval),
        ];
        let m = match_report(
            REPORT,
            &[
                tx(None, Some("E2E-1"), "PDNG"),
                tx(None, Some("E2E-2"), "ACSC"),
            ],
            &payments,
        );
        assert_eq!(
            m.items,
            [
                ItemOutcome::Matched(vec![PaymentOutcome::Unchanged { payment: 0 }]),
                ItemOutcome::Matched(vec![PaymentOutcome::Unchanged { payment: 1 }]),
            ]
        );
        assert_eq!((m.matched(), m.changed(), m.unchanged()), (2, 0, 2));
    }

    #[test]
    fn a_rejection_keeps_the_bank_reason_and_warns_the_process_of_a_token_payment() {
        let payments = [with_token(
            payment(FILE_A, 1, S::SentToBank),
            "AP1-TOKEN",
            "acme_p1",
        )];
        let mut rejected = tx(Some("AP1-TOKEN"), Some("E2E-1"), "RJCT");
        rejected.reason = Some("AC04 Account closed".into());
        let m = match_report(REPORT, &[rejected], &payments);
        let change = only_change(&m);
        assert_eq!(change.to, S::RejectedInBank);
        assert_eq!(
            change.detail,
            "The bank rejected the payment (RJCT): AC04 Account closed. Report STS-1."
        );
        assert_eq!(change.bank_reason.as_deref(), Some("AC04 Account closed"));
        assert_eq!(
            change.process_warning,
            Some(ProcessWarning {
                process: InvoiceId::parse("acme_p1").unwrap(),
                warning: Warning::PaymentRejected {
                    reason: "RJCT AC04 Account closed".into()
                },
            })
        );
    }

    #[test]
    fn a_rejection_without_a_reason_says_so_and_a_payment_without_a_process_warns_no_one() {
        let payments = [payment(FILE_A, 1, S::AcceptedByBank)];
        let m = match_report(REPORT, &[tx(None, Some("E2E-1"), "RJCT")], &payments);
        let change = only_change(&m);
        assert_eq!(
            (change.from, change.to),
            (S::AcceptedByBank, S::RejectedInBank)
        );
        assert_eq!(
            change.detail,
            "The bank rejected the payment (RJCT): no reason given. Report STS-1."
        );
        assert_eq!(change.bank_reason.as_deref(), Some("no reason given"));
        assert_eq!(change.process_warning, None);
    }

    #[test]
    fn a_token_payment_that_is_not_rejected_warns_no_one() {
        let payments = [with_token(
            payment(FILE_A, 1, S::SentToBank),
            "AP1-TOKEN",
            "acme_p1",
        )];
        let mut accepted = tx(Some("AP1-TOKEN"), None, "ACSC");
        accepted.reason = Some("ignored".into());
        let change = only_change(&match_report(REPORT, &[accepted], &payments)).clone();
        assert_eq!(change.bank_reason, None);
        assert_eq!(change.process_warning, None);
    }

    #[test]
    fn later_items_see_the_status_earlier_items_gave() {
        let payments = [payment(FILE_A, 1, S::SentToBank)];
        let m = match_report(
            REPORT,
            &[
                tx(None, Some("E2E-1"), "ACTC"),
                tx(None, Some("E2E-1"), "ACSC"),
                tx(None, Some("E2E-1"), "RJCT"),
            ],
            &payments,
        );
        let moves: Vec<_> = m.changes().map(|c| (c.payment, c.from, c.to)).collect();
        assert_eq!(
            moves,
            [
                (0, S::SentToBank, S::AcceptedByBank),
                (0, S::AcceptedByBank, S::Paid)
            ]
        );
        // Paid is final: the rejection after it changes nothing.
        assert_eq!((m.matched(), m.changed(), m.unchanged()), (3, 2, 1));
    }

    #[test]
    fn a_duplicate_item_changes_nothing_the_second_time() {
        let payments = [payment(FILE_A, 1, S::SentToBank)];
        let accepted = tx(None, Some("E2E-1"), "ACTC");
        let m = match_report(REPORT, &[accepted.clone(), accepted], &payments);
        assert_eq!(changed_per_item(&m), [Some(vec![0]), Some(vec![])]);
        assert_eq!(m.unchanged(), 1);
    }

    #[test]
    fn files_with_the_same_message_id_are_matched_file_by_file() {
        // File A has the token; file B only the EndToEndId. The InstrId finds A's payment, and in
        // B, where it finds nothing, the EndToEndId finds B's.
        let payments = [
            payment(FILE_A, 1, S::SentToBank),
            with_token(payment(FILE_A, 2, S::SentToBank), "AP1-TOKEN", "acme_p1"),
            payment(FILE_B, 1, S::SentToBank),
        ];
        let m = match_report(
            REPORT,
            &[tx(Some("AP1-TOKEN"), Some("E2E-1"), "ACTC")],
            &payments,
        );
        assert_eq!(changed_per_item(&m), [Some(vec![1, 2])]);
        let group = match_report(
            REPORT,
            &[item(ReportTarget::Group, "ACTC", None)],
            &payments,
        );
        assert_eq!(changed_per_item(&group), [Some(vec![0, 1, 2])]);
        let by_e2e = match_report(REPORT, &[tx(None, Some("E2E-1"), "ACTC")], &payments);
        assert_eq!(changed_per_item(&by_e2e), [Some(vec![0, 2])]);
    }

    #[test]
    fn every_payment_a_transaction_names_is_reported_on() {
        // The same EndToEndId twice in one file: both payments get the status.
        let mut twin = payment(FILE_A, 2, S::SentToBank);
        twin.end_to_end_id = "E2E-1".to_owned();
        let payments = [payment(FILE_A, 1, S::SentToBank), twin];
        let m = match_report(REPORT, &[tx(None, Some("E2E-1"), "ACTC")], &payments);
        assert_eq!(changed_per_item(&m), [Some(vec![0, 1])]);
        assert_eq!(m.matched(), 1);
        assert_eq!(m.changed(), 2);
    }

    #[test]
    fn an_empty_report_does_nothing() {
        let payments = [payment(FILE_A, 1, S::SentToBank)];
        let m = match_report(REPORT, &[], &payments);
        assert_eq!(m, ReportMatch::default());
        assert_eq!((m.matched(), m.changed(), m.unchanged()), (0, 0, 0));
        assert!(m.unmatched().is_empty());
        assert_eq!(match_report(REPORT, &[], &[]), ReportMatch::default());
    }

    #[test]
    fn a_report_item_keeps_its_wire_shape() {
        let item = tx(Some("AP1-TOKEN"), Some("E2E-1"), "RJCT");
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["target"]["kind"], "transaction");
        assert_eq!(json["target"]["end_to_end_id"], "E2E-1");
        assert_eq!(json["code"], "RJCT");
        assert_eq!(
            serde_json::from_value::<ReportItem>(json).unwrap(),
            item,
            "read back"
        );
        let group = serde_json::to_value(ReportTarget::Group).unwrap();
        assert_eq!(group, serde_json::json!({"kind": "group"}));
        let info = serde_json::to_value(ReportTarget::PaymentInformation {
            pmt_inf_id: "P".into(),
        })
        .unwrap();
        assert_eq!(
            info,
            serde_json::json!({"kind": "payment_information", "pmt_inf_id": "P"})
        );
    }

    const V10: &str = include_str!("iso20022/testdata/pain002_v10_partially_accepted.xml");

    #[test]
    fn report_items_take_each_transactions_own_status_and_reasons() {
        let report = read_pain002(V10.as_bytes()).unwrap();
        let items = report_items(&report);
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0],
            ReportItem {
                target: ReportTarget::Transaction {
                    instr_hash: Some(instr_id_hash("AP1-7F3A9C2E")),
                    end_to_end_id: Some("E2E-1".into()),
                },
                reference: "E2E-1".into(),
                code: StatusCode::AcceptedSettlementCompleted,
                reason: None,
            }
        );
        assert_eq!(items[1].code, StatusCode::Pending);
        assert_eq!(items[2].code, StatusCode::Rejected);
        assert_eq!(
            items[2].reason.as_deref(),
            Some("AC04 Konto avsluttet / account closed Kontakt mottaker for nytt kontonummer")
        );
    }

    fn report(body: &str) -> StatusReport {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2030-03-01T07:00:00</CreDtTm></GrpHdr>
    {body}
  </CstmrPmtStsRpt>
</Document>"#
        );
        read_pain002(xml.as_bytes()).unwrap()
    }

    #[test]
    fn report_items_fall_back_to_the_payment_informations_status_and_reasons() {
        let r = report(
            "<OrgnlGrpInfAndSts><OrgnlMsgId>M-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>PMT-1</OrgnlPmtInfId>
      <PmtInfSts>RJCT</PmtInfSts>
      <StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>
      <TxInfAndSts><OrgnlInstrId>AP1-TOKEN</OrgnlInstrId></TxInfAndSts>
      <TxInfAndSts><TxSts>ACTC</TxSts></TxInfAndSts>
    </OrgnlPmtInfAndSts>",
        );
        let items = report_items(&r);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].code, StatusCode::Rejected);
        assert_eq!(items[0].reason.as_deref(), Some("AM04"));
        assert_eq!(
            items[0].reference, "InstrId",
            "an InstrId may be a token: never echoed"
        );
        assert_eq!(
            items[0].target,
            ReportTarget::Transaction {
                instr_hash: Some(instr_id_hash("AP1-TOKEN")),
                end_to_end_id: None
            }
        );
        assert_eq!(items[1].code, StatusCode::AcceptedTechnicalValidation);
        assert!(
            items[1].reference.starts_with("line "),
            "{}",
            items[1].reference
        );
    }

    #[test]
    fn report_items_skip_a_transaction_without_any_status() {
        let r = report(
            "<OrgnlGrpInfAndSts><OrgnlMsgId>M-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>PMT-1</OrgnlPmtInfId>
      <TxInfAndSts><OrgnlEndToEndId>E2E-1</OrgnlEndToEndId></TxInfAndSts>
    </OrgnlPmtInfAndSts>",
        );
        assert!(report_items(&r).is_empty());
    }

    #[test]
    fn report_items_name_a_whole_payment_information_without_transactions() {
        let r = report(
            "<OrgnlGrpInfAndSts><OrgnlMsgId>M-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>ACCP</GrpSts></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>PMT-1</OrgnlPmtInfId>
      <PmtInfSts>ACSC</PmtInfSts>
    </OrgnlPmtInfAndSts>",
        );
        assert_eq!(
            report_items(&r),
            [ReportItem {
                target: ReportTarget::PaymentInformation {
                    pmt_inf_id: "PMT-1".into()
                },
                reference: "PMT-1".into(),
                code: StatusCode::AcceptedSettlementCompleted,
                reason: None,
            }],
            "the group status is not applied over a payment information"
        );
    }

    #[test]
    fn report_items_use_the_group_status_only_without_payment_informations() {
        let r = report(
            "<OrgnlGrpInfAndSts><OrgnlMsgId>M-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>RJCT</GrpSts>
      <StsRsnInf><Rsn><Cd>FF01</Cd></Rsn><AddtlInf>Invalid file</AddtlInf></StsRsnInf>
      <StsRsnInf><AddtlInf>Resend</AddtlInf></StsRsnInf></OrgnlGrpInfAndSts>",
        );
        assert_eq!(
            report_items(&r),
            [ReportItem {
                target: ReportTarget::Group,
                reference: "M-1".into(),
                code: StatusCode::Rejected,
                reason: Some("FF01 Invalid file; Resend".into()),
            }]
        );
        let silent = report(
            "<OrgnlGrpInfAndSts><OrgnlMsgId>M-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId></OrgnlGrpInfAndSts>",
        );
        assert!(report_items(&silent).is_empty());
    }
}
