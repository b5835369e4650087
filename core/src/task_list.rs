//! The task list in pages: a total order over open tasks of every company, a cursor that names
//! the last task of a page, and the page after it.
//!
//! Each company's ledger answers at most one page of its own open tasks after the cursor; the
//! Worker merges those pages with the same [`page`] and keeps the first `limit`. So a page costs
//! one ledger call per company and carries at most `limit + 1` tasks per company, however many
//! invoices wait. A ledger finds its page through an index: it stores each open task's
//! [`TaskKey::sort_text`], whose byte order is this module's order, and asks SQL for the rows
//! after the cursor's text.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::approval::TaskSort;
use crate::dates::Date;
use crate::ids::{CompanyId, InvoiceId};
use crate::listing::{self, cursor_fields, fields_cursor};
use crate::money::{Currency, Money};
use crate::process::Process;

/// Where a task stands in the list: the sort's fields, then its company and process id, so that
/// no two tasks tie and a page can start right after any task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskKey {
    pub due_date: Date,
    pub amount: Money,
    pub company: CompanyId,
    pub process: InvoiceId,
}

impl TaskKey {
    /// The key of `process`, an open task of `company`.
    pub fn of(process: &Process, company: &CompanyId) -> TaskKey {
        let doc = process.document();
        TaskKey {
            due_date: doc.due_date,
            amount: doc.amount,
            company: company.clone(),
            process: process.id().clone(),
        }
    }

    /// The order of `sort` ([`TaskSort::compare`]), ties broken by company and process id.
    pub fn cmp_by(&self, other: &TaskKey, sort: TaskSort) -> Ordering {
        sort.compare((self.due_date, self.amount), (other.due_date, other.amount))
            .then_with(|| self.company.as_str().cmp(other.company.as_str()))
            .then_with(|| self.process.as_str().cmp(other.process.as_str()))
    }

    /// The cursor of a page that ends with this task: the sort's name and the key
    /// (`listing::fields_cursor`).
    pub fn cursor(&self, sort: TaskSort) -> String {
        fields_cursor(
            sort_name(sort),
            &[
                &self.due_date.to_string(),
                self.amount.currency().code(),
                &self.amount.minor().to_string(),
                self.company.as_str(),
                self.process.as_str(),
            ],
        )
    }

    /// The key as text whose byte order (`str` order; SQLite's `BINARY` collation, a `memcmp`)
    /// is [`TaskKey::cmp_by`]'s order for `sort`, so a ledger can store it in an indexed column
    /// and page with `WHERE key > ? ORDER BY key`. Fixed-width fields come first (date, the
    /// amount largest first, the currency), then the company and process ids, the company ended
    /// by a byte below every byte an id may hold, so a shorter id sorts before a longer one it
    /// begins, as in `str` order. Never empty: `""` is below every key.
    pub fn sort_text(&self, sort: TaskSort) -> String {
        let (due, larger_first) = (self.due_date, largest_first(self.amount.minor()));
        let (company, process) = (self.company.as_str(), self.process.as_str());
        match sort {
            TaskSort::DueDate => format!("{due}{larger_first:016x}{company}{ID_END}{process}"),
            TaskSort::Amount => {
                let currency = self.amount.currency().code();
                format!("{currency}{larger_first:016x}{due}{company}{ID_END}{process}")
            }
        }
    }

    /// The key a cursor of `sort` names; `None` for anything [`TaskKey::cursor`] cannot have
    /// written, or a cursor of the other sort (its position means nothing in this order).
    pub fn from_cursor(text: &str, sort: TaskSort) -> Option<TaskKey> {
        let [due, currency, minor, company, process] = cursor_fields(text, sort_name(sort))?;
        if minor.starts_with('+') {
            return None;
        }
        let currency = Currency::parse(currency).ok()?;
        Some(TaskKey {
            due_date: Date::parse(due).ok()?,
            amount: Money::from_minor(minor.parse().ok()?, currency),
            company: CompanyId::parse(company).ok()?,
            process: InvoiceId::parse(process).ok()?,
        })
    }
}

/// Ends the company id in [`TaskKey::sort_text`]: below `-`, the smallest byte of an id
/// (`A-Z a-z 0-9 - _`).
const ID_END: char = ' ';

/// `minor` as a `u64` whose order is the reverse of `minor`'s: flipping the sign bit maps `i64`
/// order onto `u64` order, and the complement reverses it.
fn largest_first(minor: i64) -> u64 {
    !(minor.cast_unsigned() ^ (1 << 63))
}

fn sort_name(sort: TaskSort) -> &'static str {
    match sort {
        TaskSort::DueDate => "due_date",
        TaskSort::Amount => "amount",
    }
}

