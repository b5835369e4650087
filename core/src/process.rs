//! The invoice process: a state machine as pure data.
//!
//! ```text
//!                      approve (1 of 1) ──────────────────────────────▶ Approved
//!   AwaitingApproval ─ approve (1 of 2) ─▶ AwaitingSecondApproval ─ approve ─▶ Approved
//!          │  ▲                               │  ▲
//!          │  └── remove / cancel bundle ──┐  │  └── remove / cancel bundle ──┐
//!          └── approve_and_pay (1 of 1) ─▶ InBundle ◀── approve_and_pay ───────┘
//!                                             │
//!                                        mark_signed ─▶ PaymentApproved
//!   AwaitingApproval / AwaitingSecondApproval ── reject ─▶ Rejected
//! ```
//!
//! Every operation takes the version the caller last saw and refuses with
//! [`ProcessRefusal::Conflict`] when it differs, so of two approvers acting at once exactly one
//! wins (the Worker runs the read-check-write inside the process's Durable Object). Each change
//! bumps the version and returns a [`Transition`] for the Worker to write as an event.
//!
//! **Four eyes.** A company may set a threshold (an amount in its base currency). An invoice
//! *in that same currency* whose amount is strictly above the threshold needs two approvals from
//! two different users. Invoices in other currencies need one approval: without an exchange rate
//! they cannot be compared, and the core does not guess one. The number of approvals is fixed
//! when the process opens, so changing the setting later does not change invoices already in
//! progress. "Approve and pay" is only allowed on the approval that completes the process.
//!
//! An approval chosen with "Approve and pay" is provisional while the invoice is in the bundle:
//! it is recorded only when the bundle is signed. Removing the invoice from the bundle returns
//! it to the task list exactly as it was (with the first approval, if any).
//!
//! **Workflows.** A process opened under a company's active workflow keeps its route
//! ([`ProcessRoute`]: the version and the steps that applied, approvers resolved). Then who may
//! approve, what completes it and when it is stuck are the route's rules; the states stay these,
//! plus `Blocked` for a route that cannot go on (never a skipped step). A blocked invoice may only
//! be rejected.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::{Date, Timestamp};
use crate::document::DocumentSummary;
use crate::ids::{CompanyId, InvoiceId, UserId};
use crate::money::Money;
use crate::process_route::{ProcessRoute, RouteRefusal};
use crate::token::ApprovalToken;
use crate::warnings::{account_changed, duplicate_warnings, Warning};
use crate::workflow::{Blocked, InvoiceFacts};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// How many approvals an invoice needs: two when the company's four-eyes threshold is in the
/// invoice's currency and the amount is above it, otherwise one.
pub fn required_approvals(amount: Money, four_eyes_threshold: Option<Money>) -> u8 {
    match four_eyes_threshold {
        Some(threshold)
            if threshold.currency() == amount.currency() && amount.minor() > threshold.minor() =>
        {
            2
        }
        _ => 1,
    }
}

/// Why a comment was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum CommentError {
    #[error("The comment is empty.")]
    Empty,
    #[error("The comment is longer than {MAX_COMMENT_CHARS} characters.")]
    TooLong,
}

/// A comment or rejection reason: trimmed, 1 to 1000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Comment(String);

impl Comment {
    pub fn parse(text: &str) -> Result<Comment, CommentError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CommentError::Empty);
        }
        if text.chars().count() > MAX_COMMENT_CHARS {
            return Err(CommentError::TooLong);
        }
        Ok(Comment(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Comment {
    type Error = CommentError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Comment::parse(&text)
    }
}

impl From<Comment> for String {
    fn from(comment: Comment) -> String {
        comment.0
    }
}

/// One recorded approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub user: UserId,
    pub at: Timestamp,
}

/// Every process status key ([`ProcessState::name`]), in the order of an invoice's life (for
/// filters and badges; the words an approver reads are the SPA's translation files').
pub const STATUSES: [&str; 7] = [
    "awaiting_approval",
    "awaiting_second_approval",
    "blocked",
    "in_bundle",
    "approved",
    "payment_approved",
    "rejected",
];

/// Where an invoice is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ProcessState {
    AwaitingApproval,
    /// Four eyes: one approval given, a different approver must give the second.
    AwaitingSecondApproval,
    /// The workflow's route cannot go on (the reason is the route's): on nobody's task list.
    Blocked,
    /// Chosen with "Approve and pay" by `user`; waiting in that user's bundle for signing.
    InBundle {
        user: UserId,
    },
    /// Approved without pre-approving the payment.
    Approved,
    /// Approved and the payment pre-approved: the bundle was signed and a token issued.
    PaymentApproved,
    Rejected {
        by: UserId,
        comment: Comment,
    },
}

impl ProcessState {
    /// Whether the invoice is on approvers' task lists.
    pub fn is_open_task(&self) -> bool {
        matches!(
            self,
            ProcessState::AwaitingApproval | ProcessState::AwaitingSecondApproval
        )
    }

    /// `"awaiting_approval"`, … as in the serialized form, for filters.
    pub fn name(&self) -> &'static str {
        match self {
            ProcessState::AwaitingApproval => "awaiting_approval",
            ProcessState::AwaitingSecondApproval => "awaiting_second_approval",
            ProcessState::Blocked => "blocked",
            ProcessState::InBundle { .. } => "in_bundle",
            ProcessState::Approved => "approved",
            ProcessState::PaymentApproved => "payment_approved",
            ProcessState::Rejected { .. } => "rejected",
        }
    }
}

impl fmt::Display for ProcessState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProcessState::AwaitingApproval => "awaiting approval",
            ProcessState::AwaitingSecondApproval => "awaiting a second approval",
            ProcessState::Blocked => "blocked",
            ProcessState::InBundle { .. } => "in a bundle waiting for signing",
            ProcessState::Approved => "approved",
            ProcessState::PaymentApproved => "approved with payment approved",
            ProcessState::Rejected { .. } => "rejected",
        })
    }
}

