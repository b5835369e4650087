//! A user's bundle: the invoices chosen with "Approve and pay", waiting to be signed.
//!
//! What you see is what you sign: the signing dialog shows the bundle with its [`BundleDigest`];
//! the server recomputes the digest when the signature arrives and refuses it if they differ.

use std::collections::BTreeMap;
use std::fmt;

use data_encoding::{HEXLOWER, HEXLOWER_PERMISSIVE};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dates::Date;
use crate::ids::{CompanyId, InvoiceId};
use crate::money::{Money, Totals};
use crate::token::CreditorAccount;

/// Marks the digest input so it can never be confused with another hashed structure; bump the
/// version if the serialization below changes.
const DIGEST_DOMAIN: &[u8] = b"approve-and-pay/bundle-digest/v2";

/// One invoice in a bundle, with everything shown in the signing dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleItem {
    pub invoice_id: InvoiceId,
    pub company_id: CompanyId,
    pub company_name: String,
    pub payee_name: String,
    pub creditor_account: CreditorAccount,
    pub amount: Money,
    pub due_date: Date,
    pub payment_reference: String,
    /// The creditor's BIC, when the invoice names one ("" otherwise).
    #[serde(default)]
    pub creditor_bic: String,
    /// The debtor account the payment will be made from: the company's bank agreement that
    /// pre-approval binds ("" when the company has none).
    #[serde(default)]
    pub debtor_account: String,
    /// That agreement's bank.
    #[serde(default)]
    pub debtor_bank: String,
    /// How many approvals that agreement needs in AutoPay; above one, the pre-approval is the
    /// first of them and the payment waits for another AutoPay Approver.
    #[serde(default)]
    pub approvers_required: u8,
}

/// Why a bundle change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("Invoice {0} is already in your bundle.")]
    AlreadyInBundle(InvoiceId),
    #[error("Invoice {0} is not in your bundle.")]
    NotInBundle(InvoiceId),
    #[error("Invoice {0} cannot be paid because its amount is not above zero.")]
    NotPositive(InvoiceId),
    #[error("Invoice {0} cannot be added: the bundle's total in {1} would be too large.")]
    TotalTooLarge(InvoiceId, String),
}

/// The invoices a user has chosen with "Approve and pay", not yet signed.
///
/// Invariants, kept by [`Bundle::add`] and re-checked when read from storage: no invoice twice,
/// every amount above zero, and every total per currency fits in minor units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BundleItems", into = "BundleItems")]
pub struct Bundle {
    items: Vec<BundleItem>,
}

/// The stored form of a bundle, checked on the way in.
#[derive(Serialize, Deserialize)]
struct BundleItems {
    items: Vec<BundleItem>,
}

impl TryFrom<BundleItems> for Bundle {
    type Error = BundleError;

    fn try_from(stored: BundleItems) -> Result<Self, Self::Error> {
        let mut bundle = Bundle::new();
        for item in stored.items {
            bundle.add(item)?;
        }
        Ok(bundle)
    }
}

impl From<Bundle> for BundleItems {
    fn from(bundle: Bundle) -> Self {
        BundleItems {
            items: bundle.items,
        }
    }
}

/// The invoices of one company in a bundle, with their totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyGroup {
    pub company_id: CompanyId,
    pub company_name: String,
    pub invoice_ids: Vec<InvoiceId>,
    pub totals: Totals,
    /// The debtor account and bank the company's payments are made from.
    pub debtor_account: String,
    pub debtor_bank: String,
    /// Approvals its bank agreement needs in AutoPay (the pre-approval is the first).
    pub approvers_required: u8,
}

impl Bundle {
    pub fn new() -> Self {
        Self::default()
    }

    /// The items in the order they were added.
    pub fn items(&self) -> &[BundleItem] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn contains(&self, invoice_id: &InvoiceId) -> bool {
        self.items.iter().any(|item| &item.invoice_id == invoice_id)
    }

    /// Adds an invoice chosen with "Approve and pay".
    pub fn add(&mut self, item: BundleItem) -> Result<(), BundleError> {
        if self.contains(&item.invoice_id) {
            return Err(BundleError::AlreadyInBundle(item.invoice_id));
        }
        if !item.amount.is_positive() {
            return Err(BundleError::NotPositive(item.invoice_id));
        }
        let mut totals = self.totals_per_currency();
        if totals.add(item.amount).is_err() {
            let currency = item.amount.currency().code().to_owned();
            return Err(BundleError::TotalTooLarge(item.invoice_id, currency));
        }
        self.items.push(item);
        Ok(())
    }

