//! The small value types of ISO 20022 messages: bounded text, date-times and control sums.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::money::{format_minor_i128, Money};

/// Text of 1 to `MAX` characters with no control characters other than tab and line breaks,
/// as ISO 20022 `Max35Text`, `Max140Text`... Serialized as the plain string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text<const MAX: usize>(String);

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is empty")]
    Blank,
    #[error("is {actual} characters long; at most {max} are allowed")]
    TooLong { max: usize, actual: usize },
    #[error("contains the control character U+{0:04X}, which is not allowed")]
    ControlCharacter(u32),
}

impl<const MAX: usize> Text<MAX> {
    /// Accepts the text as it is (no trimming), if it is not blank, not longer than `MAX`
    /// characters and free of control characters other than tab, line feed and carriage return.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        if text.trim().is_empty() {
            return Err(TextError::Blank);
        }
        // Most text is printable ASCII: one look at each byte decides it (this runs for every
        // identifier and name of a 10,000-payment file).
        if text
            .bytes()
            .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r'))
        {
            if text.len() > MAX {
                return Err(TextError::TooLong {
                    max: MAX,
                    actual: text.len(),
                });
            }
            return Ok(Text(text.to_owned()));
        }
        let actual = text.chars().count();
        if actual > MAX {
            return Err(TextError::TooLong { max: MAX, actual });
        }
        if let Some(c) = text.chars().find(|&c| !is_xml_text_char(c)) {
            return Err(TextError::ControlCharacter(u32::from(c)));
        }
        Ok(Text(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters an XML 1.0 document may contain, less the C1 controls.
pub(crate) fn is_xml_text_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (!c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize> AsRef<str> for Text<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> TryFrom<String> for Text<MAX> {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Text::parse(&s)
    }
}

impl<const MAX: usize> TryFrom<&str> for Text<MAX> {
    type Error = TextError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Text::parse(s)
    }
}

impl<const MAX: usize> From<Text<MAX>> for String {
    fn from(text: Text<MAX>) -> String {
        text.0
    }
}

/// An ISO 8601 date and time as ISO 20022 `ISODateTime`: `2024-03-01T14:07:00`, optionally with
/// fractional seconds and a `Z` or `+01:00` offset. Kept exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoDateTime(String);

/// A date-time that is not ISO 8601 as ISO 20022 requires.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date and time like 2024-03-01T14:07:00 (ISO 8601)")]
pub struct IsoDateTimeError(pub String);

impl IsoDateTime {
    pub fn parse(text: &str) -> Result<Self, IsoDateTimeError> {
        let error = || IsoDateTimeError(text.to_owned());
        let b = text.as_bytes();
        if b.len() < 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(error());
        }
        let date = text.get(..10).ok_or_else(error)?;
        Date::parse(date).map_err(|_| error())?;
        let two = |i: usize| -> Option<u8> {
            let (h, l) = (b[i], b[i + 1]);
            (h.is_ascii_digit() && l.is_ascii_digit()).then(|| (h - b'0') * 10 + (l - b'0'))
        };
        match (two(11), two(14), two(17)) {
            (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s < 60 => {}
            _ => return Err(error()),
        }
        let mut rest = &b[19..];
        if let Some(fraction) = rest.strip_prefix(b".") {
            let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(error());
            }
            rest = &fraction[digits..];
        }
        let offset_ok = match rest {
            [] | [b'Z'] => true,
            [b'+' | b'-', h1, h2, b':', m1, m2] => {
                let digits = [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit());
                digits
                    && (h1 - b'0') * 10 + (h2 - b'0') <= 14
                    && (m1 - b'0') * 10 + (m2 - b'0') < 60
            }
            _ => false,
        };
        if !offset_ok {
            return Err(error());
        }
        Ok(IsoDateTime(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IsoDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IsoDateTime {
    type Error = IsoDateTimeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IsoDateTime::parse(&s)
    }
}

impl From<IsoDateTime> for String {
    fn from(d: IsoDateTime) -> String {
        d.0
    }
}

/// Highest number of decimals a control sum may have (ISO 20022 `DecimalNumber`).
const CONTROL_SUM_MAX_DECIMALS: usize = 17;
/// Highest number of digits a control sum may have in total.
const CONTROL_SUM_MAX_DIGITS: usize = 18;
/// Amounts are summed at this many decimals, the most any currency has.
const SUM_SCALE: u8 = 4;

/// A `CtrlSum`: the plain decimal sum of amounts, whatever their currencies.
///
/// Compared by value (`2`, `2.0` and `2.00` are equal). Serialized as a decimal string.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ControlSum {
    units: i128,
    scale: u8,
}

/// A control sum that is not a plain decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "control sum {0:?} is not a plain non-negative decimal number of at most 18 digits, 17 of them after the point"
)]
pub struct ControlSumError(pub String);

