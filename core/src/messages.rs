//! The server's sentences (problem+json `title`, `detail` and field messages) in the user's
//! language.
//!
//! Every sentence is written once, in English, where the decision is made (`thiserror`'s
//! `#[error("…")]`). `locales/nb.json` is the catalog a translator edits: each key is such an
//! English template exactly as in the source, each value its Norwegian bokmål translation with
//! the same `{…}` placeholders. A finished English sentence is translated by finding the template
//! it was made from (literal text around the placeholders), taking the values the placeholders
//! stood for, and putting them into the translation. Values that are sentences themselves
//! ("Approve and pay is not available: {}") are translated in turn. A sentence no template
//! matches stays English, so a new message is never lost, only untranslated; the unit test
//! `every_error_template_of_the_source_is_in_the_catalog` fails until it is translated.

/// `format!` for a sentence people read in the history of an invoice, a payment or the
/// organisation (event details). Such a sentence is stored in English as it was written, and
/// translated each time it is shown (`localize_json`); its template is in `locales/nb.json`,
/// checked by the tests like every `#[error("…")]`. Use it for every detail a person reads.
#[macro_export]
macro_rules! sentence {
    ($($arg:tt)*) => {
        ::std::format!($($arg)*)
    };
}

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::format::Lang;

/// The Norwegian catalog: English template → Norwegian template.
const NB_CATALOG: &str = include_str!("../locales/nb.json");

/// How deep values that are sentences themselves are translated.
const MAX_NESTING: u8 = 3;

/// One piece of a template: literal text, or a placeholder (`{0}`, `{}`, `{input:?}` …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Piece {
    Text(String),
    Slot(String),
}

#[derive(Debug)]
struct Template {
    pieces: Vec<Piece>,
    /// The translation, split the same way.
    translated: Vec<Piece>,
    /// Literal characters: more specific templates are tried first.
    literal_len: usize,
}

fn split(template: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        text.push_str(&rest[..open]);
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        pieces.push(Piece::Slot(rest[open..open + close + 1].to_owned()));
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

fn compile(catalog: &HashMap<String, String>) -> Vec<Template> {
    let mut templates: Vec<Template> = catalog
        .iter()
        .filter(|(_, nb)| !nb.trim().is_empty())
        .map(|(en, nb)| {
            let pieces = split(en);
            let literal_len = pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.chars().count(),
                    Piece::Slot(_) => 0,
                })
                .sum();
            Template {
                pieces,
                translated: split(nb),
                literal_len,
            }
        })
        // A template of placeholders only would match anything.
        .filter(|t| t.literal_len > 0)
        .collect();
    // Most literal text first; ties in a fixed order (the catalog is a map), so a sentence
    // two templates could have made is always translated the same way.
    templates.sort_by(|a, b| {
        b.literal_len
            .cmp(&a.literal_len)
            .then_with(|| a.pieces.len().cmp(&b.pieces.len()))
            .then_with(|| a.pieces.cmp(&b.pieces))
    });
    templates
}

fn nb_templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        // The catalog is part of the build and checked by the tests; an unreadable one would
        // only leave every sentence English.
        let catalog: HashMap<String, String> = serde_json::from_str(NB_CATALOG).unwrap_or_default();
        compile(&catalog)
    })
}

/// The values of `pieces`' placeholders in `text`, if `text` was made from them. Each value is
/// as short as lets the rest match (a value is never empty).
fn capture<'t>(pieces: &[Piece], text: &'t str) -> Option<Vec<&'t str>> {
    match pieces.split_first() {
        None => text.is_empty().then(Vec::new),
        Some((Piece::Text(literal), rest)) => capture(rest, text.strip_prefix(literal.as_str())?),
        Some((Piece::Slot(_), rest)) => match rest.first() {
            None => (!text.is_empty()).then(|| vec![text]),
            Some(Piece::Text(next)) => {
                // A value is at least one character.
                let mut from = text.chars().next()?.len_utf8();
                while from <= text.len() {
                    let at = text.get(from..).and_then(|t| t.find(next.as_str()))?;
                    let end = from + at;
                    if let Some(mut values) = capture(rest, &text[end..]) {
                        values.insert(0, &text[..end]);
                        return Some(values);
                    }
                    from = end + 1;
                    while !text.is_char_boundary(from) && from < text.len() {
                        from += 1;
                    }
                }
                None
            }
            // Two placeholders in a row cannot be told apart.
            Some(Piece::Slot(_)) => None,
        },
    }
}

