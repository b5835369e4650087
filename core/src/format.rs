//! How the user's language shows numbers, dates and account numbers: one place, pure.
//!
//! Amounts are formatted from the server's exact decimal text (`"12500.00"`), never through a
//! float. Instants are shown in the reader's local time: the caller passes the local offset from
//! UTC (the SPA reads it from JavaScript's `Date` for that very instant, so summer time is right).
//!
//! | what      | `en`                  | `nb`                 |
//! |-----------|-----------------------|----------------------|
//! | amount    | `12,500.00 NOK`       | `12 500,00 NOK`      |
//! | date      | `29 Nov 2026`         | `29.11.2026`         |
//! | date-time | `29 Nov 2026, 16:37`  | `29.11.2026 16:37`   |
//!
//! In `nb` the grouping space and the space before the currency are no-break spaces (U+00A0),
//! as is the space before the currency in `en`, so an amount never wraps inside itself.

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::money::Money;

/// The languages the product speaks: Norwegian bokmål and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nb,
}

impl Lang {
    /// The BCP 47 tag (`lang` attribute, `Content-Language`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
        }
    }
}

/// The no-break space: between digit groups in `nb`, before a currency code, inside an account
/// number's groups.
pub const NBSP: char = '\u{a0}';

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `12500.5` as `12,500.5` (en) or `12 500,5` (nb): the integer part grouped by thousands and
/// the decimal separator of the language. Text that is not a plain decimal number (digits, at
/// most one `.`, an optional leading `-`) is answered as it is.
pub fn decimal(lang: Lang, text: &str) -> String {
    let text = text.trim();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !plain {
        return text.to_owned();
    }
    let (group, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Nb => (NBSP, ','),
    };
    let mut out = String::from(sign);
    out.push_str(&group_thousands(int, group));
    if let Some(frac) = frac {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A whole number grouped by thousands: `1,234` (en), `1 234` (nb).
pub fn integer(lang: Lang, n: u64) -> String {
    decimal(lang, &n.to_string())
}

fn group_thousands(int: &str, group: char) -> String {
    let len = int.len();
    let mut out = String::with_capacity(len + len / 3 * 2);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(ch);
    }
    out
}

/// An amount from the server's exact decimal text and its currency code: `12,500.00 NOK` (en),
/// `12 500,00 NOK` (nb), the currency after a no-break space.
pub fn amount(lang: Lang, decimal_text: &str, currency: &str) -> String {
    format!("{}{NBSP}{}", decimal(lang, decimal_text), currency.trim())
}

/// An amount's display text as the server writes it (`"12500.00 NOK"`), formatted for `lang`.
/// Text without a currency after a space is formatted as a number alone.
pub fn amount_display(lang: Lang, display: &str) -> String {
    match display.trim().split_once(' ') {
        Some((number, currency)) => amount(lang, number, currency),
        None => decimal(lang, display),
    }
}

/// A [`Money`] for `lang`: `21,500.00 NOK` / `21 500,00 NOK`.
pub fn money(lang: Lang, money: Money) -> String {
    amount(lang, &money.to_decimal_string(), money.currency().code())
}

/// A calendar day: `29 Nov 2026` (en), `29.11.2026` (nb).
pub fn date(lang: Lang, date: Date) -> String {
    match lang {
        Lang::En => format!(
            "{} {} {}",
            date.day(),
            MONTHS_EN[usize::from(date.month() - 1)],
            date.year()
        ),
        Lang::Nb => format!("{:02}.{:02}.{:04}", date.day(), date.month(), date.year()),
    }
}

/// A `YYYY-MM-DD` text as [`date`]; anything else is answered as it is.
pub fn date_text(lang: Lang, iso: &str) -> String {
    Date::parse(iso.trim()).map_or_else(|_| iso.to_owned(), |d| date(lang, d))
}

/// Reads a day as a person types it, day before month (never the US month-first order):
/// `2026-11-29`, `29.11.2026`, `29/11/2026`, `29-11-2026`, `29 Nov 2026`, `29. november 2026`
/// (English or bokmål month names, abbreviated or full, any case). `None` when it is not one
/// real calendar day.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(day) = Date::parse(text) {
        return Some(day);
    }
    let parts: Vec<&str> = text
        .split(|c: char| c == '.' || c == '/' || c == '-' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let number = |p: &str, max_len: usize| -> Option<u16> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let month = number(month, 2).or_else(|| month_number(month))?;
    let year = (year.len() == 4).then(|| number(year, 4)).flatten()?;
    Date::from_ymd(year, month, number(day, 2)?).ok()
}

