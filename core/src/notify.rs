//! Notifications (issue 10): what a user is told and when — a new task, a review asked of them,
//! a task soon overdue, overdue or escalated, a bundle signed, a payment the bank rejected — and
//! the company webhook that carries the same events out: its signature and its retry schedule.
//! Pure: every time is passed in.

use std::collections::BTreeSet;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::dates::Date;
use crate::ids::UserId;
use crate::process::Process;
use crate::workflow::{due_state, Due};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum NoticeKind {
    NewTask,
    ReviewRequested,
    SoonOverdue,
    Overdue,
    Escalated,
    BundleSigned,
    PaymentRejected,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::NewTask,
        NoticeKind::ReviewRequested,
        NoticeKind::SoonOverdue,
        NoticeKind::Overdue,
        NoticeKind::Escalated,
        NoticeKind::BundleSigned,
        NoticeKind::PaymentRejected,
    ];

    /// Its name on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::NewTask => "new_task",
            NoticeKind::ReviewRequested => "review_requested",
            NoticeKind::SoonOverdue => "soon_overdue",
            NoticeKind::Overdue => "overdue",
            NoticeKind::Escalated => "escalated",
            NoticeKind::BundleSigned => "bundle_signed",
            NoticeKind::PaymentRejected => "payment_rejected",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One thing to tell, about one invoice (or one signed bundle). Stored as it is in each
/// recipient's notification list and sent as the webhook's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Notice {
    /// Unique per event and kind: told twice, it is stored and delivered once.
    pub id: String,
    pub kind: NoticeKind,
    pub company_id: String,
    /// The invoice's process; `None` for a signed bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    #[serde(default)]
    pub invoice_number: String,
    #[serde(default)]
    pub supplier_name: String,
    /// `1234.50 NOK`.
    #[serde(default)]
    pub amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schemars(with = "Option<String>", transform = crate::openapi::date)
    )]
    pub due_date: Option<Date>,
    /// Who forwarded or asked, the question, the bank's reason, how many invoices were signed.
    #[serde(default)]
    pub detail: String,
    /// Unix seconds.
    pub at: u64,
    /// Told to a substitute: the absent person it was for, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

impl Notice {
    /// A notice about `process`, with the id `{process}:{kind}:{event}` (`event` tells two
    /// notices of the same kind on the same process apart: the process version, or the day).
    pub fn about(
        process: &Process,
        kind: NoticeKind,
        event: &str,
        detail: impl Into<String>,
        at: u64,
    ) -> Notice {
        let document = process.document();
        Notice {
            id: format!("{}:{}:{event}", process.id().as_str(), kind.as_str()),
            kind,
            company_id: process.company_id().as_str().to_owned(),
            process_id: Some(process.id().as_str().to_owned()),
            invoice_number: document.invoice_number.as_str().to_owned(),
            supplier_name: document.supplier.name.as_str().to_owned(),
            amount: document.amount.to_string(),
            due_date: Some(document.due_date),
            detail: detail.into(),
            at,
            on_behalf_of: None,
        }
    }
}

impl Notice {
    /// The signer's own record of their signing of a bundle: this company's part of it, with
    /// how many invoices were approved and their payments pre-approved.
    pub fn bundle_signed(bundle_id: &str, company_id: &str, invoices: usize, at: u64) -> Notice {
        Notice {
            id: format!(
                "{bundle_id}:{company_id}:{}",
                NoticeKind::BundleSigned.as_str()
            ),
            kind: NoticeKind::BundleSigned,
            company_id: company_id.to_owned(),
            process_id: None,
            invoice_number: String::new(),
            supplier_name: String::new(),
            amount: String::new(),
            due_date: None,
            detail: invoices.to_string(),
            at,
            on_behalf_of: None,
        }
    }
}

