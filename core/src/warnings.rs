//! Warnings shown on a process (task list, process overview): things an approver or an
//! administrator should look at, which do not by themselves stop anything.
//!
//! Each is serialized with a stable snake_case `kind`, its data, and the `message` in plain
//! English: `{"kind": "due_date_passed", "due_date": "2026-03-31", "message": "…"}`.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::dates::Date;
use crate::document::DocumentSummary;
use crate::ids::InvoiceId;
use crate::token::TokenRefusal;

/// What two documents have in common that makes one look like a duplicate of the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateMatch {
    /// Same supplier organisation number and same invoice number.
    InvoiceNumber,
    /// Same supplier organisation number, amount (and currency) and invoice date.
    AmountAndDate,
}

/// Every warning kind ([`Warning::kind`]), for filters and badges (the short labels an
/// approver reads are the SPA's translation files').
pub const KINDS: [&str; 9] = [
    "possible_duplicate",
    "supplier_account_changed",
    "due_date_passed",
    "account_changed_after_approval",
    "token_revoked",
    "token_expired",
    "token_mismatch",
    "token_reused",
    "payment_rejected",
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    #[error(
        "Possible duplicate of invoice {other_process}: {}.",
        match matched_on {
            DuplicateMatch::InvoiceNumber => "same supplier and invoice number",
            DuplicateMatch::AmountAndDate => "same supplier, amount and invoice date",
        }
    )]
    PossibleDuplicate {
        other_process: InvoiceId,
        matched_on: DuplicateMatch,
    },
    #[error(
        "The supplier's bank account differs from the one on its last approved invoice (which \
         ended {previous_last4}). Confirm the change with the supplier before paying."
    )]
    SupplierAccountChanged { previous_last4: String },
    /// The day as `YYYY-MM-DD`: the API writes it as the reader's language does.
    #[error("The due date {due_date} has passed.")]
    DueDatePassed { due_date: Date },
    #[error(
        "The supplier's bank account changed after approval (invoice {by_document} names another \
         account); the approval token was revoked and the payment needs normal approval in AutoPay."
    )]
    AccountChangedAfterApproval { by_document: InvoiceId },
    #[error("The approval token was revoked; the payment needs normal approval in AutoPay.")]
    TokenRevoked,
    #[error("The approval token expired; the payment needs normal approval in AutoPay.")]
    TokenExpired,
    #[error(
        "A payment carried this invoice's approval token but did not match what was approved. \
         {reason}"
    )]
    TokenMismatch { reason: String },
    #[error(
        "A payment tried to use this invoice's approval token again; it was not pre-approved."
    )]
    TokenReused,
    #[error("The bank rejected the payment: {reason}")]
    PaymentRejected { reason: String },
}

impl Warning {
    /// The stable `kind` string, as serialized.
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::PossibleDuplicate { .. } => "possible_duplicate",
            Warning::SupplierAccountChanged { .. } => "supplier_account_changed",
            Warning::DueDatePassed { .. } => "due_date_passed",
            Warning::AccountChangedAfterApproval { .. } => "account_changed_after_approval",
            Warning::TokenRevoked => "token_revoked",
            Warning::TokenExpired => "token_expired",
            Warning::TokenMismatch { .. } => "token_mismatch",
            Warning::TokenReused => "token_reused",
            Warning::PaymentRejected { .. } => "payment_rejected",
        }
    }
}

/// A warning as the approval screens read it (task list, task, process overview): its kind and
/// its sentence. The API answers `message` in the reader's language (`ap_core::messages`);
/// the screens show it as it comes and never rebuild it from the warning's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningNote {
    pub kind: String,
    pub message: String,
}

impl From<&Warning> for WarningNote {
    fn from(warning: &Warning) -> Self {
        WarningNote {
            kind: warning.kind().to_owned(),
            message: warning.to_string(),
        }
    }
}

/// Warnings as notes, in their order.
pub fn notes(warnings: &[Warning]) -> Vec<WarningNote> {
    warnings.iter().map(WarningNote::from).collect()
}

// Written by hand to add `message`; reading it back (derived) ignores `message`.
impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind())?;
        match self {
            Warning::PossibleDuplicate {
                other_process,
                matched_on,
            } => {
                map.serialize_entry("other_process", other_process)?;
                map.serialize_entry("matched_on", matched_on)?;
            }
            Warning::SupplierAccountChanged { previous_last4 } => {
                map.serialize_entry("previous_last4", previous_last4)?;
            }
            Warning::DueDatePassed { due_date } => map.serialize_entry("due_date", due_date)?,
            Warning::AccountChangedAfterApproval { by_document } => {
                map.serialize_entry("by_document", by_document)?;
            }
            Warning::TokenMismatch { reason } | Warning::PaymentRejected { reason } => {
                map.serialize_entry("reason", reason)?;
            }
            Warning::TokenRevoked | Warning::TokenExpired | Warning::TokenReused => {}
        }
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