impl ControlSum {
    pub fn parse(text: &str) -> Result<Self, ControlSumError> {
        let error = || ControlSumError(text.to_owned());
        let (int_part, frac_part) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.is_empty()
            || !digits(int_part)
            || !digits(frac_part)
            || (text.contains('.') && frac_part.is_empty())
            || frac_part.len() > CONTROL_SUM_MAX_DECIMALS
            || int_part.len() + frac_part.len() > CONTROL_SUM_MAX_DIGITS
        {
            return Err(error());
        }
        let units = int_part
            .bytes()
            .chain(frac_part.bytes())
            .fold(0i128, |acc, d| acc * 10 + i128::from(d - b'0'));
        Ok(ControlSum {
            units,
            scale: frac_part.len() as u8,
        })
    }

    /// The sum of `amounts` written with as many decimals as the currency with the most.
    /// `None` only if the sum does not fit (far beyond any real file).
    pub fn of<'a>(amounts: impl IntoIterator<Item = &'a Money>) -> Option<ControlSum> {
        let mut sum = AmountSum::default();
        for amount in amounts {
            sum.add(*amount);
        }
        sum.finish()
    }

    /// Number of digits before and after the point.
    pub(crate) fn total_digits(&self) -> usize {
        let digits = self.units.unsigned_abs().to_string().len();
        digits.max(self.scale as usize + 1)
    }

    fn at_scale(&self, scale: u8) -> Option<i128> {
        if scale >= self.scale {
            self.units
                .checked_mul(10i128.checked_pow(u32::from(scale - self.scale))?)
        } else {
            None
        }
    }
}

impl PartialEq for ControlSum {
    fn eq(&self, other: &Self) -> bool {
        let scale = self.scale.max(other.scale);
        match (self.at_scale(scale), other.at_scale(scale)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for ControlSum {}

impl fmt::Display for ControlSum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_minor_i128(self.units, self.scale))
    }
}

impl TryFrom<String> for ControlSum {
    type Error = ControlSumError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ControlSum::parse(&s)
    }
}

impl From<ControlSum> for String {
    fn from(c: ControlSum) -> String {
        c.to_string()
    }
}

/// Running sum of amounts of mixed currencies, for control sums.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct AmountSum {
    units: i128,
    max_decimals: u8,
    overflow: bool,
}

impl AmountSum {
    pub(crate) fn add(&mut self, amount: Money) {
        let decimals = amount.currency().minor_units();
        self.max_decimals = self.max_decimals.max(decimals);
        let scaled = i128::from(amount.minor()) * 10i128.pow(u32::from(SUM_SCALE - decimals));
        match self.units.checked_add(scaled) {
            Some(units) => self.units = units,
            None => self.overflow = true,
        }
    }

