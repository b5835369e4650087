//! "Signed by me": every bundle a user signed, newest first, with each invoice's path from the
//! signature to the bank: waiting for ERP export → in AutoPay → Sent to bank → Paid (or
//! Rejected).
//!
//! A signing that spans several companies is stored in parts, one per company's ledger, each
//! written by the same command that issued that company's tokens (so a part exists exactly
//! when its invoices were signed). A part is keyed by [`SigningKey`]: the time of the signing
//! and its bundle id, the same in every part of one signing. The list is read the way the
//! other lists gathered from several ledgers are (`crate::listing`): each ledger answers the
//! parts of its first `limit + 1` signings after the cursor, and [`merged_signings`] joins the
//! parts of one signing and keeps the first `limit` signings. A signing among the first
//! `limit` overall is among the first `limit` of every ledger holding a part of it, so no part
//! of a signing on the page is missing from it.
//!
//! Where an invoice stands ([`path_of`]) is derived from what the ledger already keeps: whether
//! the ERP acknowledged an export holding it, and the payment that used its approval token.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::Page;
use crate::api_approval::AmountView;
use crate::api_autopay::PaymentStatus;
use crate::ids::BundleId;
use crate::listing::{cursor_fields, cursor_number, fields_cursor, PageKey};
use crate::money::{Money, Totals, TotalsOverflow};
use crate::token::TokenRecord;

// ---------------------------------------------------------------------------------------------
// Session API (the signed-in user's own signings only):
//
//   GET    /api/v1/me/signings?cursor=&limit=      -> Page<SigningView>, newest first
//          400 naming `cursor` or `limit` when either is not one this API gives out.
// ---------------------------------------------------------------------------------------------

/// Where a signing stands in the list: newest first, then by bundle id (unique), so no two
/// signings tie. The ledger pages with `WHERE (signed_at, bundle_id) < (?, ?) ORDER BY
/// signed_at DESC, bundle_id DESC`, the reverse of [`Ord`] here.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SigningKey {
    /// When the bundle was signed (Unix seconds).
    pub signed_at: u64,
    pub bundle: BundleId,
}

impl PageKey for SigningKey {
    /// The list's order: newest first, the reverse of [`Ord`].
    fn order(&self, other: &SigningKey) -> Ordering {
        other.cmp(self)
    }

    fn cursor(&self) -> String {
        fields_cursor(
            "signing",
            &[&self.signed_at.to_string(), self.bundle.as_str()],
        )
    }

    /// The key a [`SigningKey::cursor`] names; `None` for anything else.
    fn from_cursor(text: &str) -> Option<SigningKey> {
        let [signed_at, bundle] = cursor_fields(text, "signing")?;
        Some(SigningKey {
            signed_at: cursor_number(signed_at)?,
            bundle: BundleId::parse(bundle).ok()?,
        })
    }
}

/// One page of signings from the parts every ledger answered (each its parts of its first
/// `limit + 1` signings after `after`, newest first): the parts of one signing joined, in the
/// order of their companies as given, at most `limit` signings, and the cursor of the next
/// page while more remain.
pub fn merged_signings<P>(
    parts: impl IntoIterator<Item = (SigningKey, P)>,
    after: Option<&SigningKey>,
    limit: usize,
) -> Page<(SigningKey, Vec<P>)> {
    let mut joined: BTreeMap<SigningKey, Vec<P>> = BTreeMap::new();
    for (key, part) in parts {
        if after.is_some_and(|a| key.order(a) != Ordering::Greater) {
            continue;
        }
        joined.entry(key).or_default().push(part);
    }
    // Newest first: the reverse of the map's order.
    let mut signings: Vec<(SigningKey, Vec<P>)> = joined.into_iter().rev().collect();
    let more = signings.len() > limit;
    signings.truncate(limit);
    let next_cursor = more
        .then(|| signings.last().map(|(k, _)| k.cursor()))
        .flatten();
    Page {
        items: signings,
        next_cursor,
    }
}

