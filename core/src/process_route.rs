//! The route a process keeps from its opening (issue 10): the version of the company's workflow
//! it started with and the steps that applied to it, with their approvers resolved then. A
//! workflow activated later changes no running process.
//!
//! Who may approve now, what an approval completes and when a process is stuck are decided here,
//! from the process's recorded approvals; `process::Process` applies them.
//!
//! The rules:
//! - Steps are decided in order; the step waiting is the first one not done.
//! - A person approves a process at most once (in the step waiting when they approve).
//! - "Any one": the step is done when one of its approvers approved it. "All": when every one of
//!   its approvers has approved the process (in this step or an earlier one).
//! - The workflow's four-eyes rule: when every step is done but fewer than `distinct_approvers`
//!   people approved, the last step waits for another of its approvers.
//! - A step waiting with nobody left who may approve it blocks the process, with a reason: it is
//!   never skipped.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::document::DocumentSummary;
use crate::ids::UserId;
use crate::process::{invoice_facts, Process, ProcessState};
use crate::warnings::WarningNote;
use crate::workflow::{route, Blocked, Directory, Needed, Route, Workflow};

/// One applying step as the process keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteStep {
    pub name: String,
    pub approvers: Vec<UserId>,
    pub needed: Needed,
    /// Who approved in this step, in order.
    #[serde(default)]
    pub approved_by: Vec<UserId>,
}

/// A process's route: its workflow version and the steps that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessRoute {
    pub workflow_version: u32,
    pub steps: Vec<RouteStep>,
    pub distinct_approvers: u8,
    /// Why the process is blocked, if it is.
    #[serde(default)]
    pub blocked: Option<Blocked>,
}

/// What the ledger routes a new process with: the company's active workflow and its active
/// Invoice Approvers now (the Worker reads them; the ledger adds what it knows of the supplier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    pub version: u32,
    pub workflow: Workflow,
    pub invoice_approvers: BTreeSet<UserId>,
}

impl Routing {
    /// The route of a new invoice `new` whose supplier's other processes in the company are
    /// `same_supplier`.
    pub fn route_for(&self, new: &DocumentSummary, same_supplier: &[&Process]) -> ProcessRoute {
        let facts = invoice_facts(new, same_supplier);
        let directory = Directory::of(self.invoice_approvers.clone(), &self.workflow);
        let resolved = route(&self.workflow, &facts, &directory);
        ProcessRoute::new(self.version, &self.workflow, &resolved)
    }
}

/// Why a user may not approve in the route now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteRefusal {
    /// The waiting step is `step` and the user is not one of its approvers (or approved already).
    NotYourStep {
        step: String,
    },
    Blocked(Blocked),
    Complete,
}

impl ProcessRoute {
    /// The route of a new process from `workflow` (version `version`) as `route` resolved it.
    pub fn new(version: u32, workflow: &Workflow, route: &Route) -> ProcessRoute {
        ProcessRoute {
            workflow_version: version,
            steps: route
                .applying()
                .map(|s| RouteStep {
                    name: s.name.clone(),
                    approvers: s.approvers.clone(),
                    needed: s.needed,
                    approved_by: Vec::new(),
                })
                .collect(),
            distinct_approvers: workflow.distinct_approvers.max(1),
            blocked: route.blocked.clone(),
        }
    }

    fn people(&self) -> BTreeSet<&UserId> {
        self.steps
            .iter()
            .flat_map(|s| s.approved_by.iter())
            .collect()
    }

    fn done(&self, step: &RouteStep, people: &BTreeSet<&UserId>) -> bool {
        match step.needed {
            Needed::AnyOne => !step.approved_by.is_empty(),
            Needed::All => step.approvers.iter().all(|a| people.contains(a)),
        }
    }

    /// The index of the step waiting for an approval, or `None` when the route is complete.
    pub fn waiting(&self) -> Option<usize> {
        let people = self.people();
        if let Some(i) = self.steps.iter().position(|s| !self.done(s, &people)) {
            return Some(i);
        }
        if people.len() < usize::from(self.distinct_approvers) && !self.steps.is_empty() {
            return Some(self.steps.len() - 1);
        }
        None
    }

