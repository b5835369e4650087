//! The rules of the paged lists: page sizes, cursors, the order of each list and filters. Lists
//! page with an opaque cursor and never stop silently: an answer without `next_cursor` is the
//! whole rest.
//!
//! A list gathered from several sources (each company's ledger) pages the same way as one read
//! from a single place: each source answers its own page of `limit + 1` rows after the cursor,
//! in the list's total order, and [`merged_page`] keeps the first `limit` of them. So a page
//! costs one call per source and never depends on how many rows there are.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::api::{EventView, Page};
use crate::dates::Date;
use crate::ids::{InvoiceId, PaymentFileId};
use crate::process::Process;

/// Default and largest page sizes of the administration lists.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;
/// The longest cursor accepted (storage cursors are opaque, but not unbounded).
pub const MAX_CURSOR: usize = 1024;

/// The page size asked for (`?limit=`), bounded; `None` when it is not a positive number.
pub fn page_limit(text: Option<&str>) -> Option<usize> {
    match text {
        None | Some("") => Some(DEFAULT_LIMIT),
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| n.min(MAX_LIMIT)),
    }
}

/// A cursor as received (`?cursor=`): empty means the first page; `None` when it cannot be one
/// this API gave out (too long, or characters no cursor has).
pub fn page_cursor(text: Option<&str>) -> Option<Option<String>> {
    match text {
        None | Some("") => Some(None),
        Some(t)
            if t.len() <= MAX_CURSOR
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=.+/:".contains(&b)) =>
        {
            Some(Some(t.to_owned()))
        }
        Some(_) => None,
    }
}

/// A cursor naming the place after `key` in a list sorted by a text key (`k.` and the key's
/// UTF-8 bytes in hex: opaque, and within [`page_cursor`]'s characters).
pub fn key_cursor(key: &str) -> String {
    let mut out = String::with_capacity(2 + key.len() * 2);
    out.push_str("k.");
    for b in key.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The sort key a [`key_cursor`] names; `None` when the text is no such cursor.
pub fn cursor_key(cursor: &str) -> Option<String> {
    let hex = cursor.strip_prefix("k.")?;
    if hex.len() % 2 != 0 || hex.len() > MAX_CURSOR {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

/// One page of `items` in the order of their unique text `key`: at most `limit` items whose
/// key sorts after `after` (a key from [`cursor_key`]; `None` for the first page), and the
/// cursor of the next page while more remain.
pub fn page_by_key<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    after: Option<&str>,
    limit: usize,
) -> Page<T> {
    let after = after.map(str::to_owned);
    merged_page(
        items.into_iter().map(|item| (key(&item), item)),
        String::cmp,
        after.as_ref(),
        limit,
        |k| key_cursor(k),
    )
}

/// The first `limit` of `rows` in `order` that come after `after` (from the first row without
/// it): one source's own page. `order` must be total (no two rows tie), or a page could end
/// between two rows that tie and the next page skip one of them.
pub fn page_after<K, T>(
    rows: impl IntoIterator<Item = (K, T)>,
    order: impl Fn(&K, &K) -> Ordering,
    after: Option<&K>,
    limit: usize,
) -> Vec<(K, T)> {
    let mut kept: Vec<(K, T)> = rows
        .into_iter()
        .filter(|(key, _)| after.is_none_or(|a| order(key, a) == Ordering::Greater))
        .collect();
    kept.sort_by(|a, b| order(&a.0, &b.0));
    kept.truncate(limit);
    kept
}

/// One page of a list merged from several sources and the cursor of the next (written by
/// `cursor` from the page's last key): `candidates` are each source's own page of `limit + 1`
/// after the cursor (or all its rows), so a row beyond the first `limit` means there is more.
pub fn merged_page<K, T>(
    candidates: impl IntoIterator<Item = (K, T)>,
    order: impl Fn(&K, &K) -> Ordering,
    after: Option<&K>,
    limit: usize,
    cursor: impl Fn(&K) -> String,
) -> Page<T> {
    let mut rows = page_after(candidates, order, after, limit.saturating_add(1));
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more.then(|| rows.last().map(|(k, _)| cursor(k))).flatten();
    Page {
        items: rows.into_iter().map(|(_, row)| row).collect(),
        next_cursor,
    }
}

/// The key of a list's rows: a total order (no two rows tie), the cursor of a page that ends
/// with a row, and the key a cursor names (`None` for anything else, a 400 naming `cursor`).
pub trait PageKey: Sized {
    fn order(&self, other: &Self) -> Ordering;
    fn cursor(&self) -> String;
    fn from_cursor(text: &str) -> Option<Self>;
}

/// [`merged_page`] in the order of the rows' [`PageKey`].
pub fn merged_key_page<K: PageKey, T>(
    candidates: impl IntoIterator<Item = (K, T)>,
    after: Option<&K>,
    limit: usize,
) -> Page<T> {
    merged_page(candidates, K::order, after, limit, K::cursor)
}

/// A cursor of the list `name` naming a row by the fields of its key, `.`-separated: every
/// field is an id, a date or a number, none of which can hold a `.`.
pub fn fields_cursor(name: &str, fields: &[&str]) -> String {
    let mut out = name.to_owned();
    for field in fields {
        out.push('.');
        out.push_str(field);
    }
    out
}

/// The `N` fields of a [`fields_cursor`] of the list `name`; `None` for another list's cursor
/// or another number of fields.
pub fn cursor_fields<'a, const N: usize>(text: &'a str, name: &str) -> Option<[&'a str; N]> {
    let mut parts = text.split('.');
    if parts.next()? != name {
        return None;
    }
    let fields: Vec<&str> = parts.collect();
    fields.try_into().ok()
}

/// A whole number as a cursor writes it: digits only (no sign, no spaces).
pub fn cursor_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Where a process stands in the process overview: earliest due date first, then by process
/// id. A process id begins with its company's id and is unique, so no two processes of any
/// company tie. The ledger keeps both as columns (`due_date`, `id`) and pages with
/// `WHERE (due_date, id) > (?, ?) ORDER BY due_date, id`, the same order as [`Ord`] here
/// (dates as `YYYY-MM-DD` text and ids compare byte by byte).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProcessKey {
    pub due_date: Date,
    pub process: InvoiceId,
}