/// The totals per currency of what one signing approved (every part).
pub fn signing_totals(amounts: impl IntoIterator<Item = Money>) -> Result<Totals, TotalsOverflow> {
    amounts.into_iter().collect()
}

/// The steps of an invoice's path after signing, in order. Paid and Rejected are the two ends
/// of the last step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathStage {
    /// Signed; the ERP has not yet acknowledged a payment export holding it.
    AwaitingExport,
    /// The ERP exported it, or AutoPay holds its payment and has not sent it.
    #[serde(rename = "in_autopay")]
    InAutoPay,
    /// AutoPay sent the payment to the bank (or the bank accepted it).
    SentToBank,
    Paid,
    /// AutoPay or the bank rejected the payment.
    Rejected,
}

impl PathStage {
    /// The path as shown, one step after another (the last step is Paid, or Rejected).
    pub const PATH: [PathStage; 4] = [
        PathStage::AwaitingExport,
        PathStage::InAutoPay,
        PathStage::SentToBank,
        PathStage::Paid,
    ];

    /// Its place on [`PathStage::PATH`], from 0 (Rejected ends the path, as Paid does).
    pub fn step(self) -> usize {
        match self {
            PathStage::AwaitingExport => 0,
            PathStage::InAutoPay => 1,
            PathStage::SentToBank => 2,
            PathStage::Paid | PathStage::Rejected => 3,
        }
    }

    /// The machine name (`awaiting_export`).
    pub fn as_key(self) -> &'static str {
        match self {
            PathStage::AwaitingExport => "awaiting_export",
            PathStage::InAutoPay => "in_autopay",
            PathStage::SentToBank => "sent_to_bank",
            PathStage::Paid => "paid",
            PathStage::Rejected => "rejected",
        }
    }
}

/// What the stage alone does not say, where there is more to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathNote {
    /// Exported by the ERP; AutoPay has not received its payment yet.
    ExportedNotReceived,
    /// The bank agreement needs two approvers: the payment waits for a second one.
    WaitingForSecondApprover,
    /// Its payment file waits for an AutoPay Approver to sign the upload.
    WaitingForUploadSigning,
    AcceptedByBank,
    #[serde(rename = "rejected_in_autopay")]
    RejectedInAutoPay,
    RejectedByBank,
    /// The token was revoked before a payment used it: the payment needs normal approval.
    TokenRevoked,
    /// The token expired before a payment used it: the payment needs normal approval.
    TokenExpired,
}

impl PathNote {
    /// The machine name (`token_revoked`).
    pub fn as_key(self) -> &'static str {
        match self {
            PathNote::ExportedNotReceived => "exported_not_received",
            PathNote::WaitingForSecondApprover => "waiting_for_second_approver",
            PathNote::WaitingForUploadSigning => "waiting_for_upload_signing",
            PathNote::AcceptedByBank => "accepted_by_bank",
            PathNote::RejectedInAutoPay => "rejected_in_autopay",
            PathNote::RejectedByBank => "rejected_by_bank",
            PathNote::TokenRevoked => "token_revoked",
            PathNote::TokenExpired => "token_expired",
        }
    }
}

/// What the ledger keeps about a signed invoice, as far as its path is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathFacts {
    /// The ERP acknowledged a payment export holding the invoice.
    pub exported: bool,
    /// The status of the payment that used the invoice's approval token, if one did.
    pub payment: Option<PaymentStatus>,
    /// The token was revoked before any payment used it.
    pub token_revoked: bool,
    /// The token's validity ended before any payment used it.
    pub token_expired: bool,
}

impl PathFacts {
    /// The facts of an invoice whose token is `token` (none: it was never issued, read as
    /// revoked, since no payment can use it) at `now`.
    pub fn of(
        token: Option<&TokenRecord>,
        exported: bool,
        payment: Option<PaymentStatus>,
        now: u64,
    ) -> PathFacts {
        PathFacts {
            exported,
            payment,
            token_revoked: token.is_none_or(|t| t.revoked),
            token_expired: token.is_some_and(|t| now >= t.expires_at),
        }
    }
}