impl From<&TokenRefusal> for Warning {
    /// How AutoPay's refusal of a token shows on the invoice's process.
    fn from(refusal: &TokenRefusal) -> Warning {
        match refusal {
            TokenRefusal::AlreadyUsed { .. } => Warning::TokenReused,
            TokenRefusal::Revoked => Warning::TokenRevoked,
            TokenRefusal::Expired { .. } => Warning::TokenExpired,
            mismatch => Warning::TokenMismatch {
                reason: mismatch.to_string(),
            },
        }
    }
}

/// Documents of the same company that look like `new`: same supplier organisation number and
/// either the same invoice number (compared without spaces, case-insensitively) or the same
/// amount and invoice date. One warning per other document; `new` itself (same document id) is
/// skipped. Which documents to compare with (for instance, not rejected ones) is the caller's
/// choice.
pub fn duplicate_warnings(new: &DocumentSummary, existing: &[DocumentSummary]) -> Vec<Warning> {
    let number = new.invoice_number.comparable();
    existing
        .iter()
        .filter(|other| {
            other.document_id != new.document_id
                && other.company_id == new.company_id
                && other.supplier.organisation_number == new.supplier.organisation_number
        })
        .filter_map(|other| {
            let matched_on = if other.invoice_number.comparable() == number {
                DuplicateMatch::InvoiceNumber
            } else if other.amount == new.amount && other.invoice_date == new.invoice_date {
                DuplicateMatch::AmountAndDate
            } else {
                return None;
            };
            Some(Warning::PossibleDuplicate {
                other_process: other.document_id.clone(),
                matched_on,
            })
        })
        .collect()
}

/// A warning when the supplier's account on `new` is not the account of that supplier's last
/// approved invoice. An IBAN and the national number inside it count as the same account.
pub fn account_changed(
    new: &DocumentSummary,
    last_approved_of_supplier: Option<&DocumentSummary>,
) -> Option<Warning> {
    let previous = last_approved_of_supplier?;
    let same_supplier = previous.supplier.organisation_number == new.supplier.organisation_number;
    if !same_supplier
        || previous
            .supplier
            .account
            .same_account_as(&new.supplier.account)
    {
        return None;
    }
    Some(Warning::SupplierAccountChanged {
        previous_last4: previous.supplier.account.last_four().to_owned(),
    })
}