impl ProcessKey {
    pub fn of(process: &Process) -> ProcessKey {
        ProcessKey {
            due_date: process.document().due_date,
            process: process.id().clone(),
        }
    }
}

impl PageKey for ProcessKey {
    /// The overview's order: [`Ord`].
    fn order(&self, other: &ProcessKey) -> Ordering {
        self.cmp(other)
    }

    fn cursor(&self) -> String {
        fields_cursor(
            "process",
            &[&self.due_date.to_string(), self.process.as_str()],
        )
    }

    /// The key a [`ProcessKey::cursor`] names; `None` for anything else.
    fn from_cursor(text: &str) -> Option<ProcessKey> {
        let [due, process] = cursor_fields(text, "process")?;
        Some(ProcessKey {
            due_date: Date::parse(due).ok()?,
            process: InvoiceId::parse(process).ok()?,
        })
    }
}

/// Where an AutoPay payment stands in the payment list: newest upload first, then by file id
/// (unique, beginning with the company's id) and, within a file, last payment first. The ledger
/// pages with `WHERE (created_at, file_id, seq) < (?, ?, ?) ORDER BY created_at DESC, file_id
/// DESC, seq DESC`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PaymentKey {
    /// When its file was uploaded (Unix seconds).
    pub created_at: u64,
    pub file: PaymentFileId,
    /// Its place in the file, from 1.
    pub seq: u64,
}

impl PageKey for PaymentKey {
    /// The list's order: newest first, the reverse of [`Ord`].
    fn order(&self, other: &PaymentKey) -> Ordering {
        other.cmp(self)
    }

    fn cursor(&self) -> String {
        fields_cursor(
            "payment",
            &[
                &self.created_at.to_string(),
                self.file.as_str(),
                &self.seq.to_string(),
            ],
        )
    }

    /// The key a [`PaymentKey::cursor`] names; `None` for anything else.
    fn from_cursor(text: &str) -> Option<PaymentKey> {
        let [created_at, file, seq] = cursor_fields(text, "payment")?;
        Some(PaymentKey {
            created_at: cursor_number(created_at)?,
            file: PaymentFileId::parse(file).ok()?,
            seq: cursor_number(seq)?,
        })
    }
}

