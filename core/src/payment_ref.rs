//! The payment reference the supplier asks for: a Norwegian [`Kid`], an ISO 11649
//! [`CreditorReference`] (`RF…`), or, where the caller allows it, [`UnstructuredReference`] text.
//!
//! A reference that *looks* structured (only digits, or `RF` with two check digits) must be a
//! valid one: a mistyped KID is refused rather than quietly sent as free text, because the
//! supplier could not match such a payment to its invoice.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Digits in a KID: at least 2 (one digit and its check digit), at most 25.
pub const KID_MIN_LEN: usize = 2;
pub const KID_MAX_LEN: usize = 25;
/// Characters after `RF` and the two check digits in an ISO 11649 reference.
pub const CREDITOR_REFERENCE_MAX_LEN: usize = 21;
/// Longest unstructured remittance text (ISO 20022 `Max140Text`).
pub const UNSTRUCTURED_MAX_LEN: usize = 140;

/// Whether free text is acceptable where a structured reference cannot be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferencePolicy {
    /// Only a KID or an `RF` creditor reference.
    StructuredOnly,
    /// A KID, an `RF` creditor reference, or free text up to 140 characters.
    AllowUnstructured,
}

/// Why a payment reference was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentReferenceError {
    #[error("The payment reference is missing.")]
    Empty,
    #[error("“{input}” is not a KID: a KID has {KID_MIN_LEN} to {KID_MAX_LEN} digits, this one has {len}.")]
    KidLength { input: String, len: usize },
    #[error(
        "“{input}” is not a KID: a KID has only digits, and possibly “-” as its last character."
    )]
    KidCharacter { input: String },
    #[error(
        "“{input}” is not a valid KID: its last digit matches neither the MOD10 nor the MOD11 \
         check. Check for a typing error."
    )]
    KidCheckDigit { input: String },
    #[error(
        "“{input}” is not a valid creditor reference: after “RF” and the two check digits come 1 \
         to {CREDITOR_REFERENCE_MAX_LEN} letters or digits."
    )]
    CreditorReferenceShape { input: String },
    #[error(
        "“{input}” is not a valid creditor reference: its check digits are wrong. Check for a \
         typing error."
    )]
    CreditorReferenceCheckDigits { input: String },
    #[error(
        "“{input}” is neither a KID nor a structured creditor reference (RF…), and free-text \
         references are not accepted here."
    )]
    UnstructuredNotAllowed { input: String },
    #[error("The payment reference is longer than {UNSTRUCTURED_MAX_LEN} characters.")]
    UnstructuredTooLong,
    #[error("The payment reference contains control characters such as line breaks.")]
    UnstructuredControlCharacter,
}

/// A Norwegian KID (kundeidentifikasjon): 2 to 25 digits whose last digit is a MOD10 (Luhn)
/// or MOD11 check digit; a MOD11 check of 10 is written `-`.
///
/// Both algorithms are accepted because which one applies is agreed between the supplier and
/// its bank, and the payer cannot know it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kid(String);