fn fill(template: &Template, values: &[&str], depth: u8) -> String {
    let slots: Vec<&String> = template
        .pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Slot(s) => Some(s),
            Piece::Text(_) => None,
        })
        .collect();
    let mut used = vec![false; slots.len()];
    let mut out = String::new();
    for piece in &template.translated {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Slot(name) => {
                // The first not yet used placeholder of that name: `{}` twice keeps its order.
                let index = (0..slots.len())
                    .find(|&i| slots[i] == name && !used[i])
                    .or_else(|| slots.iter().position(|s| *s == name));
                match index {
                    Some(i) => {
                        used[i] = true;
                        out.push_str(&translate_at(values[i], Lang::Nb, depth + 1));
                    }
                    None => out.push_str(name),
                }
            }
        }
    }
    out
}

fn find(text: &str, depth: u8) -> Option<String> {
    nb_templates()
        .iter()
        .find_map(|t| capture(&t.pieces, text).map(|values| fill(t, &values, depth)))
}

fn translate_at(text: &str, lang: Lang, depth: u8) -> String {
    if lang == Lang::En || depth > MAX_NESTING {
        return text.to_owned();
    }
    find(text, depth)
        .or_else(|| {
            let body = text.strip_suffix('.')?;
            find(body, depth)
                .or_else(|| find(&as_clause(body)?, depth))
                .map(as_sentence)
        })
        .or_else(|| sentence_by_sentence(text, depth))
        .unwrap_or_else(|| text.to_owned())
}

/// Several sentences no single template made ("Turned “Allow pre-approval” on. Set the
/// approval token expiry to 30 days."): each translated on its own, when every one of them
/// is known; otherwise none (a text half in each language reads worse than English).
fn sentence_by_sentence(text: &str, depth: u8) -> Option<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(". ") {
        sentences.push(&text[start..=at]);
        start = at + 2;
    }
    if sentences.is_empty() {
        return None;
    }
    sentences.push(&text[start..]);
    sentences
        .iter()
        .map(|s| find(s, depth))
        .collect::<Option<Vec<_>>>()
        .map(|t| t.join(" "))
}

/// A clause that was made a sentence (`ap_core::document`: first letter up, full stop added)
/// starts lower-case in its template.
fn as_clause(body: &str) -> Option<String> {
    let mut chars = body.chars();
    let first = chars.next()?;
    Some(first.to_lowercase().chain(chars).collect())
}

fn as_sentence(clause: String) -> String {
    let mut chars = clause.chars();
    let mut text: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return clause,
    };
    if !text.ends_with(['.', '?', '!']) {
        text.push('.');
    }
    text
}

/// `text`, a sentence the server wrote in English, in `lang`. Unknown sentences stay English.
pub fn translate(text: &str, lang: Lang) -> String {
    translate_at(text, lang, 0)
}

/// `text`, a sentence the server wrote in English, as the reader of `lang` reads it: translated
/// ([`translate`]) and with its amounts and calendar days in the language's form
/// ([`crate::format::in_sentence`]).
pub fn localize(text: &str, lang: Lang) -> String {
    crate::format::in_sentence(lang, &translate(text, lang))
}

/// The fields of an API answer that hold sentences for people: readiness reasons, warnings'
/// messages, history and event details, refusal reasons, status labels. Everything else in an
/// answer is data (ids, amounts, names, comments people wrote) and is never changed.
pub const SENTENCE_FIELDS: [&str; 9] = [
    "approve_and_pay_missing",
    "blocked",
    "detail",
    "message",
    "missing",
    "reason",
    "status_label",
    "warning",
    "why",
];