    /// Takes one invoice out; it goes back to the task list.
    pub fn remove(&mut self, invoice_id: &InvoiceId) -> Result<BundleItem, BundleError> {
        let position = self
            .items
            .iter()
            .position(|item| &item.invoice_id == invoice_id)
            .ok_or_else(|| BundleError::NotInBundle(invoice_id.clone()))?;
        Ok(self.items.remove(position))
    }

    /// "Cancel approval": empties the bundle and returns every invoice for the task list.
    pub fn cancel(&mut self) -> Vec<BundleItem> {
        std::mem::take(&mut self.items)
    }

    /// The sum per currency, alphabetically by currency code.
    pub fn totals_per_currency(&self) -> Totals {
        totals_of(self.items.iter())
    }

    /// The invoices grouped by company (ordered by company id), each with its totals.
    pub fn by_company(&self) -> Vec<CompanyGroup> {
        let mut groups: BTreeMap<&CompanyId, Vec<&BundleItem>> = BTreeMap::new();
        for item in &self.items {
            groups.entry(&item.company_id).or_default().push(item);
        }
        groups
            .into_iter()
            .map(|(company_id, items)| CompanyGroup {
                company_id: company_id.clone(),
                company_name: items[0].company_name.clone(),
                invoice_ids: items.iter().map(|item| item.invoice_id.clone()).collect(),
                totals: totals_of(items.iter().copied()),
                debtor_account: items[0].debtor_account.clone(),
                debtor_bank: items[0].debtor_bank.clone(),
                approvers_required: items[0].approvers_required,
            })
            .collect()
    }

    /// SHA-256 over a canonical serialization: a domain tag, the item count, then each item
    /// (sorted by invoice id) as length-prefixed fields. Any change to membership or to any
    /// shown field changes the digest; the order items were added in does not.
    pub fn digest(&self) -> BundleDigest {
        let mut sorted: Vec<&BundleItem> = self.items.iter().collect();
        sorted.sort_by(|a, b| a.invoice_id.cmp(&b.invoice_id));
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        };
        field(DIGEST_DOMAIN);
        field(&(sorted.len() as u64).to_be_bytes());
        for item in sorted {
            field(item.invoice_id.as_str().as_bytes());
            field(item.company_id.as_str().as_bytes());
            field(item.company_name.as_bytes());
            field(item.payee_name.as_bytes());
            field(item.creditor_account.as_str().as_bytes());
            field(item.amount.currency().code().as_bytes());
            field(&item.amount.minor().to_be_bytes());
            field(item.due_date.to_string().as_bytes());
            field(item.payment_reference.as_bytes());
            field(item.creditor_bic.as_bytes());
            field(item.debtor_account.as_bytes());
            field(item.debtor_bank.as_bytes());
            field(&[item.approvers_required]);
        }
        BundleDigest(hasher.finalize().into())
    }

    /// Refuses a signature over a bundle that has changed since it was shown.
    pub fn check_digest(&self, shown: &BundleDigest) -> Result<(), BundleChanged> {
        if &self.digest() == shown {
            Ok(())
        } else {
            Err(BundleChanged)
        }
    }
}

/// Totals of items whose sum `Bundle::add` has already proven to fit.
fn totals_of<'a>(items: impl Iterator<Item = &'a BundleItem>) -> Totals {
    let mut totals = Totals::new();
    for item in items {
        // Cannot fail: `add` refuses any item that would overflow the bundle's total, and a
        // subset of positive amounts sums to no more than the whole.
        let _ = totals.add(item.amount);
    }
    totals
}

/// The bundle changed between showing and signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Your bundle changed after it was shown. Review it and sign again.")]
pub struct BundleChanged;

/// A digest text is not 64 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("A bundle digest is 64 hexadecimal digits.")]
pub struct BundleDigestError;

/// The SHA-256 digest of a bundle, as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BundleDigest([u8; 32]);

impl BundleDigest {
    pub fn parse(text: &str) -> Result<Self, BundleDigestError> {
        if text.len() != 64 {
            return Err(BundleDigestError);
        }
        HEXLOWER_PERMISSIVE
            .decode(text.as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .map(Self)
            .ok_or(BundleDigestError)
    }

    pub fn to_hex(&self) -> String {
        HEXLOWER.encode(&self.0)
    }

    /// The 32 digest bytes, for deriving a passkey challenge from what the dialog shows.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for BundleDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for BundleDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BundleDigest({})", self.to_hex())
    }
}

