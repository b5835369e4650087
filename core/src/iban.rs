//! Bank account and bank identifiers: [`Iban`] (ISO 13616) and [`Bic`] (ISO 9362).
//!
//! An IBAN is checked for its country's length (the table below, kept so a refusal can say how
//! many characters that country's IBANs have), its check digits, and its country's BBAN structure
//! (the `iban_validate` crate, maintained against the SWIFT IBAN registry; its tables are private,
//! which is why the lengths are kept here too).

use std::fmt;

use serde::{Deserialize, Serialize};

/// IBAN length per country, from the SWIFT IBAN registry, sorted by country code.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// An International Bank Account Number with a valid country, length and mod-97 checksum.
///
/// Held in its electronic form (`DE89370400440532013000`), which is also how it serializes;
/// [`Display`](fmt::Display) prints the paper form in groups of four.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

/// Why an IBAN was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("the IBAN is empty")]
    Empty,
    #[error("IBAN {input:?} contains {found:?}; only letters and digits are allowed")]
    InvalidCharacter { input: String, found: char },
    #[error("IBAN {input:?} does not start with a two-letter country code and two check digits")]
    Malformed { input: String },
    #[error("IBAN {input:?} has country code {country}, which does not use IBANs")]
    UnknownCountry { input: String, country: String },
    #[error("IBAN {input:?} has {actual} characters; IBANs from {country} have {expected}")]
    WrongLength {
        input: String,
        country: String,
        expected: usize,
        actual: usize,
    },
    #[error("IBAN {input:?} has wrong check digits; check for a typing error")]
    BadChecksum { input: String },
    #[error(
        "IBAN {input:?} does not have the structure of IBANs from {country}: a letter stands \
         where a digit belongs, or a digit where a letter belongs"
    )]
    WrongStructure { input: String, country: String },
}

impl Iban {
    /// Parses an IBAN in electronic or paper form: spaces are removed and letters upper-cased.
    pub fn parse(input: &str) -> Result<Iban, IbanError> {
        let compact: String = input
            .chars()
            .filter(|c| *c != ' ' && *c != '\u{a0}')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(IbanError::Empty);
        }
        if let Some(found) = compact.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(IbanError::InvalidCharacter {
                input: input.to_owned(),
                found,
            });
        }
        let bytes = compact.as_bytes();
        if bytes.len() < 4
            || !bytes[..2].iter().all(u8::is_ascii_uppercase)
            || !bytes[2..4].iter().all(u8::is_ascii_digit)
        {
            return Err(IbanError::Malformed {
                input: input.to_owned(),
            });
        }
        let country = &compact[..2];
        let expected = IBAN_LENGTHS
            .binary_search_by(|(c, _)| c.cmp(&country))
            .map(|i| IBAN_LENGTHS[i].1)
            .map_err(|_| IbanError::UnknownCountry {
                input: input.to_owned(),
                country: country.to_owned(),
            })?;
        if compact.len() != expected {
            return Err(IbanError::WrongLength {
                input: input.to_owned(),
                country: country.to_owned(),
                expected,
                actual: compact.len(),
            });
        }
        if mod97(&compact) != 1 {
            return Err(IbanError::BadChecksum {
                input: input.to_owned(),
            });
        }
        // The country's BBAN structure, from the registry as `iban_validate` keeps it.
        if compact.parse::<::iban::Iban>().is_err() {
            return Err(IbanError::WrongStructure {
                input: input.to_owned(),
                country: country.to_owned(),
            });
        }
        Ok(Iban(compact))
    }

    /// The electronic form, without spaces: `DE89370400440532013000`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 3166 country code, e.g. `"DE"`.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

/// ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end.
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

impl fmt::Display for Iban {
    /// The paper form in groups of four: `DE89 3704 0044 0532 0130 00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            // The electronic form is ASCII, so every chunk is valid UTF-8.
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({})", self.0)
    }
}

impl std::str::FromStr for Iban {
    type Err = IbanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Iban::parse(s)
    }
}

impl TryFrom<&str> for Iban {
    type Error = IbanError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Iban::parse(s)
    }
}

impl TryFrom<String> for Iban {
    type Error = IbanError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Iban::parse(&s)
    }
}

impl From<Iban> for String {
    fn from(iban: Iban) -> String {
        iban.0
    }
}

/// A Business Identifier Code (ISO 9362), 8 or 11 characters, e.g. `DEUTDEFF` or `DEUTDEFF500`.
///
/// Held upper-case; serialized as that string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