impl Kid {
    /// Reads a KID; spaces (as printed on giro slips) are removed.
    pub fn parse(input: &str) -> Result<Kid, PaymentReferenceError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(PaymentReferenceError::Empty);
        }
        let b = compact.as_bytes();
        let (body, check) = b.split_at(b.len() - 1);
        if !body.iter().all(u8::is_ascii_digit) || !(check[0].is_ascii_digit() || check[0] == b'-')
        {
            return Err(PaymentReferenceError::KidCharacter {
                input: input.trim().to_owned(),
            });
        }
        let len = compact.len();
        if !(KID_MIN_LEN..=KID_MAX_LEN).contains(&len) {
            return Err(PaymentReferenceError::KidLength {
                input: input.trim().to_owned(),
                len,
            });
        }
        if check[0] == luhn_check_digit(body) || check[0] == mod11_check_digit(body) {
            Ok(Kid(compact))
        } else {
            Err(PaymentReferenceError::KidCheckDigit {
                input: input.trim().to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn check digit of `body` (ASCII digits).
fn luhn_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            // The digit next to the check digit is doubled, then every second one.
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    b'0' + ((10 - sum % 10) % 10) as u8
}

/// The MOD11 check digit of `body` (ASCII digits) with weights 2..=7 from the right; `-` when
/// the check is 10.
fn mod11_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (2 + (i % 6) as u32))
        .sum();
    match 11 - sum % 11 {
        11 => b'0',
        10 => b'-',
        check => b'0' + check as u8,
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Kid {
    type Error = PaymentReferenceError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Kid::parse(&text)
    }
}

impl From<Kid> for String {
    fn from(kid: Kid) -> String {
        kid.0
    }
}

/// An ISO 11649 structured creditor reference: `RF`, two check digits (ISO 7064 MOD 97-10) and
/// 1 to 21 letters or digits. Held in electronic form: upper-case, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditorReference(String);

impl CreditorReference {
    /// Reads the electronic (`RF18539007547034`) or paper form (`RF18 5390 0754 7034`).
    pub fn parse(input: &str) -> Result<CreditorReference, PaymentReferenceError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(PaymentReferenceError::Empty);
        }
        let b = compact.as_bytes();
        let well_formed = b.len() > 4
            && b.len() <= 4 + CREDITOR_REFERENCE_MAX_LEN
            && b.starts_with(b"RF")
            && b[2..4].iter().all(u8::is_ascii_digit)
            && b[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !well_formed {
            return Err(PaymentReferenceError::CreditorReferenceShape {
                input: input.trim().to_owned(),
            });
        }
        // ISO 7064 check digits run from 02 to 98; 00, 01 and 99 are never issued.
        let check_in_range = !matches!(&compact[2..4], "00" | "01" | "99");
        if !check_in_range || mod97(&compact) != 1 {
            return Err(PaymentReferenceError::CreditorReferenceCheckDigits {
                input: input.trim().to_owned(),
            });
        }
        Ok(CreditorReference(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 7064 MOD 97-10 over the reference with its first four characters moved to the end
/// (letters count as 10..=35), as for IBANs.
fn mod97(compact: &str) -> u32 {
    let rearranged = compact[4..].bytes().chain(compact[..4].bytes());
    rearranged.fold(0u32, |acc, b| {
        if b.is_ascii_digit() {
            (acc * 10 + u32::from(b - b'0')) % 97
        } else {
            (acc * 100 + u32::from(b - b'A' + 10)) % 97
        }
    })
}

impl fmt::Display for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditorReference {
    type Error = PaymentReferenceError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        CreditorReference::parse(&text)
    }
}

impl From<CreditorReference> for String {
    fn from(reference: CreditorReference) -> String {
        reference.0
    }
}

/// Free remittance text: trimmed, 1 to 140 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnstructuredReference(String);

impl UnstructuredReference {
    pub fn parse(input: &str) -> Result<UnstructuredReference, PaymentReferenceError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(PaymentReferenceError::Empty);
        }
        if text.chars().count() > UNSTRUCTURED_MAX_LEN {
            return Err(PaymentReferenceError::UnstructuredTooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(PaymentReferenceError::UnstructuredControlCharacter);
        }
        Ok(UnstructuredReference(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnstructuredReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for UnstructuredReference {
    type Error = PaymentReferenceError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        UnstructuredReference::parse(&text)
    }
}

impl From<UnstructuredReference> for String {
    fn from(reference: UnstructuredReference) -> String {
        reference.0
    }
}

/// The reference to pass on with a payment. Serialized as `{"kind": "kid", "value": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PaymentReference {
    Kid(Kid),
    Creditor(CreditorReference),
    Unstructured(UnstructuredReference),
}

impl PaymentReference {
    /// Recognises the kind of reference:
    ///
    /// - only digits (and a final `-`), spaces ignored: a KID, which must be valid;
    /// - `RF` and two digits, spaces ignored: a creditor reference, which must be valid;
    /// - anything else: free text, if `policy` allows it.
    pub fn parse(
        input: &str,
        policy: ReferencePolicy,
    ) -> Result<PaymentReference, PaymentReferenceError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(PaymentReferenceError::Empty);
        }
        let b = compact.as_bytes();
        let looks_like_kid = b[0].is_ascii_digit()
            && b[..b.len() - 1].iter().all(u8::is_ascii_digit)
            && (b[b.len() - 1].is_ascii_digit() || b[b.len() - 1] == b'-');
        if looks_like_kid {
            return Kid::parse(&compact).map(PaymentReference::Kid);
        }
        let looks_like_rf = b.len() >= 4
            && b.starts_with(b"RF")
            && b[2..4].iter().all(u8::is_ascii_digit)
            && b[4..].iter().all(u8::is_ascii_alphanumeric);
        if looks_like_rf {
            return CreditorReference::parse(&compact).map(PaymentReference::Creditor);
        }
        match policy {
            ReferencePolicy::AllowUnstructured => {
                UnstructuredReference::parse(input).map(PaymentReference::Unstructured)
            }
            ReferencePolicy::StructuredOnly => Err(PaymentReferenceError::UnstructuredNotAllowed {
                input: input.trim().to_owned(),
            }),
        }
    }

    /// The reference as it goes into a payment: KID digits, `RF…` electronic form, or the text.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentReference::Kid(kid) => kid.as_str(),
            PaymentReference::Creditor(rf) => rf.as_str(),
            PaymentReference::Unstructured(text) => text.as_str(),
        }
    }

    /// True for a KID or a creditor reference (ISO 20022 `CdtrRefInf`), false for free text.
    pub fn is_structured(&self) -> bool {
        !matches!(self, PaymentReference::Unstructured(_))
    }

    /// `"kid"`, `"creditor"` or `"unstructured"`, as in the serialized form.
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentReference::Kid(_) => "kid",
            PaymentReference::Creditor(_) => "creditor",
            PaymentReference::Unstructured(_) => "unstructured",
        }
    }
}