/// Why an operation on a process was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProcessRefusal {
    /// HTTP 409: someone else acted first.
    #[error(
        "Someone else changed this invoice a moment ago; it is now {state}. Your action was not \
         applied. Reload to see what happened."
    )]
    Conflict { current_version: u64, state: String },
    #[error("This invoice is already approved.")]
    AlreadyApproved,
    #[error("This invoice was rejected.")]
    AlreadyRejected,
    #[error("This invoice is in a bundle waiting for signing. Remove it from the bundle first.")]
    InBundle,
    #[error(
        "You gave the first approval of this invoice. The second approval must come from a \
         different approver."
    )]
    SameApprover,
    #[error(
        "Approve and pay is offered only on the approval that completes the invoice. This \
         invoice needs two approvals: approve it, and the second approver can approve and pay."
    )]
    ApproveAndPayNeedsCompletingApproval,
    #[error("This invoice is not in a bundle.")]
    NotInBundle,
    #[error("This invoice is in another approver's bundle.")]
    NotYourBundle,
    #[error("{0}")]
    Comment(CommentError),
    #[error("This invoice waits for the step “{step}”, and you are not one of its approvers.")]
    NotYourStep { step: String },
    #[error("This invoice is blocked: {reason} It can only be rejected.")]
    Blocked { reason: Blocked },
    #[error(
        "Approve and pay is offered only on the approval that completes the workflow; this \
         invoice has steps after this one. Approve it, and the last step's approver can approve \
         and pay."
    )]
    ApproveAndPayOnLastStep,
    #[error(
        "This invoice waits for a review by {reviewer}; it can be decided when they have answered."
    )]
    UnderReview { reviewer: String },
    #[error("This invoice was forwarded to {to}; only they can decide it now.")]
    ForwardedToOther { to: String },
    #[error("Choose someone else: you cannot forward a task or ask for a review to yourself.")]
    ToSelf,
    #[error("{name} has approved this invoice already; choose someone who has not.")]
    AlreadyApprovedBy { name: String },
    #[error("You were not asked to review this invoice.")]
    NotReviewer,
    #[error("Postpone to a day after today and at most {MAX_POSTPONE_DAYS} days ahead.")]
    PostponeDay,
}

/// How far ahead a task may be postponed, in days.
pub const MAX_POSTPONE_DAYS: i64 = 90;

/// A task forwarded to someone (until they decide it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forward {
    pub to: UserId,
    pub to_name: String,
    /// A substitute standing in for this absent approver (by name), when that is why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

/// A review asked of someone: the task is with them until they answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub requested_by: UserId,
    pub requester_name: String,
    pub reviewer: UserId,
    pub reviewer_name: String,
    pub question: Comment,
}

/// What a change did, for the event the Worker writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Opened {
        required_approvals: u8,
        /// Under a workflow: its version and the steps that applied, by name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workflow: Option<OpenedRoute>,
    },
    /// `complete` is false for the first of two approvals (or a step before the last).
    Approved {
        complete: bool,
        /// Under a workflow: the step approved, the step waiting next, or why it is blocked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<StepApproved>,
    },
    AddedToBundle,
    RemovedFromBundle,
    BundleCancelled,
    PaymentApproved {
        token_last_four: String,
    },
    Rejected {
        comment: Comment,
    },
    Commented {
        text: Comment,
    },
    Forwarded {
        to_name: String,
        comment: Comment,
    },
    ReviewRequested {
        reviewer_name: String,
        question: Comment,
    },
    ReviewAnswered {
        answer: Comment,
    },
    Postponed {
        until: Date,
    },
    /// The hourly run handed an overdue task to the company's escalation approver.
    Escalated {
        to_name: String,
        working_days_overdue: u32,
    },
}

/// The workflow a process opened under, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedRoute {
    pub version: u32,
    pub steps: Vec<String>,
    pub blocked: Option<Blocked>,
}

/// A workflow step approved, for the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepApproved {
    pub step: String,
    pub next: Option<String>,
    pub blocked: Option<Blocked>,
}

impl Change {
    /// A sentence for the history, without the actor (the Worker names them).
    pub fn describe(&self) -> String {
        match self {
            Change::Opened {
                workflow: Some(route),
                ..
            } => {
                let steps = route
                    .steps
                    .iter()
                    .map(|s| format!("“{s}”"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let version = route.version;
                match &route.blocked {
                    None => crate::sentence!(
                        "Received from the Document Center; follows workflow version {version}: \
                         {steps}."
                    ),
                    Some(reason) => crate::sentence!(
                        "Received from the Document Center under workflow version {version}, and \
                         blocked: {reason}"
                    ),
                }
            }
            Change::Approved {
                step: Some(approved),
                ..
            } => {
                let step = &approved.step;
                match (&approved.blocked, &approved.next) {
                    (Some(reason), _) => {
                        crate::sentence!(
                            "Approved the step “{step}”; the invoice is blocked: {reason}"
                        )
                    }
                    (None, Some(next)) => {
                        crate::sentence!("Approved the step “{step}”; the step “{next}” is next.")
                    }
                    (None, None) => {
                        crate::sentence!("Approved the step “{step}”; the workflow is complete.")
                    }
                }
            }
            Change::Opened {
                required_approvals: 1,
                ..
            } => crate::sentence!("Received from the Document Center; needs one approval."),
            Change::Opened { .. } => crate::sentence!(
                "Received from the Document Center; needs two approvals from different approvers."
            ),
            Change::Approved { complete: true, .. } => crate::sentence!("Approved."),
            Change::Approved {
                complete: false, ..
            } => {
                crate::sentence!("Gave the first approval; a second, different approver is needed.")
            }
            Change::AddedToBundle => crate::sentence!(
                "Chose Approve and pay; the invoice is in the bundle waiting for signing."
            ),
            Change::RemovedFromBundle => {
                crate::sentence!(
                    "Removed the invoice from the bundle; it is back on the task list."
                )
            }
            Change::BundleCancelled => {
                crate::sentence!(
                    "Cancelled approval of the bundle; the invoice is back on the task list."
                )
            }
            Change::PaymentApproved { token_last_four } => crate::sentence!(
                "Signed the bundle: approved, and the payment pre-approved with the token ending \
                 {token_last_four}."
            ),
            Change::Rejected { comment } => crate::sentence!("Rejected: {comment}"),
            Change::Commented { text } => crate::sentence!("Commented: {text}"),
            Change::Forwarded { to_name, comment } => {
                crate::sentence!("Forwarded the task to {to_name}: {comment}")
            }
            Change::ReviewRequested {
                reviewer_name,
                question,
            } => crate::sentence!("Asked {reviewer_name} for a review: {question}"),
            Change::ReviewAnswered { answer } => {
                crate::sentence!(
                    "Answered the review; the task is back with the approver: {answer}"
                )
            }
            Change::Postponed { until } => crate::sentence!("Postponed the task until {until}."),
            Change::Escalated {
                to_name,
                working_days_overdue,
            } => crate::sentence!(
                "Escalated to {to_name}: the task is {working_days_overdue} working days overdue."
            ),
        }
    }
}

/// One thing that happened to a process: who, when, what, and the state after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub process_id: InvoiceId,
    pub company_id: CompanyId,
    /// `None` for what the system did (opening from the Document Center).
    pub actor: Option<UserId>,
    pub at: Timestamp,
    pub change: Change,
    pub state: ProcessState,
    /// The process version after the change (unchanged for a comment).
    pub version: u64,
}

/// An invoice process. The fields are read through methods and changed only by the operations
/// below, so every stored process went through the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    id: InvoiceId,
    company_id: CompanyId,
    document: DocumentSummary,
    state: ProcessState,
    required_approvals: u8,
    approvals: Vec<Approval>,
    version: u64,
    payment_approved: bool,
    token_last_four: Option<String>,
    opened_at: Timestamp,
    /// The workflow route it follows; `None` for a process without a workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    route: Option<ProcessRoute>,
    /// Forwarded to someone, until they decide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    forwarded: Option<Forward>,
    /// A review asked and not answered yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    review: Option<Review>,
    /// Off the task list until this day (it still counts as overdue when due).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    postponed_until: Option<Date>,
}

