//! Amounts, dates and account numbers as the reader's language shows them, from the server's
//! exact text (never parsed into a float: the SPA computes no money). The rules are ap-core's
//! `format` module; the language is [`crate::widgets::lang`].

use ap_core::api_approval::AmountView;
use ap_core::format;

use super::lang;

/// "12,500.50 NOK" (en) / "12 500,50 NOK" (nb): the server's exact decimal text grouped by
/// thousands, the currency after a no-break space.
pub fn amount_text(amount: &AmountView) -> String {
    match amount.display.split_once(' ') {
        Some((number, currency)) => format::amount(lang(), number, currency),
        None => format::amount(lang(), &amount.display, &amount.currency),
    }
}

/// Totals per currency on one line: "1,250.50 NOK · 300.00 EUR".
pub fn totals_text(totals: &[AmountView]) -> String {
    totals
        .iter()
        .map(amount_text)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A `YYYY-MM-DD` day as the reader's language writes it: "29 Nov 2026" / "29.11.2026".
pub fn date_text(iso: &str) -> String {
    format::date_text(lang(), iso)
}

/// A bank account for reading: an IBAN in groups of four, a Norwegian account number as
/// "8601 11 17947"; the groups joined by no-break spaces.
pub fn account_text(account: &str) -> String {
    format::account(account)
}

/// "1 payment", "2 payments": a count with the right form of its noun.
pub fn count_text(n: usize, one: &str, other: &str) -> String {
    format::count(lang(), n as u64, one, other)
}