impl Notice {
    /// A payment the bank rejected (`RejectedInBank`), with the bank's reason; told once per
    /// payment and status report.
    pub fn payment_rejected(
        row: &crate::api_autopay::PaymentRow,
        report_msg_id: &str,
        at: u64,
    ) -> Notice {
        Notice {
            id: format!(
                "{}:{}:{report_msg_id}",
                row.id,
                NoticeKind::PaymentRejected.as_str()
            ),
            kind: NoticeKind::PaymentRejected,
            company_id: row.company_id.clone(),
            process_id: row.process_id.clone(),
            invoice_number: row.end_to_end_id.clone(),
            supplier_name: row.creditor_name.clone(),
            amount: format!("{} {}", row.amount.value, row.amount.currency),
            due_date: None,
            detail: row.bank_reason.clone().unwrap_or_default(),
            at,
            on_behalf_of: None,
        }
    }
}

/// A notice and who gets it: the named users, or (`None`) every active Invoice Approver of the
/// company (a task without a workflow is everyone's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressed {
    pub notice: Notice,
    pub to: Option<Vec<UserId>>,
}

/// Who has the task after a change and did not before: they are told of a new task (or, when
/// the change asked them a question, of a review). `None` when nobody new has it.
pub fn newly_assigned(before: Option<&Process>, after: &Process, at: u64) -> Option<Addressed> {
    if !after.state().is_open_task() {
        return None;
    }
    let now = after.assignees();
    let earlier = before.filter(|b| b.state().is_open_task());
    let to = match (earlier.map(Process::assignees), now) {
        // Everyone's before and after: nobody is newly told.
        (Some(None), None) => return None,
        (_, None) => None,
        (Some(Some(had)), Some(has)) => {
            let had: BTreeSet<_> = had.into_iter().collect();
            let new: Vec<UserId> = has.into_iter().filter(|u| !had.contains(u)).collect();
            if new.is_empty() {
                return None;
            }
            Some(new)
        }
        (_, Some(has)) if has.is_empty() => return None,
        (_, Some(has)) => Some(has),
    };
    let (kind, detail) = match after.review() {
        Some(review) => (
            NoticeKind::ReviewRequested,
            format!("{}: {}", review.requester_name, review.question.as_str()),
        ),
        None => (
            NoticeKind::NewTask,
            after
                .forwarded()
                .map(|f| f.to_name.clone())
                .unwrap_or_default(),
        ),
    };
    let event = after.version().to_string();
    Some(Addressed {
        notice: Notice::about(after, kind, &event, detail, at),
        to,
    })
}

/// The reminders the hourly run sends for a task due on `due`, as of `today`, of those not
/// `sent` yet: soon overdue from `soon_days` before the due date, overdue after it, escalated
/// after `escalate_after` working days overdue. A task found overdue is not told it was soon
/// overdue; one found to escalate is told it is overdue too.
pub fn reminders_due(
    due: Date,
    today: Date,
    soon_days: u32,
    escalate_after: u32,
    sent: &[NoticeKind],
) -> Vec<NoticeKind> {
    let wanted: &[NoticeKind] = match due_state(due, today, soon_days, escalate_after) {
        Due::OnTime => &[],
        Due::SoonOverdue => &[NoticeKind::SoonOverdue],
        Due::Overdue => &[NoticeKind::Overdue],
        Due::Escalate => &[NoticeKind::Overdue, NoticeKind::Escalated],
    };
    wanted
        .iter()
        .copied()
        .filter(|k| !sent.contains(k))
        .collect()
}

/// The last day the hourly run needs to look at: tasks due on or before it may be owed a
/// reminder, later ones not yet (so the run reads only the due tasks, not every process).
pub fn last_due_day_to_remind(today: Date, soon_days: u32) -> Date {
    // Past the last date there is, every task is due: the last date there is.
    today.add_days(i64::from(soon_days)).unwrap_or(today)
}

// ---- The webhook ----

/// The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "x-approve-and-pay-signature";