/// Why a BIC was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BicError {
    #[error("BIC {input:?} has {actual} characters; a BIC has 8 or 11")]
    WrongLength { input: String, actual: usize },
    #[error(
        "BIC {input:?} is not shaped like a BIC: 4 letters or digits for the bank, 2 letters for the country, 2 letters or digits for the location and optionally 3 for the branch"
    )]
    Malformed { input: String },
}

impl Bic {
    /// Parses a BIC; surrounding spaces are removed and letters upper-cased.
    pub fn parse(input: &str) -> Result<Bic, BicError> {
        let bic = input.trim().to_ascii_uppercase();
        let len = bic.chars().count();
        if len != 8 && len != 11 {
            return Err(BicError::WrongLength {
                input: input.to_owned(),
                actual: len,
            });
        }
        let b = bic.as_bytes();
        let alnum = |s: &[u8]| {
            s.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        if !alnum(&b[..4]) || !b[4..6].iter().all(u8::is_ascii_uppercase) || !alnum(&b[6..]) {
            return Err(BicError::Malformed {
                input: input.to_owned(),
            });
        }
        Ok(Bic(bic))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 3166 country code, e.g. `"DE"` for `DEUTDEFF`.
    pub fn country(&self) -> &str {
        &self.0[4..6]
    }

    /// The first eight characters, which identify the institution and location.
    pub fn bic8(&self) -> &str {
        &self.0[..8]
    }

    /// Whether the BIC has the ISO 9362:2009 shape that older schemas (such as
    /// pain.001.001.03) require: letters for the bank code, no `0`/`1` opening the location
    /// and no `O` closing it.
    pub fn fits_iso9362_2009(&self) -> bool {
        let b = self.0.as_bytes();
        b[..6].iter().all(u8::is_ascii_uppercase)
            && matches!(b[6], b'A'..=b'Z' | b'2'..=b'9')
            && b[7] != b'O'
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bic({})", self.0)
    }
}

impl std::str::FromStr for Bic {
    type Err = BicError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bic::parse(s)
    }
}

impl TryFrom<&str> for Bic {
    type Error = BicError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Bic::parse(s)
    }
}

impl TryFrom<String> for Bic {
    type Error = BicError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Bic::parse(&s)
    }
}