impl Process {
    /// A new process for a document, awaiting approval, at version 1. `four_eyes_threshold` is
    /// the company's setting as an amount in its base currency.
    pub fn open(
        id: InvoiceId,
        document: DocumentSummary,
        four_eyes_threshold: Option<Money>,
        now: Timestamp,
    ) -> (Process, Transition) {
        let required = required_approvals(document.amount, four_eyes_threshold);
        let process = Process {
            id,
            company_id: document.company_id.clone(),
            document,
            state: ProcessState::AwaitingApproval,
            required_approvals: required,
            approvals: Vec::new(),
            version: 1,
            payment_approved: false,
            token_last_four: None,
            opened_at: now,
            route: None,
            forwarded: None,
            review: None,
            postponed_until: None,
        };
        let transition = process.transition(
            None,
            now,
            Change::Opened {
                required_approvals: required,
                workflow: None,
            },
        );
        (process, transition)
    }

    /// A new process following `route` (the company's active workflow as it applies to this
    /// invoice): awaiting approval, or blocked when the route cannot start.
    pub fn open_routed(
        id: InvoiceId,
        document: DocumentSummary,
        route: ProcessRoute,
        now: Timestamp,
    ) -> (Process, Transition) {
        let required = route.required_approvals();
        let opened = OpenedRoute {
            version: route.workflow_version,
            steps: route.steps.iter().map(|s| s.name.clone()).collect(),
            blocked: route.blocked.clone(),
        };
        let process = Process {
            id,
            company_id: document.company_id.clone(),
            document,
            state: if route.blocked.is_some() {
                ProcessState::Blocked
            } else {
                ProcessState::AwaitingApproval
            },
            required_approvals: required,
            approvals: Vec::new(),
            version: 1,
            payment_approved: false,
            token_last_four: None,
            opened_at: now,
            route: Some(route),
            forwarded: None,
            review: None,
            postponed_until: None,
        };
        let transition = process.transition(
            None,
            now,
            Change::Opened {
                required_approvals: required,
                workflow: Some(opened),
            },
        );
        (process, transition)
    }

    /// The workflow route it follows, if any.
    pub fn route(&self) -> Option<&ProcessRoute> {
        self.route.as_ref()
    }

    /// Who has the task now: the reviewer while a review is open, the person it was forwarded
    /// to, or the waiting step's eligible approvers under a workflow; `None` when every Invoice
    /// Approver of the company may decide it.
    pub fn assignees(&self) -> Option<Vec<UserId>> {
        if let Some(review) = &self.review {
            return Some(vec![review.reviewer.clone()]);
        }
        if let Some(forward) = &self.forwarded {
            return Some(vec![forward.to.clone()]);
        }
        self.route.as_ref().map(ProcessRoute::eligible)
    }

    pub fn forwarded(&self) -> Option<&Forward> {
        self.forwarded.as_ref()
    }

    pub fn review(&self) -> Option<&Review> {
        self.review.as_ref()
    }

    pub fn postponed_until(&self) -> Option<Date> {
        self.postponed_until
    }

    fn forwarded_to(&self, user: &UserId) -> bool {
        self.forwarded.as_ref().is_some_and(|f| &f.to == user)
    }

    /// Forwards the task to `to` (an active Invoice Approver of the company, checked by the
    /// caller) with a comment saying why; only they decide it then.
    #[allow(clippy::too_many_arguments)]
    pub fn forward(
        &mut self,
        user: &UserId,
        to: &UserId,
        to_name: &str,
        comment: &str,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        let comment = self.check_hand_over(user, to, to_name, comment, expected_version)?;
        self.forwarded = Some(Forward {
            to: to.clone(),
            to_name: to_name.to_owned(),
            on_behalf_of: None,
        });
        let change = Change::Forwarded {
            to_name: to_name.to_owned(),
            comment,
        };
        Ok(self.changed(Some(user), now, change))
    }

    /// Asks `reviewer` a question: the task is with them until they answer, and a review never
    /// counts as an approval.
    #[allow(clippy::too_many_arguments)]
    pub fn request_review(
        &mut self,
        user: &UserId,
        user_name: &str,
        reviewer: &UserId,
        reviewer_name: &str,
        question: &str,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        let question =
            self.check_hand_over(user, reviewer, reviewer_name, question, expected_version)?;
        self.review = Some(Review {
            requested_by: user.clone(),
            requester_name: user_name.to_owned(),
            reviewer: reviewer.clone(),
            reviewer_name: reviewer_name.to_owned(),
            question: question.clone(),
        });
        let change = Change::ReviewRequested {
            reviewer_name: reviewer_name.to_owned(),
            question,
        };
        Ok(self.changed(Some(user), now, change))
    }