/// The signature of a webhook body sent at `timestamp`: HMAC-SHA256 keyed with the company's
/// webhook secret over `"{timestamp}.{body}"`, so a receiver can refuse an old body replayed.
pub fn webhook_signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret);
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let Ok(mut mac) = mac else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest: [u8; 32] = mac.finalize().into_bytes().into();
    format!("t={timestamp},v1={}", hex(&digest))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Attempts before a delivery is given up.
pub const MAX_DELIVERY_ATTEMPTS: u32 = 8;

/// How long after a failed attempt (the `attempts`-th, from 1) the next one is due: 1 minute,
/// then doubling, at most 12 hours. `None` once [`MAX_DELIVERY_ATTEMPTS`] failed.
pub fn retry_after_seconds(attempts: u32) -> Option<u64> {
    if attempts >= MAX_DELIVERY_ATTEMPTS {
        return None;
    }
    let doubled = 60u64.saturating_mul(1u64 << attempts.saturating_sub(1).min(20));
    Some(doubled.min(12 * 3600))
}

/// How an answer of the receiver counts: any 2xx is delivered.
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet; tried again when due.
    Pending,
    Delivered,
    /// Every attempt failed.
    GaveUp,
}

/// A webhook address an administrator may set: `https://` (or `http://` to this machine, for
/// a local listener), no credentials, at most 500 characters.
pub fn check_webhook_url(url: &str) -> Result<(), WebhookUrlRefusal> {
    let url = url.trim();
    if url.is_empty() || url.len() > 500 {
        return Err(WebhookUrlRefusal::Invalid);
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if !matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return Err(WebhookUrlRefusal::NotHttps);
        }
        rest
    } else {
        return Err(WebhookUrlRefusal::NotHttps);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty()
        || authority.contains('@')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(WebhookUrlRefusal::Invalid);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlRefusal {
    #[error("The webhook address must start with https:// (http:// only to this machine).")]
    NotHttps,
    #[error("The webhook address is not a valid address (no spaces, no user name or password, at most 500 characters).")]
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn a_signed_bundle_is_told_once_per_company_part() {
        let a = Notice::bundle_signed("b1", "c1", 3, 10);
        assert_eq!(a.id, "b1:c1:bundle_signed");
        assert_eq!(a.detail, "3");
        assert_ne!(Notice::bundle_signed("b1", "c2", 3, 10).id, a.id);
        assert_ne!(Notice::bundle_signed("b2", "c1", 3, 10).id, a.id);
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(NoticeKind::parse("nope"), None);
    }

    #[test]
    fn reminders_follow_the_due_date_and_are_sent_once() {
        let due = day("2030-04-10"); // a Wednesday
                                     // Far ahead: nothing.
        assert!(reminders_due(due, day("2030-04-01"), 3, 2, &[]).is_empty());
        // Three days before, and on the day itself: soon overdue, once.
        assert_eq!(
            reminders_due(due, day("2030-04-07"), 3, 2, &[]),
            vec![NoticeKind::SoonOverdue]
        );
        assert_eq!(
            reminders_due(due, day("2030-04-10"), 3, 2, &[]),
            vec![NoticeKind::SoonOverdue]
        );
        assert!(reminders_due(due, day("2030-04-10"), 3, 2, &[NoticeKind::SoonOverdue]).is_empty());
        // The day after: overdue (soon overdue is not sent late).
        assert_eq!(
            reminders_due(due, day("2030-04-11"), 3, 2, &[]),
            vec![NoticeKind::Overdue]
        );
        assert!(reminders_due(due, day("2030-04-11"), 3, 2, &[NoticeKind::Overdue]).is_empty());
        // Two working days overdue: escalated (and overdue, if that was never sent).
        assert_eq!(
            reminders_due(due, day("2030-04-12"), 3, 2, &[NoticeKind::Overdue]),
            vec![NoticeKind::Escalated]
        );
        assert_eq!(
            reminders_due(due, day("2030-04-12"), 3, 2, &[]),
            vec![NoticeKind::Overdue, NoticeKind::Escalated]
        );
        assert!(reminders_due(
            due,
            day("2030-04-20"),
            3,
            2,
            &[NoticeKind::Overdue, NoticeKind::Escalated]
        )
        .is_empty());
    }

    #[test]
    fn escalation_counts_working_days_only() {
        let friday = day("2030-03-29");
        // Saturday and Sunday are not working days: Monday is the first.
        assert_eq!(
            reminders_due(friday, day("2030-03-31"), 3, 2, &[NoticeKind::Overdue]),
            Vec::<NoticeKind>::new()
        );
        assert!(reminders_due(friday, day("2030-04-01"), 3, 2, &[NoticeKind::Overdue]).is_empty());
        assert_eq!(
            reminders_due(friday, day("2030-04-02"), 3, 2, &[NoticeKind::Overdue]),
            vec![NoticeKind::Escalated]
        );
    }

    #[test]
    fn soon_overdue_of_zero_days_is_the_due_day_only() {
        let due = day("2030-04-10");
        assert!(reminders_due(due, day("2030-04-09"), 0, 2, &[]).is_empty());
        assert_eq!(
            reminders_due(due, day("2030-04-10"), 0, 2, &[]),
            vec![NoticeKind::SoonOverdue]
        );
    }

    #[test]
    fn the_run_reads_tasks_due_up_to_today_plus_soon_days() {
        assert_eq!(
            last_due_day_to_remind(day("2030-04-10"), 3),
            day("2030-04-13")
        );
        assert_eq!(
            last_due_day_to_remind(day("2030-04-10"), 0),
            day("2030-04-10")
        );
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_time_and_body() {
        // Computed independently:
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'secret'
        let signature = webhook_signature(b"secret", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            signature,
            "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
        assert_ne!(
            webhook_signature(b"other", 1_700_000_000, br#"{"a":1}"#),
            signature
        );
        assert_ne!(
            webhook_signature(b"secret", 1_700_000_001, br#"{"a":1}"#),
            signature
        );
    }

    #[test]
    fn retries_back_off_and_end() {
        assert_eq!(retry_after_seconds(1), Some(60));
        assert_eq!(retry_after_seconds(2), Some(120));
        assert_eq!(retry_after_seconds(3), Some(240));
        assert_eq!(retry_after_seconds(7), Some(3840));
        assert_eq!(retry_after_seconds(MAX_DELIVERY_ATTEMPTS), None);
        assert_eq!(retry_after_seconds(u32::MAX), None);
        assert!(delivered(200) && delivered(204) && !delivered(199) && !delivered(301));
        assert!(!delivered(500));
    }

    #[test]
    fn webhook_addresses_are_https_or_this_machine() {
        assert!(check_webhook_url("https://hooks.example.com/ap").is_ok());
        assert!(check_webhook_url("http://127.0.0.1:9999/hook").is_ok());
        assert!(check_webhook_url("http://localhost:8080").is_ok());
        assert_eq!(
            check_webhook_url("http://hooks.example.com/ap"),
            Err(WebhookUrlRefusal::NotHttps)
        );
        assert_eq!(
            check_webhook_url("ftp://x"),
            Err(WebhookUrlRefusal::NotHttps)
        );
        assert_eq!(
            check_webhook_url("https://user:pw@example.com"),
            Err(WebhookUrlRefusal::Invalid)
        );
        assert_eq!(
            check_webhook_url("https:// example.com"),
            Err(WebhookUrlRefusal::Invalid)
        );
        assert_eq!(
            check_webhook_url("https://"),
            Err(WebhookUrlRefusal::Invalid)
        );
        assert_eq!(
            check_webhook_url(&format!("https://example.com/{}", "a".repeat(500))),
            Err(WebhookUrlRefusal::Invalid)
        );
    }
}
