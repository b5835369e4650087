//! The rules of the administration lists: page sizes, cursors and filters. Lists page with an
//! opaque cursor and never stop silently: an answer without `next_cursor` is the whole rest.

use crate::api::{EventView, Page};
use crate::dates::Date;

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
    mut items: Vec<T>,
    key: impl Fn(&T) -> String,
    after: Option<&str>,
    limit: usize,
) -> Page<T> {
    let mut keyed: Vec<(String, T)> = items
        .drain(..)
        .map(|item| (key(&item), item))
        .filter(|(k, _)| after.is_none_or(|a| k.as_str() > a))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let more = keyed.len() > limit;
    keyed.truncate(limit);
    let next_cursor = more
        .then(|| keyed.last().map(|(k, _)| key_cursor(k)))
        .flatten();
    Page {
        items: keyed.into_iter().map(|(_, item)| item).collect(),
        next_cursor,
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