/// 1–12 for an English or bokmål month name, full or abbreviated to at least three letters.
fn month_number(name: &str) -> Option<u16> {
    const NAMES: [[&str; 2]; 12] = [
        ["january", "januar"],
        ["february", "februar"],
        ["march", "mars"],
        ["april", "april"],
        ["may", "mai"],
        ["june", "juni"],
        ["july", "juli"],
        ["august", "august"],
        ["september", "september"],
        ["october", "oktober"],
        ["november", "november"],
        ["december", "desember"],
    ];
    let name = name.to_lowercase();
    if name.chars().count() < 3 {
        return None;
    }
    NAMES
        .iter()
        .position(|forms| forms.iter().any(|full| full.starts_with(name.as_str())))
        .and_then(|i| u16::try_from(i + 1).ok())
}

/// Reads an RFC 3339 instant in UTC or with an offset (`2026-11-29T17:06:03Z`,
/// `2026-11-29T17:06:03.123+01:00`) as unix seconds; fractions of a second are dropped.
pub fn parse_instant(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let day = Date::parse(text.get(..10)?).ok()?;
    let time = text.get(11..19)?.as_bytes();
    if time[2] != b':' || time[5] != b':' {
        return None;
    }
    let two = |b: &[u8]| -> Option<i64> {
        (b.len() == 2 && b.iter().all(u8::is_ascii_digit))
            .then(|| i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'))
    };
    let (h, m, s) = (two(&time[0..2])?, two(&time[3..5])?, two(&time[6..8])?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = rest.get(1..)?.as_bytes();
            if zone.len() != 5 || zone[2] != b':' {
                return None;
            }
            sign * (two(&zone[0..2])? * 3600 + two(&zone[3..5])? * 60)
        }
    };
    Some(day.to_unix_days() * 86_400 + h * 3600 + m * 60 + s.min(59) - offset_secs)
}

/// An instant (unix seconds) in local time, `offset_minutes` east of UTC (Oslo in winter: 60):
/// `29 Nov 2026, 16:37` (en), `29.11.2026 16:37` (nb). `None` outside the years 0001–9999.
pub fn date_time(lang: Lang, unix_secs: i64, offset_minutes: i32) -> Option<String> {
    let local = unix_secs.checked_add(i64::from(offset_minutes) * 60)?;
    let day = Date::from_unix_days(local.div_euclid(86_400)).ok()?;
    let secs = local.rem_euclid(86_400);
    let (h, m) = (secs / 3600, secs / 60 % 60);
    Some(match lang {
        Lang::En => format!("{}, {h:02}:{m:02}", date(lang, day)),
        Lang::Nb => format!("{} {h:02}:{m:02}", date(lang, day)),
    })
}