    pub(crate) fn finish(self) -> Option<ControlSum> {
        if self.overflow {
            return None;
        }
        Some(ControlSum {
            units: self.units / 10i128.pow(u32::from(SUM_SCALE - self.max_decimals)),
            scale: self.max_decimals,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn text_is_kept_exactly_when_it_fits() {
        let t = Text::<35>::parse(" Bjørn Ærøskøbing & Søn ").unwrap();
        assert_eq!(t.as_str(), " Bjørn Ærøskøbing & Søn ");
    }

    #[test]
    fn text_longer_than_its_limit_is_rejected_counting_characters_not_bytes() {
        assert!(Text::<3>::parse("øøø").is_ok());
        assert_eq!(
            Text::<3>::parse("abcd"),
            Err(TextError::TooLong { max: 3, actual: 4 })
        );
    }

    #[test]
    fn ascii_and_other_text_are_checked_alike() {
        assert_eq!(Text::<3>::parse("abc").unwrap().as_str(), "abc");
        assert_eq!(
            Text::<3>::parse("ab\tc"),
            Err(TextError::TooLong { max: 3, actual: 4 })
        );
        assert_eq!(Text::<3>::parse("abø"), Ok(Text("abø".to_owned())));
        assert_eq!(
            Text::<35>::parse("a\u{7f}b"),
            Err(TextError::ControlCharacter(0x7f))
        );
        assert_eq!(
            Text::<35>::parse("a\u{85}b"),
            Err(TextError::ControlCharacter(0x85))
        );
        assert_eq!(
            Text::<35>::parse("a\u{FFFE}"),
            Err(TextError::ControlCharacter(0xFFFE))
        );
        assert_eq!(Text::<35>::parse(" \t\r\n"), Err(TextError::Blank));
        assert_eq!(Text::<35>::parse("\u{3000}"), Err(TextError::Blank));
    }

    #[test]
    fn blank_text_and_control_characters_are_rejected() {
        assert_eq!(Text::<35>::parse(""), Err(TextError::Blank));
        assert_eq!(Text::<35>::parse(" \n"), Err(TextError::Blank));
        assert_eq!(
            Text::<35>::parse("a\u{1}b"),
            Err(TextError::ControlCharacter(1))
        );
        assert!(Text::<35>::parse("line\nbreak").is_ok());
    }

    #[test]
    fn iso_date_times_with_and_without_offsets_are_accepted() {
        for ok in [
            "2009-09-28T14:07:00",
            "2023-03-10T15:30:47.000Z",
            "2025-08-19T08:32:02+00:00",
            "2024-02-29T23:59:59.123456-05:30",
        ] {
            assert_eq!(IsoDateTime::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn impossible_or_malformed_date_times_are_rejected() {
        for bad in [
            "2023-02-29T10:00:00",
            "2023-01-01 10:00:00",
            "2023-01-01T24:00:00",
            "2023-01-01T10:00",
            "2023-01-01T10:00:00.",
            "2023-01-01T10:00:00+1:00",
            "2023-01-01T10:00:00ZZ",
            "2023-01-01",
        ] {
            assert!(IsoDateTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn control_sums_compare_by_value() {
        assert_eq!(
            ControlSum::parse("2").unwrap(),
            ControlSum::parse("2.00").unwrap()
        );
        assert_ne!(
            ControlSum::parse("2.01").unwrap(),
            ControlSum::parse("2").unwrap()
        );
        assert_eq!(ControlSum::parse("386.00").unwrap().to_string(), "386.00");
    }

    #[test]
    fn malformed_control_sums_are_rejected() {
        for bad in [
            "",
            "-1",
            "+1",
            "1e3",
            ".5",
            "5.",
            "1,5",
            "1234567890123456789",
            "0.123456789012345678",
        ] {
            assert!(ControlSum::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_control_sum_adds_mixed_currencies_as_plain_numbers() {
        let amounts = [
            Money::from_minor(10_000_000, Currency::JPY),
            Money::from_minor(50_000_000, Currency::EUR),
            Money::from_minor(1_000_005, Currency::KWD),
        ];
        let sum = ControlSum::of(&amounts).unwrap();
        assert_eq!(sum.to_string(), "10501000.005");
        assert_eq!(sum, ControlSum::parse("10501000.005").unwrap());
        assert_eq!(ControlSum::of(&[]).unwrap().to_string(), "0");
    }
}
