//! Amounts of money: an ISO 4217 [`Currency`] and an integer number of its minor units.
//!
//! The ISO 4217 table below (code and minor-unit exponent of the active currencies) is kept here
//! rather than taken from a currency crate: it is the only part of such a crate the product
//! uses, it changes a few times a decade, and the SPA's first load has a size budget.
//!
//! Amounts are never floating point. Decimal strings (as found in payment files and forms) are
//! parsed exactly with [`Money::parse_decimal`]; the number of decimals must not exceed what the
//! currency allows.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Active ISO 4217 alphabetic codes with their minor-unit exponent, sorted by code.
///
/// Codes without minor units (precious metals, testing codes, SDR) are left out: they are not
/// used for supplier payments.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// An active ISO 4217 currency, such as `EUR`. Serialized as its three-letter code.
///
/// The only ways in are [`Currency::parse`] (or `TryFrom<&str>`, `FromStr`, deserialization)
/// and the constants such as [`Currency::EUR`], so every value is a known currency with a known
/// number of decimals. Ordered alphabetically by code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(u16);

/// Why a currency code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("currency code {0:?} is not three upper-case letters (ISO 4217, e.g. \"EUR\")")]
    Malformed(String),
    #[error("currency code {0:?} is not an active ISO 4217 currency")]
    Unknown(String),
}

const fn table_index(code: &[u8; 3]) -> Option<u16> {
    let mut i = 0;
    while i < CURRENCIES.len() {
        let c = CURRENCIES[i].0.as_bytes();
        if c[0] == code[0] && c[1] == code[1] && c[2] == code[2] {
            return Some(i as u16);
        }
        i += 1;
    }
    None
}

const fn known(code: &[u8; 3]) -> Currency {
    match table_index(code) {
        Some(i) => Currency(i),
        None => panic!("currency missing from the ISO 4217 table"),
    }
}

impl Currency {
    pub const EUR: Currency = known(b"EUR");
    pub const USD: Currency = known(b"USD");
    pub const GBP: Currency = known(b"GBP");
    pub const CHF: Currency = known(b"CHF");
    pub const NOK: Currency = known(b"NOK");
    pub const SEK: Currency = known(b"SEK");
    pub const DKK: Currency = known(b"DKK");
    pub const PLN: Currency = known(b"PLN");
    pub const JPY: Currency = known(b"JPY");
    pub const KWD: Currency = known(b"KWD");

    /// Parses an ISO 4217 alphabetic code. Only exact upper-case codes are accepted.
    pub fn parse(code: &str) -> Result<Currency, CurrencyError> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(CurrencyError::Malformed(code.to_owned()));
        }
        CURRENCIES
            .binary_search_by(|(c, _)| c.cmp(&code))
            .map(|i| Currency(i as u16))
            .map_err(|_| CurrencyError::Unknown(code.to_owned()))
    }

    /// The three-letter code, e.g. `"EUR"`.
    pub fn code(self) -> &'static str {
        CURRENCIES[self.0 as usize].0
    }

    /// Number of decimals of the currency: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn minor_units(self) -> u8 {
        CURRENCIES[self.0 as usize].1
    }

    /// All currencies of the built-in table, alphabetically.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..CURRENCIES.len()).map(|i| Currency(i as u16))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl std::str::FromStr for Currency {
    type Err = CurrencyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl TryFrom<&str> for Currency {
    type Error = CurrencyError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Currency::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::parse(&s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Largest number of digits accepted before the decimal point (ISO 20022 allows 18 in total).
pub const MAX_INTEGER_DIGITS: usize = 18;

/// An amount: an integer number of minor units (cents, øre, yen) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why a decimal amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("the amount is empty")]
    Empty,
    #[error("amount {input:?} has a sign; amounts must be written without '+' or '-'")]
    Signed { input: String },
    #[error("amount {input:?} uses exponent notation; write it as plain digits, e.g. 1234.50")]
    Exponent { input: String },
    #[error(
        "amount {input:?} is not a plain decimal number (digits with an optional '.' decimal point, no spaces or thousands separators)"
    )]
    NotADecimal { input: String },
    #[error("amount {input} {currency} has more decimals than {currency} allows ({allowed})")]
    TooManyDecimals {
        input: String,
        currency: Currency,
        allowed: u8,
    },
    #[error("amount {input:?} has more than {MAX_INTEGER_DIGITS} digits before the decimal point")]
    TooManyIntegerDigits { input: String },
    #[error("amount {input} {currency} is too large")]
    Overflow { input: String, currency: Currency },
    #[error(
        "amount {input} {currency} has more than {MAX_TOTAL_DIGITS} digits in {currency}'s minor \
         units; ISO 20022 payment files allow at most {MAX_TOTAL_DIGITS}"
    )]
    TooManyDigits { input: String, currency: Currency },
}

