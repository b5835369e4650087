//! Calendar dates and instants, computed without a clock: callers pass the unix time in.
//!
//! Kept here rather than taken from `jiff` or `time`: the product needs only `YYYY-MM-DD` dates,
//! whole UTC seconds and the civil-from-days conversion (Howard Hinnant's algorithm, tested
//! below against known days); a general calendar crate (time zones, formatting, spans) would put
//! far more code into both WebAssembly bundles, and the SPA's first load has a size budget.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Seconds in a civil day; unix time ignores leap seconds.
const SECONDS_PER_DAY: u64 = 86_400;

/// The first and last days a [`Date`] can hold (0001-01-01 and 9999-12-31), as unix days.
const MIN_UNIX_DAYS: i64 = -719_162;
const MAX_UNIX_DAYS: i64 = 2_932_896;

/// Why a date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("“{0}” is not a date. Write dates as YYYY-MM-DD, for example 2026-03-31.")]
    Format(String),
    #[error("“{0}” is not a real calendar date.")]
    NotInCalendar(String),
    #[error("The date is outside the years 0001 to 9999.")]
    OutOfRange,
}

/// A day in the proleptic Gregorian calendar, years 0001 to 9999, with no time zone.
///
/// Written and read as `YYYY-MM-DD` (ISO 8601, as in pain.001 `ReqdExctnDt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    // Field order gives the derived `Ord` calendar order.
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Reads exactly `YYYY-MM-DD`: four-digit year, two-digit month and day, a real calendar day.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let format_error = || DateError::Format(text.to_owned());
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(format_error());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, DateError> {
            let digits = &bytes[range];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(format_error());
            }
            Ok(digits
                .iter()
                .fold(0u16, |acc, digit| acc * 10 + u16::from(digit - b'0')))
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        Self::from_ymd(year, month, day).map_err(|_| DateError::NotInCalendar(text.to_owned()))
    }

    /// A date from its parts, refusing days that do not exist (such as 2025-02-29).
    pub fn from_ymd(year: u16, month: u16, day: u16) -> Result<Self, DateError> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(DateError::OutOfRange);
        }
        let (month, day_u8) = (
            month as u8,
            u8::try_from(day).map_err(|_| DateError::OutOfRange)?,
        );
        if day_u8 == 0 || day_u8 > days_in_month(year, month) {
            return Err(DateError::OutOfRange);
        }
        Ok(Self {
            year,
            month,
            day: day_u8,
        })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    pub fn from_unix_days(days: i64) -> Result<Self, DateError> {
        if !(MIN_UNIX_DAYS..=MAX_UNIX_DAYS).contains(&days) {
            return Err(DateError::OutOfRange);
        }
        let (year, month, day) = civil_from_days(days);
        // In range by the check above, so the narrowing casts are exact.
        Ok(Self {
            year: year as u16,
            month,
            day,
        })
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_unix_days(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The UTC date of a unix time in seconds.
    pub fn from_unix_secs(secs: u64) -> Result<Self, DateError> {
        let days = i64::try_from(secs / SECONDS_PER_DAY).map_err(|_| DateError::OutOfRange)?;
        Self::from_unix_days(days)
    }

    /// The unix time of this date's midnight UTC, or `None` before 1970.
    pub fn start_unix_secs(self) -> Option<u64> {
        u64::try_from(self.to_unix_days())
            .ok()
            .map(|days| days * SECONDS_PER_DAY)
    }

    /// The date `days` later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Result<Self, DateError> {
        let target = self
            .to_unix_days()
            .checked_add(days)
            .ok_or(DateError::OutOfRange)?;
        Self::from_unix_days(target)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.to_unix_days() - self.to_unix_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> Self {
        date.to_string()
    }
}

/// An instant as whole unix seconds (UTC). Serialized as the number; displayed as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn from_unix_secs(secs: u64) -> Self {
        Self(secs)
    }

    pub fn unix_secs(self) -> u64 {
        self.0
    }

    /// `2026-03-31T14:05:09Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // u64 seconds / 86 400 always fits in i64, and `civil_from_days` handles any i64 day count
        // we can reach, so this never fails even beyond year 9999.
        let days = (self.0 / SECONDS_PER_DAY) as i64;
        let secs_of_day = self.0 % SECONDS_PER_DAY;
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        )
    }
}

fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's `days_from_civil` / `civil_from_days`
// (https://howardhinnant.github.io/date_algorithms.html): exact for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u8;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("test date")
    }

    #[test]
    fn a_well_formed_date_round_trips_through_text() {
        assert_eq!(date("2026-03-31").to_string(), "2026-03-31");
        assert_eq!(date("0001-01-01").to_string(), "0001-01-01");
        assert_eq!(date("9999-12-31").to_string(), "9999-12-31");
    }

    #[test]
    fn loose_or_partial_forms_are_refused() {
        for text in [
            "",
            "2026-3-31",
            "2026-03-1",
            "26-03-31",
            "2026/03/31",
            " 2026-03-31",
            "2026-03-31 ",
            "2026-03-31T00:00",
            "+026-03-31",
            "2026-0a-31",
            "２０２６-03-31",
        ] {
            assert!(
                matches!(Date::parse(text), Err(DateError::Format(_))),
                "{text:?} should be a format error"
            );
        }
    }

    #[test]
    fn days_that_do_not_exist_are_refused() {
        for text in [
            "2025-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
        ] {
            assert!(
                matches!(Date::parse(text), Err(DateError::NotInCalendar(_))),
                "{text:?} should not be in the calendar"
            );
        }
    }

    #[test]
    fn leap_days_exist_in_leap_years() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
    }

    #[test]
    fn unix_days_match_known_dates() {
        assert_eq!(date("1970-01-01").to_unix_days(), 0);
        assert_eq!(date("2000-03-01").to_unix_days(), 11_017);
        assert_eq!(date("1969-12-31").to_unix_days(), -1);
        assert_eq!(date("0001-01-01").to_unix_days(), MIN_UNIX_DAYS);
        assert_eq!(date("9999-12-31").to_unix_days(), MAX_UNIX_DAYS);
        assert_eq!(Date::from_unix_days(19_723).unwrap(), date("2024-01-01"));
    }

    #[test]
    fn every_day_survives_the_unix_day_round_trip() {
        let mut previous: Option<Date> = None;
        for days in (MIN_UNIX_DAYS..=MAX_UNIX_DAYS).step_by(7) {
            let day = Date::from_unix_days(days).unwrap();
            assert_eq!(day.to_unix_days(), days);
            assert_eq!(Date::parse(&day.to_string()).unwrap(), day);
            if let Some(previous) = previous {
                assert!(previous < day);
            }
            previous = Some(day);
        }
    }

    #[test]
    fn days_outside_the_supported_years_are_refused() {
        assert_eq!(
            Date::from_unix_days(MAX_UNIX_DAYS + 1),
            Err(DateError::OutOfRange)
        );
        assert_eq!(
            Date::from_unix_days(MIN_UNIX_DAYS - 1),
            Err(DateError::OutOfRange)
        );
        assert_eq!(Date::from_unix_secs(u64::MAX), Err(DateError::OutOfRange));
        assert_eq!(date("9999-12-31").add_days(1), Err(DateError::OutOfRange));
    }

    #[test]
    fn a_unix_time_falls_on_its_utc_day() {
        assert_eq!(
            Date::from_unix_secs(1_234_567_890).unwrap(),
            date("2009-02-13")
        );
        assert_eq!(Date::from_unix_secs(86_399).unwrap(), date("1970-01-01"));
        assert_eq!(Date::from_unix_secs(86_400).unwrap(), date("1970-01-02"));
        assert_eq!(date("2009-02-13").start_unix_secs(), Some(1_234_483_200));
    }

    #[test]
    fn adding_days_crosses_months_and_years() {
        assert_eq!(date("2024-02-28").add_days(1).unwrap(), date("2024-02-29"));
        assert_eq!(date("2026-12-31").add_days(1).unwrap(), date("2027-01-01"));
        assert_eq!(date("2026-03-01").add_days(-1).unwrap(), date("2026-02-28"));
        assert_eq!(date("2026-01-01").add_days(90).unwrap(), date("2026-04-01"));
        assert_eq!(date("2026-01-01").days_until(date("2026-04-01")), 90);
    }

    #[test]
    fn dates_travel_as_json_strings() {
        let json = serde_json::to_string(&date("2026-03-31")).unwrap();
        assert_eq!(json, "\"2026-03-31\"");
        assert_eq!(
            serde_json::from_str::<Date>(&json).unwrap(),
            date("2026-03-31")
        );
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
    }

    #[test]
    fn a_timestamp_displays_as_rfc3339_utc() {
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp(1_234_567_890).to_rfc3339(),
            "2009-02-13T23:31:30Z"
        );
        assert_eq!(
            Timestamp(20_000_000_000).to_string(),
            "2603-10-11T11:33:20Z"
        );
        assert_eq!(serde_json::to_string(&Timestamp(5)).unwrap(), "5");
    }
}