/// An RFC 3339 text as [`date_time`]; text that is not one is answered as it is.
pub fn date_time_text(lang: Lang, rfc3339: &str, offset_minutes: i32) -> String {
    parse_instant(rfc3339)
        .and_then(|secs| date_time(lang, secs, offset_minutes))
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// A bank account for reading, the same in every language: an IBAN in groups of four
/// (`NO93 8601 1117 947`), a Norwegian account number (11 digits, also written with dots or
/// spaces) as `8601 11 17947`; anything else as it is. The groups are joined with no-break
/// spaces, so the number never wraps inside itself.
pub fn account(text: &str) -> String {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    let b = compact.as_bytes();
    let is_iban = (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric);
    if is_iban && !text.contains('.') {
        let upper = compact.to_ascii_uppercase();
        return upper
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(&NBSP.to_string());
    }
    if b.len() == 11 && b.iter().all(u8::is_ascii_digit) {
        return format!(
            "{}{NBSP}{}{NBSP}{}",
            &compact[..4],
            &compact[4..6],
            &compact[6..]
        );
    }
    text.to_owned()
}

/// A sentence the server wrote (English words or already translated) with its amounts and
/// calendar days written as `lang` writes them: `21500.00 NOK` → `21,500.00 NOK` /
/// `21 500,00 NOK`, `2030-03-31` → `31 Mar 2030` / `31.03.2030`. An amount is a decimal number
/// followed by a currency code this product knows (a whole number only for a currency without
/// minor units); a day is a whole word of the form `YYYY-MM-DD` that is a real date; an instant
/// in UTC (`2026-11-29T17:06:03Z`) is written as a date-time in UTC, saying so (the server does
/// not know the reader's time zone). Punctuation around them is kept; nothing else changes.
pub fn in_sentence(lang: Lang, text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let (open, core, close) = punctuated(words[i]);
        if let Some(code) = words.get(i + 1).and_then(|next| amount_pair(core, next)) {
            let (_, _, after) = punctuated(words[i + 1]);
            let number = core.replace(',', "");
            out.push(format!("{open}{}{after}", amount(lang, &number, code)));
            i += 2;
            continue;
        }
        let instant = (core.len() >= 20 && core.ends_with(['Z', 'z']))
            .then(|| parse_instant(core))
            .flatten()
            .and_then(|secs| date_time(lang, secs, 0));
        match (Date::parse(core), instant) {
            (Ok(day), _) if core.len() == 10 => {
                out.push(format!("{open}{}{close}", date(lang, day)));
            }
            (_, Some(at)) => out.push(format!("{open}{at} UTC{close}")),
            _ => out.push(words[i].to_owned()),
        }
        i += 1;
    }
    out.join(" ")
}

/// A word split into the brackets before it, itself, and the punctuation after it.
fn punctuated(word: &str) -> (&str, &str, &str) {
    let start = word.len() - word.trim_start_matches(['(', '[', '"']).len();
    let rest = &word[start..];
    let core = rest.trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?', '"']);
    (&word[..start], core, &rest[core.len()..])
}

/// The currency code when `number` and the word after it are an amount as the server writes it.
fn amount_pair<'a>(number: &str, next: &'a str) -> Option<&'a str> {
    let (open, code, _) = punctuated(next);
    if !open.is_empty() || code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let currency = crate::money::Currency::parse(code).ok()?;
    let digits = number.strip_prefix('-').unwrap_or(number);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    // Thousands already grouped with commas (`21,500.00`) are read as well.
    let groups: Vec<&str> = int.split(',').collect();
    let int_ok = !groups[0].is_empty()
        && groups[0].len() <= if groups.len() > 1 { 3 } else { usize::MAX }
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    let frac_ok = match frac {
        Some(f) => !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()),
        None => currency.minor_units() == 0,
    };
    (int_ok && frac_ok).then_some(code)
}

/// Which form of a counted noun to use: `one` for exactly 1, `other` otherwise (English and
/// bokmål agree: 0 and 2 take the plural).
pub fn plural<'a>(n: u64, one: &'a str, other: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        other
    }
}

/// A count with its noun: `1 payment`, `2 payments`, `1,250 payments` (en) / `1 250 betalinger`
/// (nb, with the nouns the caller gives).
pub fn count(lang: Lang, n: u64, one: &str, other: &str) -> String {
    format!("{} {}", integer(lang, n), plural(n, one, other))
}