/// Localizes ([`localize`]) every sentence of a JSON answer in place: the string values, or
/// the strings of an array, of [`SENTENCE_FIELDS`] at any depth. True when anything changed.
pub fn localize_json(value: &mut serde_json::Value, lang: Lang) -> bool {
    use serde_json::Value;
    let mut changed = false;
    let mut one = |text: &mut String| {
        let shown = localize(text, lang);
        if shown != *text {
            *text = shown;
            changed = true;
        }
    };
    // Depth-first with a stack of its own rather than recursion.
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (key, field) in map.iter_mut() {
                    if SENTENCE_FIELDS.contains(&key.as_str()) {
                        match field {
                            Value::String(text) => {
                                one(text);
                                continue;
                            }
                            Value::Array(items) if items.iter().all(Value::is_string) => {
                                for item in items {
                                    if let Value::String(text) = item {
                                        one(text);
                                    }
                                }
                                continue;
                            }
                            _ => {}
                        }
                    }
                    stack.push(field);
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    changed
}

/// The language an `Accept-Language` header asks for first among those the product speaks
/// (`nb`, and `no`/`nn` read as bokmål; `en`); English when it names neither or is missing.
pub fn lang_from_accept_language(header: Option<&str>) -> Lang {
    let Some(header) = header else {
        return Lang::En;
    };
    let mut best: Option<(u16, usize, Lang)> = None;
    for (position, item) in header.split(',').enumerate().take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1000, |q| parse_quality(q.trim()));
        let primary = tag.split('-').next().unwrap_or("");
        let lang = match primary {
            "nb" | "no" | "nn" => Lang::Nb,
            "en" => Lang::En,
            _ => continue,
        };
        if quality == 0 {
            continue;
        }
        // Highest quality first; among equals, the earlier one.
        if best.is_none_or(|(q, p, _)| quality > q || (quality == q && position < p)) {
            best = Some((quality, position, lang));
        }
    }
    best.map_or(Lang::En, |(_, _, lang)| lang)
}

