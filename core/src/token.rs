//! Approval tokens: the proof that a payment was pre-approved, and the rules for using one.
//!
//! A token is 26 characters of Crockford base32 carrying 130 random bits (SPEC §5). It travels in
//! `CdtTrfTxInf/PmtId/InstrId`; the service stores only its SHA-256 hash. A token is bound to the
//! company, bank agreement, debtor account, creditor account, amount, currency and due date, and
//! is consumed at most once (the Worker's ledger Durable Object makes the check-and-consume atomic).

use std::fmt;

use data_encoding::{HEXLOWER, HEXLOWER_PERMISSIVE};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dates::{Date, Timestamp};
use crate::format::{self, Lang};
use crate::iban::{Bic, Iban};
use crate::ids::{BankAgreementId, CompanyId, PaymentFileId, PaymentId, UserId};
use crate::money::Money;

/// Characters in a token.
pub const TOKEN_LEN: usize = 26;
/// How long a token stays usable after issue.
pub const DEFAULT_VALIDITY_DAYS: u64 = 90;
/// Douglas Crockford's base32 alphabet: digits and letters without I, L, O and U.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Why a text is not an approval token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("An approval token has exactly {TOKEN_LEN} characters.")]
    Length,
    #[error("An approval token contains only digits and the letters A–Z except I, L, O and U.")]
    Character,
}

/// An approval token: 26 uppercase Crockford base32 characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApprovalToken(String);

impl ApprovalToken {
    /// Encodes the first 130 bits of 17 caller-drawn random bytes (the last 6 bits are unused).
    pub fn from_random_bytes(bytes: [u8; 17]) -> Self {
        let bit = |index: usize| (bytes[index / 8] >> (7 - index % 8)) & 1;
        let text = (0..TOKEN_LEN)
            .map(|position| {
                let value = (0..5).fold(0u8, |acc, offset| (acc << 1) | bit(position * 5 + offset));
                char::from(CROCKFORD[usize::from(value)])
            })
            .collect();
        Self(text)
    }

    /// Reads exactly 26 Crockford characters; lowercase is accepted and normalised to uppercase.
    /// Nothing else is forgiven (no hyphens, no I/L/O/U look-alikes), so one token has one form.
    pub fn parse(text: &str) -> Result<Self, TokenError> {
        if text.chars().count() != TOKEN_LEN {
            return Err(TokenError::Length);
        }
        let upper = text.to_ascii_uppercase();
        if !upper.bytes().all(|byte| CROCKFORD.contains(&byte)) {
            return Err(TokenError::Character);
        }
        Ok(Self(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SHA-256 of the token text: the only form the service stores.
    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }

    /// The last four characters, safe to show and log to tell tokens apart.
    pub fn last_four(&self) -> &str {
        &self.0[TOKEN_LEN - 4..]
    }
}

impl fmt::Display for ApprovalToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ApprovalToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApprovalToken(…{})", self.last_four())
    }
}

impl std::str::FromStr for ApprovalToken {
    type Err = TokenError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for ApprovalToken {
    type Error = TokenError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<ApprovalToken> for String {
    fn from(token: ApprovalToken) -> Self {
        token.0
    }
}

/// A stored token hash is not 64 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("A token hash is 64 hexadecimal digits.")]
pub struct TokenHashError;

/// SHA-256 of an approval token, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    pub fn parse(text: &str) -> Result<Self, TokenHashError> {
        if text.len() != 64 {
            return Err(TokenHashError);
        }
        HEXLOWER_PERMISSIVE
            .decode(text.as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .map(Self)
            .ok_or(TokenHashError)
    }

    pub fn to_hex(&self) -> String {
        HEXLOWER.encode(&self.0)
    }
}

impl fmt::Display for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({})", self.to_hex())
    }
}

impl TryFrom<String> for TokenHash {
    type Error = TokenHashError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<TokenHash> for String {
    fn from(hash: TokenHash) -> Self {
        hash.to_hex()
    }
}

/// Why a creditor account was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditorAccountError {
    #[error("The supplier's bank account is missing.")]
    Empty,
    #[error("The supplier's bank account is longer than 34 characters.")]
    TooLong,
    #[error("The supplier's bank account “{0}” contains characters a bank account cannot have.")]
    Character(String),
    #[error("The supplier's bank account looks like an IBAN but is not a valid one: {0}")]
    BadIban(String),
}