impl TryFrom<String> for BundleDigest {
    type Error = BundleDigestError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<BundleDigest> for String {
    fn from(digest: BundleDigest) -> Self {
        digest.to_hex()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn item(invoice: &str, company: &str, minor: i64, currency: Currency) -> BundleItem {
        BundleItem {
            invoice_id: InvoiceId::parse(invoice).unwrap(),
            company_id: CompanyId::parse(company).unwrap(),
            company_name: format!("{company} AS"),
            payee_name: "Supplier Ltd".into(),
            creditor_account: CreditorAccount::parse("DE89370400440532013000").unwrap(),
            amount: Money::from_minor(minor, currency),
            due_date: Date::parse("2027-01-31").unwrap(),
            payment_reference: "INV-1001".into(),
            creditor_bic: "DEUTDEFF".into(),
            debtor_account: "NO9386011117947".into(),
            debtor_bank: "DNB".into(),
            approvers_required: 1,
        }
    }

    #[test]
    fn a_changed_debtor_account_bic_or_approver_count_changes_the_digest() {
        let shown = bundle().digest();
        assert_ne!(
            digest_after(|i| i.debtor_account = "NO8330001234567".into()),
            shown
        );
        assert_ne!(digest_after(|i| i.debtor_bank = "Nordea".into()), shown);
        assert_ne!(digest_after(|i| i.creditor_bic = "NDEANOKK".into()), shown);
        assert_ne!(digest_after(|i| i.approvers_required = 2), shown);
        assert_eq!(digest_after(|_| {}), shown);
    }

    #[test]
    fn a_company_group_shows_its_debtor_account_and_approvals() {
        let groups = bundle().by_company();
        assert_eq!(groups[0].debtor_account, "NO9386011117947");
        assert_eq!(groups[0].debtor_bank, "DNB");
        assert_eq!(groups[0].approvers_required, 1);
    }

    fn bundle() -> Bundle {
        let mut bundle = Bundle::new();
        bundle
            .add(item("inv-1", "acme", 10_000, Currency::EUR))
            .unwrap();
        bundle
            .add(item("inv-2", "acme", 5_000, Currency::NOK))
            .unwrap();
        bundle
            .add(item("inv-3", "globex", 2_550, Currency::EUR))
            .unwrap();
        bundle
    }

    fn id(text: &str) -> InvoiceId {
        InvoiceId::parse(text).unwrap()
    }

    fn digest_after(change: impl FnOnce(&mut BundleItem)) -> BundleDigest {
        let mut bundle = bundle();
        let mut changed = bundle.remove(&id("inv-2")).unwrap();
        change(&mut changed);
        bundle.add(changed).unwrap();
        bundle.digest()
    }

    #[test]
    fn an_invoice_cannot_be_added_twice() {
        let mut bundle = bundle();
        assert_eq!(
            bundle.add(item("inv-1", "acme", 1, Currency::EUR)),
            Err(BundleError::AlreadyInBundle(id("inv-1")))
        );
        assert_eq!(bundle.len(), 3);
    }

    #[test]
    fn an_invoice_without_a_positive_amount_cannot_be_added() {
        let mut bundle = Bundle::new();
        assert_eq!(
            bundle.add(item("inv-9", "acme", 0, Currency::EUR)),
            Err(BundleError::NotPositive(id("inv-9")))
        );
    }

    #[test]
    fn a_total_that_would_overflow_is_refused() {
        let mut bundle = Bundle::new();
        bundle
            .add(item("inv-1", "acme", i64::MAX, Currency::EUR))
            .unwrap();
        assert!(matches!(
            bundle.add(item("inv-2", "acme", 1, Currency::EUR)),
            Err(BundleError::TotalTooLarge(..))
        ));
    }

    #[test]
    fn removing_one_invoice_returns_it_and_keeps_the_rest() {
        let mut bundle = bundle();
        let removed = bundle.remove(&id("inv-2")).unwrap();
        assert_eq!(removed.invoice_id, id("inv-2"));
        assert_eq!(bundle.len(), 2);
        assert_eq!(
            bundle.remove(&id("inv-2")),
            Err(BundleError::NotInBundle(id("inv-2")))
        );
    }

    #[test]
    fn cancelling_returns_every_invoice_and_empties_the_bundle() {
        let mut bundle = bundle();
        let returned = bundle.cancel();
        assert_eq!(returned.len(), 3);
        assert!(bundle.is_empty());
    }

    #[test]
    fn totals_are_kept_per_currency() {
        let totals = bundle().totals_per_currency();
        assert_eq!(
            totals.get(Currency::EUR),
            Money::from_minor(12_550, Currency::EUR)
        );
        assert_eq!(
            totals.get(Currency::NOK),
            Money::from_minor(5_000, Currency::NOK)
        );
        assert_eq!(totals.len(), 2);
    }

    #[test]
    fn invoices_are_grouped_by_company_with_their_totals() {
        let groups = bundle().by_company();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].company_name, "acme AS");
        assert_eq!(groups[0].invoice_ids, [id("inv-1"), id("inv-2")]);
        assert_eq!(groups[0].totals.get(Currency::EUR).minor(), 10_000);
        assert_eq!(groups[0].totals.get(Currency::NOK).minor(), 5_000);
        assert_eq!(groups[1].company_id.as_str(), "globex");
        assert_eq!(groups[1].totals.get(Currency::EUR).minor(), 2_550);
    }