/// A warning when the due date is before `today`; an invoice due today is not late.
pub fn due_date_passed(due: Date, today: Date) -> Option<Warning> {
    (due < today).then_some(Warning::DueDatePassed { due_date: due })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::{Document, DocumentRequest};
    use crate::money::{Currency, Money};

    /// The process tests' invoice (12500.50 NOK) as document `id`, changed by `f`.
    fn doc(id: &str, f: impl FnOnce(&mut DocumentRequest)) -> DocumentSummary {
        let mut req = crate::process::fixtures::request();
        req.document_id = id.into();
        f(&mut req);
        Document::parse(&req).unwrap().summary
    }

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_same_supplier_and_invoice_number_is_a_possible_duplicate() {
        let new = doc("d2", |r| r.amount = "99".into());
        let existing = [doc("d1", |r| r.invoice_number = " inv-17 ".into())];
        assert_eq!(
            duplicate_warnings(&new, &existing),
            [Warning::PossibleDuplicate {
                other_process: InvoiceId::parse("d1").unwrap(),
                matched_on: DuplicateMatch::InvoiceNumber,
            }]
        );
    }

    #[test]
    fn the_same_supplier_amount_and_date_is_a_possible_duplicate() {
        let new = doc("d2", |r| r.invoice_number = "INV-18".into());
        let existing = [doc("d1", |_| {})];
        let warnings = duplicate_warnings(&new, &existing);
        assert_eq!(
            warnings[0].to_string(),
            "Possible duplicate of invoice d1: same supplier, amount and invoice date."
        );
    }

    #[test]
    fn different_suppliers_companies_amounts_or_dates_are_not_duplicates() {
        let new = doc("d2", |r| r.invoice_number = "INV-18".into());
        let existing = [
            doc("d1", |r| {
                r.supplier.organisation_number = "999999999".into()
            }),
            doc("d3", |r| r.company_id = "other".into()),
            doc("d4", |r| r.amount = "12500.51".into()),
            doc("d5", |r| r.invoice_date = "2026-03-02".into()),
            doc("d6", |r| r.currency = "EUR".into()),
            doc("d2", |_| {}),
        ];
        assert!(duplicate_warnings(&new, &existing).is_empty());
    }

    #[test]
    fn a_changed_supplier_account_is_warned_with_the_previous_last_four() {
        let new = doc("d2", |r| {
            r.supplier.iban = Some("DE89370400440532013000".into())
        });
        let last = doc("d1", |_| {});
        let warning = account_changed(&new, Some(&last)).unwrap();
        assert_eq!(
            warning,
            Warning::SupplierAccountChanged {
                previous_last4: "7947".into()
            }
        );
    }

    #[test]
    fn the_same_account_or_no_earlier_approval_gives_no_warning() {
        let new = doc("d2", |r| {
            r.supplier.iban = None;
            r.supplier.account_number = Some("8601.11.17947".into());
            r.supplier.bic = Some("DNBANOKK".into());
        });
        let last = doc("d1", |_| {});
        assert_eq!(account_changed(&new, Some(&last)), None);
        assert_eq!(account_changed(&new, None), None);
        let other_supplier = doc("d0", |r| {
            r.supplier.organisation_number = "999999999".into();
            r.supplier.iban = Some("DE89370400440532013000".into());
        });
        assert_eq!(account_changed(&new, Some(&other_supplier)), None);
    }

    #[test]
    fn a_due_date_before_today_has_passed_but_today_has_not() {
        assert_eq!(
            due_date_passed(date("2026-03-31"), date("2026-04-01")),
            Some(Warning::DueDatePassed {
                due_date: date("2026-03-31")
            })
        );
        assert_eq!(
            due_date_passed(date("2026-03-31"), date("2026-03-31")),
            None
        );
    }

    #[test]
    fn every_warning_kind_has_one_label() {
        let mut keys: Vec<&str> = KINDS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), KINDS.len(), "no kind twice");
        for w in [
            Warning::TokenRevoked,
            Warning::TokenExpired,
            Warning::TokenReused,
            Warning::DueDatePassed {
                due_date: Date::parse("2026-01-01").unwrap(),
            },
            Warning::SupplierAccountChanged {
                previous_last4: "7947".into(),
            },
        ] {
            assert!(KINDS.contains(&w.kind()), "{}", w.kind());
        }
    }

    #[test]
    fn token_refusals_become_token_warnings() {
        assert_eq!(
            Warning::from(&TokenRefusal::AlreadyUsed {
                at: 0,
                by: crate::ids::PaymentId::parse("p1").unwrap()
            }),
            Warning::TokenReused
        );
        assert_eq!(Warning::from(&TokenRefusal::Revoked), Warning::TokenRevoked);
        assert_eq!(
            Warning::from(&TokenRefusal::Expired { expired_at: 0 }),
            Warning::TokenExpired
        );
        let mismatch = TokenRefusal::AmountMismatch {
            approved: Money::from_minor(100, Currency::NOK),
            presented: Money::from_minor(200, Currency::NOK),
        };
        assert_eq!(
            Warning::from(&mismatch).to_string(),
            "A payment carried this invoice's approval token but did not match what was \
             approved. The payment is for 2.00\u{a0}NOK, but 1.00\u{a0}NOK was approved."
        );
    }

    #[test]
    fn a_warning_serializes_with_its_kind_data_and_message_and_reads_back() {
        let warnings = [
            Warning::PossibleDuplicate {
                other_process: InvoiceId::parse("d1").unwrap(),
                matched_on: DuplicateMatch::InvoiceNumber,
            },
            Warning::SupplierAccountChanged {
                previous_last4: "7947".into(),
            },
            Warning::DueDatePassed {
                due_date: date("2026-03-31"),
            },
            Warning::TokenRevoked,
            Warning::TokenExpired,
            Warning::TokenMismatch {
                reason: "amount".into(),
            },
            Warning::TokenReused,
            Warning::PaymentRejected {
                reason: "AC04 closed account".into(),
            },
        ];
        for warning in &warnings {
            let json = serde_json::to_value(warning).unwrap();
            assert_eq!(json["kind"], warning.kind());
            assert_eq!(json["message"], warning.to_string());
            let back: Warning = serde_json::from_value(json).unwrap();
            assert_eq!(&back, warning);
        }
        let json = serde_json::to_string(&warnings[2]).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"due_date_passed","due_date":"2026-03-31","message":"The due date 2026-03-31 has passed."}"#
        );
    }
}