/// The supplier's account: an IBAN in electronic form, or a national account number.
///
/// Spaces are removed and letters uppercased, so the paper and electronic forms of an IBAN are
/// the same account. Other separators are kept: a different spelling of a national number is
/// treated as a different account, which makes a token refuse rather than pay wrongly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditorAccount(String);

impl CreditorAccount {
    pub fn parse(text: &str) -> Result<Self, CreditorAccountError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(CreditorAccountError::Empty);
        }
        if compact.len() > 34 {
            return Err(CreditorAccountError::TooLong);
        }
        // The ISO 20022 / SWIFT Latin character set, without the space.
        let allowed = |c: char| c.is_ascii_alphanumeric() || "/-?:().,'+".contains(c);
        if !compact.chars().all(allowed) {
            return Err(CreditorAccountError::Character(text.trim().to_owned()));
        }
        let bytes = compact.as_bytes();
        let looks_like_iban = bytes.len() >= 4
            && bytes[..2].iter().all(u8::is_ascii_uppercase)
            && bytes[2..4].iter().all(u8::is_ascii_digit);
        if looks_like_iban {
            let iban =
                Iban::parse(&compact).map_err(|e| CreditorAccountError::BadIban(e.to_string()))?;
            return Ok(Self(iban.as_str().to_owned()));
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditorAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditorAccount {
    type Error = CreditorAccountError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<CreditorAccount> for String {
    fn from(account: CreditorAccount) -> Self {
        account.0
    }
}

/// Everything a token is bound to; a payment must match all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenBinding {
    pub company_id: CompanyId,
    pub bank_agreement_id: BankAgreementId,
    pub debtor_iban: Iban,
    pub creditor_account: CreditorAccount,
    pub amount: Money,
    pub due_date: Date,
    /// The creditor's BIC as approved, when the invoice named one. A payment that names a BIC
    /// must name this bank (`DNBANOKK` and `DNBANOKKXXX` are the same); one that names none is
    /// routed by its IBAN, which is bound above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_bic: Option<Bic>,
    /// The structured payment reference (KID or RF) as approved; a payment must carry exactly
    /// this one in `RmtInf/Strd/CdtrRefInf/Ref`, or the supplier could not match it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_reference: Option<String>,
}

/// Whether two BICs name the same bank branch (an 8-character BIC is the `XXX` branch).
fn same_bic(a: &Bic, b: &Bic) -> bool {
    let branch = |x: &Bic| {
        x.as_str()
            .get(8..)
            .filter(|s| !s.is_empty())
            .unwrap_or("XXX")
            .to_owned()
    };
    a.bic8() == b.bic8() && branch(a) == branch(b)
}

/// When and by which payment a token was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumedInfo {
    pub at: u64,
    pub payment_id: PaymentId,
    pub payment_file_id: PaymentFileId,
}

/// Why a presented token does not pre-approve a payment. The payment then needs normal
/// approval; it is never paid on the strength of this token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum TokenRefusal {
    #[error(
        "The approval token was already used on {} by payment {by}; \
         a pre-approval pays only once.",
        utc_text(*at)
    )]
    AlreadyUsed { at: u64, by: PaymentId },
    #[error("The approval token was revoked.")]
    Revoked,
    #[error("The approval token expired on {}.", utc_text(*expired_at))]
    Expired { expired_at: u64 },
    #[error("The approval token belongs to another company.")]
    CompanyMismatch,
    #[error("The payment is made under another bank agreement than the one approved.")]
    BankAgreementMismatch,
    #[error(
        "The payment is made from account {}, not the approved account {}.",
        format::account(presented.as_str()),
        format::account(approved.as_str())
    )]
    DebtorAccountMismatch { approved: Iban, presented: Iban },
    #[error(
        "The payment goes to account {}, not the approved account {}.",
        format::account(presented.as_str()),
        format::account(approved.as_str())
    )]
    CreditorAccountMismatch {
        approved: CreditorAccount,
        presented: CreditorAccount,
    },
    #[error("The payment is in {presented}, but {approved} was approved.")]
    CurrencyMismatch { approved: String, presented: String },
    #[error(
        "The payment is for {}, but {} was approved.",
        format::money(Lang::En, *presented),
        format::money(Lang::En, *approved)
    )]
    AmountMismatch { approved: Money, presented: Money },
    #[error(
        "The payment is due {}, but the approved due date is {}.",
        format::date(Lang::En, *presented),
        format::date(Lang::En, *approved)
    )]
    DueDateMismatch { approved: Date, presented: Date },
    #[error("The payment goes to the bank {presented}, not the approved bank {approved}.")]
    CreditorBicMismatch { approved: Bic, presented: Bic },
    #[error(
        "The payment carries the reference {}, not the approved reference {approved}.",
        presented.as_deref().unwrap_or("(none)")
    )]
    ReferenceMismatch {
        approved: String,
        presented: Option<String>,
    },
}