/// Most digits an amount has in minor units: ISO 20022's `totalDigits` of an amount, so every
/// amount accepted can be written to a payment file (and fits an `i64` with room to spare).
pub const MAX_TOTAL_DIGITS: u32 = 18;

/// The smallest number of minor units that has more than [`MAX_TOTAL_DIGITS`] digits.
const TOO_MANY_DIGITS: i64 = 10_i64.pow(MAX_TOTAL_DIGITS);

impl Money {
    /// An amount of `minor` minor units of `currency` (e.g. 123450 EUR cents = 1234.50 EUR).
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses a plain decimal string exactly: `"1234.5"` EUR is 123450 cents.
    ///
    /// Accepts digits with an optional decimal point followed by at most
    /// [`Currency::minor_units`] digits. Zero is accepted (see [`Money::is_positive`]); signs,
    /// exponents, spaces, separators and more than 18 integer digits are refused.
    pub fn parse_decimal(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let owned = || input.to_owned();
        if input.is_empty() {
            return Err(MoneyError::Empty);
        }
        if input.starts_with(['+', '-']) {
            return Err(MoneyError::Signed { input: owned() });
        }
        let (int_part, frac_part) = match input.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (input, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || !frac_part.is_none_or(all_digits) {
            if input.contains(['e', 'E']) && input.bytes().any(|b| b.is_ascii_digit()) {
                return Err(MoneyError::Exponent { input: owned() });
            }
            return Err(MoneyError::NotADecimal { input: owned() });
        }
        let frac = frac_part.unwrap_or("");
        let allowed = currency.minor_units();
        if frac.len() > allowed as usize {
            return Err(MoneyError::TooManyDecimals {
                input: owned(),
                currency,
                allowed,
            });
        }
        if int_part.len() > MAX_INTEGER_DIGITS {
            return Err(MoneyError::TooManyIntegerDigits { input: owned() });
        }
        // Digits in minor units: the integer part without leading zeros, and every decimal the
        // currency has (written or not).
        let significant = int_part.trim_start_matches('0').len() + allowed as usize;
        if significant > MAX_TOTAL_DIGITS as usize {
            return Err(MoneyError::TooManyDigits {
                input: owned(),
                currency,
            });
        }
        let overflow = || MoneyError::Overflow {
            input: owned(),
            currency,
        };
        let mut minor: i64 = 0;
        let padding = allowed as usize - frac.len();
        let digits = int_part
            .bytes()
            .chain(frac.bytes())
            .chain(std::iter::repeat_n(b'0', padding));
        for digit in digits {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(digit - b'0')))
                .ok_or_else(overflow)?;
        }
        if minor >= TOO_MANY_DIGITS {
            return Err(MoneyError::TooManyDigits {
                input: owned(),
                currency,
            });
        }
        Ok(Money { minor, currency })
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.minor
    }

    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// True when the amount is greater than zero; payments must be positive.
    pub const fn is_positive(self) -> bool {
        self.minor > 0
    }

    pub const fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// The sum, or `None` when the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money {
            minor: self.minor.checked_add(other.minor)?,
            currency: self.currency,
        })
    }

    /// The amount with exactly the currency's decimals and a '.' point: `"1234.50"`, `"100"` (JPY).
    pub fn to_decimal_string(self) -> String {
        format_minor(self.minor, self.currency.minor_units())
    }
}