    /// The reviewer's answer: the task goes back to the approver who asked.
    pub fn answer_review(
        &mut self,
        user: &UserId,
        answer: &str,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_open()?;
        let review = match &self.review {
            Some(review) if &review.reviewer == user => review.clone(),
            _ => return Err(ProcessRefusal::NotReviewer),
        };
        let answer = Comment::parse(answer).map_err(ProcessRefusal::Comment)?;
        self.review = None;
        self.forwarded = Some(Forward {
            to: review.requested_by,
            to_name: review.requester_name,
            on_behalf_of: None,
        });
        Ok(self.changed(Some(user), now, Change::ReviewAnswered { answer }))
    }

    /// Takes the task off the lists until `until` (after `today`, at most
    /// [`MAX_POSTPONE_DAYS`] ahead). It still counts as overdue when due.
    pub fn postpone(
        &mut self,
        user: &UserId,
        until: Date,
        today: Date,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_assignee(user)?;
        let ahead = today.days_until(until);
        if !(1..=MAX_POSTPONE_DAYS).contains(&ahead) {
            return Err(ProcessRefusal::PostponeDay);
        }
        self.postponed_until = Some(until);
        Ok(self.changed(Some(user), now, Change::Postponed { until }))
    }

    /// Which of `absent` (users `user` substitutes for today, with their names) has this task
    /// now while `user` does not: the one `user` decides it on behalf of.
    pub fn stand_in_for<'a>(
        &self,
        user: &UserId,
        absent: &'a [(UserId, String)],
    ) -> Option<&'a (UserId, String)> {
        if !self.state.is_open_task() || self.review.is_some() {
            return None;
        }
        let assignees = self.assignees()?;
        if assignees.contains(user) || self.approvals.iter().any(|a| &a.user == user) {
            return None;
        }
        absent.iter().find(|(id, _)| assignees.contains(id))
    }

    /// A substitute takes over the task of the absent approver `absent` (who has it now), to
    /// decide it on their behalf with their own roles and two-step verification: it is handed to
    /// the substitute as a forward that names the absent approver. Part of the action that
    /// follows, in the same ledger command (no version of its own).
    pub fn stand_in(
        &mut self,
        user: &UserId,
        user_name: &str,
        absent: &[(UserId, String)],
    ) -> Option<String> {
        let (_, absent_name) = self.stand_in_for(user, absent)?.clone();
        self.forwarded = Some(Forward {
            to: user.clone(),
            to_name: user_name.to_owned(),
            on_behalf_of: Some(absent_name.clone()),
        });
        Some(absent_name)
    }

    /// The hourly run hands an overdue task to the company's escalation approver `to` (an active
    /// Invoice Approver of the company, checked by the caller): it is forwarded to them (an open
    /// review ends), with an event and no actor. `None`, changing nothing, when the task is not
    /// open, `to` has it already, or `to` approved it before (nobody decides twice).
    pub fn escalate(
        &mut self,
        to: &UserId,
        to_name: &str,
        working_days_overdue: u32,
        now: Timestamp,
    ) -> Option<Transition> {
        if !self.state.is_open_task() || self.approvals.iter().any(|a| &a.user == to) {
            return None;
        }
        if self.assignees().is_some_and(|has| has == [to.clone()]) {
            return None;
        }
        self.review = None;
        self.postponed_until = None;
        self.forwarded = Some(Forward {
            to: to.clone(),
            to_name: to_name.to_owned(),
            on_behalf_of: None,
        });
        let change = Change::Escalated {
            to_name: to_name.to_owned(),
            working_days_overdue,
        };
        Some(self.changed(None, now, change))
    }

    /// `user` has the task at `expected_version` and may hand it to `to`, who has not approved
    /// it, saying why in `text` (a forward's comment, a review's question): answers the text.
    fn check_hand_over(
        &self,
        user: &UserId,
        to: &UserId,
        to_name: &str,
        text: &str,
        expected_version: u64,
    ) -> Result<Comment, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_assignee(user)?;
        if to == user {
            return Err(ProcessRefusal::ToSelf);
        }
        if self.approvals.iter().any(|a| &a.user == to) {
            return Err(ProcessRefusal::AlreadyApprovedBy {
                name: to_name.to_owned(),
            });
        }
        Comment::parse(text).map_err(ProcessRefusal::Comment)
    }

    pub fn id(&self) -> &InvoiceId {
        &self.id
    }

    pub fn company_id(&self) -> &CompanyId {
        &self.company_id
    }

    pub fn document(&self) -> &DocumentSummary {
        &self.document
    }

    pub fn state(&self) -> &ProcessState {
        &self.state
    }

    /// 1, or 2 under four eyes.
    pub fn required_approvals(&self) -> u8 {
        self.required_approvals
    }

    /// Recorded approvals, oldest first (an "Approve and pay" approval only once signed).
    pub fn approvals(&self) -> &[Approval] {
        &self.approvals
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// "Payment approved" in the process overview.
    pub fn payment_approved(&self) -> bool {
        self.payment_approved
    }

    /// The last four characters of the approval token; the token itself is never kept here.
    pub fn token_last_four(&self) -> Option<&str> {
        self.token_last_four.as_deref()
    }

    pub fn opened_at(&self) -> Timestamp {
        self.opened_at
    }

    /// Whether `user`'s approval now would complete the process, which is when "Approve and
    /// pay" may be offered. Does not check roles or prerequisites (see `readiness`).
    pub fn check_approve_and_pay(&self, user: &UserId) -> Result<(), ProcessRefusal> {
        self.check_can_approve(user)?;
        if let Some(route) = &self.route {
            return if route.would_complete(user, self.forwarded_to(user)) {
                Ok(())
            } else {
                Err(ProcessRefusal::ApproveAndPayOnLastStep)
            };
        }
        if self.approvals.len() + 1 < usize::from(self.required_approvals) {
            return Err(ProcessRefusal::ApproveAndPayNeedsCompletingApproval);
        }
        Ok(())
    }

    /// Approve without pre-approving the payment.
    pub fn approve(
        &mut self,
        user: &UserId,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_can_approve(user)?;
        self.approvals.push(Approval {
            user: user.clone(),
            at: now,
        });
        let step = self.route_approve(user)?;
        self.forwarded = None;
        self.postponed_until = None;
        let complete = match &self.route {
            Some(route) => route.is_complete(),
            None => self.approvals.len() >= usize::from(self.required_approvals),
        };
        self.state = match &step {
            Some(StepApproved {
                blocked: Some(_), ..
            }) => ProcessState::Blocked,
            _ if complete => ProcessState::Approved,
            _ => ProcessState::AwaitingSecondApproval,
        };
        Ok(self.changed(Some(user), now, Change::Approved { complete, step }))
    }

    /// Records `user`'s approval in the route, if the process has one.
    fn route_approve(&mut self, user: &UserId) -> Result<Option<StepApproved>, ProcessRefusal> {
        let Some(route) = &mut self.route else {
            return Ok(None);
        };
        let forwarded = self.forwarded.as_ref().is_some_and(|f| &f.to == user);
        let step = route.approve(user, forwarded).map_err(route_refusal)?;
        Ok(Some(StepApproved {
            step,
            next: route.waiting_step().map(|s| s.name.clone()),
            blocked: route.blocked.clone(),
        }))
    }

    /// "Approve and pay": moves the invoice into `user`'s bundle. Allowed only when this
    /// approval completes the process.
    pub fn approve_and_pay(
        &mut self,
        user: &UserId,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_approve_and_pay(user)?;
        self.state = ProcessState::InBundle { user: user.clone() };
        Ok(self.changed(Some(user), now, Change::AddedToBundle))
    }

    /// Takes the invoice out of `user`'s bundle, back to the task list as it was.
    pub fn remove_from_bundle(
        &mut self,
        user: &UserId,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.leave_bundle(user, expected_version, now, Change::RemovedFromBundle)
    }

    /// "Cancel approval" on the whole bundle, applied to this invoice: the same as removing it,
    /// recorded as a cancellation.
    pub fn cancel_bundle(
        &mut self,
        user: &UserId,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.leave_bundle(user, expected_version, now, Change::BundleCancelled)
    }

    /// The bundle holding this invoice was signed by `signer` and `token` issued for it: the
    /// approval is recorded and the payment is approved.
    pub fn mark_signed(
        &mut self,
        signer: &UserId,
        token: &ApprovalToken,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_bundle_owner(signer)?;
        self.approvals.push(Approval {
            user: signer.clone(),
            at: now,
        });
        // "Approve and pay" was allowed only where this approval completes the route.
        self.route_approve(signer)?;
        self.state = ProcessState::PaymentApproved;
        self.payment_approved = true;
        let last_four = token.last_four().to_owned();
        self.token_last_four = Some(last_four.clone());
        Ok(self.changed(
            Some(signer),
            now,
            Change::PaymentApproved {
                token_last_four: last_four,
            },
        ))
    }

    /// Rejects the invoice; a comment saying why is required.
    pub fn reject(
        &mut self,
        user: &UserId,
        comment: &str,
        expected_version: u64,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        if self.state != ProcessState::Blocked {
            self.check_assignee(user)?;
        }
        let comment = Comment::parse(comment).map_err(ProcessRefusal::Comment)?;
        self.state = ProcessState::Rejected {
            by: user.clone(),
            comment: comment.clone(),
        };
        Ok(self.changed(Some(user), now, Change::Rejected { comment }))
    }

    /// A comment on the invoice, in any state. It changes no state, so it needs no version and
    /// does not bump it; the Worker records the returned transition as an event.
    pub fn comment(
        &self,
        user: &UserId,
        text: &str,
        now: Timestamp,
    ) -> Result<Transition, ProcessRefusal> {
        let text = Comment::parse(text).map_err(ProcessRefusal::Comment)?;
        Ok(self.transition(Some(user), now, Change::Commented { text }))
    }

    fn leave_bundle(
        &mut self,
        user: &UserId,
        expected_version: u64,
        now: Timestamp,
        change: Change,
    ) -> Result<Transition, ProcessRefusal> {
        self.check_version(expected_version)?;
        self.check_bundle_owner(user)?;
        // The bundled approval was never recorded, so the recorded approvals tell the way back.
        self.state = if self.approvals.is_empty() {
            ProcessState::AwaitingApproval
        } else {
            ProcessState::AwaitingSecondApproval
        };
        Ok(self.changed(Some(user), now, change))
    }

    fn check_version(&self, expected: u64) -> Result<(), ProcessRefusal> {
        if expected == self.version {
            Ok(())
        } else {
            Err(ProcessRefusal::Conflict {
                current_version: self.version,
                state: self.state.to_string(),
            })
        }
    }

    fn check_open(&self) -> Result<(), ProcessRefusal> {
        match self.state {
            ProcessState::AwaitingApproval | ProcessState::AwaitingSecondApproval => Ok(()),
            ProcessState::InBundle { .. } => Err(ProcessRefusal::InBundle),
            ProcessState::Blocked => Err(ProcessRefusal::Blocked {
                reason: self
                    .route
                    .as_ref()
                    .and_then(|r| r.blocked.clone())
                    .unwrap_or(Blocked::NoStepApplies),
            }),
            ProcessState::Approved | ProcessState::PaymentApproved => {
                Err(ProcessRefusal::AlreadyApproved)
            }
            ProcessState::Rejected { .. } => Err(ProcessRefusal::AlreadyRejected),
        }
    }

    /// `user` has the task now: it is open, not with a reviewer or another person it was
    /// forwarded to, and under a workflow its waiting step names them.
    fn check_assignee(&self, user: &UserId) -> Result<(), ProcessRefusal> {
        self.check_open()?;
        if let Some(review) = &self.review {
            return Err(ProcessRefusal::UnderReview {
                reviewer: review.reviewer_name.clone(),
            });
        }
        if let Some(forward) = self.forwarded.as_ref().filter(|f| &f.to != user) {
            return Err(ProcessRefusal::ForwardedToOther {
                to: forward.to_name.clone(),
            });
        }
        if let Some(route) = &self.route {
            if let Err(RouteRefusal::NotYourStep { step }) =
                route.check(user, self.forwarded_to(user))
            {
                return Err(ProcessRefusal::NotYourStep { step });
            }
        }
        Ok(())
    }

    fn check_can_approve(&self, user: &UserId) -> Result<(), ProcessRefusal> {
        self.check_open()?;
        if self.approvals.iter().any(|a| &a.user == user) {
            return Err(ProcessRefusal::SameApprover);
        }
        self.check_assignee(user)?;
        if let Some(route) = &self.route {
            route
                .check(user, self.forwarded_to(user))
                .map_err(route_refusal)?;
        }
        Ok(())
    }

    fn check_bundle_owner(&self, user: &UserId) -> Result<(), ProcessRefusal> {
        match &self.state {
            ProcessState::InBundle { user: owner } if owner == user => Ok(()),
            ProcessState::InBundle { .. } => Err(ProcessRefusal::NotYourBundle),
            _ => Err(ProcessRefusal::NotInBundle),
        }
    }

    fn changed(&mut self, actor: Option<&UserId>, at: Timestamp, change: Change) -> Transition {
        self.version += 1;
        self.transition(actor, at, change)
    }

    fn transition(&self, actor: Option<&UserId>, at: Timestamp, change: Change) -> Transition {
        Transition {
            process_id: self.id.clone(),
            company_id: self.company_id.clone(),
            actor: actor.cloned(),
            at,
            change,
            state: self.state.clone(),
            version: self.version,
        }
    }
}