/// Where a signed invoice is on its way to the bank: the payment that used its token decides
/// once there is one; before that, whether the ERP exported it. A token that can no longer be
/// used is said, since the payment then needs normal approval.
pub fn path_of(facts: PathFacts) -> (PathStage, Option<PathNote>) {
    if let Some(status) = facts.payment {
        return match status {
            PaymentStatus::PendingSigning => (
                PathStage::InAutoPay,
                Some(PathNote::WaitingForUploadSigning),
            ),
            PaymentStatus::PendingApproval => (
                PathStage::InAutoPay,
                Some(PathNote::WaitingForSecondApprover),
            ),
            PaymentStatus::SentToBank => (PathStage::SentToBank, None),
            PaymentStatus::AcceptedByBank => {
                (PathStage::SentToBank, Some(PathNote::AcceptedByBank))
            }
            PaymentStatus::Paid => (PathStage::Paid, None),
            PaymentStatus::Rejected => (PathStage::Rejected, Some(PathNote::RejectedInAutoPay)),
            PaymentStatus::RejectedInBank => (PathStage::Rejected, Some(PathNote::RejectedByBank)),
        };
    }
    let stage = if facts.exported {
        PathStage::InAutoPay
    } else {
        PathStage::AwaitingExport
    };
    let note = if facts.token_revoked {
        Some(PathNote::TokenRevoked)
    } else if facts.token_expired {
        Some(PathNote::TokenExpired)
    } else if facts.exported {
        Some(PathNote::ExportedNotReceived)
    } else {
        None
    };
    (stage, note)
}

/// One signing on "Signed by me".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningView {
    /// The bundle's id (for links and tests; the screen does not show it).
    pub bundle_id: String,
    /// RFC 3339 UTC.
    pub signed_at: String,
    /// The companies whose invoices were signed, by name.
    pub companies: Vec<SigningCompany>,
    /// How many invoices were signed.
    pub count: usize,
    /// What was approved and pre-approved for payment, per currency.
    pub totals: Vec<AmountView>,
    pub invoices: Vec<SignedInvoiceView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningCompany {
    pub id: String,
    pub name: String,
}