/// Where a payment file stands in the file list: newest upload first, then by file id. The
/// ledger pages with `WHERE (uploaded_at, id) < (?, ?) ORDER BY uploaded_at DESC, id DESC`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileKey {
    /// Unix seconds.
    pub uploaded_at: u64,
    pub file: PaymentFileId,
}

impl PageKey for FileKey {
    /// The list's order: newest first, the reverse of [`Ord`].
    fn order(&self, other: &FileKey) -> Ordering {
        other.cmp(self)
    }

    fn cursor(&self) -> String {
        fields_cursor("file", &[&self.uploaded_at.to_string(), self.file.as_str()])
    }

    /// The key a [`FileKey::cursor`] names; `None` for anything else.
    fn from_cursor(text: &str) -> Option<FileKey> {
        let [uploaded_at, file] = cursor_fields(text, "file")?;
        Some(FileKey {
            uploaded_at: cursor_number(uploaded_at)?,
            file: PaymentFileId::parse(file).ok()?,
        })
    }
}

/// The sort key of the company list: by name regardless of case, then by id (names repeat).
pub fn company_sort_key(name: &str, id: &str) -> String {
    format!("{}\u{0}{id}", name.to_lowercase())
}

/// `?status=` of the integration-key list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    All,
    Live,
    Revoked,
}

impl KeyStatus {
    pub fn parse(text: Option<&str>) -> Option<Self> {
        match text {
            None | Some("") | Some("all") => Some(Self::All),
            Some("live") => Some(Self::Live),
            Some("revoked") => Some(Self::Revoked),
            Some(_) => None,
        }
    }

    /// Whether a key revoked (or not) is listed.
    pub fn admits(self, revoked: bool) -> bool {
        match self {
            Self::All => true,
            Self::Live => !revoked,
            Self::Revoked => revoked,
        }
    }
}

/// The milliseconds a `?from=`/`?to=` bound names: a date (`2026-11-29`: its first or, for
/// `to`, its last millisecond, UTC) or a UTC time `2026-11-29T17:48:23Z` (whole seconds; for
/// `to` the end of that second).
pub fn instant_millis(text: &str, end: bool) -> Option<u64> {
    let text = text.trim();
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let day = Date::parse(date).ok()?.start_unix_secs()?;
    let (secs, span) = match time {
        None => (day, 86_400),
        Some(t) => {
            let t = t.strip_suffix('Z').or_else(|| t.strip_suffix('z'))?;
            let parts: Vec<&str> = t.split(':').collect();
            let [h, m, s] = parts.as_slice() else {
                return None;
            };
            let field = |p: &str, max: u64| -> Option<u64> {
                (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse::<u64>().ok())
                    .flatten()
                    .filter(|n| *n <= max)
            };
            (
                day + field(h, 23)? * 3600 + field(m, 59)? * 60 + field(s, 59)?,
                1,
            )
        }
    };
    let first = secs.checked_mul(1000)?;
    Some(if end { first + span * 1000 - 1 } else { first })
}

/// What the audit-event list keeps: `kind` (prefix), `actor` (e-mail, any case), `company` (id)
/// and a time range in milliseconds, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub kind: String,
    pub actor: Option<String>,
    pub company: Option<String>,
    pub from_millis: Option<u64>,
    pub to_millis: Option<u64>,
}

/// Where an event's time stands against the filter's range. Events are listed newest first,
/// so `Older` ends the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InRange {
    Newer,
    Inside,
    Older,
}

impl EventFilter {
    pub fn range(&self, millis: u64) -> InRange {
        if self.from_millis.is_some_and(|f| millis < f) {
            InRange::Older
        } else if self.to_millis.is_some_and(|t| millis > t) {
            InRange::Newer
        } else {
            InRange::Inside
        }
    }