fn route_refusal(refusal: RouteRefusal) -> ProcessRefusal {
    match refusal {
        RouteRefusal::NotYourStep { step } => ProcessRefusal::NotYourStep { step },
        RouteRefusal::Blocked(reason) => ProcessRefusal::Blocked { reason },
        RouteRefusal::Complete => ProcessRefusal::AlreadyApproved,
    }
}

/// The warnings a new process starts with, judged against the other processes of the same
/// supplier in the company: possible duplicates (rejected invoices excepted), and a supplier
/// account that differs from the one on the supplier's last approved invoice.
pub fn opening_warnings(new: &DocumentSummary, same_supplier: &[&Process]) -> Vec<Warning> {
    let comparable: Vec<DocumentSummary> = same_supplier
        .iter()
        .filter(|p| !matches!(p.state(), ProcessState::Rejected { .. }))
        .map(|p| p.document().clone())
        .collect();
    let mut warnings = duplicate_warnings(new, &comparable);
    warnings.extend(account_changed(new, last_approved(same_supplier)));
    warnings
}

/// The supplier's most recently approved invoice among `same_supplier`.
fn last_approved<'a>(same_supplier: &[&'a Process]) -> Option<&'a DocumentSummary> {
    same_supplier
        .iter()
        .filter(|p| {
            matches!(
                p.state(),
                ProcessState::Approved | ProcessState::PaymentApproved
            )
        })
        .max_by_key(|p| p.approvals().last().map(|a| a.at))
        .map(|p| p.document())
}