/// Formats `minor` units with `decimals` decimals, e.g. `(123450, 2)` as `"1234.50"`.
pub(crate) fn format_minor(minor: i64, decimals: u8) -> String {
    format_minor_i128(i128::from(minor), decimals)
}

pub(crate) fn format_minor_i128(minor: i128, decimals: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    let decimals = decimals as usize;
    if decimals == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (int_part, frac_part) = padded.split_at(padded.len() - decimals);
    format!("{sign}{int_part}.{frac_part}")
}

impl fmt::Display for Money {
    /// `1234.50 EUR`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// Sums of amounts per currency, for bundles and control sums.
///
/// Serialized as an object from currency code to minor units: `{"EUR": 123450}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Totals(BTreeMap<Currency, i64>);

/// A total grew beyond what an `i64` of minor units can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the total in {currency} is too large")]
pub struct TotalsOverflow {
    pub currency: Currency,
}

impl Totals {
    pub fn new() -> Totals {
        Totals::default()
    }

    /// Adds an amount to its currency's total; on overflow nothing changes.
    pub fn add(&mut self, amount: Money) -> Result<(), TotalsOverflow> {
        let total = self.0.entry(amount.currency).or_insert(0);
        *total = total.checked_add(amount.minor).ok_or(TotalsOverflow {
            currency: amount.currency,
        })?;
        Ok(())
    }

    /// The total in `currency` (zero when nothing in that currency was added).
    pub fn get(&self, currency: Currency) -> Money {
        Money::from_minor(self.0.get(&currency).copied().unwrap_or(0), currency)
    }

