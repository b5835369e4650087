//! Amounts as the server sent them: its exact decimal text, regrouped for reading, never
//! parsed into a number (the SPA computes no money).

use ap_core::api_approval::AmountView;

/// "12 500.50 NOK": the server's exact decimal text with the integer part grouped by
/// thousands (no-break spaces). Never goes through floating point.
pub fn amount_text(amount: &AmountView) -> String {
    let (number, currency) = amount
        .display
        .split_once(' ')
        .unwrap_or((amount.display.as_str(), amount.currency.as_str()));
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::from(sign);
    let len = int.chars().count();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    if let Some(frac) = frac {
        grouped.push('.');
        grouped.push_str(frac);
    }
    format!("{grouped}\u{a0}{currency}")
}

/// Totals per currency on one line: "1 250.50 NOK · 300.00 EUR".
pub fn totals_text(totals: &[AmountView]) -> String {
    totals
        .iter()
        .map(amount_text)
        .collect::<Vec<_>>()
        .join(" · ")
}