impl fmt::Display for PaymentReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use ReferencePolicy::{AllowUnstructured, StructuredOnly};

    #[test]
    fn kids_with_a_mod10_check_digit_are_accepted() {
        for kid in ["1234567897", "23456767", "18", "00012300", "860111178"] {
            assert_eq!(Kid::parse(kid).unwrap().as_str(), kid, "{kid}");
        }
    }

    #[test]
    fn kids_with_a_mod11_check_digit_are_accepted() {
        for kid in ["1234567892", "23456761", "0001236", "860111179"] {
            assert_eq!(Kid::parse(kid).unwrap().as_str(), kid, "{kid}");
        }
    }

    #[test]
    fn a_mod11_check_of_ten_is_written_as_a_dash() {
        assert_eq!(Kid::parse("100008-").unwrap().as_str(), "100008-");
        assert_eq!(
            Kid::parse("00000001234567890123-").unwrap().as_str(),
            "00000001234567890123-"
        );
        // A dash where the check is not 10 is wrong.
        assert!(Kid::parse("1234567-").is_err());
    }

    #[test]
    fn a_kid_with_a_wrong_check_digit_is_refused() {
        let err = Kid::parse("1234567890").unwrap_err();
        assert_eq!(
            err.to_string(),
            "“1234567890” is not a valid KID: its last digit matches neither the MOD10 nor the \
             MOD11 check. Check for a typing error."
        );
        assert!(Kid::parse("23456768").is_err());
    }

    #[test]
    fn a_kid_of_one_or_more_than_25_digits_is_refused() {
        assert!(matches!(
            Kid::parse("0"),
            Err(PaymentReferenceError::KidLength { len: 1, .. })
        ));
        let long = format!("{}0", "0".repeat(25));
        assert!(matches!(
            Kid::parse(&long),
            Err(PaymentReferenceError::KidLength { len: 26, .. })
        ));
        // 25 zeros pass both checks (0 is the Luhn and MOD11 check of zeros).
        assert!(Kid::parse(&"0".repeat(25)).is_ok());
    }

    #[test]
    fn a_kid_with_letters_or_other_characters_is_refused() {
        for bad in ["12ø", "12A45", "1-2", "-"] {
            assert!(
                matches!(
                    Kid::parse(bad),
                    Err(PaymentReferenceError::KidCharacter { .. })
                        | Err(PaymentReferenceError::KidLength { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            Kid::parse("12ø"),
            Err(PaymentReferenceError::KidCharacter { .. })
        ));
    }

    #[test]
    fn spaces_in_a_kid_are_ignored() {
        assert_eq!(Kid::parse(" 1234 5678 97 ").unwrap().as_str(), "1234567897");
    }

    #[test]
    fn a_valid_creditor_reference_is_accepted_in_paper_and_electronic_form() {
        for (input, electronic) in [
            ("RF18539007547034", "RF18539007547034"),
            ("RF18 5390 0754 7034", "RF18539007547034"),
            ("rf18 5390 0754 7034", "RF18539007547034"),
            ("RF712348231", "RF712348231"),
            ("RF70H2345", "RF70H2345"),
            ("RF741", "RF741"),
            ("RF95ABCDEFGHIJKLMNOPQRSTU", "RF95ABCDEFGHIJKLMNOPQRSTU"),
        ] {
            let rf = CreditorReference::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(rf.as_str(), electronic);
        }
    }

    #[test]
    fn a_creditor_reference_with_wrong_check_digits_is_refused() {
        for bad in ["RF19539007547034", "RF18539007547035", "RF712348213"] {
            assert!(
                matches!(
                    CreditorReference::parse(bad),
                    Err(PaymentReferenceError::CreditorReferenceCheckDigits { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_creditor_reference_of_the_wrong_shape_is_refused() {
        let too_long = "RF00ABCDEFGHIJKLMNOPQRSTUV";
        for bad in ["RF18", "RF18-5390", too_long, "XX18539007547034"] {
            assert!(
                matches!(
                    CreditorReference::parse(bad),
                    Err(PaymentReferenceError::CreditorReferenceShape { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn creditor_check_digits_outside_02_to_98_are_refused() {
        // RF9772 and RF0072 pass MOD 97 alike; ISO 7064 only ever issues 02 to 98.
        assert!(CreditorReference::parse("RF9772").is_ok());
        assert!(CreditorReference::parse("RF0072").is_err());
        assert!(CreditorReference::parse("RF9854").is_ok());
        assert!(CreditorReference::parse("RF0154").is_err());
    }

    #[test]
    fn parse_recognises_each_kind_of_reference() {
        assert_eq!(
            PaymentReference::parse("1234567897", StructuredOnly).unwrap(),
            PaymentReference::Kid(Kid::parse("1234567897").unwrap())
        );
        let rf = PaymentReference::parse("RF18 5390 0754 7034", StructuredOnly).unwrap();
        assert_eq!(rf.kind(), "creditor");
        assert_eq!(rf.as_str(), "RF18539007547034");
        assert!(rf.is_structured());
        let text = PaymentReference::parse("  Invoice 2026-17  ", AllowUnstructured).unwrap();
        assert_eq!(text.kind(), "unstructured");
        assert_eq!(text.as_str(), "Invoice 2026-17");
        assert!(!text.is_structured());
    }

    #[test]
    fn free_text_is_refused_unless_the_caller_allows_it() {
        let err = PaymentReference::parse("Invoice 2026-17", StructuredOnly).unwrap_err();
        assert_eq!(
            err.to_string(),
            "“Invoice 2026-17” is neither a KID nor a structured creditor reference (RF…), and \
             free-text references are not accepted here."
        );
    }

    #[test]
    fn a_mistyped_kid_is_refused_even_when_free_text_is_allowed() {
        assert!(matches!(
            PaymentReference::parse("1234567890", AllowUnstructured),
            Err(PaymentReferenceError::KidCheckDigit { .. })
        ));
        assert!(matches!(
            PaymentReference::parse("RF19539007547034", AllowUnstructured),
            Err(PaymentReferenceError::CreditorReferenceCheckDigits { .. })
        ));
    }

    #[test]
    fn free_text_is_at_most_140_characters_without_control_characters() {
        let max = "ø".repeat(140);
        assert!(PaymentReference::parse(&max, AllowUnstructured).is_ok());
        assert_eq!(
            PaymentReference::parse(&format!("{max}x"), AllowUnstructured),
            Err(PaymentReferenceError::UnstructuredTooLong)
        );
        assert_eq!(
            PaymentReference::parse("line\nbreak", AllowUnstructured),
            Err(PaymentReferenceError::UnstructuredControlCharacter)
        );
        assert_eq!(
            PaymentReference::parse("   ", AllowUnstructured),
            Err(PaymentReferenceError::Empty)
        );
    }

    #[test]
    fn a_reference_serializes_with_its_kind_and_is_checked_when_read() {
        let rf = PaymentReference::parse("RF18539007547034", StructuredOnly).unwrap();
        let json = serde_json::to_string(&rf).unwrap();
        assert_eq!(json, r#"{"kind":"creditor","value":"RF18539007547034"}"#);
        assert_eq!(serde_json::from_str::<PaymentReference>(&json).unwrap(), rf);
        assert!(
            serde_json::from_str::<PaymentReference>(r#"{"kind":"kid","value":"1234567890"}"#)
                .is_err()
        );
    }
}