    /// The totals alphabetically by currency.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.iter().map(|(&c, &m)| Money::from_minor(m, c))
    }

    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.0.keys().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of currencies.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl FromIterator<Money> for Result<Totals, TotalsOverflow> {
    fn from_iter<I: IntoIterator<Item = Money>>(iter: I) -> Self {
        let mut totals = Totals::new();
        for amount in iter {
            totals.add(amount)?;
        }
        Ok(totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Result<Money, MoneyError> {
        Money::parse_decimal(s, Currency::EUR)
    }

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn the_currency_table_is_sorted_unique_and_well_formed() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (code, units) in CURRENCIES {
            assert_eq!(code.len(), 3);
            assert!(*units <= 4);
        }
    }

    #[test]
    fn currencies_know_their_minor_units() {
        for (code, units) in [
            ("EUR", 2),
            ("USD", 2),
            ("NOK", 2),
            ("SEK", 2),
            ("DKK", 2),
            ("ISK", 0),
            ("CHF", 2),
            ("GBP", 2),
            ("PLN", 2),
            ("CZK", 2),
            ("HUF", 2),
            ("RON", 2),
            ("BGN", 2),
            ("RSD", 2),
            ("UAH", 2),
            ("TRY", 2),
            ("CAD", 2),
            ("AUD", 2),
            ("NZD", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("CLP", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("OMR", 3),
            ("JOD", 3),
            ("TND", 3),
            ("CNY", 2),
            ("INR", 2),
            ("ZAR", 2),
            ("SGD", 2),
            ("HKD", 2),
            ("MXN", 2),
            ("BRL", 2),
        ] {
            assert_eq!(cur(code).minor_units(), units, "{code}");
            assert_eq!(cur(code).code(), code);
        }
        assert_eq!(Currency::EUR.code(), "EUR");
        assert_eq!(Currency::JPY.minor_units(), 0);
        assert_eq!(Currency::KWD.minor_units(), 3);
    }

    #[test]
    fn an_unknown_or_malformed_currency_is_rejected() {
        assert_eq!(
            Currency::parse("XYZ"),
            Err(CurrencyError::Unknown("XYZ".into()))
        );
        for bad in ["eur", "EU", "EURO", "", "E1R", " EUR"] {
            assert_eq!(
                Currency::parse(bad),
                Err(CurrencyError::Malformed(bad.into()))
            );
        }
        assert!(CurrencyError::Unknown("XYZ".into())
            .to_string()
            .contains("not an active ISO 4217"));
    }

    #[test]
    fn a_currency_serializes_as_its_code() {
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        let back: Currency = serde_json::from_str("\"JPY\"").unwrap();
        assert_eq!(back, Currency::JPY);
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }

    #[test]
    fn currencies_order_alphabetically() {
        assert!(Currency::EUR < Currency::USD);
        assert!(cur("AUD") < Currency::EUR);
    }

    #[test]
    fn a_decimal_amount_is_parsed_exactly_into_minor_units() {
        assert_eq!(eur("1234.5").unwrap().minor(), 123450);
        assert_eq!(eur("1234.56").unwrap().minor(), 123456);
        assert_eq!(eur("1234").unwrap().minor(), 123400);
        assert_eq!(eur("0.01").unwrap().minor(), 1);
        assert_eq!(eur("007.10").unwrap().minor(), 710);
        assert_eq!(
            Money::parse_decimal("1.234", cur("KWD")).unwrap().minor(),
            1234
        );
    }

    #[test]
    fn an_amount_with_too_many_decimals_is_rejected() {
        let err = eur("1234.567").unwrap_err();
        assert_eq!(
            err.to_string(),
            "amount 1234.567 EUR has more decimals than EUR allows (2)"
        );
        assert!(eur("10.500").is_err());
    }

    #[test]
    fn a_currency_without_decimals_takes_whole_amounts_only() {
        assert_eq!(
            Money::parse_decimal("100", Currency::JPY).unwrap().minor(),
            100
        );
        let err = Money::parse_decimal("100.5", Currency::JPY).unwrap_err();
        assert_eq!(
            err.to_string(),
            "amount 100.5 JPY has more decimals than JPY allows (0)"
        );
    }

    #[test]
    fn zero_is_parsed_but_is_not_positive() {
        let zero = eur("0").unwrap();
        assert!(zero.is_zero());
        assert!(!zero.is_positive());
        assert!(eur("0.01").unwrap().is_positive());
    }

    #[test]
    fn signed_amounts_are_rejected() {
        assert!(matches!(eur("-1.00"), Err(MoneyError::Signed { .. })));
        assert!(matches!(eur("+1.00"), Err(MoneyError::Signed { .. })));
    }

    #[test]
    fn exponent_notation_is_rejected() {
        assert!(matches!(eur("1e3"), Err(MoneyError::Exponent { .. })));
        assert!(matches!(eur("1.5E2"), Err(MoneyError::Exponent { .. })));
    }

    #[test]
    fn malformed_amounts_are_rejected() {
        assert_eq!(eur(""), Err(MoneyError::Empty));
        for bad in [
            " 1.00", "1.00 ", "1 000.00", "1,00", "1,000.00", ".5", "5.", "1.2.3", "abc", "NaN",
            "inf", "１２",
        ] {
            assert!(
                matches!(eur(bad), Err(MoneyError::NotADecimal { .. })),
                "{bad:?} gave {:?}",
                eur(bad)
            );
        }
    }

    #[test]
    fn more_than_eighteen_integer_digits_are_rejected() {
        assert!(matches!(
            Money::parse_decimal("1234567890123456789", Currency::JPY),
            Err(MoneyError::TooManyIntegerDigits { .. })
        ));
        assert_eq!(
            Money::parse_decimal("999999999999999999", Currency::JPY)
                .unwrap()
                .minor(),
            999_999_999_999_999_999
        );
    }

    #[test]
    fn an_amount_too_large_for_minor_units_is_rejected() {
        let err = eur("999999999999999999").unwrap_err();
        assert_eq!(
            err.to_string(),
            "amount 999999999999999999 EUR has more than 18 digits in EUR's minor units; ISO 20022 \
             payment files allow at most 18"
        );
        assert!(matches!(
            eur("92233720368547758.08"),
            Err(MoneyError::TooManyDigits { .. })
        ));
        assert_eq!(
            eur("00000000000000001.00").unwrap().minor(),
            100,
            "leading zeros are no digits"
        );
    }

    #[test]
    fn an_amount_with_more_than_eighteen_digits_in_minor_units_is_rejected() {
        assert_eq!(
            eur("9999999999999999.99").unwrap().minor(),
            999_999_999_999_999_999
        );
        let err = eur("10000000000000000.00").unwrap_err();
        assert!(matches!(err, MoneyError::TooManyDigits { .. }));
        assert!(err.to_string().contains("at most 18"), "{err}");
        assert!(matches!(
            eur("92233720368547758.07"),
            Err(MoneyError::TooManyDigits { .. })
        ));
        // Above 2^53 minor units, yet within 18 digits: exact.
        assert_eq!(
            eur("90071992547409.93").unwrap().minor(),
            9_007_199_254_740_993
        );
    }

    #[test]
    fn an_amount_prints_with_exactly_the_currency_decimals() {
        assert_eq!(eur("1234.5").unwrap().to_decimal_string(), "1234.50");
        assert_eq!(eur("0.05").unwrap().to_decimal_string(), "0.05");
        assert_eq!(eur("0").unwrap().to_decimal_string(), "0.00");
        assert_eq!(
            Money::from_minor(100, Currency::JPY).to_decimal_string(),
            "100"
        );
        assert_eq!(
            Money::from_minor(5, Currency::KWD).to_decimal_string(),
            "0.005"
        );
        assert_eq!(
            Money::from_minor(-150, Currency::EUR).to_decimal_string(),
            "-1.50"
        );
        assert_eq!(
            Money::from_minor(i64::MIN, Currency::JPY).to_decimal_string(),
            "-9223372036854775808"
        );
        assert_eq!(eur("12.3").unwrap().to_string(), "12.30 EUR");
    }

    #[test]
    fn printing_then_parsing_returns_the_same_amount() {
        for minor in [0, 1, 99, 100, 123_456_789, 999_999_999_999_999_999] {
            for currency in Currency::all() {
                let m = Money::from_minor(minor, currency);
                assert_eq!(
                    Money::parse_decimal(&m.to_decimal_string(), currency),
                    Ok(m)
                );
            }
        }
    }

    #[test]
    fn amounts_in_different_currencies_do_not_add() {
        let a = Money::from_minor(100, Currency::EUR);
        assert_eq!(
            a.checked_add(a),
            Some(Money::from_minor(200, Currency::EUR))
        );
        assert_eq!(a.checked_add(Money::from_minor(1, Currency::USD)), None);
        assert_eq!(
            Money::from_minor(i64::MAX, Currency::EUR).checked_add(a),
            None
        );
    }

    #[test]
    fn money_serializes_with_minor_units_and_currency_code() {
        let m = Money::from_minor(123450, Currency::EUR);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"minor":123450,"currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }

    #[test]
    fn totals_are_kept_per_currency() {
        let mut totals = Totals::new();
        totals.add(Money::from_minor(100, Currency::EUR)).unwrap();
        totals.add(Money::from_minor(250, Currency::EUR)).unwrap();
        totals.add(Money::from_minor(7, Currency::JPY)).unwrap();
        assert_eq!(totals.get(Currency::EUR).minor(), 350);
        assert_eq!(totals.get(Currency::JPY).minor(), 7);
        assert_eq!(totals.get(Currency::USD).minor(), 0);
        assert_eq!(totals.len(), 2);
        let listed: Vec<Money> = totals.iter().collect();
        assert_eq!(listed[0].currency(), Currency::EUR);
        assert_eq!(
            serde_json::to_string(&totals).unwrap(),
            r#"{"EUR":350,"JPY":7}"#
        );
    }

    #[test]
    fn a_total_that_would_overflow_is_refused_and_left_unchanged() {
        let mut totals = Totals::new();
        totals
            .add(Money::from_minor(i64::MAX, Currency::EUR))
            .unwrap();
        let err = totals.add(Money::from_minor(1, Currency::EUR)).unwrap_err();
        assert_eq!(err.to_string(), "the total in EUR is too large");
        assert_eq!(totals.get(Currency::EUR).minor(), i64::MAX);
    }

    #[test]
    fn totals_collect_from_amounts() {
        let totals: Result<Totals, _> = [
            Money::from_minor(1, Currency::EUR),
            Money::from_minor(2, Currency::EUR),
        ]
        .into_iter()
        .collect();
        assert_eq!(totals.unwrap().get(Currency::EUR).minor(), 3);
    }
}