/// An RFC 9110 quality value in thousandths; an unreadable one counts as 0 (not acceptable).
fn parse_quality(q: &str) -> u16 {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let thousandths = format!("{frac:0<3}").parse::<u16>().unwrap_or(0);
    match int {
        "1" if thousandths == 0 => 1000,
        "0" => thousandths,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(pairs: &[(&str, &str)]) -> Vec<Template> {
        compile(
            &pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    fn with(templates: &[Template], text: &str) -> String {
        templates
            .iter()
            .find_map(|t| capture(&t.pieces, text).map(|v| fill(t, &v, MAX_NESTING)))
            .unwrap_or_else(|| text.to_owned())
    }

    #[test]
    fn a_sentence_is_translated_with_its_values() {
        let t = catalog(&[(
            "Invoice {0} is not in your bundle.",
            "Faktura {0} er ikke i bunten din.",
        )]);
        assert_eq!(
            with(&t, "Invoice INV-7 is not in your bundle."),
            "Faktura INV-7 er ikke i bunten din."
        );
    }

    #[test]
    fn values_may_be_reordered_and_repeated_placeholders_keep_their_order() {
        let t = catalog(&[
            (
                "The payment is for {presented}, but {approved} was approved.",
                "{approved} ble godkjent, men betalingen er på {presented}.",
            ),
            ("Bank agreement {} {}.", "Bankavtale {} {}."),
        ]);
        assert_eq!(
            with(
                &t,
                "The payment is for 5.00 NOK, but 4.00 NOK was approved."
            ),
            "4.00 NOK ble godkjent, men betalingen er på 5.00 NOK."
        );
        assert_eq!(with(&t, "Bank agreement A B."), "Bankavtale A B.");
    }

    #[test]
    fn localize_translates_and_writes_amounts_as_the_language_does() {
        assert_eq!(
            localize("The payment is for 5000.00 NOK, but 4000.00 NOK was approved.", Lang::Nb),
            "Betalingen er på 5\u{a0}000,00\u{a0}NOK, men det godkjente beløpet er 4\u{a0}000,00\u{a0}NOK."
        );
        assert_eq!(
            localize(
                "The payment is for 5000.00 NOK, but 4000.00 NOK was approved.",
                Lang::En
            ),
            "The payment is for 5,000.00\u{a0}NOK, but 4,000.00\u{a0}NOK was approved."
        );
        // A sentence no template made stays English, amounts still in the reader's form.
        assert_eq!(
            localize("Something new about 12.50 EUR.", Lang::Nb),
            "Something new about 12,50\u{a0}EUR."
        );
    }

    #[test]
    fn a_simulated_route_reads_in_the_language_asked() {
        let mut answer = serde_json::json!({
            "steps": [{ "name": "CFO", "applies": false, "why": "The amount does not meet the step's limit.", "approvers": [] }],
            "blocked": "No step of the workflow applies to this invoice.",
        });
        assert!(localize_json(&mut answer, Lang::Nb));
        assert_eq!(
            answer["steps"][0]["why"],
            "Beløpet oppfyller ikke stegets grense."
        );
        assert_eq!(answer["steps"][0]["name"], "CFO");
        assert_eq!(
            answer["blocked"],
            "Ingen steg i arbeidsflyten gjelder for denne fakturaen."
        );
    }

    #[test]
    fn localize_json_changes_only_sentence_fields() {
        let mut answer = serde_json::json!({
            "detail": "The payment is for 5.00 NOK, but 4.00 NOK was approved.",
            "missing": ["The payment is for 5.00 NOK, but 4.00 NOK was approved."],
            "text": "A comment about 5.00 NOK.",
            "rows": [{
                "warnings": [{ "kind": "token_reused", "message": "The payment is for 5.00 NOK, but 4.00 NOK was approved." }],
                "status_label": 7,
                "reason": null,
                "name": "2030-03-31"
            }],
        });
        assert!(localize_json(&mut answer, Lang::Nb));
        let nb = "Betalingen er på 5,00\u{a0}NOK, men det godkjente beløpet er 4,00\u{a0}NOK.";
        assert_eq!(answer["detail"], nb);
        assert_eq!(answer["missing"][0], nb);
        assert_eq!(answer["rows"][0]["warnings"][0]["message"], nb);
        // Data is never touched: comments people wrote, names, numbers, nulls.
        assert_eq!(answer["text"], "A comment about 5.00 NOK.");
        assert_eq!(answer["rows"][0]["name"], "2030-03-31");
        assert_eq!(answer["rows"][0]["status_label"], 7);
        assert_eq!(answer["rows"][0]["reason"], serde_json::Value::Null);
        // Nothing to change: false, and the value stays as it was.
        let mut plain = serde_json::json!({ "id": "x", "detail": "Plain words." });
        let before = plain.clone();
        assert!(!localize_json(&mut plain, Lang::En));
        assert_eq!(plain, before);
    }

    #[test]
    fn several_known_sentences_are_translated_one_by_one() {
        assert_eq!(
            translate("Signed in. Signed out.", Lang::Nb),
            format!(
                "{} {}",
                translate("Signed in.", Lang::Nb),
                translate("Signed out.", Lang::Nb)
            )
        );
        assert_ne!(translate("Signed in.", Lang::Nb), "Signed in.");
        // One unknown sentence: all stay English.
        assert_eq!(
            translate("Signed in. Something new.", Lang::Nb),
            "Signed in. Something new."
        );
    }

    #[test]
    fn every_status_label_the_server_answers_is_in_the_catalog() {
        use crate::api_autopay::{FileStatus, PaymentStatus};
        let labels = PaymentStatus::ALL
            .iter()
            .map(|s| s.label())
            .chain(FileStatus::ALL.iter().map(|s| s.label()));
        for label in labels {
            assert_ne!(translate(label, Lang::Nb), label, "{label}");
        }
    }

    #[test]
    fn a_value_may_contain_the_literal_that_follows_it() {
        let t = catalog(&[("Say {0}. Then go.", "Si {0}. Gå så.")]);
        assert_eq!(with(&t, "Say a. b. Then go."), "Si a. b. Gå så.");
    }

    #[test]
    fn unknown_sentences_and_english_stay_as_they_are() {
        assert_eq!(
            translate("Nothing like this is in the catalog.", Lang::Nb),
            "Nothing like this is in the catalog."
        );
        assert_eq!(
            translate("There is no such task.", Lang::En),
            "There is no such task."
        );
    }

    #[test]
    fn the_real_catalog_translates_nested_sentences() {
        let nb = translate("There is no such task.", Lang::Nb);
        assert_ne!(nb, "There is no such task.");
        let outer = translate(
            "Approve and pay is not available: You have not activated two-step verification. Activate it on My details.",
            Lang::Nb,
        );
        assert!(
            !outer.contains("Approve and pay is not available"),
            "{outer}"
        );
        assert!(!outer.contains("You have not activated"), "{outer}");
    }

    #[test]
    fn a_clause_made_a_sentence_is_translated_as_a_sentence() {
        let english = "IBAN \"NO00\" has wrong check digits; check for a typing error";
        let nb = translate(english, Lang::Nb);
        assert_ne!(nb, english);
        let sentence = translate(&as_sentence(english.to_owned()), Lang::Nb);
        assert_eq!(sentence, as_sentence(nb));
        let clause = "the IBAN is empty";
        assert_eq!(
            translate(&as_sentence(clause.to_owned()), Lang::Nb),
            as_sentence(translate(clause, Lang::Nb))
        );
        assert_ne!(translate(clause, Lang::Nb), clause);
        assert_eq!(as_clause("The X"), Some("the X".into()));
        assert_eq!(as_clause(""), None);
        assert_eq!(as_sentence(String::new()), "");
        assert_eq!(as_sentence("done!".into()), "Done!");
    }

    #[test]
    fn a_template_of_placeholders_only_or_empty_translation_is_never_used() {
        let t = catalog(&[("{0}", "X {0}"), ("Untranslated {0}.", "")]);
        assert!(t.is_empty());
    }

    #[test]
    fn capture_refuses_text_that_does_not_fit() {
        let pieces = split("A {0} B {1}");
        assert_eq!(capture(&pieces, "A x B y"), Some(vec!["x", "y"]));
        assert_eq!(capture(&pieces, "A  B y"), None, "a value is never empty");
        assert_eq!(capture(&pieces, "A x C y"), None);
        assert_eq!(capture(&pieces, "A x B "), None, "nor is the last one");
        assert_eq!(capture(&split("{0}{1}"), "ab"), None);
        assert_eq!(capture(&split("Æ {0} ø"), "Æ å ø"), Some(vec!["å"]));
        assert_eq!(split("no slots"), vec![Piece::Text("no slots".into())]);
        assert_eq!(
            split("open { only"),
            vec![Piece::Text("open { only".into())]
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_language_the_product_speaks() {
        assert_eq!(lang_from_accept_language(None), Lang::En);
        assert_eq!(lang_from_accept_language(Some("")), Lang::En);
        assert_eq!(
            lang_from_accept_language(Some("nb-NO,nb;q=0.9,en;q=0.8")),
            Lang::Nb
        );
        assert_eq!(lang_from_accept_language(Some("no")), Lang::Nb);
        assert_eq!(lang_from_accept_language(Some("nn-NO")), Lang::Nb);
        assert_eq!(lang_from_accept_language(Some("en-GB,nb;q=0.5")), Lang::En);
        assert_eq!(lang_from_accept_language(Some("de, nb;q=0.3")), Lang::Nb);
        assert_eq!(
            lang_from_accept_language(Some("en;q=0.2, nb;q=0.7")),
            Lang::Nb
        );
        assert_eq!(
            lang_from_accept_language(Some("nb;q=0, en;q=0.1")),
            Lang::En
        );
        assert_eq!(lang_from_accept_language(Some("fr, de")), Lang::En);
        assert_eq!(lang_from_accept_language(Some("nb;q=abc")), Lang::En);
        assert_eq!(
            lang_from_accept_language(Some("nb;q=1.5, en;q=0.5")),
            Lang::En
        );
    }

    #[test]
    fn quality_values_follow_rfc_9110() {
        assert_eq!(parse_quality("1"), 1000);
        assert_eq!(parse_quality("1.000"), 1000);
        assert_eq!(parse_quality("0.5"), 500);
        assert_eq!(parse_quality("0.123"), 123);
        assert_eq!(parse_quality("0.1234"), 0);
        assert_eq!(parse_quality("2"), 0);
        assert_eq!(parse_quality("1.5"), 0);
    }

    /// The English templates of every `#[error("…")]` and `sentence!("…")` in ap-core and the
    /// Worker.
    fn source_templates() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["core/src", "functions/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).expect("source directory").flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        files.push(path);
                    }
                }
            }
        }
        let mut templates = Vec::new();
        for (file, marker) in files
            .iter()
            .flat_map(|f| ["#[error(", "sentence!("].map(|m| (f, m)))
        {
            let source = std::fs::read_to_string(file).expect("source file");
            let mut rest = source.as_str();
            while let Some(at) = rest.find(marker) {
                let line_start = rest[..at].rfind('\n').map_or(0, |n| n + 1);
                let in_comment = rest[line_start..at].trim_start().starts_with("//")
                    || rest[..at].ends_with('"')
                    || rest[..at].ends_with('`');
                rest = &rest[at + marker.len()..];
                if in_comment {
                    continue;
                }
                let body = rest.trim_start();
                let Some(body) = body.strip_prefix('"') else {
                    continue;
                };
                let mut text = String::new();
                let mut chars = body.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('\n') => {
                                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                                    chars.next();
                                }
                            }
                            Some('"') => text.push('"'),
                            Some('\\') => text.push('\\'),
                            Some('n') => text.push('\n'),
                            Some(other) => {
                                text.push('\\');
                                text.push(other);
                            }
                            None => {}
                        },
                        c => text.push(c),
                    }
                }
                templates.push(text);
            }
        }
        templates
    }

    #[test]
    fn every_error_template_of_the_source_is_in_the_catalog() {
        let catalog: HashMap<String, String> =
            serde_json::from_str(NB_CATALOG).expect("locales/nb.json is a JSON object of strings");
        let missing: Vec<String> = source_templates()
            .into_iter()
            .filter(|t| split(t).iter().any(|p| matches!(p, Piece::Text(_))))
            .filter(|t| catalog.get(t).is_none_or(|nb| nb.trim().is_empty()))
            .collect();
        assert!(
            missing.is_empty(),
            "add these English templates with their Norwegian translation to core/locales/nb.json:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn every_translation_keeps_the_placeholders_of_its_template() {
        let catalog: HashMap<String, String> = serde_json::from_str(NB_CATALOG).expect("catalog");
        let slots = |t: &str| {
            let mut s: Vec<String> = split(t)
                .into_iter()
                .filter_map(|p| match p {
                    Piece::Slot(s) => Some(s),
                    Piece::Text(_) => None,
                })
                .collect();
            s.sort();
            s
        };
        let wrong: Vec<&String> = catalog
            .iter()
            .filter(|(en, nb)| slots(en) != slots(nb))
            .map(|(en, _)| en)
            .collect();
        assert!(wrong.is_empty(), "placeholders differ: {wrong:?}");
    }
}