/// The first `limit` of `tasks` in `sort`'s order that come after `after` (all, without it).
pub fn page<T>(
    tasks: impl IntoIterator<Item = (TaskKey, T)>,
    sort: TaskSort,
    after: Option<&TaskKey>,
    limit: usize,
) -> Vec<(TaskKey, T)> {
    listing::page_after(tasks, |a, b| a.cmp_by(b, sort), after, limit)
}

/// One page of the merged list and the cursor of the next (`listing::merged_page`):
/// `candidates` are each company's own page of `limit + 1` after the cursor.
pub fn merged_page<T>(
    candidates: impl IntoIterator<Item = (TaskKey, T)>,
    sort: TaskSort,
    after: Option<&TaskKey>,
    limit: usize,
) -> (Vec<T>, Option<String>) {
    let page = listing::merged_page(
        candidates,
        |a, b| a.cmp_by(b, sort),
        after,
        limit,
        |key| key.cursor(sort),
    );
    (page.items, page.next_cursor)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn key(due: &str, amount: i64, currency: &str, company: &str, process: &str) -> TaskKey {
        TaskKey {
            due_date: Date::parse(due).unwrap(),
            amount: Money::from_minor(amount, Currency::parse(currency).unwrap()),
            company: CompanyId::parse(company).unwrap(),
            process: InvoiceId::parse(process).unwrap(),
        }
    }

    fn sample() -> Vec<(TaskKey, &'static str)> {
        vec![
            (key("2026-12-03", 500, "NOK", "b", "p1"), "b-p1"),
            (key("2026-12-01", 100, "NOK", "a", "p2"), "a-p2"),
            (key("2026-12-01", 100, "NOK", "a", "p1"), "a-p1"),
            (key("2026-12-02", 900, "EUR", "b", "p2"), "b-p2"),
            (key("2026-12-01", 700, "NOK", "b", "p3"), "b-p3"),
        ]
    }

    fn names(rows: Vec<(TaskKey, &'static str)>) -> Vec<&'static str> {
        rows.into_iter().map(|(_, n)| n).collect()
    }

    #[test]
    fn by_due_date_earliest_first_larger_amount_first_then_company_and_process() {
        let all = names(page(sample(), TaskSort::DueDate, None, 10));
        assert_eq!(all, ["b-p3", "a-p1", "a-p2", "b-p2", "b-p1"]);
    }

    #[test]
    fn by_amount_per_currency_largest_first() {
        let all = names(page(sample(), TaskSort::Amount, None, 10));
        assert_eq!(all, ["b-p2", "b-p3", "b-p1", "a-p1", "a-p2"]);
    }

    #[test]
    fn a_page_starts_right_after_its_cursor_even_between_ties() {
        let first = page(sample(), TaskSort::DueDate, None, 2);
        let after = &first.last().unwrap().0;
        let cursor = after.cursor(TaskSort::DueDate);
        let back = TaskKey::from_cursor(&cursor, TaskSort::DueDate).unwrap();
        assert_eq!(&back, after);
        let rest = names(page(sample(), TaskSort::DueDate, Some(&back), 10));
        assert_eq!(rest, ["a-p2", "b-p2", "b-p1"]);
    }

    #[test]
    fn walking_every_page_lists_each_task_once_in_order() {
        for sort in [TaskSort::DueDate, TaskSort::Amount] {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let after = cursor
                    .as_deref()
                    .map(|c| TaskKey::from_cursor(c, sort).unwrap());
                // Each company answers its own page, as the ledgers do.
                let mut candidates = Vec::new();
                for company in ["a", "b"] {
                    let own = sample()
                        .into_iter()
                        .filter(|(k, _)| k.company.as_str() == company);
                    candidates.extend(page(own, sort, after.as_ref(), 2 + 1));
                }
                let (rows, next) = merged_page(candidates, sort, after.as_ref(), 2);
                seen.extend(rows);
                match next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            assert_eq!(seen, names(page(sample(), sort, None, 10)), "{sort:?}");
        }
    }

    #[test]
    fn the_last_page_has_no_next_cursor() {
        let (rows, next) = merged_page(sample(), TaskSort::DueDate, None, 5);
        assert_eq!(rows.len(), 5);
        assert_eq!(next, None);
        let (rows, next) = merged_page(sample(), TaskSort::DueDate, None, 4);
        assert_eq!(rows.len(), 4);
        assert!(next.is_some());
    }

    #[test]
    fn a_cursor_of_the_other_sort_or_a_broken_one_is_refused() {
        let cursor = key("2026-12-01", 100, "NOK", "a", "p1").cursor(TaskSort::DueDate);
        assert!(TaskKey::from_cursor(&cursor, TaskSort::DueDate).is_some());
        assert!(TaskKey::from_cursor(&cursor, TaskSort::Amount).is_none());
        for bad in [
            "",
            "due_date",
            "due_date.2026-13-01.NOK.100.a.p1",
            "due_date.2026-12-01.XXX.100.a.p1",
            "due_date.2026-12-01.NOK.ten.a.p1",
            "due_date.2026-12-01.NOK.+100.a.p1",
            "due_date.2026-12-01.NOK.100.a b.p1",
            "due_date.2026-12-01.NOK.100.a.p1.extra",
        ] {
            assert!(
                TaskKey::from_cursor(bad, TaskSort::DueDate).is_none(),
                "{bad}"
            );
        }
    }

    const SORTS: [TaskSort; 2] = [TaskSort::DueDate, TaskSort::Amount];

    #[test]
    fn sort_text_orders_edge_keys_as_cmp_by() {
        let mut keys: Vec<TaskKey> = sample().into_iter().map(|(k, _)| k).collect();
        for minor in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            keys.push(key("2026-12-01", minor, "NOK", "a", "p1"));
        }
        for (company, process) in [
            ("a-", "p"),
            ("a_", "p"),
            ("aB", "p"),
            ("A", "p"),
            ("a", "p"),
        ] {
            keys.push(key("2026-12-01", 100, "NOK", company, process));
        }
        keys.push(key("0001-01-01", 100, "JPY", "a", "p1"));
        keys.push(key("9999-12-31", 100, "KWD", "a", "p1"));
        for sort in SORTS {
            for a in &keys {
                for b in &keys {
                    let by_text = a.sort_text(sort).cmp(&b.sort_text(sort));
                    assert_eq!(by_text, a.cmp_by(b, sort), "{sort:?} {a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn every_currency_code_has_the_same_width_in_sort_text() {
        assert!(Currency::all()
            .all(|c| c.code().len() == 3 && c.code().bytes().all(|b| b.is_ascii_uppercase())));
    }

    /// A key, often tying with another: few dates, amounts, currencies and short ids that begin
    /// one another, besides any.
    fn any_key() -> impl Strategy<Value = TaskKey> {
        let date = prop_oneof![
            (1u16..=3).prop_map(|d| Date::from_ymd(2030, 5, d).unwrap()),
            (1u16..=9999, 1u16..=12, 1u16..=28)
                .prop_map(|(y, m, d)| Date::from_ymd(y, m, d).unwrap()),
        ];
        let minor = prop_oneof![-2i64..=2, any::<i64>()];
        let currency = prop_oneof![
            proptest::sample::select(vec!["NOK", "EUR"]),
            proptest::sample::select(Currency::all().map(|c| c.code()).collect::<Vec<_>>()),
        ];
        let id = || prop_oneof!["[a_-]{1,3}", "[A-Za-z0-9_-]{1,64}"];
        (date, minor, currency, id(), id()).prop_map(
            |(due_date, minor, currency, company, process)| TaskKey {
                due_date,
                amount: Money::from_minor(minor, Currency::parse(currency).unwrap()),
                company: CompanyId::parse(&company).unwrap(),
                process: InvoiceId::parse(&process).unwrap(),
            },
        )
    }

    proptest! {
        #[test]
        fn sort_text_is_order_preserving(a in any_key(), b in any_key()) {
            for sort in SORTS {
                prop_assert_eq!(a.sort_text(sort).cmp(&b.sort_text(sort)), a.cmp_by(&b, sort));
            }
        }

        /// What a ledger's `WHERE key > ? ORDER BY key LIMIT ?` answers is [`page`]'s answer.
        #[test]
        fn paging_by_sort_text_is_paging_by_key(
            keys in proptest::collection::vec(any_key(), 0..30),
            after in proptest::option::of(any_key()),
            limit in 1usize..8,
        ) {
            for sort in SORTS {
                let bound = after.as_ref().map(|k| k.sort_text(sort)).unwrap_or_default();
                let mut by_text: Vec<String> = keys
                    .iter()
                    .map(|k| k.sort_text(sort))
                    .filter(|t| *t > bound)
                    .collect();
                by_text.sort();
                by_text.truncate(limit);
                let by_key: Vec<String> = page(keys.iter().map(|k| (k.clone(), ())), sort, after.as_ref(), limit)
                    .into_iter()
                    .map(|(k, ())| k.sort_text(sort))
                    .collect();
                prop_assert_eq!(by_text, by_key);
            }
        }
    }
}