/// An amount as a person types it in `lang` (`250000`, `250 000,00` in nb, `250,000.00` in en),
/// read exactly into `currency` (the reverse of [`decimal`]). Spaces (also no-break) group
/// digits; the language's decimal mark is the decimal point, its grouping mark groups
/// thousands. A lone grouping mark not followed by groups of three digits is read as the
/// decimal point (`250000.5` typed in nb). Anything else is refused as [`Money::parse_decimal`]
/// refuses it.
pub fn read_amount(
    lang: Lang,
    typed: &str,
    currency: crate::money::Currency,
) -> Result<Money, crate::money::MoneyError> {
    let (point, group) = match lang {
        Lang::En => ('.', ','),
        Lang::Nb => (',', '.'),
    };
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != NBSP && *c != '\u{202f}')
        .collect();
    let grouped_by_thousands = |text: &str| {
        let mut parts = text.split(group);
        parts
            .next()
            .is_some_and(|first| !first.is_empty() && first.len() <= 3)
            && parts.all(|p| p.len() == 3)
    };
    let plain = if compact.contains(point) {
        compact.replace(group, "").replace(point, ".")
    } else if compact.matches(group).count() == 1 && !grouped_by_thousands(&compact) {
        compact.replace(group, ".")
    } else {
        compact.replace(group, "")
    };
    Money::parse_decimal(&plain, currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::money::Currency;

    #[test]
    fn sentences_get_their_amounts_and_days_in_the_language() {
        assert_eq!(
            in_sentence(Lang::En, "The total is 21500.00 NOK, due 2030-03-31."),
            "The total is 21,500.00\u{a0}NOK, due 31 Mar 2030."
        );
        assert_eq!(
            in_sentence(Lang::Nb, "Totalen er 21500.00 NOK, forfall 2030-03-31."),
            "Totalen er 21\u{a0}500,00\u{a0}NOK, forfall 31.03.2030."
        );
        // Brackets and grouped thousands; negative amounts.
        assert_eq!(
            in_sentence(Lang::Nb, "(was 1,250.50 EUR) and -12.50 SEK."),
            "(was 1\u{a0}250,50\u{a0}EUR) and -12,50\u{a0}SEK."
        );
        assert_eq!(in_sentence(Lang::En, "[2026-11-29]"), "[29 Nov 2026]");
        assert_eq!(
            in_sentence(Lang::En, "Locked until 2026-11-29T17:06:03Z."),
            "Locked until 29 Nov 2026, 17:06 UTC."
        );
        assert_eq!(
            in_sentence(Lang::Nb, "Låst til 2026-11-29T17:06:03Z."),
            "Låst til 29.11.2026 17:06 UTC."
        );
    }

    #[test]
    fn sentences_keep_what_is_not_an_amount_or_a_day() {
        for text in [
            "Invoice 12345 NOK",            // a whole number with a currency that has öre
            "2 payments in 3 files.",       // counts
            "12.50 ABC was not changed",    // not a currency
            "12.50 nok",                    // not a code
            "12. NOK",                      // no decimals after the point
            "1,2345.00 NOK",                // not thousands
            "2026-02-30 is no day",         // not a real date
            "at 2026-11-29T17:06:03+01:00", // an instant not in UTC
            "INV-2026-11-29",               // an id that holds a date
            "",
            "  two  spaces ",
        ] {
            assert_eq!(in_sentence(Lang::Nb, text), text, "{text}");
        }
        assert_eq!(in_sentence(Lang::En, "1234 JPY"), "1,234\u{a0}JPY");
    }

    #[test]
    fn tags_are_bcp47() {
        assert_eq!(Lang::En.tag(), "en");
        assert_eq!(Lang::Nb.tag(), "nb");
        assert_eq!(Lang::default(), Lang::En);
    }

    #[test]
    fn amounts_are_grouped_per_language_from_the_exact_text() {
        assert_eq!(amount(Lang::En, "12500.00", "NOK"), "12,500.00\u{a0}NOK");
        assert_eq!(
            amount(Lang::Nb, "12500.00", "NOK"),
            "12\u{a0}500,00\u{a0}NOK"
        );
        assert_eq!(amount(Lang::En, "2450.00", "EUR"), "2,450.00\u{a0}EUR");
        assert_eq!(
            amount(Lang::En, "1234567890123.45", "NOK"),
            "1,234,567,890,123.45\u{a0}NOK"
        );
        // Digits beyond what a float keeps are kept.
        assert_eq!(
            amount(Lang::Nb, "90071992547409931.99", "NOK"),
            "90\u{a0}071\u{a0}992\u{a0}547\u{a0}409\u{a0}931,99\u{a0}NOK"
        );
    }

    #[test]
    fn small_negative_whole_and_odd_amounts() {
        assert_eq!(decimal(Lang::En, "0.50"), "0.50");
        assert_eq!(decimal(Lang::Nb, "999.99"), "999,99");
        assert_eq!(decimal(Lang::En, "1000"), "1,000");
        assert_eq!(decimal(Lang::Nb, "-1500.25"), "-1\u{a0}500,25");
        assert_eq!(decimal(Lang::En, "-100"), "-100");
        assert_eq!(decimal(Lang::En, " 42.1 "), "42.1");
        // Not a plain decimal: shown as it came.
        for odd in ["", "abc", "1.2.3", "12,5", "1.", ".5", "-", "1e5"] {
            assert_eq!(decimal(Lang::Nb, odd), odd, "{odd:?}");
        }
    }

    #[test]
    fn integers_and_counts() {
        assert_eq!(integer(Lang::En, 0), "0");
        assert_eq!(integer(Lang::En, 1250), "1,250");
        assert_eq!(integer(Lang::Nb, 1250), "1\u{a0}250");
        assert_eq!(count(Lang::En, 0, "payment", "payments"), "0 payments");
        assert_eq!(count(Lang::En, 1, "payment", "payments"), "1 payment");
        assert_eq!(count(Lang::En, 2, "payment", "payments"), "2 payments");
        assert_eq!(
            count(Lang::Nb, 1250, "betaling", "betalinger"),
            "1\u{a0}250 betalinger"
        );
        assert_eq!(plural(1, "a", "b"), "a");
        assert_eq!(plural(0, "a", "b"), "b");
    }

    #[test]
    fn amount_display_text_and_money() {
        assert_eq!(
            amount_display(Lang::Nb, "21500.00 NOK"),
            "21\u{a0}500,00\u{a0}NOK"
        );
        assert_eq!(amount_display(Lang::En, "21500.00"), "21,500.00");
        assert_eq!(
            money(Lang::En, Money::from_minor(2_150_000, Currency::NOK)),
            "21,500.00\u{a0}NOK"
        );
        assert_eq!(
            money(Lang::Nb, Money::from_minor(-5, Currency::EUR)),
            "-0,05\u{a0}EUR"
        );
    }

    #[test]
    fn dates_per_language() {
        let d = Date::parse("2026-11-29").unwrap();
        assert_eq!(date(Lang::En, d), "29 Nov 2026");
        assert_eq!(date(Lang::Nb, d), "29.11.2026");
        let early = Date::parse("2026-01-05").unwrap();
        assert_eq!(date(Lang::En, early), "5 Jan 2026");
        assert_eq!(date(Lang::Nb, early), "05.01.2026");
        assert_eq!(date_text(Lang::Nb, "2026-03-31"), "31.03.2026");
        assert_eq!(date_text(Lang::En, "2026-12-01"), "1 Dec 2026");
        assert_eq!(date_text(Lang::En, "not a date"), "not a date");
        assert_eq!(date_text(Lang::En, "2026-02-30"), "2026-02-30");
    }

    #[test]
    fn typed_dates_are_read_day_first_in_both_languages() {
        let d = Date::parse("2026-11-29").unwrap();
        for typed in [
            "2026-11-29",
            "29.11.2026",
            " 29/11/2026 ",
            "29-11-2026",
            "29 Nov 2026",
            "29 november 2026",
            "29. nov. 2026",
            "29 NOV 2026",
        ] {
            assert_eq!(parse_date(typed), Some(d), "{typed:?}");
        }
        assert_eq!(parse_date("1 okt 2026"), Date::parse("2026-10-01").ok());
        assert_eq!(parse_date("5 mai 2026"), Date::parse("2026-05-05").ok());
        assert_eq!(parse_date("5.1.2026"), Date::parse("2026-01-05").ok());
        for bad in [
            "",
            "11/29/2026",
            "29.11.26",
            "29 no 2026",
            "31.02.2026",
            "29 xyz 2026",
            "29.11",
            "1.2.3.2026",
            "123.11.2026",
            "29.111.2026",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn instants_are_read_in_utc_and_with_offsets() {
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_instant("2026-11-29T17:06:03Z"), Some(1_795_971_963));
        assert_eq!(
            parse_instant("2026-11-29T18:06:03.250+01:00"),
            Some(1_795_971_963)
        );
        assert_eq!(
            parse_instant("2026-11-29T12:06:03-05:00"),
            Some(1_795_971_963)
        );
        assert_eq!(parse_instant("1969-12-31T23:59:59Z"), Some(-1));
        for bad in [
            "",
            "2026-11-29",
            "2026-11-29T17:06Z",
            "2026-11-29T25:00:00Z",
            "2026-11-29T17:06:03",
            "2026-11-29T17:06:03+0100",
            "2026-11-29T17:06:03.Z",
            "2026-11-29X17:06:03Z",
            "2026-13-29T17:06:03Z",
            "2026-11-29T17-06-03Z",
            "2026-11-29T17:06:03#01:00",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn date_times_are_local_per_language() {
        let t = parse_instant("2026-11-29T15:37:00Z").unwrap();
        assert_eq!(
            date_time(Lang::En, t, 60).as_deref(),
            Some("29 Nov 2026, 16:37")
        );
        assert_eq!(
            date_time(Lang::Nb, t, 60).as_deref(),
            Some("29.11.2026 16:37")
        );
        // Crossing midnight either way.
        assert_eq!(
            date_time(Lang::Nb, t, 9 * 60).as_deref(),
            Some("30.11.2026 00:37")
        );
        assert_eq!(
            date_time(
                Lang::En,
                parse_instant("2026-01-01T02:00:00Z").unwrap(),
                -5 * 60
            )
            .as_deref(),
            Some("31 Dec 2025, 21:00")
        );
        assert_eq!(date_time(Lang::En, i64::MAX, 60), None);
        assert_eq!(
            date_time_text(Lang::Nb, "2026-11-29T17:06:03Z", 60),
            "29.11.2026 18:06"
        );
        assert_eq!(date_time_text(Lang::Nb, "yesterday", 60), "yesterday");
    }

    #[test]
    fn accounts_are_grouped_for_reading() {
        assert_eq!(
            account("NO9386011117947"),
            "NO93\u{a0}8601\u{a0}1117\u{a0}947"
        );
        assert_eq!(
            account("de89 3704 0044 0532 0130 00"),
            "DE89\u{a0}3704\u{a0}0044\u{a0}0532\u{a0}0130\u{a0}00"
        );
        assert_eq!(
            account("LT121000011101001000"),
            "LT12\u{a0}1000\u{a0}0111\u{a0}0100\u{a0}1000"
        );
        assert_eq!(account("86011117947"), "8601\u{a0}11\u{a0}17947");
        assert_eq!(account("8601.11.17947"), "8601\u{a0}11\u{a0}17947");
        assert_eq!(account("8601 11 17947"), "8601\u{a0}11\u{a0}17947");
        // Neither: as it is.
        for other in [
            "12345",
            "",
            "SE-bankgiro 123-4567",
            "NO93860111179470000000000000000000000",
        ] {
            assert_eq!(account(other), other, "{other:?}");
        }
    }

    #[test]
    fn typed_amounts_are_read_in_the_language_typed() {
        let nok = Currency::parse("NOK").unwrap();
        let minor = |lang, typed| read_amount(lang, typed, nok).map(Money::minor);
        for (lang, typed, expected) in [
            (Lang::Nb, "250000", 25_000_000),
            (Lang::Nb, "250 000,00", 25_000_000),
            (Lang::Nb, "250\u{a0}000,5", 25_000_050),
            (Lang::Nb, "250.000", 25_000_000),
            (Lang::Nb, "250000.5", 25_000_050),
            (Lang::En, "250,000.00", 25_000_000),
            (Lang::En, " 250 000 ", 25_000_000),
            (Lang::En, "1,250,000", 125_000_000),
            (Lang::En, "1000.25", 100_025),
        ] {
            assert_eq!(minor(lang, typed), Ok(expected), "{lang:?} {typed:?}");
        }
    }

    #[test]
    fn what_is_not_an_amount_is_refused_when_typed() {
        let nok = Currency::parse("NOK").unwrap();
        for typed in ["", "abc", "-5", "1,2,3", "250 000,001", "1e5"] {
            assert!(read_amount(Lang::Nb, typed, nok).is_err(), "{typed:?}");
        }
        assert_eq!(
            read_amount(Lang::En, &decimal(Lang::En, "250000.00"), nok),
            read_amount(Lang::Nb, &decimal(Lang::Nb, "250000.00"), nok),
            "what is shown reads back the same"
        );
    }
}