    #[test]
    fn the_order_of_adding_does_not_change_the_digest() {
        let mut reversed = Bundle::new();
        for item in bundle().items().iter().rev() {
            reversed.add(item.clone()).unwrap();
        }
        assert_eq!(reversed.digest(), bundle().digest());
        assert_eq!(digest_after(|_| {}), bundle().digest());
    }

    #[test]
    fn a_changed_amount_changes_the_digest() {
        assert_ne!(
            digest_after(|i| i.amount = Money::from_minor(5_001, Currency::NOK)),
            bundle().digest()
        );
    }

    #[test]
    fn a_changed_currency_changes_the_digest() {
        assert_ne!(
            digest_after(|i| i.amount = Money::from_minor(5_000, Currency::SEK)),
            bundle().digest()
        );
    }

    #[test]
    fn a_changed_account_changes_the_digest() {
        assert_ne!(
            digest_after(|i| {
                i.creditor_account = CreditorAccount::parse("GB29NWBK60161331926819").unwrap();
            }),
            bundle().digest()
        );
    }

    #[test]
    fn a_changed_due_date_changes_the_digest() {
        assert_ne!(
            digest_after(|i| i.due_date = Date::parse("2027-02-01").unwrap()),
            bundle().digest()
        );
    }

    #[test]
    fn a_changed_payee_or_reference_changes_the_digest() {
        assert_ne!(digest_after(|i| i.payee_name.push('x')), bundle().digest());
        assert_ne!(
            digest_after(|i| i.payment_reference = "INV-1002".into()),
            bundle().digest()
        );
    }

    #[test]
    fn a_changed_membership_changes_the_digest() {
        let mut smaller = bundle();
        smaller.remove(&id("inv-3")).unwrap();
        assert_ne!(smaller.digest(), bundle().digest());
        let mut larger = bundle();
        larger.add(item("inv-4", "acme", 1, Currency::EUR)).unwrap();
        assert_ne!(larger.digest(), bundle().digest());
        assert_ne!(Bundle::new().digest(), bundle().digest());
    }

    #[test]
    fn moving_characters_between_fields_changes_the_digest() {
        // Without length prefixes "ab"+"c" and "a"+"bc" would hash alike.
        let a = digest_after(|i| {
            i.payee_name = "Supplier Ltd".into();
            i.payment_reference = "X".into();
        });
        let b = digest_after(|i| {
            i.payee_name = "Supplier Lt".into();
            i.payment_reference = "dX".into();
        });
        assert_ne!(a, b);
    }

    #[test]
    fn a_signature_over_a_changed_bundle_is_refused() {
        let shown = bundle().digest();
        let mut changed = bundle();
        changed.remove(&id("inv-1")).unwrap();
        assert_eq!(bundle().check_digest(&shown), Ok(()));
        assert_eq!(changed.check_digest(&shown), Err(BundleChanged));
    }

    #[test]
    fn a_digest_round_trips_through_hex() {
        let digest = bundle().digest();
        assert_eq!(BundleDigest::parse(&digest.to_hex()), Ok(digest));
        assert_eq!(
            BundleDigest::parse(&digest.to_hex().to_uppercase()),
            Ok(digest)
        );
        assert_eq!(BundleDigest::parse("00"), Err(BundleDigestError));
    }

    #[test]
    fn a_stored_bundle_with_a_duplicate_is_refused_when_read() {
        let json = serde_json::to_string(&bundle()).unwrap();
        assert_eq!(serde_json::from_str::<Bundle>(&json).unwrap(), bundle());
        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let first = value["items"][0].clone();
        value["items"].as_array_mut().unwrap().push(first);
        assert!(serde_json::from_value::<Bundle>(value).is_err());
    }
}