impl From<Bic> for String {
    fn from(bic: Bic) -> String {
        bic.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &[&str] = &[
        "NO9386011117947",
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "FR1420041010050500013M02606",
        "CH9300762011623852957",
        "AT611904300234573201",
        "DK5000400440116243",
        "FI2112345600000785",
        "SE4550000000058398257466",
        "ES9121000418450200051332",
        "IT60X0542811101000000123456",
        "PL61109010140000071219812874",
        "MT84MALT011000012345MTLCAST001S",
        "LC55HEMM000100010012001200023015",
    ];

    #[test]
    fn real_ibans_from_many_countries_are_accepted() {
        for iban in VALID {
            let parsed = Iban::parse(iban).unwrap_or_else(|e| panic!("{iban}: {e}"));
            assert_eq!(parsed.as_str(), *iban);
        }
    }

    #[test]
    fn the_country_table_is_sorted_and_unique() {
        for pair in IBAN_LENGTHS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
    }

    #[test]
    fn paper_form_and_lower_case_are_normalised_to_electronic_form() {
        let iban = Iban::parse("de89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(iban.as_str(), "DE89370400440532013000");
        assert_eq!(iban.country(), "DE");
    }

    #[test]
    fn an_iban_displays_in_groups_of_four() {
        let iban = Iban::parse("DE89370400440532013000").unwrap();
        assert_eq!(iban.to_string(), "DE89 3704 0044 0532 0130 00");
        let no = Iban::parse("NO9386011117947").unwrap();
        assert_eq!(no.to_string(), "NO93 8601 1117 947");
    }

    #[test]
    fn an_iban_with_a_broken_checksum_is_rejected() {
        for bad in [
            "DE88370400440532013000",
            "NO9386011117948",
            "GB82WEST12345698765431",
        ] {
            assert!(
                matches!(Iban::parse(bad), Err(IbanError::BadChecksum { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            Iban::parse("NL91ABNA0417164301").unwrap_err().to_string(),
            "IBAN \"NL91ABNA0417164301\" has wrong check digits; check for a typing error"
        );
    }

    #[test]
    fn an_iban_of_the_wrong_length_for_its_country_is_rejected() {
        let err = Iban::parse("DE8937040044053201300").unwrap_err();
        assert_eq!(
            err.to_string(),
            "IBAN \"DE8937040044053201300\" has 21 characters; IBANs from DE have 22"
        );
        assert!(matches!(
            Iban::parse("NO93860111179470"),
            Err(IbanError::WrongLength { .. })
        ));
    }

    #[test]
    fn an_iban_whose_bban_breaks_its_country_s_structure_is_rejected() {
        // Norway's BBAN is 11 digits; this one has a letter, and its check digits are right.
        let bban = "8601111794A";
        let check = 98 - mod97(&format!("NO00{bban}"));
        let iban = format!("NO{check:02}{bban}");
        assert_eq!(
            Iban::parse(&iban),
            Err(IbanError::WrongStructure {
                input: iban.clone(),
                country: "NO".into()
            })
        );
        assert!(Iban::parse(&iban)
            .unwrap_err()
            .to_string()
            .contains("structure of IBANs from NO"));
    }

    #[test]
    fn an_iban_from_a_country_without_ibans_is_rejected() {
        assert!(matches!(
            Iban::parse("US12345678901234"),
            Err(IbanError::UnknownCountry { .. })
        ));
    }

    #[test]
    fn malformed_ibans_are_rejected() {
        assert_eq!(Iban::parse("  "), Err(IbanError::Empty));
        assert!(matches!(
            Iban::parse("DE89-3704-0044"),
            Err(IbanError::InvalidCharacter { found: '-', .. })
        ));
        assert!(matches!(
            Iban::parse("1234567"),
            Err(IbanError::Malformed { .. })
        ));
        assert!(matches!(
            Iban::parse("DEXX370400440532013000"),
            Err(IbanError::Malformed { .. })
        ));
        assert!(matches!(
            Iban::parse("DÉ89370400440532013000"),
            Err(IbanError::InvalidCharacter { .. })
        ));
    }

    #[test]
    fn an_iban_serializes_as_its_electronic_form() {
        let iban = Iban::parse("DE89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(
            serde_json::to_string(&iban).unwrap(),
            "\"DE89370400440532013000\""
        );
        let back: Iban = serde_json::from_str("\"DE89370400440532013000\"").unwrap();
        assert_eq!(back, iban);
        assert!(serde_json::from_str::<Iban>("\"DE88370400440532013000\"").is_err());
    }

    #[test]
    fn bics_of_eight_and_eleven_characters_are_accepted() {
        let bic = Bic::parse("DEUTDEFF").unwrap();
        assert_eq!(bic.country(), "DE");
        assert_eq!(Bic::parse("deutdeff500").unwrap().as_str(), "DEUTDEFF500");
        assert_eq!(Bic::parse("DNBANOKKXXX").unwrap().bic8(), "DNBANOKK");
        assert!(Bic::parse("ABNANL2A").is_ok());
    }

    #[test]
    fn a_bic_of_the_wrong_length_is_rejected() {
        assert_eq!(
            Bic::parse("DEUTDEF").unwrap_err().to_string(),
            "BIC \"DEUTDEF\" has 7 characters; a BIC has 8 or 11"
        );
        assert!(matches!(
            Bic::parse("DEUTDEFF50"),
            Err(BicError::WrongLength { .. })
        ));
    }

    #[test]
    fn a_bic_not_shaped_like_a_bic_is_rejected() {
        for bad in [
            "DEUT12FF",
            "DEUT-EFF",
            "DEUTDEFF 50",
            "DEUTDEFF5_0",
            "DEUTDÉFF",
        ] {
            assert!(Bic::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_bics_with_a_letter_bank_code_fit_the_2009_shape() {
        assert!(Bic::parse("DEUTDEFF500").unwrap().fits_iso9362_2009());
        assert!(!Bic::parse("DEU1DEFF").unwrap().fits_iso9362_2009());
        assert!(!Bic::parse("DEUTDE0F").unwrap().fits_iso9362_2009());
        assert!(!Bic::parse("DEUTDEFO").unwrap().fits_iso9362_2009());
    }

    #[test]
    fn a_bic_serializes_as_a_string() {
        let bic = Bic::parse("DEUTDEFF").unwrap();
        assert_eq!(serde_json::to_string(&bic).unwrap(), "\"DEUTDEFF\"");
        assert!(serde_json::from_str::<Bic>("\"XX\"").is_err());
    }
}