/// An instant in a stored English sentence: "29 Nov 2026, 17:06 UTC".
fn utc_text(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| format::date_time(Lang::En, s, 0))
        .map_or_else(|| Timestamp(secs).to_string(), |t| format!("{t} UTC"))
}

/// A token as the ledger stores it: only the hash, the binding, and its life cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub token_hash: TokenHash,
    pub binding: TokenBinding,
    pub issued_at: u64,
    pub expires_at: u64,
    pub revoked: bool,
    pub consumed: Option<ConsumedInfo>,
    /// Who signed the approval the token carries (absent on tokens issued before this was
    /// recorded). Their pre-approval is one approval of the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<UserId>,
}

impl TokenRecord {
    /// A fresh record for `token`, valid for [`DEFAULT_VALIDITY_DAYS`] from `now`.
    pub fn issue(token: &ApprovalToken, binding: TokenBinding, now: u64) -> Self {
        Self {
            token_hash: token.hash(),
            binding,
            issued_at: now,
            expires_at: now.saturating_add(DEFAULT_VALIDITY_DAYS * 86_400),
            revoked: false,
            consumed: None,
            signed_by: None,
        }
    }

    /// Whether a payment described by `presented` may use this token at `now`.
    /// Reports the first reason in a fixed order: life cycle first, then each bound field.
    pub fn check_use(&self, presented: &TokenBinding, now: u64) -> Result<(), TokenRefusal> {
        if let Some(consumed) = &self.consumed {
            return Err(TokenRefusal::AlreadyUsed {
                at: consumed.at,
                by: consumed.payment_id.clone(),
            });
        }
        if self.revoked {
            return Err(TokenRefusal::Revoked);
        }
        if now >= self.expires_at {
            return Err(TokenRefusal::Expired {
                expired_at: self.expires_at,
            });
        }
        let approved = &self.binding;
        if approved.company_id != presented.company_id {
            return Err(TokenRefusal::CompanyMismatch);
        }
        if approved.bank_agreement_id != presented.bank_agreement_id {
            return Err(TokenRefusal::BankAgreementMismatch);
        }
        if approved.debtor_iban != presented.debtor_iban {
            return Err(TokenRefusal::DebtorAccountMismatch {
                approved: approved.debtor_iban.clone(),
                presented: presented.debtor_iban.clone(),
            });
        }
        if approved.creditor_account != presented.creditor_account {
            return Err(TokenRefusal::CreditorAccountMismatch {
                approved: approved.creditor_account.clone(),
                presented: presented.creditor_account.clone(),
            });
        }
        if approved.amount.currency() != presented.amount.currency() {
            return Err(TokenRefusal::CurrencyMismatch {
                approved: approved.amount.currency().code().to_owned(),
                presented: presented.amount.currency().code().to_owned(),
            });
        }
        if approved.amount != presented.amount {
            return Err(TokenRefusal::AmountMismatch {
                approved: approved.amount,
                presented: presented.amount,
            });
        }
        if approved.due_date != presented.due_date {
            return Err(TokenRefusal::DueDateMismatch {
                approved: approved.due_date,
                presented: presented.due_date,
            });
        }
        if let (Some(approved_bic), Some(presented_bic)) =
            (&approved.creditor_bic, &presented.creditor_bic)
        {
            if !same_bic(approved_bic, presented_bic) {
                return Err(TokenRefusal::CreditorBicMismatch {
                    approved: approved_bic.clone(),
                    presented: presented_bic.clone(),
                });
            }
        }
        if let Some(reference) = &approved.payment_reference {
            let comparable = |r: &str| {
                r.split_whitespace()
                    .collect::<String>()
                    .to_ascii_uppercase()
            };
            let matches = presented
                .payment_reference
                .as_deref()
                .is_some_and(|p| comparable(p) == comparable(reference));
            if !matches {
                return Err(TokenRefusal::ReferenceMismatch {
                    approved: reference.clone(),
                    presented: presented.payment_reference.clone(),
                });
            }
        }
        Ok(())
    }