    /// Whether the event is listed (its time is checked by [`EventFilter::range`]).
    pub fn admits(&self, event: &EventView) -> bool {
        event.kind.starts_with(&self.kind)
            && self
                .actor
                .as_ref()
                .is_none_or(|a| event.actor.eq_ignore_ascii_case(a.trim()))
            && self
                .company
                .as_ref()
                .is_none_or(|c| event.company_id.as_deref() == Some(c.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, actor: &str, company: Option<&str>) -> EventView {
        EventView {
            id: "e".into(),
            at: "2026-11-29T00:00:00Z".into(),
            kind: kind.into(),
            actor: actor.into(),
            company_id: company.map(Into::into),
            detail: String::new(),
        }
    }

    #[test]
    fn the_page_size_is_bounded_and_defaults() {
        assert_eq!(page_limit(None), Some(DEFAULT_LIMIT));
        assert_eq!(page_limit(Some("")), Some(DEFAULT_LIMIT));
        assert_eq!(page_limit(Some("7")), Some(7));
        assert_eq!(page_limit(Some("100000")), Some(MAX_LIMIT));
        for bad in ["0", "-1", "ten", "1.5"] {
            assert_eq!(page_limit(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn a_cursor_is_opaque_but_bounded() {
        assert_eq!(page_cursor(None), Some(None));
        assert_eq!(page_cursor(Some("")), Some(None));
        assert_eq!(page_cursor(Some("AAEC+/=x")), Some(Some("AAEC+/=x".into())));
        assert_eq!(page_cursor(Some("a b")), None);
        assert_eq!(page_cursor(Some("<script>")), None);
        assert_eq!(page_cursor(Some(&"a".repeat(MAX_CURSOR + 1))), None);
    }

    #[test]
    fn a_key_cursor_names_its_key_and_nothing_else() {
        for key in ["", "ola@example.com", "Ærlig AS\u{0}c1", "a+b/c=d"] {
            let cursor = key_cursor(key);
            assert_eq!(page_cursor(Some(&cursor)), Some(Some(cursor.clone())));
            assert_eq!(cursor_key(&cursor).as_deref(), Some(key));
        }
        for bad in ["", "6f6c61", "k.6", "k.zz", "k.ff", "x.6f"] {
            assert_eq!(cursor_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_by_key_cover_every_item_once_in_order() {
        let names: Vec<String> = ["delta", "Alfa", "charlie", "bravo", "echo"]
            .into_iter()
            .map(String::from)
            .collect();
        let key = |n: &String| n.to_lowercase();
        let first = page_by_key(names.clone(), key, None, 2);
        assert_eq!(first.items, ["Alfa", "bravo"]);
        let after = cursor_key(first.next_cursor.as_deref().unwrap()).unwrap();
        let second = page_by_key(names.clone(), key, Some(&after), 2);
        assert_eq!(second.items, ["charlie", "delta"]);
        let after = cursor_key(second.next_cursor.as_deref().unwrap()).unwrap();
        let last = page_by_key(names.clone(), key, Some(&after), 2);
        assert_eq!(last.items, ["echo"]);
        assert_eq!(last.next_cursor, None, "the last page says so");
        let whole = page_by_key(names.clone(), key, None, 5);
        assert_eq!((whole.items.len(), whole.next_cursor), (5, None));
        let past = page_by_key(names, key, Some("zulu"), 2);
        assert!(past.items.is_empty() && past.next_cursor.is_none());
    }

    fn pk(due: &str, process: &str) -> ProcessKey {
        ProcessKey {
            due_date: Date::parse(due).unwrap(),
            process: InvoiceId::parse(process).unwrap(),
        }
    }

    fn pay(created_at: u64, file: &str, seq: u64) -> PaymentKey {
        PaymentKey {
            created_at,
            file: PaymentFileId::parse(file).unwrap(),
            seq,
        }
    }

    fn fk(uploaded_at: u64, file: &str) -> FileKey {
        FileKey {
            uploaded_at,
            file: PaymentFileId::parse(file).unwrap(),
        }
    }

    /// Pages through `sources` the way the Worker does: each source answers its own page of
    /// `limit + 1` after the cursor (read back from its text), merged and cut at `limit`.
    /// `between` runs after the first page, e.g. to add a row.
    fn walk<K: Clone, T: Clone>(
        sources: &mut Vec<Vec<(K, T)>>,
        order: impl Fn(&K, &K) -> Ordering + Copy,
        cursor: impl Fn(&K) -> String + Copy,
        from_cursor: impl Fn(&str) -> Option<K>,
        limit: usize,
        between: impl Fn(&mut Vec<Vec<(K, T)>>),
    ) -> Vec<T> {
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        for pages in 0.. {
            let after = next.as_deref().map(|c| from_cursor(c).unwrap());
            let candidates: Vec<(K, T)> = sources
                .iter()
                .flat_map(|own| page_after(own.clone(), order, after.as_ref(), limit + 1))
                .collect();
            let page = merged_page(candidates, order, after.as_ref(), limit, cursor);
            assert!(page.items.len() <= limit);
            seen.extend(page.items);
            if pages == 0 {
                between(sources);
            }
            match page.next_cursor {
                Some(c) => next = Some(c),
                None => return seen,
            }
        }
        unreachable!()
    }

    #[test]
    fn a_source_page_starts_after_the_key_in_the_order_given() {
        let rows = vec![(3, "c"), (1, "a"), (4, "d"), (2, "b")];
        let all = page_after(rows.clone(), i32::cmp, None, 10);
        assert_eq!(all, [(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        let after = page_after(rows.clone(), i32::cmp, Some(&2), 1);
        assert_eq!(after, [(3, "c")]);
        let reversed = page_after(rows, |a: &i32, b: &i32| b.cmp(a), Some(&3), 10);
        assert_eq!(reversed, [(2, "b"), (1, "a")]);
    }

    #[test]
    fn a_merged_page_names_the_next_only_while_more_remain() {
        let rows = || vec![(2, "b"), (1, "a"), (3, "c")];
        let cursor = |k: &i32| k.to_string();
        let cut = merged_page(rows(), i32::cmp, None, 2, cursor);
        assert_eq!(cut.items, ["a", "b"]);
        assert_eq!(cut.next_cursor.as_deref(), Some("2"));
        let whole = merged_page(rows(), i32::cmp, None, 3, cursor);
        assert_eq!((whole.items.len(), whole.next_cursor), (3, None));
        let past = merged_page(rows(), i32::cmp, Some(&3), 2, cursor);
        assert!(past.items.is_empty() && past.next_cursor.is_none());
        let unbounded = merged_page(rows(), i32::cmp, None, usize::MAX, cursor);
        assert_eq!((unbounded.items.len(), unbounded.next_cursor), (3, None));
    }

    #[test]
    fn a_fields_cursor_reads_back_only_as_its_own_list_with_its_count() {
        let cursor = fields_cursor("file", &["17", "c1_ab"]);
        assert_eq!(cursor, "file.17.c1_ab");
        assert_eq!(page_cursor(Some(&cursor)), Some(Some(cursor.clone())));
        assert_eq!(cursor_fields::<2>(&cursor, "file"), Some(["17", "c1_ab"]));
        assert_eq!(cursor_fields::<2>(&cursor, "payment"), None);
        assert_eq!(cursor_fields::<3>(&cursor, "file"), None);
        assert_eq!(cursor_fields::<1>(&cursor, "file"), None);
        assert_eq!(cursor_fields::<0>("", "file"), None);
    }

    #[test]
    fn a_cursor_number_is_digits_only() {
        assert_eq!(cursor_number("0"), Some(0));
        assert_eq!(cursor_number("1795910400"), Some(1_795_910_400));
        for bad in ["", "+1", "-1", " 1", "1e3", "ten", "99999999999999999999"] {
            assert_eq!(cursor_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn processes_by_due_date_then_process_id_across_companies() {
        let mut keys = vec![
            pk("2026-12-02", "a_1"),
            pk("2026-12-01", "b_1"),
            pk("2026-12-01", "a_9"),
        ];
        keys.sort_by(ProcessKey::order);
        assert_eq!(
            keys,
            [
                pk("2026-12-01", "a_9"),
                pk("2026-12-01", "b_1"),
                pk("2026-12-02", "a_1")
            ]
        );
    }

    #[test]
    fn payments_and_files_newest_first_then_by_file_and_last_payment_first() {
        let mut payments = vec![
            pay(10, "a_f", 1),
            pay(20, "b_f", 1),
            pay(10, "a_f", 2),
            pay(10, "b_g", 1),
        ];
        payments.sort_by(PaymentKey::order);
        assert_eq!(
            payments,
            [
                pay(20, "b_f", 1),
                pay(10, "b_g", 1),
                pay(10, "a_f", 2),
                pay(10, "a_f", 1)
            ]
        );
        let mut files = vec![fk(10, "a_f"), fk(20, "a_g"), fk(10, "b_f")];
        files.sort_by(FileKey::order);
        assert_eq!(files, [fk(20, "a_g"), fk(10, "b_f"), fk(10, "a_f")]);
    }

    #[test]
    fn each_key_reads_back_from_its_cursor_and_no_other() {
        let p = pk("2026-12-01", "acme_x1");
        assert_eq!(ProcessKey::from_cursor(&p.cursor()), Some(p.clone()));
        let q = pay(1_795_910_400, "acme_0a1b", 12);
        assert_eq!(PaymentKey::from_cursor(&q.cursor()), Some(q.clone()));
        let f = fk(1_795_910_400, "acme_0a1b");
        assert_eq!(FileKey::from_cursor(&f.cursor()), Some(f.clone()));
        for c in [p.cursor(), q.cursor(), f.cursor()] {
            assert_eq!(page_cursor(Some(&c)), Some(Some(c.clone())), "{c}");
        }
        assert_eq!(ProcessKey::from_cursor(&f.cursor()), None);
        assert_eq!(PaymentKey::from_cursor(&p.cursor()), None);
        assert_eq!(FileKey::from_cursor(&q.cursor()), None);
        for bad in [
            "",
            "process",
            "process.2026-13-01.a_1",
            "process.2026-12-01.a b",
            "process.2026-12-01",
        ] {
            assert_eq!(ProcessKey::from_cursor(bad), None, "{bad}");
        }
        for bad in [
            "payment.x.a_f.1",
            "payment.1.a_f.+1",
            "payment.1.a!f.1",
            "payment.1.a_f",
            "payment.1.a_f.1.2",
        ] {
            assert_eq!(PaymentKey::from_cursor(bad), None, "{bad}");
        }
        for bad in ["file.-1.a_f", "file.1.", "file.1", "file.1.a_f.2"] {
            assert_eq!(FileKey::from_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_over_several_companies_cover_every_row_once_in_order() {
        let mut processes = vec![
            (0..7)
                .map(|i| {
                    (
                        pk(&format!("2026-12-0{}", 1 + i % 3), &format!("a_{i}")),
                        format!("a_{i}"),
                    )
                })
                .collect(),
            (0..5)
                .map(|i| {
                    (
                        pk(&format!("2026-12-0{}", 1 + i % 2), &format!("b_{i}")),
                        format!("b_{i}"),
                    )
                })
                .collect(),
            Vec::new(),
        ];
        let mut all: Vec<(ProcessKey, String)> = processes.concat();
        all.sort_by(|a, b| ProcessKey::order(&a.0, &b.0));
        let expected: Vec<String> = all.into_iter().map(|(_, id)| id).collect();
        for limit in [1, 2, 5, 12, 50] {
            let seen = walk(
                &mut processes,
                ProcessKey::order,
                ProcessKey::cursor,
                ProcessKey::from_cursor,
                limit,
                |_| (),
            );
            assert_eq!(seen, expected, "limit {limit}");
        }
        let mut payments = vec![
            (1..=4)
                .map(|s| (pay(10, "a_f", s), format!("a_f-{s}")))
                .collect(),
            (1..=3)
                .map(|s| (pay(10, "b_f", s), format!("b_f-{s}")))
                .collect(),
        ];
        let seen = walk(
            &mut payments,
            PaymentKey::order,
            PaymentKey::cursor,
            PaymentKey::from_cursor,
            3,
            |_| (),
        );
        assert_eq!(
            seen,
            ["b_f-3", "b_f-2", "b_f-1", "a_f-4", "a_f-3", "a_f-2", "a_f-1"]
        );
    }

    #[test]
    fn a_row_added_between_pages_neither_repeats_nor_skips_the_others() {
        // A newer file after the first page sorts before the cursor: it is not listed on later
        // pages (it is on the first page of a new listing) and nothing else moves.
        let mut files = vec![
            (1..=5)
                .map(|t| (fk(t * 10, "a_f"), format!("a{t}")))
                .collect(),
            (1..=5)
                .map(|t| (fk(t * 10 + 5, "b_f"), format!("b{t}")))
                .collect(),
        ];
        let seen = walk(
            &mut files,
            FileKey::order,
            FileKey::cursor,
            FileKey::from_cursor,
            3,
            |s| {
                s[0].push((fk(99, "a_new"), "new".into()));
                s[1].push((fk(12, "b_mid"), "mid".into()));
            },
        );
        assert_eq!(
            seen,
            ["b5", "a5", "b4", "a4", "b3", "a3", "b2", "a2", "b1", "mid", "a1"]
        );
    }

    #[test]
    fn a_removed_item_does_not_lose_the_place() {
        let page = page_by_key(vec!["a", "c", "d"], |s| s.to_string(), Some("b"), 10);
        assert_eq!(page.items, ["c", "d"]);
    }

    #[test]
    fn companies_sort_by_name_regardless_of_case_then_by_id() {
        let mut keys = vec![
            company_sort_key("beta AS", "2"),
            company_sort_key("Alfa AS", "9"),
            company_sort_key("Beta AS", "1"),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                company_sort_key("Alfa AS", "9"),
                company_sort_key("Beta AS", "1"),
                company_sort_key("beta AS", "2"),
            ]
        );
    }

    #[test]
    fn the_key_status_filter_keeps_what_it_names() {
        assert_eq!(KeyStatus::parse(None), Some(KeyStatus::All));
        assert_eq!(KeyStatus::parse(Some("all")), Some(KeyStatus::All));
        assert_eq!(KeyStatus::parse(Some("nope")), None);
        let live = KeyStatus::parse(Some("live")).unwrap();
        assert!(live.admits(false) && !live.admits(true));
        let revoked = KeyStatus::parse(Some("revoked")).unwrap();
        assert!(revoked.admits(true) && !revoked.admits(false));
        assert!(KeyStatus::All.admits(true) && KeyStatus::All.admits(false));
    }

    #[test]
    fn a_date_bound_covers_the_whole_day() {
        let start = instant_millis("2026-11-29", false).unwrap();
        let end = instant_millis("2026-11-29", true).unwrap();
        assert_eq!(start, 1_795_910_400_000);
        assert_eq!(end, start + 86_400_000 - 1);
    }

    #[test]
    fn a_time_bound_covers_its_second() {
        let start = instant_millis("2026-11-29T17:48:23Z", false).unwrap();
        assert_eq!(start, 1_795_910_400_000 + (17 * 3600 + 48 * 60 + 23) * 1000);
        assert_eq!(
            instant_millis("2026-11-29T17:48:23Z", true),
            Some(start + 999)
        );
    }

    #[test]
    fn malformed_bounds_are_refused() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-29T17:48:23",
            "2026-11-29T25:00:00Z",
            "2026-11-29T17:48Z",
            "2026-11-29T17:48:23+01:00",
            "2026-11-29T1:48:23Z",
        ] {
            assert_eq!(instant_millis(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn the_event_filter_matches_kind_prefix_actor_and_company() {
        let f = EventFilter {
            kind: "sign_in".into(),
            actor: Some("Ada@Example.com".into()),
            company: Some("c1".into()),
            ..Default::default()
        };
        assert!(f.admits(&event("sign_in_failed", "ada@example.com", Some("c1"))));
        assert!(!f.admits(&event("user_created", "ada@example.com", Some("c1"))));
        assert!(!f.admits(&event("sign_in_failed", "bob@example.com", Some("c1"))));
        assert!(!f.admits(&event("sign_in_failed", "ada@example.com", Some("c2"))));
        assert!(!f.admits(&event("sign_in_failed", "ada@example.com", None)));
        assert!(EventFilter::default().admits(&event("x", "system", None)));
    }

    #[test]
    fn the_time_range_includes_both_ends() {
        let f = EventFilter {
            from_millis: Some(100),
            to_millis: Some(200),
            ..Default::default()
        };
        assert_eq!(f.range(99), InRange::Older);
        assert_eq!(f.range(100), InRange::Inside);
        assert_eq!(f.range(200), InRange::Inside);
        assert_eq!(f.range(201), InRange::Newer);
        assert_eq!(EventFilter::default().range(0), InRange::Inside);
    }
}