/// What a workflow's conditions are judged on for a new invoice: its amount and supplier; the
/// supplier is new when none of its invoices in the company was approved before, and its
/// account changed when it differs from the one on its last approved invoice.
pub fn invoice_facts(new: &DocumentSummary, same_supplier: &[&Process]) -> InvoiceFacts {
    let last = last_approved(same_supplier);
    InvoiceFacts {
        amount: new.amount,
        supplier_org_number: new.supplier.organisation_number.to_string(),
        supplier_is_new: last.is_none(),
        bank_account_changed: account_changed(new, last).is_some(),
    }
}

/// An invoice for the unit tests of processes and what reads them.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::document::{Document, DocumentRequest, DocumentSummary, SupplierRequest};

    /// INV-17 of Kontorrekvisita AS to company "acme": `amount` in `currency`, due 2026-03-31.
    pub(crate) fn document(amount: &str, currency: &str) -> DocumentSummary {
        let mut req = request();
        req.amount = amount.into();
        req.currency = currency.into();
        Document::parse(&req).unwrap().summary
    }

    /// The request [`document`] reads (12500.50 NOK), for tests that change a field of it.
    pub(crate) fn request() -> DocumentRequest {
        DocumentRequest {
            document_id: "dc-1".into(),
            company_id: "acme".into(),
            supplier: SupplierRequest {
                name: "Kontorrekvisita AS".into(),
                organisation_number: "923609016".into(),
                iban: Some("NO9386011117947".into()),
                ..SupplierRequest::default()
            },
            invoice_number: "INV-17".into(),
            invoice_date: "2026-03-01".into(),
            due_date: "2026-03-31".into(),
            amount: "12500.50".into(),
            currency: "NOK".into(),
            payment_reference: "1234567897".into(),
            pdf_base64: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::document;
    use super::*;

    use crate::document::{Document, DocumentRequest, SupplierRequest};
    use crate::money::Currency;

    const T0: Timestamp = Timestamp(1_772_000_000);
    const T1: Timestamp = Timestamp(1_772_000_060);

    #[test]
    fn every_state_has_one_labelled_status_and_unknown_keys_read_as_words() {
        let states = [
            ProcessState::AwaitingApproval,
            ProcessState::AwaitingSecondApproval,
            ProcessState::Blocked,
            ProcessState::InBundle { user: user("u") },
            ProcessState::Approved,
            ProcessState::PaymentApproved,
            ProcessState::Rejected {
                by: user("u"),
                comment: Comment::parse("no").unwrap(),
            },
        ];
        let keys: Vec<&str> = states.iter().map(ProcessState::name).collect();
        assert_eq!(keys, STATUSES, "one status per state, in order");
    }

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    fn nok(minor: i64) -> Money {
        Money::from_minor(minor, Currency::NOK)
    }

    /// One approver suffices (no threshold).
    fn single() -> Process {
        open_with(None)
    }

    /// 12 500.50 NOK above a 10 000 NOK threshold: four eyes.
    fn four_eyes() -> Process {
        open_with(Some(nok(1_000_000)))
    }

    fn open_with(threshold: Option<Money>) -> Process {
        let id = InvoiceId::parse("p-1").unwrap();
        Process::open(id, document("12500.50", "NOK"), threshold, T0).0
    }

    fn token() -> ApprovalToken {
        ApprovalToken::from_random_bytes([7; 17])
    }

    fn doc_with(id: &str, invoice: &str, iban: &str) -> DocumentSummary {
        let req = DocumentRequest {
            document_id: id.into(),
            company_id: "acme".into(),
            supplier: SupplierRequest {
                name: "Kontorrekvisita AS".into(),
                organisation_number: "923609016".into(),
                iban: Some(iban.into()),
                ..SupplierRequest::default()
            },
            invoice_number: invoice.into(),
            invoice_date: "2026-03-01".into(),
            due_date: "2026-03-31".into(),
            amount: "12500.50".into(),
            currency: "NOK".into(),
            payment_reference: "1234567897".into(),
            pdf_base64: None,
        };
        Document::parse(&req).unwrap().summary
    }

    fn other(id: &str, invoice: &str) -> Process {
        let doc = doc_with(id, invoice, "NO9386011117947");
        Process::open(InvoiceId::parse(id).unwrap(), doc, None, T0).0
    }

    #[test]
    fn a_new_process_of_a_known_invoice_number_warns_of_a_duplicate() {
        let new = doc_with("dc-1", "INV-17", "NO9386011117947");
        let old = other("dc-0", "INV-17");
        let warnings = opening_warnings(&new, &[&old]);
        assert!(
            matches!(warnings.as_slice(), [Warning::PossibleDuplicate { .. }]),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_rejected_invoice_is_no_duplicate() {
        let new = doc_with("dc-1", "INV-17", "NO9386011117947");
        let mut old = other("dc-0", "INV-17");
        old.reject(&user("ada"), "wrong", 1, T1).unwrap();
        assert_eq!(opening_warnings(&new, &[&old]), Vec::new());
    }

    #[test]
    fn a_new_account_against_the_last_approved_invoice_warns() {
        let new = doc_with("dc-1", "INV-99", "NO8330001234567");
        let mut old = other("dc-0", "INV-17");
        old.approve(&user("ada"), 1, T1).unwrap();
        let changed = |w: &Vec<Warning>| {
            w.iter()
                .any(|w| matches!(w, Warning::SupplierAccountChanged { .. }))
        };
        let warnings = opening_warnings(&new, &[&old]);
        assert!(changed(&warnings), "{warnings:?}");
        // Not yet approved: nothing to compare the account with.
        let pending = other("dc-2", "INV-2");
        assert!(!changed(&opening_warnings(&new, &[&pending])));
    }

    #[test]
    fn a_new_process_awaits_approval_at_version_one() {
        let id = InvoiceId::parse("p-1").unwrap();
        let (process, opened) = Process::open(id, document("10", "NOK"), None, T0);
        assert_eq!(process.state(), &ProcessState::AwaitingApproval);
        assert_eq!(process.version(), 1);
        assert!(!process.payment_approved());
        assert_eq!(opened.actor, None);
        assert_eq!(
            opened.change,
            Change::Opened {
                required_approvals: 1,
                workflow: None,
            }
        );
    }

    #[test]
    fn four_eyes_applies_only_above_the_threshold_in_the_same_currency() {
        let threshold = Some(nok(1_000_000));
        assert_eq!(required_approvals(nok(1_000_001), threshold), 2);
        assert_eq!(required_approvals(nok(1_000_000), threshold), 1);
        assert_eq!(required_approvals(nok(5), None), 1);
        let eur = Money::from_minor(99_999_999, Currency::EUR);
        assert_eq!(required_approvals(eur, threshold), 1);
    }

    #[test]
    fn one_approval_completes_an_invoice_below_the_threshold() {
        let mut p = single();
        let t = p.approve(&user("ola"), 1, T1).unwrap();
        assert_eq!(p.state(), &ProcessState::Approved);
        assert_eq!(p.version(), 2);
        assert_eq!(
            t.change,
            Change::Approved {
                complete: true,
                step: None
            }
        );
        assert_eq!(t.actor, Some(user("ola")));
        assert_eq!(t.version, 2);
        assert_eq!(p.approvals()[0].at, T1);
        assert!(!p.payment_approved());
    }

    #[test]
    fn four_eyes_needs_a_second_different_approver() {
        let mut p = four_eyes();
        let first = p.approve(&user("ola"), 1, T0).unwrap();
        assert_eq!(
            first.change,
            Change::Approved {
                complete: false,
                step: None
            }
        );
        assert_eq!(p.state(), &ProcessState::AwaitingSecondApproval);
        assert_eq!(
            p.approve(&user("ola"), 2, T1),
            Err(ProcessRefusal::SameApprover)
        );
        p.approve(&user("kari"), 2, T1).unwrap();
        assert_eq!(p.state(), &ProcessState::Approved);
        let approvers: Vec<_> = p.approvals().iter().map(|a| a.user.as_str()).collect();
        assert_eq!(approvers, ["ola", "kari"]);
    }

    #[test]
    fn approve_and_pay_is_refused_on_a_first_of_two_approvals() {
        let mut p = four_eyes();
        let refusal = p.approve_and_pay(&user("ola"), 1, T0).unwrap_err();
        assert_eq!(
            refusal,
            ProcessRefusal::ApproveAndPayNeedsCompletingApproval
        );
        assert!(refusal
            .to_string()
            .starts_with("Approve and pay is offered only"));
        assert_eq!(p.version(), 1, "a refusal changes nothing");
        p.approve(&user("ola"), 1, T0).unwrap();
        assert_eq!(
            p.approve_and_pay(&user("ola"), 2, T1),
            Err(ProcessRefusal::SameApprover)
        );
        p.approve_and_pay(&user("kari"), 2, T1).unwrap();
        assert_eq!(p.state(), &ProcessState::InBundle { user: user("kari") });
    }

    #[test]
    fn approve_and_pay_puts_the_invoice_in_the_bundle_without_recording_the_approval_yet() {
        let mut p = single();
        let t = p.approve_and_pay(&user("ola"), 1, T0).unwrap();
        assert_eq!(t.change, Change::AddedToBundle);
        assert!(p.approvals().is_empty());
        assert!(!p.state().is_open_task());
        assert_eq!(
            p.approve(&user("kari"), 2, T1),
            Err(ProcessRefusal::InBundle)
        );
    }

    #[test]
    fn removing_from_the_bundle_returns_to_the_state_before() {
        let mut p = single();
        p.approve_and_pay(&user("ola"), 1, T0).unwrap();
        let t = p.remove_from_bundle(&user("ola"), 2, T1).unwrap();
        assert_eq!(t.change, Change::RemovedFromBundle);
        assert_eq!(p.state(), &ProcessState::AwaitingApproval);
        assert_eq!(p.version(), 3);

        let mut p = four_eyes();
        p.approve(&user("ola"), 1, T0).unwrap();
        p.approve_and_pay(&user("kari"), 2, T0).unwrap();
        let t = p.cancel_bundle(&user("kari"), 3, T1).unwrap();
        assert_eq!(t.change, Change::BundleCancelled);
        assert_eq!(p.state(), &ProcessState::AwaitingSecondApproval);
        assert_eq!(p.approvals().len(), 1, "the first approval stays");
    }

    #[test]
    fn only_the_bundle_owner_can_remove_or_sign_an_invoice() {
        let mut p = single();
        assert_eq!(
            p.remove_from_bundle(&user("ola"), 1, T0),
            Err(ProcessRefusal::NotInBundle)
        );
        p.approve_and_pay(&user("ola"), 1, T0).unwrap();
        assert_eq!(
            p.cancel_bundle(&user("kari"), 2, T1),
            Err(ProcessRefusal::NotYourBundle)
        );
        assert_eq!(
            p.mark_signed(&user("kari"), &token(), 2, T1),
            Err(ProcessRefusal::NotYourBundle)
        );
    }

    #[test]
    fn signing_records_the_approval_and_approves_the_payment() {
        let mut p = single();
        p.approve_and_pay(&user("ola"), 1, T0).unwrap();
        let token = token();
        let t = p.mark_signed(&user("ola"), &token, 2, T1).unwrap();
        assert_eq!(p.state(), &ProcessState::PaymentApproved);
        assert!(p.payment_approved());
        assert_eq!(p.token_last_four(), Some(token.last_four()));
        assert_eq!(p.approvals()[0].user, user("ola"));
        assert_eq!(p.approvals()[0].at, T1);
        assert!(
            matches!(t.change, Change::PaymentApproved { ref token_last_four }
            if token_last_four == token.last_four())
        );
        assert!(!serde_json::to_string(&p).unwrap().contains(token.as_str()));
    }

    #[test]
    fn an_invoice_not_in_a_bundle_cannot_be_signed() {
        let mut p = single();
        assert_eq!(
            p.mark_signed(&user("ola"), &token(), 1, T0),
            Err(ProcessRefusal::NotInBundle)
        );
    }

    #[test]
    fn of_two_approvers_acting_on_the_same_version_exactly_one_wins() {
        let mut p = single();
        let seen = p.version();
        p.approve(&user("ola"), seen, T0).unwrap();
        let refusal = p.approve_and_pay(&user("kari"), seen, T0).unwrap_err();
        assert_eq!(
            refusal,
            ProcessRefusal::Conflict {
                current_version: 2,
                state: "approved".into()
            }
        );
        assert_eq!(
            refusal.to_string(),
            "Someone else changed this invoice a moment ago; it is now approved. Your action was \
             not applied. Reload to see what happened."
        );
        assert_eq!(p.version(), 2);
        assert_eq!(p.approvals().len(), 1);
    }

    #[test]
    fn a_stale_version_is_refused_before_any_other_rule() {
        let mut p = single();
        p.reject(&user("ola"), "Wrong amount", 1, T0).unwrap();
        assert!(matches!(
            p.approve(&user("kari"), 1, T1),
            Err(ProcessRefusal::Conflict { .. })
        ));
        assert_eq!(
            p.approve(&user("kari"), 2, T1),
            Err(ProcessRefusal::AlreadyRejected)
        );
    }

    #[test]
    fn rejecting_requires_a_comment() {
        let mut p = single();
        assert_eq!(
            p.reject(&user("ola"), "   ", 1, T0),
            Err(ProcessRefusal::Comment(CommentError::Empty))
        );
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(
            p.reject(&user("ola"), &long, 1, T0),
            Err(ProcessRefusal::Comment(CommentError::TooLong))
        );
        assert_eq!(p.version(), 1);
        let t = p.reject(&user("ola"), "  Not our order.  ", 1, T0).unwrap();
        assert_eq!(t.change.describe(), "Rejected: Not our order.");
        assert_eq!(
            p.state(),
            &ProcessState::Rejected {
                by: user("ola"),
                comment: Comment::parse("Not our order.").unwrap()
            }
        );
    }

    #[test]
    fn approved_or_bundled_invoices_cannot_be_rejected() {
        let mut p = single();
        p.approve(&user("ola"), 1, T0).unwrap();
        assert_eq!(
            p.reject(&user("kari"), "Too late", 2, T1),
            Err(ProcessRefusal::AlreadyApproved)
        );
        let mut p = single();
        p.approve_and_pay(&user("ola"), 1, T0).unwrap();
        assert_eq!(
            p.reject(&user("kari"), "No", 2, T1),
            Err(ProcessRefusal::InBundle)
        );
    }

    #[test]
    fn a_comment_is_recorded_in_any_state_without_changing_the_version() {
        let mut p = single();
        p.approve(&user("ola"), 1, T0).unwrap();
        let t = p
            .comment(&user("kari"), " Paid late last time. ", T1)
            .unwrap();
        assert_eq!(t.change.describe(), "Commented: Paid late last time.");
        assert_eq!(t.version, 2);
        assert_eq!(p.version(), 2);
        assert_eq!(
            p.comment(&user("kari"), "", T1),
            Err(ProcessRefusal::Comment(CommentError::Empty))
        );
    }

    #[test]
    fn the_four_eyes_rule_is_fixed_when_the_process_opens() {
        let p = four_eyes();
        assert_eq!(p.required_approvals(), 2);
        let id = InvoiceId::parse("p-2").unwrap();
        let (eur, _) = Process::open(id, document("20000", "EUR"), Some(nok(100)), T0);
        assert_eq!(eur.required_approvals(), 1);
    }

    #[test]
    fn a_process_and_its_transitions_serialize_with_snake_case_tags() {
        let mut p = single();
        let t = p.approve_and_pay(&user("ola"), 1, T0).unwrap();
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["change"]["kind"], "added_to_bundle");
        assert_eq!(json["state"]["state"], "in_bundle");
        assert_eq!(json["state"]["user"], "ola");
        let back: Process = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        let refusal = serde_json::to_value(ProcessRefusal::SameApprover).unwrap();
        assert_eq!(refusal["kind"], "same_approver");
    }
}