    /// Checks and, if allowed, marks the token used by `payment_id` from `payment_file_id`.
    pub fn consume(
        &mut self,
        presented: &TokenBinding,
        now: u64,
        payment_id: PaymentId,
        payment_file_id: PaymentFileId,
    ) -> Result<(), TokenRefusal> {
        self.check_use(presented, now)?;
        self.consumed = Some(ConsumedInfo {
            at: now,
            payment_id,
            payment_file_id,
        });
        Ok(())
    }

    /// Withdraws the pre-approval; later uses are refused. A used token stays used.
    pub fn revoke(&mut self) {
        self.revoked = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    const NOW: u64 = 1_800_000_000;

    fn token() -> ApprovalToken {
        ApprovalToken::from_random_bytes([0x5A; 17])
    }

    fn binding() -> TokenBinding {
        TokenBinding {
            company_id: CompanyId::parse("acme").unwrap(),
            bank_agreement_id: BankAgreementId::parse("acme-dnb").unwrap(),
            debtor_iban: Iban::parse("NO9386011117947").unwrap(),
            creditor_account: CreditorAccount::parse("DE89 3704 0044 0532 0130 00").unwrap(),
            amount: Money::from_minor(123_450, Currency::EUR),
            due_date: Date::parse("2027-01-31").unwrap(),
            creditor_bic: Some(Bic::parse("DEUTDEFF").unwrap()),
            payment_reference: Some("1234567897".into()),
        }
    }

    #[test]
    fn a_payment_to_another_bank_is_refused() {
        assert!(matches!(
            refusal(|b| b.creditor_bic = Some(Bic::parse("NDEANOKK").unwrap())),
            TokenRefusal::CreditorBicMismatch { .. }
        ));
        let same_branch = |bic: &str| {
            let mut presented = binding();
            presented.creditor_bic = Some(Bic::parse(bic).unwrap());
            record().check_use(&presented, NOW + 60)
        };
        assert_eq!(same_branch("DEUTDEFFXXX"), Ok(()));
        assert!(same_branch("DEUTDEFF500").is_err());
        let mut no_bic = binding();
        no_bic.creditor_bic = None;
        assert_eq!(
            record().check_use(&no_bic, NOW + 60),
            Ok(()),
            "routed by the bound IBAN"
        );
    }

    #[test]
    fn a_payment_with_another_or_no_reference_is_refused() {
        assert!(matches!(
            refusal(|b| b.payment_reference = Some("1234567880".into())),
            TokenRefusal::ReferenceMismatch { .. }
        ));
        let missing = refusal(|b| b.payment_reference = None);
        assert!(missing.to_string().contains("(none)"), "{missing}");
        let mut spaced = binding();
        spaced.payment_reference = Some("12345 67897".into());
        assert_eq!(record().check_use(&spaced, NOW + 60), Ok(()));
    }

    #[test]
    fn a_token_bound_before_bic_and_reference_were_bound_ignores_them() {
        let mut old = binding();
        old.creditor_bic = None;
        old.payment_reference = None;
        let r = TokenRecord::issue(&token(), old, NOW);
        assert_eq!(r.check_use(&binding(), NOW + 60), Ok(()));
        let json = serde_json::json!({
            "company_id": "acme", "bank_agreement_id": "acme-dnb", "debtor_iban": "NO9386011117947",
            "creditor_account": "DE89370400440532013000", "amount": {"minor": 123450, "currency": "EUR"},
            "due_date": "2027-01-31"
        });
        let read: TokenBinding = serde_json::from_value(json).unwrap();
        assert_eq!(read.creditor_bic, None);
    }

    fn record() -> TokenRecord {
        TokenRecord::issue(&token(), binding(), NOW)
    }

    fn refusal(change: impl FnOnce(&mut TokenBinding)) -> TokenRefusal {
        let mut presented = binding();
        change(&mut presented);
        record().check_use(&presented, NOW + 60).unwrap_err()
    }

    #[test]
    fn a_token_is_26_crockford_characters() {
        let token = token();
        assert_eq!(token.as_str().len(), TOKEN_LEN);
        assert!(token.as_str().bytes().all(|b| CROCKFORD.contains(&b)));
        assert_eq!(
            ApprovalToken::from_random_bytes([0; 17]).as_str(),
            "00000000000000000000000000"
        );
        assert_eq!(
            ApprovalToken::from_random_bytes([0xFF; 17]).as_str(),
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"
        );
    }

    #[test]
    fn bits_are_read_most_significant_first() {
        let mut bytes = [0; 17];
        bytes[0] = 0b0000_1000; // first five bits 00001
        assert_eq!(
            ApprovalToken::from_random_bytes(bytes).as_str(),
            "10000000000000000000000000"
        );
        let mut bytes = [0; 17];
        bytes[16] = 0b0100_0000; // bit 129, the last one used
        assert_eq!(
            ApprovalToken::from_random_bytes(bytes).as_str(),
            "00000000000000000000000001"
        );
    }

    #[test]
    fn only_the_first_130_bits_are_used() {
        let mut bytes = [0x33; 17];
        let first = ApprovalToken::from_random_bytes(bytes);
        bytes[16] ^= 0b0011_1111;
        assert_eq!(ApprovalToken::from_random_bytes(bytes), first);
    }

    #[test]
    fn a_lowercase_token_is_normalised_to_uppercase() {
        let token = token();
        let parsed = ApprovalToken::parse(&token.as_str().to_lowercase()).unwrap();
        assert_eq!(parsed, token);
    }

    #[test]
    fn a_token_of_the_wrong_length_is_refused() {
        assert_eq!(ApprovalToken::parse(""), Err(TokenError::Length));
        assert_eq!(
            ApprovalToken::parse(&"0".repeat(25)),
            Err(TokenError::Length)
        );
        assert_eq!(
            ApprovalToken::parse(&"0".repeat(27)),
            Err(TokenError::Length)
        );
        let spaced = format!(" {}", "0".repeat(26));
        assert_eq!(ApprovalToken::parse(&spaced), Err(TokenError::Length));
    }

    #[test]
    fn look_alike_and_foreign_characters_are_refused() {
        for bad in ['I', 'L', 'O', 'U', 'i', 'l', 'o', 'u', '-', ' ', 'é'] {
            let text = format!("{}{bad}", "0".repeat(25));
            assert_eq!(
                ApprovalToken::parse(&text),
                Err(TokenError::Character),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_token_is_hashed_as_sha256_of_its_text() {
        let token = ApprovalToken::parse("00000000000000000000000000").unwrap();
        // printf '%s' 00000000000000000000000000 | sha256sum
        assert_eq!(
            token.hash().to_hex(),
            "575b83480d348cd3168ffbb874e26156b7d94842cd6c667dba6867976e62d38d"
        );
        assert_eq!(TokenHash::parse(&token.hash().to_hex()), Ok(token.hash()));
        assert_eq!(TokenHash::parse("abc"), Err(TokenHashError));
    }

    #[test]
    fn only_the_last_four_characters_are_shown_in_debug_output() {
        let token = ApprovalToken::parse("0123456789ABCDEFGHJKMNPQRS").unwrap();
        assert_eq!(token.last_four(), "PQRS");
        assert_eq!(format!("{token:?}"), "ApprovalToken(…PQRS)");
    }

    #[test]
    fn a_matching_payment_may_use_the_token() {
        assert_eq!(record().check_use(&binding(), NOW + 60), Ok(()));
    }

    #[test]
    fn a_token_bound_to_another_amount_is_rejected() {
        let refusal = refusal(|p| p.amount = Money::from_minor(123_451, Currency::EUR));
        assert!(matches!(refusal, TokenRefusal::AmountMismatch { .. }));
        assert_eq!(
            refusal.to_string(),
            "The payment is for 1,234.51\u{a0}EUR, but 1,234.50\u{a0}EUR was approved."
        );
    }

    #[test]
    fn a_token_bound_to_another_currency_is_rejected() {
        let refusal = refusal(|p| p.amount = Money::from_minor(123_450, Currency::NOK));
        assert_eq!(
            refusal,
            TokenRefusal::CurrencyMismatch {
                approved: "EUR".into(),
                presented: "NOK".into()
            }
        );
    }

    #[test]
    fn a_token_bound_to_another_creditor_account_is_rejected() {
        let refusal = refusal(|p| {
            p.creditor_account = CreditorAccount::parse("GB29NWBK60161331926819").unwrap();
        });
        assert!(matches!(
            refusal,
            TokenRefusal::CreditorAccountMismatch { .. }
        ));
    }

    #[test]
    fn a_token_bound_to_another_debtor_account_is_rejected() {
        let refusal = refusal(|p| p.debtor_iban = Iban::parse("NO8330001234567").unwrap());
        assert!(matches!(
            refusal,
            TokenRefusal::DebtorAccountMismatch { .. }
        ));
    }

    #[test]
    fn a_token_bound_to_another_company_or_agreement_is_rejected() {
        assert_eq!(
            refusal(|p| p.company_id = CompanyId::parse("globex").unwrap()),
            TokenRefusal::CompanyMismatch
        );
        assert_eq!(
            refusal(|p| p.bank_agreement_id = BankAgreementId::parse("other").unwrap()),
            TokenRefusal::BankAgreementMismatch
        );
    }

    #[test]
    fn a_token_bound_to_another_due_date_is_rejected() {
        let refusal = refusal(|p| p.due_date = Date::parse("2027-02-01").unwrap());
        assert_eq!(
            refusal.to_string(),
            "The payment is due 1 Feb 2027, but the approved due date is 31 Jan 2027."
        );
    }

    #[test]
    fn a_token_expires_after_90_days() {
        let record = record();
        let expiry = NOW + 90 * 86_400;
        assert_eq!(record.expires_at, expiry);
        assert_eq!(record.check_use(&binding(), expiry - 1), Ok(()));
        assert_eq!(
            record.check_use(&binding(), expiry),
            Err(TokenRefusal::Expired { expired_at: expiry })
        );
    }

    #[test]
    fn a_revoked_token_is_rejected() {
        let mut record = record();
        record.revoke();
        assert_eq!(
            record.check_use(&binding(), NOW),
            Err(TokenRefusal::Revoked)
        );
    }

    #[test]
    fn a_token_is_consumed_at_most_once() {
        let mut record = record();
        let payment = PaymentId::parse("p1").unwrap();
        let file = PaymentFileId::parse("f1").unwrap();
        record
            .consume(&binding(), NOW + 10, payment.clone(), file.clone())
            .unwrap();
        assert_eq!(
            record.consume(&binding(), NOW + 20, payment.clone(), file),
            Err(TokenRefusal::AlreadyUsed {
                at: NOW + 10,
                by: payment
            })
        );
        assert_eq!(record.consumed.as_ref().map(|c| c.at), Some(NOW + 10));
    }

    #[test]
    fn a_refused_use_does_not_consume_the_token() {
        let mut record = record();
        let mut wrong = binding();
        wrong.amount = Money::from_minor(1, Currency::EUR);
        assert!(record
            .consume(
                &wrong,
                NOW,
                PaymentId::parse("p1").unwrap(),
                PaymentFileId::parse("f1").unwrap()
            )
            .is_err());
        assert_eq!(record.consumed, None);
    }

    #[test]
    fn the_paper_and_electronic_forms_of_an_iban_are_one_creditor_account() {
        assert_eq!(
            CreditorAccount::parse("de89 3704 0044 0532 0130 00").unwrap(),
            CreditorAccount::parse("DE89370400440532013000").unwrap()
        );
    }

    #[test]
    fn a_mistyped_iban_is_not_taken_for_a_national_account() {
        assert!(matches!(
            CreditorAccount::parse("DE89370400440532013001"),
            Err(CreditorAccountError::BadIban(_))
        ));
        assert_eq!(
            CreditorAccount::parse("1234.56.78903").unwrap().as_str(),
            "1234.56.78903"
        );
        assert!(CreditorAccount::parse("12;34").is_err());
        assert_eq!(
            CreditorAccount::parse("  "),
            Err(CreditorAccountError::Empty)
        );
    }

    #[test]
    fn a_token_record_round_trips_through_json_without_the_token() {
        let record = record();
        let json = serde_json::to_string(&record).unwrap();
        assert!(!json.contains(token().as_str()));
        assert_eq!(serde_json::from_str::<TokenRecord>(&json).unwrap(), record);
    }
}
