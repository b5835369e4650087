//! Where an invoice stands for the approver looking at it: the one state its task page shows.
//! An invoice in a bundle is neither decided nor open: it waits for its owner's signature, so
//! the page says so (and offers Remove from bundle to its owner) instead of "decided".

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::process::{Process, ProcessState};

/// What `user` can do with an invoice now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStanding {
    /// Open, and `user` may approve, approve and pay, or reject it.
    CanDecide,
    /// `user` gave the first of two approvals; a different approver must give the second.
    WaitingForSecondApprover,
    /// Under a workflow, it waits for a step whose approvers do not include `user`.
    OtherStep,
    /// It was forwarded to someone else, or waits for someone else's review.
    WithAnother,
    /// `user` was asked to review it: they answer, and it goes back to the approver.
    Reviewing,
    /// Its workflow cannot go on (the reason is among its notes): it can only be rejected.
    Blocked,
    /// `user` chose Approve and pay: it waits in their bundle for their signature.
    InYourBundle,
    /// Another approver chose Approve and pay: it waits in their bundle for their signature.
    InAnotherBundle,
    /// Approved (with or without the payment pre-approved) or rejected: nothing left to do.
    Decided,
}

impl TaskStanding {
    /// The standing of `process` for `user`.
    pub fn of(process: &Process, user: &UserId) -> TaskStanding {
        match process.state() {
            ProcessState::AwaitingApproval | ProcessState::AwaitingSecondApproval => {
                if process.approvals().iter().any(|a| &a.user == user) {
                    TaskStanding::WaitingForSecondApprover
                } else if let Some(review) = process.review() {
                    if &review.reviewer == user {
                        TaskStanding::Reviewing
                    } else {
                        TaskStanding::WithAnother
                    }
                } else if process.forwarded().is_some_and(|f| &f.to != user) {
                    TaskStanding::WithAnother
                } else if process
                    .assignees()
                    .is_some_and(|eligible| !eligible.contains(user))
                {
                    TaskStanding::OtherStep
                } else {
                    TaskStanding::CanDecide
                }
            }
            ProcessState::Blocked => TaskStanding::Blocked,
            ProcessState::InBundle { user: owner } if owner == user => TaskStanding::InYourBundle,
            ProcessState::InBundle { .. } => TaskStanding::InAnotherBundle,
            ProcessState::Approved
            | ProcessState::PaymentApproved
            | ProcessState::Rejected { .. } => TaskStanding::Decided,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::Timestamp;
    use crate::ids::InvoiceId;
    use crate::money::{Currency, Money};
    use crate::process::fixtures::document;
    use crate::token::ApprovalToken;

    fn user(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    /// A process needing two approvals (the threshold is below its amount).
    fn process(approvals: u8) -> Process {
        let doc = document("500.00", "NOK");
        let threshold = (approvals == 2).then(|| Money::from_minor(10_000, Currency::NOK));
        Process::open(
            InvoiceId::parse("c1_p1").unwrap(),
            doc,
            threshold,
            Timestamp(1),
        )
        .0
    }

    #[test]
    fn an_open_invoice_can_be_decided() {
        assert_eq!(
            TaskStanding::of(&process(1), &user("ann")),
            TaskStanding::CanDecide
        );
    }

    #[test]
    fn the_first_approver_waits_for_a_second_and_another_may_decide() {
        let mut p = process(2);
        p.approve(&user("ann"), 1, Timestamp(2)).unwrap();
        assert_eq!(
            TaskStanding::of(&p, &user("ann")),
            TaskStanding::WaitingForSecondApprover
        );
        assert_eq!(TaskStanding::of(&p, &user("bob")), TaskStanding::CanDecide);
    }

    #[test]
    fn a_bundled_invoice_waits_for_its_owner_and_is_never_decided() {
        let mut p = process(1);
        p.approve_and_pay(&user("ann"), 1, Timestamp(2)).unwrap();
        assert_eq!(
            TaskStanding::of(&p, &user("ann")),
            TaskStanding::InYourBundle
        );
        assert_eq!(
            TaskStanding::of(&p, &user("bob")),
            TaskStanding::InAnotherBundle
        );
    }

    #[test]
    fn approved_signed_and_rejected_invoices_are_decided() {
        let mut approved = process(1);
        approved.approve(&user("ann"), 1, Timestamp(2)).unwrap();
        let mut signed = process(1);
        signed
            .approve_and_pay(&user("ann"), 1, Timestamp(2))
            .unwrap();
        let token = ApprovalToken::from_random_bytes([3; 17]);
        signed
            .mark_signed(&user("ann"), &token, 2, Timestamp(3))
            .unwrap();
        let mut rejected = process(1);
        rejected
            .reject(&user("bob"), "Not ours.", 1, Timestamp(2))
            .unwrap();
        for p in [approved, signed, rejected] {
            for who in ["ann", "bob"] {
                assert_eq!(TaskStanding::of(&p, &user(who)), TaskStanding::Decided);
            }
        }
    }

    #[test]
    fn standings_travel_as_snake_case() {
        assert_eq!(
            serde_json::to_string(&TaskStanding::InYourBundle).unwrap(),
            "\"in_your_bundle\""
        );
    }
}