/// One invoice of a signing and where it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInvoiceView {
    /// The process (task) id.
    pub id: String,
    pub company_id: String,
    pub company_name: String,
    pub supplier_name: String,
    pub invoice_number: String,
    pub amount: AmountView,
    pub due_date: String,
    /// The approval token's last four characters.
    pub token_last_four: String,
    pub stage: PathStage,
    pub note: Option<PathNote>,
    /// The AutoPay payment that used the token, once there is one.
    pub payment_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn key(at: u64, bundle: &str) -> SigningKey {
        SigningKey {
            signed_at: at,
            bundle: BundleId::parse(bundle).unwrap(),
        }
    }

    fn facts(exported: bool, payment: Option<PaymentStatus>) -> PathFacts {
        PathFacts {
            exported,
            payment,
            token_revoked: false,
            token_expired: false,
        }
    }

    #[test]
    fn a_signing_not_yet_exported_waits_for_the_erp() {
        assert_eq!(
            path_of(facts(false, None)),
            (PathStage::AwaitingExport, None)
        );
    }

    #[test]
    fn an_exported_signing_is_in_autopay_before_its_payment_arrives() {
        assert_eq!(
            path_of(facts(true, None)),
            (PathStage::InAutoPay, Some(PathNote::ExportedNotReceived))
        );
    }

    #[test]
    fn the_payment_that_used_the_token_decides_the_stage() {
        let cases = [
            (
                PaymentStatus::PendingSigning,
                PathStage::InAutoPay,
                Some(PathNote::WaitingForUploadSigning),
            ),
            (
                PaymentStatus::PendingApproval,
                PathStage::InAutoPay,
                Some(PathNote::WaitingForSecondApprover),
            ),
            (PaymentStatus::SentToBank, PathStage::SentToBank, None),
            (
                PaymentStatus::AcceptedByBank,
                PathStage::SentToBank,
                Some(PathNote::AcceptedByBank),
            ),
            (PaymentStatus::Paid, PathStage::Paid, None),
            (
                PaymentStatus::Rejected,
                PathStage::Rejected,
                Some(PathNote::RejectedInAutoPay),
            ),
            (
                PaymentStatus::RejectedInBank,
                PathStage::Rejected,
                Some(PathNote::RejectedByBank),
            ),
        ];
        for (status, stage, note) in cases {
            // Exported or not (an upload need not come from an acknowledged export).
            for exported in [false, true] {
                assert_eq!(
                    path_of(facts(exported, Some(status))),
                    (stage, note),
                    "{status:?}"
                );
            }
        }
        assert_eq!(
            PaymentStatus::ALL.len(),
            cases.len(),
            "every status has a case"
        );
    }

    #[test]
    fn a_revoked_or_expired_token_is_said_until_a_payment_arrives() {
        let revoked = PathFacts {
            token_revoked: true,
            token_expired: true,
            ..facts(true, None)
        };
        assert_eq!(
            path_of(revoked),
            (PathStage::InAutoPay, Some(PathNote::TokenRevoked))
        );
        let expired = PathFacts {
            token_expired: true,
            ..facts(false, None)
        };
        assert_eq!(
            path_of(expired),
            (PathStage::AwaitingExport, Some(PathNote::TokenExpired))
        );
        // A payment that arrived (normal approval) decides, whatever the token.
        assert_eq!(
            path_of(PathFacts {
                payment: Some(PaymentStatus::Paid),
                ..revoked
            }),
            (PathStage::Paid, None)
        );
    }

    #[test]
    fn facts_read_the_token_at_now() {
        let binding = crate::token::TokenBinding {
            company_id: crate::ids::CompanyId::parse("c1").unwrap(),
            bank_agreement_id: crate::ids::BankAgreementId::parse("a1").unwrap(),
            debtor_iban: crate::iban::Iban::parse("NO9386011117947").unwrap(),
            creditor_account: crate::token::CreditorAccount::parse("NO8330001234567").unwrap(),
            amount: Money::from_minor(100, Currency::NOK),
            due_date: crate::dates::Date::parse("2030-03-31").unwrap(),
            creditor_bic: None,
            payment_reference: None,
        };
        let token = crate::token::ApprovalToken::from_random_bytes([7; 17]);
        let mut record = TokenRecord::issue(&token, binding, 1_000);
        record.expires_at = 2_000;
        let live = PathFacts::of(Some(&record), false, None, 1_999);
        assert!(!live.token_revoked && !live.token_expired);
        assert!(PathFacts::of(Some(&record), false, None, 2_000).token_expired);
        record.revoke();
        assert!(PathFacts::of(Some(&record), true, None, 1_500).token_revoked);
        assert!(PathFacts::of(None, false, None, 0).token_revoked);
    }

    #[test]
    fn every_stage_has_its_step_and_key() {
        for (i, stage) in PathStage::PATH.iter().enumerate() {
            assert_eq!(stage.step(), i);
        }
        assert_eq!(PathStage::Rejected.step(), PathStage::Paid.step());
        assert_eq!(PathStage::InAutoPay.as_key(), "in_autopay");
        for stage in PathStage::PATH.into_iter().chain([PathStage::Rejected]) {
            let json = serde_json::to_string(&stage).unwrap();
            assert_eq!(json, format!("\"{}\"", stage.as_key()));
        }
        for note in [
            PathNote::ExportedNotReceived,
            PathNote::WaitingForSecondApprover,
            PathNote::WaitingForUploadSigning,
            PathNote::AcceptedByBank,
            PathNote::RejectedInAutoPay,
            PathNote::RejectedByBank,
            PathNote::TokenRevoked,
            PathNote::TokenExpired,
        ] {
            let json = serde_json::to_string(&note).unwrap();
            assert_eq!(json, format!("\"{}\"", note.as_key()));
        }
    }

    #[test]
    fn a_signing_cursor_names_its_key_and_nothing_else() {
        let k = key(1_764_000_000, "abc234");
        assert_eq!(k.cursor(), "signing.1764000000.abc234");
        assert_eq!(SigningKey::from_cursor(&k.cursor()), Some(k));
        for bad in [
            "",
            "signing",
            "signing.12",
            "signing.-1.abc",
            "signing.12.abc.d",
            "payment.12.abc",
            "signing.12.a b",
            "signing.x.abc",
        ] {
            assert_eq!(SigningKey::from_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn newest_signings_come_first_and_ties_in_time_order_by_bundle() {
        let older = key(100, "b");
        let newer = key(200, "a");
        let same_time = key(200, "c");
        assert_eq!(newer.order(&older), Ordering::Less);
        assert_eq!(same_time.order(&newer), Ordering::Less);
    }

    #[test]
    fn the_parts_of_one_signing_are_joined_in_the_order_given() {
        let parts = vec![
            (key(200, "x"), "north part"),
            (key(100, "y"), "north older"),
            (key(200, "x"), "fjell part"),
        ];
        let page = merged_signings(parts, None, 10);
        assert_eq!(page.next_cursor, None);
        assert_eq!(
            page.items,
            vec![
                (key(200, "x"), vec!["north part", "fjell part"]),
                (key(100, "y"), vec!["north older"]),
            ]
        );
    }

    #[test]
    fn a_page_keeps_limit_signings_and_names_the_next() {
        // Two ledgers, each answering its first limit + 1 = 3 signings.
        let parts = vec![
            (key(500, "a"), 1),
            (key(400, "b"), 1),
            (key(300, "c"), 1),
            (key(500, "a"), 2),
            (key(350, "d"), 2),
            (key(200, "e"), 2),
        ];
        let page = merged_signings(parts.clone(), None, 2);
        assert_eq!(
            page.items,
            vec![(key(500, "a"), vec![1, 2]), (key(400, "b"), vec![1])]
        );
        assert_eq!(page.next_cursor.as_deref(), Some("signing.400.b"));

        let after = SigningKey::from_cursor(page.next_cursor.as_deref().unwrap()).unwrap();
        let next = merged_signings(parts, Some(&after), 2);
        assert_eq!(
            next.items,
            vec![(key(350, "d"), vec![2]), (key(300, "c"), vec![1])]
        );
        assert!(next.next_cursor.is_some(), "e remains");
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let page = merged_signings(vec![(key(1, "a"), ()), (key(2, "b"), ())], None, 2);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next_cursor, None);
        let empty = merged_signings(Vec::<(SigningKey, ())>::new(), None, 5);
        assert!(empty.items.is_empty());
        assert_eq!(empty.next_cursor, None);
    }

    #[test]
    fn totals_are_per_currency_and_refuse_overflow() {
        let nok = Currency::NOK;
        let eur = Currency::EUR;
        let totals = signing_totals([
            Money::from_minor(125_050, nok),
            Money::from_minor(100, eur),
            Money::from_minor(50, nok),
        ])
        .unwrap();
        assert_eq!(totals.get(nok), Money::from_minor(125_100, nok));
        assert_eq!(totals.get(eur), Money::from_minor(100, eur));
        assert_eq!(totals.len(), 2);
        assert!(
            signing_totals([Money::from_minor(i64::MAX, nok), Money::from_minor(1, nok)]).is_err()
        );
        assert!(signing_totals([]).unwrap().is_empty());
    }
}