    /// The step waiting, by name.
    pub fn waiting_step(&self) -> Option<&RouteStep> {
        self.waiting().map(|i| &self.steps[i])
    }

    pub fn is_complete(&self) -> bool {
        self.blocked.is_none() && self.waiting().is_none()
    }

    /// Who may approve now: the waiting step's approvers who have not approved the process.
    pub fn eligible(&self) -> Vec<UserId> {
        let people = self.people();
        match (&self.blocked, self.waiting()) {
            (None, Some(i)) => self.steps[i]
                .approvers
                .iter()
                .filter(|a| !people.contains(a))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The step `user` would approve now, or why they may not. A user the task was
    /// `forwarded` to approves the waiting step without being one of its approvers.
    pub fn check(&self, user: &UserId, forwarded: bool) -> Result<usize, RouteRefusal> {
        if let Some(blocked) = &self.blocked {
            return Err(RouteRefusal::Blocked(blocked.clone()));
        }
        let i = self.waiting().ok_or(RouteRefusal::Complete)?;
        let approved_before = self.people().contains(user);
        if (forwarded && !approved_before) || self.eligible().contains(user) {
            Ok(i)
        } else {
            Err(RouteRefusal::NotYourStep {
                step: self.steps[i].name.clone(),
            })
        }
    }

    /// Whether `user`'s approval now would complete the route.
    pub fn would_complete(&self, user: &UserId, forwarded: bool) -> bool {
        let mut next = self.clone();
        next.approve(user, forwarded).is_ok() && next.is_complete()
    }

    /// Records `user`'s approval in the waiting step; answers the step's name. When the next
    /// waiting step has nobody left who may approve it, the route becomes blocked.
    pub fn approve(&mut self, user: &UserId, forwarded: bool) -> Result<String, RouteRefusal> {
        let i = self.check(user, forwarded)?;
        self.steps[i].approved_by.push(user.clone());
        if let Some(next) = self.waiting() {
            if self.eligible().is_empty() {
                self.blocked = Some(Blocked::NoEligibleApprover {
                    step: self.steps[next].name.clone(),
                });
            }
        }
        Ok(self.steps[i].name.clone())
    }

    /// How many approvals the route needs at least: one per "any one" step, each approver of an
    /// "all" step, and at least `distinct_approvers`.
    pub fn required_approvals(&self) -> u8 {
        let mut people: BTreeSet<&UserId> = BTreeSet::new();
        let mut any = 0usize;
        for step in &self.steps {
            match step.needed {
                Needed::AnyOne => any += 1,
                Needed::All => people.extend(step.approvers.iter()),
            }
        }
        let n = (any + people.len()).max(usize::from(self.distinct_approvers));
        u8::try_from(n).unwrap_or(u8::MAX)
    }
}

/// The notes a list row and a detail show beside the warnings: the workflow's ([`route_note`]),
/// and where the task is now (forwarded, with a reviewer, postponed).
pub fn task_notes(process: &Process) -> Vec<WarningNote> {
    let mut notes: Vec<WarningNote> = route_note(process).into_iter().collect();
    if !process.state().is_open_task() {
        return notes;
    }
    let note = |kind: &str, message: String| WarningNote {
        kind: kind.to_owned(),
        message,
    };
    if let Some(review) = process.review() {
        let (who, question) = (&review.reviewer_name, &review.question);
        notes.push(note(
            "review_requested",
            crate::sentence!("Waiting for a review by {who}: {question}"),
        ));
    } else if let Some(forward) = process.forwarded() {
        let to = &forward.to_name;
        notes.push(match &forward.on_behalf_of {
            Some(absent) => note(
                "on_behalf_of",
                crate::sentence!("With {to}, the substitute, on behalf of {absent}."),
            ),
            None => note("forwarded", crate::sentence!("Forwarded to {to}.")),
        });
    }
    if let Some(until) = process.postponed_until() {
        notes.push(note(
            "postponed",
            crate::sentence!("Postponed until {until}."),
        ));
    }
    notes
}

/// The note a list row and a detail show for a process under a workflow: why it is blocked, or
/// which step it waits for ("Step 2 of 3: “CFO”."). `None` without a workflow or once decided.
pub fn route_note(process: &Process) -> Option<WarningNote> {
    let route = process.route()?;
    if *process.state() == ProcessState::Blocked {
        let reason = route.blocked.as_ref()?;
        return Some(WarningNote {
            kind: "blocked".to_owned(),
            message: crate::sentence!("Blocked: {reason}"),
        });
    }
    if !process.state().is_open_task() {
        return None;
    }
    let i = route.waiting()?;
    let (n, of, name) = (i + 1, route.steps.len(), &route.steps[i].name);
    Some(WarningNote {
        kind: "workflow_step".to_owned(),
        message: crate::sentence!("Step {n} of {of}: “{name}”."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{RoutedStep, Why};

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    fn users(names: &[&str]) -> Vec<UserId> {
        names.iter().map(|n| user(n)).collect()
    }

    fn step(name: &str, approvers: &[&str], needed: Needed) -> RouteStep {
        RouteStep {
            name: name.into(),
            approvers: users(approvers),
            needed,
            approved_by: Vec::new(),
        }
    }

    fn route(steps: Vec<RouteStep>, distinct: u8) -> ProcessRoute {
        ProcessRoute {
            workflow_version: 3,
            steps,
            distinct_approvers: distinct,
            blocked: None,
        }
    }

    #[test]
    fn steps_are_decided_in_order_by_their_own_approvers() {
        let mut r = route(
            vec![
                step("Budget owner", &["u-budget"], Needed::AnyOne),
                step("CFO", &["u-cfo"], Needed::AnyOne),
            ],
            2,
        );
        assert_eq!(r.required_approvals(), 2);
        assert_eq!(r.eligible(), users(&["u-budget"]));
        assert_eq!(
            r.check(&user("u-cfo"), false),
            Err(RouteRefusal::NotYourStep {
                step: "Budget owner".into()
            })
        );
        assert!(!r.would_complete(&user("u-budget"), false));
        assert_eq!(
            r.approve(&user("u-budget"), false),
            Ok("Budget owner".into())
        );
        assert_eq!(r.waiting_step().map(|s| s.name.as_str()), Some("CFO"));
        assert!(r.would_complete(&user("u-cfo"), false));
        assert_eq!(r.approve(&user("u-cfo"), false), Ok("CFO".into()));
        assert!(r.is_complete());
        assert_eq!(
            r.approve(&user("u-kari"), false),
            Err(RouteRefusal::Complete)
        );
        assert!(r.eligible().is_empty());
    }

    #[test]
    fn nobody_approves_twice_and_a_step_left_without_an_approver_blocks() {
        // Ola is the only approver of both steps: after his approval nobody may approve the
        // second, so the process is blocked rather than the step skipped.
        let mut r = route(
            vec![
                step("First", &["u-ola"], Needed::AnyOne),
                step("Second", &["u-ola"], Needed::AnyOne),
            ],
            1,
        );
        assert_eq!(r.approve(&user("u-ola"), false), Ok("First".into()));
        assert_eq!(
            r.blocked,
            Some(Blocked::NoEligibleApprover {
                step: "Second".into()
            })
        );
        assert!(!r.is_complete());
        assert!(matches!(
            r.check(&user("u-ola"), false),
            Err(RouteRefusal::Blocked(_))
        ));
    }

    #[test]
    fn an_all_step_needs_each_approver_and_counts_earlier_approvals() {
        let mut r = route(
            vec![
                step("Budget owner", &["u-budget"], Needed::AnyOne),
                step("Board", &["u-budget", "u-cfo", "u-kari"], Needed::All),
            ],
            1,
        );
        assert_eq!(r.required_approvals(), 4, "1 + 3 named, an upper bound");
        r.approve(&user("u-budget"), false).unwrap();
        // The budget owner's approval counts for the board, so two remain.
        assert_eq!(r.eligible(), users(&["u-cfo", "u-kari"]));
        assert!(!r.would_complete(&user("u-cfo"), false));
        r.approve(&user("u-cfo"), false).unwrap();
        assert!(r.would_complete(&user("u-kari"), false));
        r.approve(&user("u-kari"), false).unwrap();
        assert!(r.is_complete());
    }

    #[test]
    fn four_eyes_over_the_route_keeps_the_last_step_waiting_for_another_person() {
        let mut r = route(
            vec![step("Anyone", &["u-a", "u-b", "u-c"], Needed::AnyOne)],
            2,
        );
        assert_eq!(r.required_approvals(), 2);
        assert!(!r.would_complete(&user("u-a"), false));
        r.approve(&user("u-a"), false).unwrap();
        assert_eq!(r.waiting(), Some(0));
        assert_eq!(r.eligible(), users(&["u-b", "u-c"]));
        assert!(
            r.check(&user("u-a"), false).is_err(),
            "not the same person again"
        );
        assert!(r.would_complete(&user("u-b"), false));
        r.approve(&user("u-b"), false).unwrap();
        assert!(r.is_complete());
    }

    #[test]
    fn a_blocked_route_refuses_every_approval() {
        let mut r = route(vec![step("Only", &["u-a"], Needed::AnyOne)], 1);
        r.blocked = Some(Blocked::NoStepApplies);
        assert_eq!(
            r.check(&user("u-a"), false),
            Err(RouteRefusal::Blocked(Blocked::NoStepApplies))
        );
        assert!(!r.would_complete(&user("u-a"), false));
        assert!(r.eligible().is_empty());
        assert!(!r.is_complete());
    }

    #[test]
    fn a_new_route_keeps_only_the_applying_steps_and_the_version() {
        let workflow = Workflow {
            steps: Vec::new(),
            distinct_approvers: 0,
            groups: Default::default(),
        };
        let routed = |name: &str, applies: bool| RoutedStep {
            index: 0,
            name: name.into(),
            applies,
            why: Why::Always,
            approvers: if applies { users(&["u-a"]) } else { Vec::new() },
            needed: Needed::AnyOne,
        };
        let resolved = Route {
            steps: vec![routed("Applies", true), routed("Skipped", false)],
            blocked: None,
        };
        let r = ProcessRoute::new(7, &workflow, &resolved);
        assert_eq!(r.workflow_version, 7);
        assert_eq!(r.distinct_approvers, 1, "at least one approver");
        assert_eq!(r.steps.len(), 1);
        assert_eq!(r.steps[0].name, "Applies");
    }

    // ---- A process following its route ----

    use crate::dates::Timestamp;
    use crate::ids::InvoiceId;
    use crate::process::fixtures::document;
    use crate::process::{ProcessRefusal, ProcessState};
    use crate::token::ApprovalToken;

    fn routed(steps: Vec<RouteStep>, distinct: u8, blocked: Option<Blocked>) -> Process {
        let mut r = route(steps, distinct);
        r.blocked = blocked;
        Process::open_routed(
            InvoiceId::parse("c1_p1").unwrap(),
            document("300000.00", "NOK"),
            r,
            Timestamp(1),
        )
        .0
    }

    fn two_steps() -> Process {
        routed(
            vec![
                step("Budget owner", &["u-budget"], Needed::AnyOne),
                step("CFO", &["u-cfo"], Needed::AnyOne),
            ],
            2,
            None,
        )
    }

    #[test]
    fn a_routed_process_offers_approve_and_pay_only_on_the_last_step() {
        let mut p = two_steps();
        assert_eq!(p.required_approvals(), 2);
        assert_eq!(p.assignees(), Some(users(&["u-budget"])));
        assert_eq!(
            route_note(&p).map(|n| n.message),
            Some("Step 1 of 2: “Budget owner”.".into())
        );
        assert_eq!(
            p.check_approve_and_pay(&user("u-budget")),
            Err(ProcessRefusal::ApproveAndPayOnLastStep)
        );
        assert_eq!(
            p.approve(&user("u-cfo"), 1, Timestamp(2)),
            Err(ProcessRefusal::NotYourStep {
                step: "Budget owner".into()
            })
        );
        let t = p.approve(&user("u-budget"), 1, Timestamp(2)).unwrap();
        assert_eq!(t.state, ProcessState::AwaitingSecondApproval);
        assert_eq!(
            t.change.describe(),
            "Approved the step “Budget owner”; the step “CFO” is next."
        );
        assert_eq!(p.assignees(), Some(users(&["u-cfo"])));
        assert_eq!(p.check_approve_and_pay(&user("u-cfo")), Ok(()));
        p.approve_and_pay(&user("u-cfo"), 2, Timestamp(3)).unwrap();
        // Out of the bundle and back: the route is as it was.
        p.remove_from_bundle(&user("u-cfo"), 3, Timestamp(4))
            .unwrap();
        assert_eq!(p.assignees(), Some(users(&["u-cfo"])));
        p.approve_and_pay(&user("u-cfo"), 4, Timestamp(5)).unwrap();
        let token = ApprovalToken::from_random_bytes([7; 17]);
        let t = p
            .mark_signed(&user("u-cfo"), &token, 5, Timestamp(6))
            .unwrap();
        assert_eq!(t.state, ProcessState::PaymentApproved);
        assert!(p.route().unwrap().is_complete());
        assert_eq!(route_note(&p), None);
    }

    #[test]
    fn approving_the_last_step_approves_the_invoice() {
        let mut p = two_steps();
        p.approve(&user("u-budget"), 1, Timestamp(2)).unwrap();
        let t = p.approve(&user("u-cfo"), 2, Timestamp(3)).unwrap();
        assert_eq!(t.state, ProcessState::Approved);
        assert_eq!(
            t.change.describe(),
            "Approved the step “CFO”; the workflow is complete."
        );
    }

    #[test]
    fn a_blocked_process_is_on_no_list_and_can_only_be_rejected() {
        let mut p = routed(
            vec![step("CFO", &["u-cfo"], Needed::AnyOne)],
            1,
            Some(Blocked::NoStepApplies),
        );
        assert_eq!(*p.state(), ProcessState::Blocked);
        assert!(!p.state().is_open_task());
        assert_eq!(p.assignees(), Some(Vec::new()));
        assert_eq!(
            route_note(&p).map(|n| (n.kind, n.message)),
            Some((
                "blocked".into(),
                "Blocked: No step of the workflow applies to this invoice.".into()
            ))
        );
        assert_eq!(
            p.approve(&user("u-cfo"), 1, Timestamp(2)),
            Err(ProcessRefusal::Blocked {
                reason: Blocked::NoStepApplies
            })
        );
        let t = p
            .reject(&user("u-kari"), "Nobody can approve this.", 1, Timestamp(2))
            .unwrap();
        assert!(matches!(t.state, ProcessState::Rejected { .. }));
    }

    #[test]
    fn a_step_left_without_approvers_blocks_the_process_after_the_approval() {
        let mut p = routed(
            vec![
                step("First", &["u-ola"], Needed::AnyOne),
                step("Second", &["u-ola"], Needed::AnyOne),
            ],
            1,
            None,
        );
        let t = p.approve(&user("u-ola"), 1, Timestamp(2)).unwrap();
        assert_eq!(t.state, ProcessState::Blocked);
        assert!(t.change.describe().contains("blocked"));
    }

    #[test]
    fn on_a_routed_process_only_the_waiting_step_may_reject() {
        let mut p = two_steps();
        assert_eq!(
            p.reject(&user("u-cfo"), "Not mine to judge.", 1, Timestamp(2)),
            Err(ProcessRefusal::NotYourStep {
                step: "Budget owner".into()
            })
        );
        assert!(p
            .reject(&user("u-budget"), "Wrong project.", 1, Timestamp(2))
            .is_ok());
    }

    #[test]
    fn routing_judges_the_supplier_from_its_earlier_invoices() {
        use crate::workflow::{Approvers, Condition, Step};
        let workflow = Workflow {
            steps: vec![
                Step {
                    name: "Budget owner".into(),
                    condition: Condition::Always,
                    approvers: Approvers::Users {
                        users: users(&["u-budget"]),
                    },
                    needed: Needed::AnyOne,
                },
                Step {
                    name: "New supplier".into(),
                    condition: Condition::NewSupplier,
                    approvers: Approvers::Group { name: "cfo".into() },
                    needed: Needed::AnyOne,
                },
            ],
            distinct_approvers: 2,
            groups: [("cfo".to_owned(), users(&["u-cfo"]))].into(),
        };
        let routing = Routing {
            version: 2,
            workflow,
            invoice_approvers: users(&["u-budget", "u-cfo"]).into_iter().collect(),
        };
        let new = document("300000.00", "NOK");
        let r = routing.route_for(&new, &[]);
        assert_eq!(r.workflow_version, 2);
        assert_eq!(r.steps.len(), 2, "a supplier never approved is new");
        assert_eq!(r.blocked, None);

        // Once one of its invoices is approved, the supplier is known.
        let mut earlier = two_steps();
        earlier.approve(&user("u-budget"), 1, Timestamp(2)).unwrap();
        earlier.approve(&user("u-cfo"), 2, Timestamp(3)).unwrap();
        let r = routing.route_for(&new, &[&earlier]);
        assert_eq!(r.steps.len(), 1);
        assert_eq!(
            r.blocked,
            Some(Blocked::TooFewPeople {
                needed: 2,
                available: 1
            })
        );
    }

    // ---- Forward, review, postpone ----

    use crate::dates::Date;
    use crate::task_standing::TaskStanding;

    fn unrouted() -> Process {
        Process::open(
            InvoiceId::parse("c1_p2").unwrap(),
            document("500.00", "NOK"),
            None,
            Timestamp(1),
        )
        .0
    }

    #[test]
    fn a_forwarded_task_is_decided_by_the_person_it_went_to_in_its_step() {
        let mut p = two_steps();
        assert_eq!(
            p.forward(
                &user("u-budget"),
                &user("u-budget"),
                "Me",
                "Why",
                1,
                Timestamp(2)
            ),
            Err(ProcessRefusal::ToSelf)
        );
        assert!(matches!(
            p.forward(
                &user("u-budget"),
                &user("u-kari"),
                "Kari",
                " ",
                1,
                Timestamp(2)
            ),
            Err(ProcessRefusal::Comment(_))
        ));
        assert_eq!(
            p.forward(
                &user("u-cfo"),
                &user("u-kari"),
                "Kari",
                "Not mine",
                1,
                Timestamp(2)
            ),
            Err(ProcessRefusal::NotYourStep {
                step: "Budget owner".into()
            })
        );
        let t = p
            .forward(
                &user("u-budget"),
                &user("u-kari"),
                "Kari",
                "Kari owns this budget.",
                1,
                Timestamp(2),
            )
            .unwrap();
        assert_eq!(
            t.change.describe(),
            "Forwarded the task to Kari: Kari owns this budget."
        );
        assert_eq!(p.assignees(), Some(users(&["u-kari"])));
        assert_eq!(
            TaskStanding::of(&p, &user("u-budget")),
            TaskStanding::WithAnother
        );
        assert_eq!(
            TaskStanding::of(&p, &user("u-kari")),
            TaskStanding::CanDecide
        );
        assert!(task_notes(&p)
            .iter()
            .any(|n| n.message == "Forwarded to Kari."));
        assert_eq!(
            p.approve(&user("u-budget"), 2, Timestamp(3)),
            Err(ProcessRefusal::ForwardedToOther { to: "Kari".into() })
        );
        let t = p.approve(&user("u-kari"), 2, Timestamp(3)).unwrap();
        assert_eq!(
            t.change.describe(),
            "Approved the step “Budget owner”; the step “CFO” is next."
        );
        assert_eq!(p.forwarded(), None, "the forward ends with the decision");
        assert_eq!(p.assignees(), Some(users(&["u-cfo"])));
        // Nobody who approved already can take it over.
        assert_eq!(
            p.forward(
                &user("u-cfo"),
                &user("u-kari"),
                "Kari",
                "Again?",
                3,
                Timestamp(4)
            ),
            Err(ProcessRefusal::AlreadyApprovedBy {
                name: "Kari".into()
            })
        );
    }

    #[test]
    fn a_review_goes_to_the_reviewer_and_back_and_never_counts_as_an_approval() {
        let mut p = unrouted();
        assert_eq!(
            p.assignees(),
            None,
            "without a workflow every approver may decide"
        );
        p.request_review(
            &user("ola"),
            "Ola",
            &user("kari"),
            "Kari",
            "Was this delivered?",
            1,
            Timestamp(2),
        )
        .unwrap();
        assert_eq!(p.assignees(), Some(users(&["kari"])));
        assert_eq!(TaskStanding::of(&p, &user("kari")), TaskStanding::Reviewing);
        assert_eq!(
            TaskStanding::of(&p, &user("ola")),
            TaskStanding::WithAnother
        );
        assert_eq!(
            task_notes(&p)[0].message,
            "Waiting for a review by Kari: Was this delivered?"
        );
        assert_eq!(
            p.approve(&user("ola"), 2, Timestamp(3)),
            Err(ProcessRefusal::UnderReview {
                reviewer: "Kari".into()
            })
        );
        assert_eq!(
            p.answer_review(&user("ola"), "Yes", 2, Timestamp(3)),
            Err(ProcessRefusal::NotReviewer)
        );
        let t = p
            .answer_review(&user("kari"), "Yes, on the 3rd.", 2, Timestamp(3))
            .unwrap();
        assert_eq!(
            t.change.describe(),
            "Answered the review; the task is back with the approver: Yes, on the 3rd."
        );
        assert!(p.approvals().is_empty());
        assert_eq!(
            p.assignees(),
            Some(users(&["ola"])),
            "back with the approver who asked"
        );
        assert_eq!(
            p.answer_review(&user("kari"), "Again", 3, Timestamp(4)),
            Err(ProcessRefusal::NotReviewer)
        );
        assert_eq!(
            p.approve(&user("ola"), 3, Timestamp(4)).unwrap().state,
            ProcessState::Approved
        );
    }

    #[test]
    fn a_task_is_postponed_to_a_day_after_today_and_at_most_ninety_days_ahead() {
        let today = Date::parse("2026-11-30").unwrap();
        let day = |n| today.add_days(n).unwrap();
        let mut p = unrouted();
        for bad in [0, -1, 91] {
            assert_eq!(
                p.postpone(&user("ola"), day(bad), today, 1, Timestamp(2)),
                Err(ProcessRefusal::PostponeDay)
            );
        }
        let t = p
            .postpone(&user("ola"), day(7), today, 1, Timestamp(2))
            .unwrap();
        assert_eq!(t.change.describe(), "Postponed the task until 2026-12-07.");
        assert_eq!(p.postponed_until(), Some(day(7)));
        assert!(task_notes(&p).iter().any(|n| n.kind == "postponed"));
        p.approve(&user("ola"), 2, Timestamp(3)).unwrap();
        assert_eq!(p.postponed_until(), None);
        assert!(
            task_notes(&p).is_empty(),
            "a decided invoice has no task notes"
        );
    }

    #[test]
    fn a_substitute_stands_in_for_the_absent_approver_who_has_the_task() {
        let mut p = two_steps();
        let away = vec![(user("u-budget"), "Bjørn Budget".to_owned())];
        // Only for a task the absent approver has, and not for one the substitute has anyway.
        assert_eq!(p.stand_in_for(&user("u-kari"), &[]), None);
        assert_eq!(
            p.stand_in_for(&user("u-kari"), &[(user("u-cfo"), "Cfo".into())]),
            None
        );
        assert_eq!(p.stand_in_for(&user("u-budget"), &away), None);
        assert_eq!(
            p.stand_in(&user("u-kari"), "Kari", &away),
            Some("Bjørn Budget".to_owned())
        );
        assert_eq!(p.assignees(), Some(users(&["u-kari"])));
        assert_eq!(
            task_notes(&p)[1].message,
            "With Kari, the substitute, on behalf of Bjørn Budget."
        );
        let t = p.approve(&user("u-kari"), 1, Timestamp(2)).unwrap();
        assert_eq!(
            t.change.describe(),
            "Approved the step “Budget owner”; the step “CFO” is next."
        );
        assert_eq!(
            p.approvals()[0].user,
            user("u-kari"),
            "the substitute's own approval"
        );
        // A decided invoice needs nobody.
        let mut done = unrouted();
        done.approve(&user("ola"), 1, Timestamp(2)).unwrap();
        assert_eq!(
            done.stand_in_for(&user("kari"), &[(user("ola"), "Ola".into())]),
            None
        );
    }

    // ---- Escalation and who is told of a new task ----

    #[test]
    fn an_overdue_task_escalates_to_the_escalation_approver_once() {
        let mut p = two_steps();
        p.request_review(
            &user("u-budget"),
            "Budget",
            &user("u-kari"),
            "Kari",
            "Is this ours?",
            1,
            Timestamp(2),
        )
        .unwrap();
        p.postpone(
            &user("u-kari"),
            Date::parse("2030-05-01").unwrap(),
            Date::parse("2030-04-20").unwrap(),
            2,
            Timestamp(3),
        )
        .ok();
        let t = p
            .escalate(&user("u-boss"), "Boss", 2, Timestamp(4))
            .expect("escalated");
        assert_eq!(t.actor, None, "the hourly run did it");
        assert_eq!(
            t.change.describe(),
            "Escalated to Boss: the task is 2 working days overdue."
        );
        assert_eq!(p.assignees(), Some(users(&["u-boss"])));
        assert_eq!(p.review(), None, "an open review ends");
        assert_eq!(p.postponed_until(), None, "it is on the list again");
        let version = p.version();
        assert_eq!(p.escalate(&user("u-boss"), "Boss", 3, Timestamp(5)), None);
        assert_eq!(p.version(), version, "nothing changes the second time");
        // The escalation approver decides it in the waiting step.
        assert!(p.approve(&user("u-boss"), version, Timestamp(6)).is_ok());
    }

    #[test]
    fn nobody_who_approved_and_no_closed_task_is_escalated_to() {
        let mut p = two_steps();
        p.approve(&user("u-budget"), 1, Timestamp(2)).unwrap();
        assert_eq!(
            p.escalate(&user("u-budget"), "Budget", 2, Timestamp(3)),
            None
        );
        p.reject(&user("u-cfo"), "No.", 2, Timestamp(3)).unwrap();
        assert_eq!(p.escalate(&user("u-boss"), "Boss", 2, Timestamp(4)), None);
    }

    #[test]
    fn the_people_who_newly_have_a_task_are_told_once() {
        use crate::notify::{newly_assigned, NoticeKind};
        let opened = two_steps();
        let told = newly_assigned(None, &opened, 10).expect("a new task");
        assert_eq!(told.notice.kind, NoticeKind::NewTask);
        assert_eq!(told.to, Some(users(&["u-budget"])));
        assert_eq!(
            told.notice.id,
            format!("{}:new_task:1", opened.id().as_str())
        );
        // The next step's approver is told when the first step is approved.
        let mut p = opened.clone();
        p.approve(&user("u-budget"), 1, Timestamp(2)).unwrap();
        let told = newly_assigned(Some(&opened), &p, 11).unwrap();
        assert_eq!(told.to, Some(users(&["u-cfo"])));
        // A comment changes nobody's task.
        let before = p.clone();
        p.comment(&user("u-cfo"), "Looking.", Timestamp(3)).unwrap();
        assert_eq!(newly_assigned(Some(&before), &p, 12), None);
        // A review is told as a review, with the question.
        let before = p.clone();
        p.request_review(
            &user("u-cfo"),
            "Cfo",
            &user("u-kari"),
            "Kari",
            "Ours?",
            2,
            Timestamp(4),
        )
        .unwrap();
        let told = newly_assigned(Some(&before), &p, 13).unwrap();
        assert_eq!(told.notice.kind, NoticeKind::ReviewRequested);
        assert_eq!(told.notice.detail, "Cfo: Ours?");
        assert_eq!(told.to, Some(users(&["u-kari"])));
        // A decided task is nobody's.
        let before = p.clone();
        p.answer_review(&user("u-kari"), "Yes.", 3, Timestamp(5))
            .unwrap();
        let back = newly_assigned(Some(&before), &p, 14).unwrap();
        assert_eq!(back.notice.kind, NoticeKind::NewTask);
        assert_eq!(back.to, Some(users(&["u-cfo"])));
        let before = p.clone();
        p.reject(&user("u-cfo"), "No.", 4, Timestamp(6)).unwrap();
        assert_eq!(newly_assigned(Some(&before), &p, 15), None);
        // Without a workflow the task is every approver's: told at opening, not after.
        let free = unrouted();
        let told = newly_assigned(None, &free, 16).unwrap();
        assert_eq!(told.to, None);
        let later = free.clone();
        later.comment(&user("kari"), "Hm.", Timestamp(2)).unwrap();
        assert_eq!(newly_assigned(Some(&free), &later, 17), None);
    }
}
