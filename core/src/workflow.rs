//! Approval workflows a finance team configures (issue 10): which approvals an invoice needs and
//! in which order, decided from the invoice and the company's workflow; who may stand in for an
//! absent approver; and when a task is soon overdue, overdue and escalated.
//!
//! Pure: the invoice's facts, the company's approvers and today's date are passed in. The
//! ledger (later) keeps the workflow version a process started with and decides each step with
//! these functions.
//!
//! Fail closed throughout: an amount limit missing for the invoice's currency makes its step
//! apply (more approvals, never fewer); a step whose approvers cannot be resolved blocks the
//! process with a reason instead of being skipped.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::ids::UserId;
use crate::money::{Currency, Money};
use crate::process::{Process, ProcessState};
use crate::warnings::WarningNote;

/// Steps per workflow, and people or suppliers named per step.
pub const MAX_STEPS: usize = 10;
pub const MAX_NAMED: usize = 50;
/// The longest step name, in characters.
pub const MAX_STEP_NAME: usize = 60;

/// One amount limit: minor units in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub currency: Currency,
    pub minor: i64,
}

/// When a step applies to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    Always,
    /// The amount is at or above the limit of its currency.
    AmountAtLeast {
        limits: Vec<Limit>,
    },
    /// The amount is below the limit of its currency.
    AmountBelow {
        limits: Vec<Limit>,
    },
    /// At or above `from` and below `to`, in the invoice's currency.
    AmountBetween {
        from: Vec<Limit>,
        to: Vec<Limit>,
    },
    /// No invoice from this organisation number was approved before.
    NewSupplier,
    /// The supplier's organisation number is one of these.
    SupplierIn {
        org_numbers: Vec<String>,
    },
    /// The supplier's bank account differs from the one of its last approved invoice.
    BankAccountChanged,
}

/// Who approves a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Approvers {
    /// These users (each must hold Invoice Approver in the company and be active).
    Users { users: Vec<UserId> },
    /// Everyone with Invoice Approver in the company.
    InvoiceApprovers,
    /// A named approver group of the company.
    Group { name: String },
}

/// Whether one of the step's approvers decides it, or each of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Needed {
    AnyOne,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub condition: Condition,
    pub approvers: Approvers,
    pub needed: Needed,
}

/// A company's workflow: ordered steps, and the four-eyes rule as a property of the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub steps: Vec<Step>,
    /// At least this many different people approve across the steps that apply (1: no rule).
    pub distinct_approvers: u8,
    /// The company's approver groups by name, which steps may name (`Approvers::Group`).
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<UserId>>,
}

/// What a workflow is evaluated against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFacts {
    pub amount: Money,
    pub supplier_org_number: String,
    pub supplier_is_new: bool,
    pub bank_account_changed: bool,
}

/// The company's approvers as they are now: the active users holding Invoice Approver, and the
/// approver groups by name (members as named; inactive or role-less members do not count).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    pub invoice_approvers: BTreeSet<UserId>,
    pub groups: BTreeMap<String, Vec<UserId>>,
}

impl Directory {
    /// The directory a route of `workflow` is resolved with: the company's active Invoice
    /// Approvers, and the workflow's own groups.
    pub fn of(invoice_approvers: BTreeSet<UserId>, workflow: &Workflow) -> Directory {
        Directory {
            invoice_approvers,
            groups: workflow.groups.clone(),
        }
    }
}

/// Why a step applies or not, said to the administrator in the simulator and in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    Always,
    /// The amount met the condition's limit(s) in its currency.
    AmountMet,
    AmountNotMet,
    /// The condition has no limit in the invoice's currency: the step applies, to be safe.
    NoLimitInCurrency {
        currency: Currency,
    },
    SupplierIsNew,
    SupplierKnown,
    SupplierListed,
    SupplierNotListed,
    AccountChanged,
    AccountUnchanged,
}

impl Why {
    /// The reason as a sentence, for the simulator.
    pub fn describe(&self) -> String {
        match self {
            Why::Always => crate::sentence!("Applies to every invoice."),
            Why::AmountMet => crate::sentence!("The amount meets the step's limit."),
            Why::AmountNotMet => crate::sentence!("The amount does not meet the step's limit."),
            Why::NoLimitInCurrency { currency } => {
                crate::sentence!("The step has no limit in {currency}, so it applies, to be safe.")
            }
            Why::SupplierIsNew => {
                crate::sentence!("No invoice from this supplier was approved before.")
            }
            Why::SupplierKnown => {
                crate::sentence!("An invoice from this supplier was approved before.")
            }
            Why::SupplierListed => crate::sentence!("The supplier is on the step's list."),
            Why::SupplierNotListed => crate::sentence!("The supplier is not on the step's list."),
            Why::AccountChanged => crate::sentence!(
                "The supplier's bank account differs from the one on its last approved invoice."
            ),
            Why::AccountUnchanged => crate::sentence!("The supplier's bank account is unchanged."),
        }
    }
}

/// Why a step's approvers could not be resolved: the process is blocked, never the step
/// skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocked {
    #[error(
        "Step “{step}” has no approver: nobody active holds Invoice Approver in this company."
    )]
    NoInvoiceApprovers { step: String },
    #[error(
        "Step “{step}” has no approver: none of its named users is an active Invoice Approver."
    )]
    NoNamedApprover { step: String },
    #[error("Step “{step}” names the approver group “{group}”, which does not exist.")]
    NoSuchGroup { step: String, group: String },
    #[error("Step “{step}” has no approver: the group “{group}” has no active Invoice Approver.")]
    EmptyGroup { step: String, group: String },
    #[error(
        "The workflow needs {needed} different approvers, but the steps that apply have only \
         {available}."
    )]
    TooFewPeople { needed: u8, available: usize },
    #[error("No step of the workflow applies to this invoice.")]
    NoStepApplies,
    #[error(
        "Step “{step}” has no approver left: each of its approvers already approved an earlier \
         step."
    )]
    NoEligibleApprover { step: String },
}

/// One step as it applies to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutedStep {
    pub index: usize,
    pub name: String,
    pub applies: bool,
    pub why: Why,
    /// Who may decide it (empty when it does not apply).
    pub approvers: Vec<UserId>,
    pub needed: Needed,
}

/// The route of one invoice through a workflow: every step with whether it applies and why,
/// and what blocks it, if anything does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub steps: Vec<RoutedStep>,
    pub blocked: Option<Blocked>,
}

impl Route {
    /// The steps that apply, in order.
    pub fn applying(&self) -> impl Iterator<Item = &RoutedStep> {
        self.steps.iter().filter(|s| s.applies)
    }
}

/// Which of `limits` is for `currency`.
fn limit_in(limits: &[Limit], currency: Currency) -> Option<i64> {
    limits
        .iter()
        .find(|l| l.currency == currency)
        .map(|l| l.minor)
}

/// Whether `condition` applies to `facts`, and why.
pub fn applies(condition: &Condition, facts: &InvoiceFacts) -> (bool, Why) {
    let currency = facts.amount.currency();
    let minor = facts.amount.minor();
    let by_amount = |met: Option<bool>| match met {
        Some(true) => (true, Why::AmountMet),
        Some(false) => (false, Why::AmountNotMet),
        None => (true, Why::NoLimitInCurrency { currency }),
    };
    match condition {
        Condition::Always => (true, Why::Always),
        Condition::AmountAtLeast { limits } => {
            by_amount(limit_in(limits, currency).map(|l| minor >= l))
        }
        Condition::AmountBelow { limits } => {
            by_amount(limit_in(limits, currency).map(|l| minor < l))
        }
        Condition::AmountBetween { from, to } => by_amount(
            limit_in(from, currency)
                .zip(limit_in(to, currency))
                .map(|(from, to)| minor >= from && minor < to),
        ),
        Condition::NewSupplier if facts.supplier_is_new => (true, Why::SupplierIsNew),
        Condition::NewSupplier => (false, Why::SupplierKnown),
        Condition::SupplierIn { org_numbers } => {
            if org_numbers
                .iter()
                .any(|o| o.trim() == facts.supplier_org_number.trim())
            {
                (true, Why::SupplierListed)
            } else {
                (false, Why::SupplierNotListed)
            }
        }
        Condition::BankAccountChanged if facts.bank_account_changed => (true, Why::AccountChanged),
        Condition::BankAccountChanged => (false, Why::AccountUnchanged),
    }
}

/// The approvers of `step` as they are now, or what blocks it.
fn resolve(step: &Step, directory: &Directory) -> Result<Vec<UserId>, Blocked> {
    let active = |users: &[UserId]| -> Vec<UserId> {
        let mut seen = BTreeSet::new();
        users
            .iter()
            .filter(|u| directory.invoice_approvers.contains(*u) && seen.insert((*u).clone()))
            .cloned()
            .collect()
    };
    let name = step.name.clone();
    match &step.approvers {
        Approvers::InvoiceApprovers if directory.invoice_approvers.is_empty() => {
            Err(Blocked::NoInvoiceApprovers { step: name })
        }
        Approvers::InvoiceApprovers => Ok(directory.invoice_approvers.iter().cloned().collect()),
        Approvers::Users { users } => {
            let found = active(users);
            if found.is_empty() {
                Err(Blocked::NoNamedApprover { step: name })
            } else {
                Ok(found)
            }
        }
        Approvers::Group { name: group } => match directory.groups.get(group) {
            None => Err(Blocked::NoSuchGroup {
                step: name,
                group: group.clone(),
            }),
            Some(members) => {
                let found = active(members);
                if found.is_empty() {
                    Err(Blocked::EmptyGroup {
                        step: name,
                        group: group.clone(),
                    })
                } else {
                    Ok(found)
                }
            }
        },
    }
}

/// The route of an invoice with `facts` through `workflow`, with the approvers of `directory`.
/// The first step that cannot be resolved blocks it; then the four-eyes rule is checked against
/// the people the applying steps can draw on.
pub fn route(workflow: &Workflow, facts: &InvoiceFacts, directory: &Directory) -> Route {
    let mut steps = Vec::new();
    let mut blocked = None;
    for (index, step) in workflow.steps.iter().enumerate() {
        let (applies, why) = applies(&step.condition, facts);
        let approvers = if applies {
            match resolve(step, directory) {
                Ok(found) => found,
                Err(why_blocked) => {
                    blocked.get_or_insert(why_blocked);
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        steps.push(RoutedStep {
            index,
            name: step.name.clone(),
            applies,
            why,
            approvers,
            needed: step.needed,
        });
    }
    if blocked.is_none() && !steps.iter().any(|s| s.applies) {
        blocked = Some(Blocked::NoStepApplies);
    }
    if blocked.is_none() {
        let people: BTreeSet<&UserId> = steps.iter().flat_map(|s| s.approvers.iter()).collect();
        let needed = workflow.distinct_approvers.max(1);
        if people.len() < usize::from(needed) {
            blocked = Some(Blocked::TooFewPeople {
                needed,
                available: people.len(),
            });
        }
    }
    Route { steps, blocked }
}

/// Why a workflow draft cannot be activated; each names the step (1-based) it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum WorkflowError {
    #[error("A workflow has 1 to {MAX_STEPS} steps.")]
    StepCount,
    #[error("Step {step}: a name has 1 to {MAX_STEP_NAME} characters.")]
    StepName { step: usize },
    #[error("Step {step}: an amount limit must be above zero.")]
    NotPositive { step: usize },
    #[error("Step {step}: give each currency one limit.")]
    RepeatedCurrency { step: usize },
    #[error("Step {step}: give at least one amount limit.")]
    NoLimit { step: usize },
    #[error("Step {step}: the lower limit in {currency} must be below the upper one.")]
    EmptyRange { step: usize, currency: Currency },
    #[error("Step {step}: name 1 to {MAX_NAMED} approvers or suppliers.")]
    NamedCount { step: usize },
    #[error("The number of different approvers is 1 to {MAX_STEPS}.")]
    DistinctApprovers,
    #[error("Step {step}: there is no approver group “{group}”.")]
    NoSuchGroup { step: usize, group: String },
    #[error("A group has a name of 1 to {MAX_STEP_NAME} characters and 1 to {MAX_NAMED} members.")]
    GroupShape,
}

/// Checks a draft before it is activated; every problem is reported, in step order.
pub fn validate(workflow: &Workflow) -> Vec<WorkflowError> {
    let mut errors = Vec::new();
    if workflow.steps.is_empty() || workflow.steps.len() > MAX_STEPS {
        errors.push(WorkflowError::StepCount);
    }
    if workflow.distinct_approvers == 0 || usize::from(workflow.distinct_approvers) > MAX_STEPS {
        errors.push(WorkflowError::DistinctApprovers);
    }
    for (i, step) in workflow.steps.iter().enumerate() {
        let n = i + 1;
        let chars = step.name.trim().chars().count();
        if chars == 0 || chars > MAX_STEP_NAME || step.name.chars().any(char::is_control) {
            errors.push(WorkflowError::StepName { step: n });
        }
        let mut check_limits = |limits: &[Limit]| {
            if limits.is_empty() {
                errors.push(WorkflowError::NoLimit { step: n });
            }
            if limits.iter().any(|l| l.minor <= 0) {
                errors.push(WorkflowError::NotPositive { step: n });
            }
            let currencies: BTreeSet<Currency> = limits.iter().map(|l| l.currency).collect();
            if currencies.len() != limits.len() {
                errors.push(WorkflowError::RepeatedCurrency { step: n });
            }
        };
        match &step.condition {
            Condition::AmountAtLeast { limits } | Condition::AmountBelow { limits } => {
                check_limits(limits)
            }
            Condition::AmountBetween { from, to } => {
                check_limits(from);
                check_limits(to);
                for low in from {
                    if let Some(high) = limit_in(to, low.currency) {
                        if low.minor >= high {
                            errors.push(WorkflowError::EmptyRange {
                                step: n,
                                currency: low.currency,
                            });
                        }
                    }
                }
            }
            Condition::SupplierIn { org_numbers }
                if org_numbers.is_empty() || org_numbers.len() > MAX_NAMED =>
            {
                errors.push(WorkflowError::NamedCount { step: n })
            }
            _ => {}
        }
        match &step.approvers {
            Approvers::Users { users } if users.is_empty() || users.len() > MAX_NAMED => {
                errors.push(WorkflowError::NamedCount { step: n })
            }
            Approvers::Group { name } if !workflow.groups.contains_key(name) => {
                errors.push(WorkflowError::NoSuchGroup {
                    step: n,
                    group: name.clone(),
                })
            }
            _ => {}
        }
    }
    let bad_group = |(name, members): (&String, &Vec<UserId>)| {
        let chars = name.trim().chars().count();
        chars == 0
            || chars > MAX_STEP_NAME
            || name.chars().any(char::is_control)
            || members.is_empty()
            || members.len() > MAX_NAMED
    };
    if workflow.groups.len() > MAX_STEPS || workflow.groups.iter().any(bad_group) {
        errors.push(WorkflowError::GroupShape);
    }
    errors
}

// ---- A company's workflow versions ----

/// A company's workflows: the draft a System Administrator edits, and the active version new
/// processes follow. Versions count from 1 and are never reused; a process keeps the version it
/// started with (`process_route::ProcessRoute`), so activating a new one changes no running
/// process.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflows {
    pub draft: Option<Workflow>,
    pub active: Option<ActiveWorkflow>,
}

/// The active version, who activated it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveWorkflow {
    pub version: u32,
    pub workflow: Workflow,
    pub activated_by: UserId,
    pub activated_at: crate::dates::Timestamp,
}

/// Why a workflow change was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkflowRefusal {
    #[error("There is no draft to activate. Save a draft first.")]
    NoDraft,
    #[error("The draft cannot be saved: {}", .errors.join(" "))]
    Invalid { errors: Vec<String> },
}

impl Workflows {
    /// Replaces the draft with `draft` when it is valid (every problem is named otherwise).
    pub fn save_draft(&mut self, draft: Workflow) -> Result<(), WorkflowRefusal> {
        let errors = validate(&draft);
        if !errors.is_empty() {
            return Err(WorkflowRefusal::Invalid {
                errors: errors.iter().map(ToString::to_string).collect(),
            });
        }
        self.draft = Some(draft);
        Ok(())
    }

    /// Makes the draft the active version (the next number); the draft is kept for further
    /// changes. Answers the new version.
    pub fn activate(
        &mut self,
        by: &UserId,
        at: crate::dates::Timestamp,
    ) -> Result<u32, WorkflowRefusal> {
        let draft = self.draft.clone().ok_or(WorkflowRefusal::NoDraft)?;
        let version = self
            .active
            .as_ref()
            .map_or(1, |a| a.version.saturating_add(1));
        self.active = Some(ActiveWorkflow {
            version,
            workflow: draft,
            activated_by: by.clone(),
            activated_at: at,
        });
        Ok(version)
    }
}

// ---- Substitutes ----

/// An absence: `user` is away from `from` to `to` (both days included) and `substitute`
/// decides their tasks meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub user: UserId,
    pub substitute: UserId,
    pub from: Date,
    pub to: Date,
}

impl Absence {
    fn overlaps(&self, other: &Absence) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    /// Whether the absence covers `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }
}

/// Why an absence cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AbsenceRefusal {
    #[error("Nobody can be their own substitute.")]
    OwnSubstitute,
    #[error("The absence must end on or after the day it starts.")]
    EndsBeforeStart,
    #[error(
        "These two people cannot substitute for each other in the same period: the substitute \
         is away then and has named this person."
    )]
    EachOther,
    #[error("An absence of this person overlaps this period already.")]
    Overlaps,
    #[error("The substitute must hold the Invoice Approver role in the company and be active.")]
    SubstituteNotApprover,
}

/// Checks a new absence against the company's existing ones (Visma's rules: nobody
/// substitutes for themselves; two users cannot substitute for each other in the same period;
/// a substitute holds the needed role).
pub fn check_absence(
    absence: &Absence,
    existing: &[Absence],
    directory: &Directory,
) -> Result<(), AbsenceRefusal> {
    if absence.user == absence.substitute {
        return Err(AbsenceRefusal::OwnSubstitute);
    }
    if absence.to < absence.from {
        return Err(AbsenceRefusal::EndsBeforeStart);
    }
    if !directory.invoice_approvers.contains(&absence.substitute) {
        return Err(AbsenceRefusal::SubstituteNotApprover);
    }
    for other in existing.iter().filter(|o| absence.overlaps(o)) {
        if other.user == absence.user {
            return Err(AbsenceRefusal::Overlaps);
        }
        if other.user == absence.substitute && other.substitute == absence.user {
            return Err(AbsenceRefusal::EachOther);
        }
    }
    Ok(())
}

/// Who decides for `user` on `day`: their substitute while an absence covers it.
pub fn substitute_on<'a>(user: &UserId, day: Date, absences: &'a [Absence]) -> Option<&'a UserId> {
    absences
        .iter()
        .find(|a| &a.user == user && a.covers(day))
        .map(|a| &a.substitute)
}

// ---- Reminders and escalation ----

/// Where a task stands against its due date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// Not due soon, or decided (nothing to chase).
    #[default]
    OnTime,
    /// Due within the company's "soon overdue" days.
    SoonOverdue,
    Overdue,
    /// Overdue for at least the company's escalation delay, in working days.
    Escalate,
}

/// Monday to Friday (holidays are the company's business and not known here).
fn is_working_day(day: Date) -> bool {
    // 1970-01-01 was a Thursday.
    (day.to_unix_days() + 3).rem_euclid(7) < 5
}

/// Working days after `due` up to and including `today` (0 when `today` is not after `due`).
pub fn working_days_overdue(due: Date, today: Date) -> u32 {
    let mut count = 0u32;
    let mut day = due;
    while day < today {
        match day.add_days(1) {
            Ok(next) => day = next,
            Err(_) => break,
        }
        if is_working_day(day) {
            count = count.saturating_add(1);
        }
    }
    count
}

/// Where a task due on `due` stands `today`, with the company's settings: soon overdue from
/// `soon_days` before the due date, escalated after `escalate_after` working days overdue.
pub fn due_state(due: Date, today: Date, soon_days: u32, escalate_after: u32) -> Due {
    match due_mark(due, today, soon_days) {
        Due::Overdue if working_days_overdue(due, today) >= escalate_after.max(1) => Due::Escalate,
        mark => mark,
    }
}

/// The mark a task list shows: soon overdue from `soon_days` before the due date (the due date
/// itself included), overdue after it. Escalation is the scheduled run's to decide.
pub fn due_mark(due: Date, today: Date, soon_days: u32) -> Due {
    if today > due {
        Due::Overdue
    } else if today.days_until(due) <= i64::from(soon_days) {
        Due::SoonOverdue
    } else {
        Due::OnTime
    }
}

/// The kind of the note a list row carries while its task is soon overdue.
pub const DUE_SOON: &str = "due_soon";

/// The note a list row shows while a task is soon overdue ([`task_due`]), beside its warnings;
/// an overdue task carries the warning that its due date has passed instead.
pub fn due_soon_note(process: &Process, today: Date, soon_days: u32) -> Option<WarningNote> {
    (task_due(process, today, soon_days) == Due::SoonOverdue).then(|| WarningNote {
        kind: DUE_SOON.to_owned(),
        message: crate::sentence!("Soon overdue: due on {}.", process.document().due_date),
    })
}

/// The mark of a process's task `today`: only an invoice still waiting for a decision or a
/// signature is chased; a decided one is [`Due::OnTime`].
pub fn task_due(process: &Process, today: Date, soon_days: u32) -> Due {
    let waiting =
        process.state().is_open_task() || matches!(process.state(), ProcessState::InBundle { .. });
    if waiting {
        due_mark(process.document().due_date, today, soon_days)
    } else {
        Due::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    fn nok(minor: i64) -> Money {
        Money::from_minor(minor, Currency::NOK)
    }

    fn limit(currency: Currency, minor: i64) -> Limit {
        Limit { currency, minor }
    }

    fn facts(amount: Money) -> InvoiceFacts {
        InvoiceFacts {
            amount,
            supplier_org_number: "913456782".into(),
            supplier_is_new: false,
            bank_account_changed: false,
        }
    }

    fn directory() -> Directory {
        Directory {
            invoice_approvers: ["u-budget", "u-cfo", "u-kari"].map(user).into(),
            groups: BTreeMap::from([
                ("cfo".to_owned(), vec![user("u-cfo")]),
                ("gone".to_owned(), vec![user("u-left")]),
            ]),
        }
    }

    fn step(name: &str, condition: Condition, approvers: Approvers) -> Step {
        Step {
            name: name.into(),
            condition,
            approvers,
            needed: Needed::AnyOne,
        }
    }

    /// Budget owner first; the CFO at or above 250,000 NOK; a second person for a new supplier.
    fn finance_workflow() -> Workflow {
        Workflow {
            steps: vec![
                step(
                    "Budget owner",
                    Condition::Always,
                    Approvers::Users {
                        users: vec![user("u-budget")],
                    },
                ),
                step(
                    "CFO",
                    Condition::AmountAtLeast {
                        limits: vec![limit(Currency::NOK, 25_000_000)],
                    },
                    Approvers::Group { name: "cfo".into() },
                ),
                step(
                    "New supplier",
                    Condition::NewSupplier,
                    Approvers::InvoiceApprovers,
                ),
            ],
            distinct_approvers: 2,
            groups: BTreeMap::from([("cfo".to_owned(), vec![user("u-cfo")])]),
        }
    }

    #[test]
    fn a_large_invoice_from_a_new_supplier_goes_budget_owner_then_cfo_then_anyone() {
        let mut f = facts(nok(30_000_000));
        f.supplier_is_new = true;
        let route = route(&finance_workflow(), &f, &directory());
        assert_eq!(route.blocked, None);
        let applying: Vec<&str> = route.applying().map(|s| s.name.as_str()).collect();
        assert_eq!(applying, ["Budget owner", "CFO", "New supplier"]);
        assert_eq!(route.steps[0].approvers, [user("u-budget")]);
        assert_eq!(route.steps[1].approvers, [user("u-cfo")]);
        assert_eq!(route.steps[1].why, Why::AmountMet);
        assert_eq!(route.steps[2].approvers.len(), 3);
        assert_eq!(route.steps[2].why, Why::SupplierIsNew);
    }

    #[test]
    fn a_small_invoice_from_a_known_supplier_needs_only_the_budget_owner_but_four_eyes_blocks_it() {
        let route = route(&finance_workflow(), &facts(nok(100_000)), &directory());
        assert_eq!(route.steps[1].why, Why::AmountNotMet);
        assert_eq!(route.steps[2].why, Why::SupplierKnown);
        assert_eq!(route.applying().count(), 1);
        assert_eq!(
            route.blocked,
            Some(Blocked::TooFewPeople {
                needed: 2,
                available: 1
            })
        );
    }

    #[test]
    fn amount_conditions_hold_at_and_around_their_limits() {
        let at_least = Condition::AmountAtLeast {
            limits: vec![limit(Currency::NOK, 1000)],
        };
        let below = Condition::AmountBelow {
            limits: vec![limit(Currency::NOK, 1000)],
        };
        let between = Condition::AmountBetween {
            from: vec![limit(Currency::NOK, 1000)],
            to: vec![limit(Currency::NOK, 2000)],
        };
        assert!(applies(&at_least, &facts(nok(1000))).0);
        assert!(!applies(&at_least, &facts(nok(999))).0);
        assert!(applies(&below, &facts(nok(999))).0);
        assert!(!applies(&below, &facts(nok(1000))).0);
        assert!(applies(&between, &facts(nok(1000))).0);
        assert!(applies(&between, &facts(nok(1999))).0);
        assert!(!applies(&between, &facts(nok(2000))).0);
        assert!(!applies(&between, &facts(nok(999))).0);
    }

    #[test]
    fn an_amount_in_a_currency_without_a_limit_makes_the_step_apply() {
        let eur = Money::from_minor(1, Currency::EUR);
        for condition in [
            Condition::AmountAtLeast {
                limits: vec![limit(Currency::NOK, 1000)],
            },
            Condition::AmountBelow {
                limits: vec![limit(Currency::NOK, 1000)],
            },
            Condition::AmountBetween {
                from: vec![limit(Currency::NOK, 1000)],
                to: vec![limit(Currency::EUR, 2000)],
            },
        ] {
            assert_eq!(
                applies(&condition, &facts(eur)),
                (
                    true,
                    Why::NoLimitInCurrency {
                        currency: Currency::EUR
                    }
                )
            );
        }
        let per_currency = Condition::AmountAtLeast {
            limits: vec![limit(Currency::NOK, 1000), limit(Currency::EUR, 100)],
        };
        assert_eq!(
            applies(&per_currency, &facts(eur)),
            (false, Why::AmountNotMet)
        );
    }

    #[test]
    fn supplier_and_account_conditions() {
        let mut f = facts(nok(1));
        let listed = Condition::SupplierIn {
            org_numbers: vec![" 913456782 ".into()],
        };
        assert_eq!(applies(&listed, &f), (true, Why::SupplierListed));
        f.supplier_org_number = "999999999".into();
        assert_eq!(applies(&listed, &f), (false, Why::SupplierNotListed));
        assert_eq!(
            applies(&Condition::BankAccountChanged, &f),
            (false, Why::AccountUnchanged)
        );
        f.bank_account_changed = true;
        assert_eq!(
            applies(&Condition::BankAccountChanged, &f),
            (true, Why::AccountChanged)
        );
    }

    #[test]
    fn a_step_whose_approvers_cannot_be_resolved_blocks_the_process() {
        let one = |approvers| Workflow {
            steps: vec![step("Only", Condition::Always, approvers)],
            distinct_approvers: 1,
            groups: BTreeMap::new(),
        };
        let f = facts(nok(1));
        let cases = [
            (
                one(Approvers::InvoiceApprovers),
                Directory::default(),
                Blocked::NoInvoiceApprovers {
                    step: "Only".into(),
                },
            ),
            (
                one(Approvers::Users {
                    users: vec![user("u-left")],
                }),
                directory(),
                Blocked::NoNamedApprover {
                    step: "Only".into(),
                },
            ),
            (
                one(Approvers::Group {
                    name: "board".into(),
                }),
                directory(),
                Blocked::NoSuchGroup {
                    step: "Only".into(),
                    group: "board".into(),
                },
            ),
            (
                one(Approvers::Group {
                    name: "gone".into(),
                }),
                directory(),
                Blocked::EmptyGroup {
                    step: "Only".into(),
                    group: "gone".into(),
                },
            ),
        ];
        for (workflow, dir, blocked) in cases {
            let route = route(&workflow, &f, &dir);
            assert_eq!(route.blocked.as_ref(), Some(&blocked));
            assert!(!blocked.to_string().is_empty());
        }
    }

    #[test]
    fn a_step_that_does_not_apply_never_blocks() {
        let workflow = Workflow {
            steps: vec![
                step("Anyone", Condition::Always, Approvers::InvoiceApprovers),
                step(
                    "Board",
                    Condition::NewSupplier,
                    Approvers::Group {
                        name: "board".into(),
                    },
                ),
            ],
            distinct_approvers: 1,
            groups: BTreeMap::new(),
        };
        let route = route(&workflow, &facts(nok(1)), &directory());
        assert_eq!(route.blocked, None);
        assert!(route.steps[1].approvers.is_empty());
    }

    #[test]
    fn named_approvers_keep_only_active_invoice_approvers_once() {
        let workflow = Workflow {
            steps: vec![step(
                "Named",
                Condition::Always,
                Approvers::Users {
                    users: vec![user("u-kari"), user("u-left"), user("u-kari")],
                },
            )],
            distinct_approvers: 1,
            groups: BTreeMap::new(),
        };
        let route = route(&workflow, &facts(nok(1)), &directory());
        assert_eq!(route.steps[0].approvers, [user("u-kari")]);
    }

    #[test]
    fn a_draft_is_checked_before_it_is_activated() {
        assert_eq!(validate(&finance_workflow()), []);
        let empty = Workflow {
            steps: vec![],
            distinct_approvers: 0,
            groups: BTreeMap::new(),
        };
        assert_eq!(
            validate(&empty),
            [WorkflowError::StepCount, WorkflowError::DistinctApprovers]
        );
        let bad = Workflow {
            steps: vec![
                step(" ", Condition::Always, Approvers::Users { users: vec![] }),
                step(
                    "Amounts",
                    Condition::AmountBetween {
                        from: vec![limit(Currency::NOK, 500), limit(Currency::NOK, 1)],
                        to: vec![limit(Currency::NOK, 500)],
                    },
                    Approvers::InvoiceApprovers,
                ),
                step(
                    "Nothing",
                    Condition::AmountAtLeast { limits: vec![] },
                    Approvers::InvoiceApprovers,
                ),
                step(
                    "Zero",
                    Condition::AmountBelow {
                        limits: vec![limit(Currency::EUR, 0)],
                    },
                    Approvers::InvoiceApprovers,
                ),
                step(
                    "Suppliers",
                    Condition::SupplierIn {
                        org_numbers: vec![],
                    },
                    Approvers::InvoiceApprovers,
                ),
            ],
            distinct_approvers: 1,
            groups: BTreeMap::new(),
        };
        assert_eq!(
            validate(&bad),
            [
                WorkflowError::StepName { step: 1 },
                WorkflowError::NamedCount { step: 1 },
                WorkflowError::RepeatedCurrency { step: 2 },
                WorkflowError::EmptyRange {
                    step: 2,
                    currency: Currency::NOK
                },
                WorkflowError::NoLimit { step: 3 },
                WorkflowError::NotPositive { step: 4 },
                WorkflowError::NamedCount { step: 5 },
            ]
        );
    }

    #[test]
    fn a_workflow_round_trips_through_json() {
        let workflow = finance_workflow();
        let json = serde_json::to_string(&workflow).unwrap();
        assert!(json.contains(r#""kind":"amount_at_least""#), "{json}");
        assert_eq!(serde_json::from_str::<Workflow>(&json).unwrap(), workflow);
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn absence(user_id: &str, substitute: &str, from: &str, to: &str) -> Absence {
        Absence {
            user: user(user_id),
            substitute: user(substitute),
            from: day(from),
            to: day(to),
        }
    }

    #[test]
    fn substitutes_follow_the_rules() {
        let dir = directory();
        let away = absence("u-kari", "u-cfo", "2030-07-01", "2030-07-21");
        assert_eq!(check_absence(&away, &[], &dir), Ok(()));
        assert_eq!(
            check_absence(
                &absence("u-kari", "u-kari", "2030-07-01", "2030-07-02"),
                &[],
                &dir
            ),
            Err(AbsenceRefusal::OwnSubstitute)
        );
        assert_eq!(
            check_absence(
                &absence("u-kari", "u-cfo", "2030-07-02", "2030-07-01"),
                &[],
                &dir
            ),
            Err(AbsenceRefusal::EndsBeforeStart)
        );
        assert_eq!(
            check_absence(
                &absence("u-kari", "u-left", "2030-07-01", "2030-07-02"),
                &[],
                &dir
            ),
            Err(AbsenceRefusal::SubstituteNotApprover)
        );
        let existing = [away.clone()];
        // The CFO cannot name Kari while Kari is away naming the CFO…
        assert_eq!(
            check_absence(
                &absence("u-cfo", "u-kari", "2030-07-21", "2030-07-30"),
                &existing,
                &dir
            ),
            Err(AbsenceRefusal::EachOther)
        );
        // …but can after Kari is back.
        assert_eq!(
            check_absence(
                &absence("u-cfo", "u-kari", "2030-07-22", "2030-07-30"),
                &existing,
                &dir
            ),
            Ok(())
        );
        assert_eq!(
            check_absence(
                &absence("u-kari", "u-budget", "2030-07-10", "2030-07-12"),
                &existing,
                &dir
            ),
            Err(AbsenceRefusal::Overlaps)
        );
        assert_eq!(
            substitute_on(&user("u-kari"), day("2030-07-21"), &existing),
            Some(&user("u-cfo"))
        );
        assert_eq!(
            substitute_on(&user("u-kari"), day("2030-07-22"), &existing),
            None
        );
        assert_eq!(
            substitute_on(&user("u-cfo"), day("2030-07-10"), &existing),
            None
        );
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2030-03-29 is a Friday.
        assert!(is_working_day(day("2030-03-29")));
        assert!(!is_working_day(day("2030-03-30")));
        assert!(!is_working_day(day("2030-03-31")));
        assert!(is_working_day(day("2030-04-01")));
        assert_eq!(
            working_days_overdue(day("2030-03-29"), day("2030-03-29")),
            0
        );
        assert_eq!(
            working_days_overdue(day("2030-03-29"), day("2030-03-31")),
            0
        );
        assert_eq!(
            working_days_overdue(day("2030-03-29"), day("2030-04-01")),
            1
        );
        assert_eq!(
            working_days_overdue(day("2030-03-29"), day("2030-04-02")),
            2
        );
        assert_eq!(
            working_days_overdue(day("2030-04-02"), day("2030-03-29")),
            0
        );
    }

    #[test]
    fn a_task_is_on_time_soon_overdue_overdue_then_escalated() {
        let due = day("2030-03-29"); // Friday
        let state = |today| due_state(due, day(today), 3, 2);
        assert_eq!(state("2030-03-25"), Due::OnTime);
        assert_eq!(state("2030-03-26"), Due::SoonOverdue);
        assert_eq!(state("2030-03-29"), Due::SoonOverdue);
        assert_eq!(state("2030-03-30"), Due::Overdue);
        assert_eq!(state("2030-04-01"), Due::Overdue);
        assert_eq!(state("2030-04-02"), Due::Escalate);
        // An escalation delay of 0 still waits for one working day overdue.
        assert_eq!(due_state(due, day("2030-03-31"), 3, 0), Due::Overdue);
        assert_eq!(due_state(due, day("2030-04-01"), 3, 0), Due::Escalate);
        // With no "soon" days, only the due date itself is soon overdue.
        assert_eq!(due_mark(due, day("2030-03-28"), 0), Due::OnTime);
        assert_eq!(due_mark(due, day("2030-03-29"), 0), Due::SoonOverdue);
    }

    #[test]
    fn only_a_task_still_waiting_is_marked() {
        use crate::dates::Timestamp;
        use crate::ids::InvoiceId;
        // Due 2026-03-31 (process::fixtures::document).
        let (mut process, _) = Process::open(
            InvoiceId::parse("c1_p1").unwrap(),
            crate::process::fixtures::document("500.00", "NOK"),
            None,
            Timestamp(1),
        );
        assert_eq!(task_due(&process, day("2026-04-01"), 3), Due::Overdue);
        assert_eq!(task_due(&process, day("2026-03-29"), 3), Due::SoonOverdue);
        assert_eq!(task_due(&process, day("2026-03-29"), 1), Due::OnTime);
        assert_eq!(
            due_soon_note(&process, day("2026-03-29"), 3).map(|n| (n.kind, n.message)),
            Some((
                DUE_SOON.to_owned(),
                "Soon overdue: due on 2026-03-31.".to_owned()
            ))
        );
        assert_eq!(due_soon_note(&process, day("2026-04-01"), 3), None);
        process
            .reject(
                &user("u-kari"),
                "Wrong amount",
                process.version(),
                Timestamp(2),
            )
            .unwrap();
        assert_eq!(task_due(&process, day("2026-04-01"), 3), Due::OnTime);
    }

    #[test]
    fn every_reason_reads_as_a_sentence() {
        let reasons = [
            Why::Always,
            Why::AmountMet,
            Why::AmountNotMet,
            Why::NoLimitInCurrency {
                currency: Currency::EUR,
            },
            Why::SupplierIsNew,
            Why::SupplierKnown,
            Why::SupplierListed,
            Why::SupplierNotListed,
            Why::AccountChanged,
            Why::AccountUnchanged,
        ];
        let texts: BTreeSet<String> = reasons.iter().map(Why::describe).collect();
        assert_eq!(
            texts.len(),
            reasons.len(),
            "each reason has its own sentence"
        );
        assert!(texts.iter().all(|t| t.ends_with('.')));
        assert!(texts.iter().any(|t| t.contains("EUR")));
    }

    #[test]
    fn a_draft_is_saved_only_when_valid_and_activation_numbers_versions() {
        let mut set = Workflows::default();
        let at = crate::dates::Timestamp(1);
        assert_eq!(
            set.activate(&user("u-admin"), at),
            Err(WorkflowRefusal::NoDraft)
        );
        let mut bad = finance_workflow();
        bad.steps[1].approvers = Approvers::Group {
            name: "board".into(),
        };
        let Err(WorkflowRefusal::Invalid { errors }) = set.save_draft(bad) else {
            panic!("an unknown group is refused");
        };
        assert_eq!(
            errors,
            vec!["Step 2: there is no approver group “board”.".to_owned()]
        );
        assert_eq!(set.draft, None);
        set.save_draft(finance_workflow()).unwrap();
        assert_eq!(set.activate(&user("u-admin"), at), Ok(1));
        assert_eq!(set.activate(&user("u-admin"), at), Ok(2));
        assert_eq!(set.active.as_ref().map(|a| a.version), Some(2));
        assert!(set.draft.is_some(), "the draft stays for further changes");
    }

    #[test]
    fn groups_are_checked_for_shape() {
        let mut w = finance_workflow();
        w.groups.insert(" ".into(), vec![user("u-cfo")]);
        assert!(validate(&w).contains(&WorkflowError::GroupShape));
        let mut w = finance_workflow();
        w.groups.insert("empty".into(), Vec::new());
        assert!(validate(&w).contains(&WorkflowError::GroupShape));
        assert!(validate(&finance_workflow()).is_empty());
    }

    #[test]
    fn a_group_a_step_still_names_cannot_be_removed_or_renamed_alone() {
        let mut removed = finance_workflow();
        removed.groups.remove("cfo");
        assert_eq!(
            validate(&removed),
            vec![WorkflowError::NoSuchGroup {
                step: 2,
                group: "cfo".into()
            }]
        );
        let mut set = Workflows::default();
        assert!(matches!(
            set.save_draft(removed),
            Err(WorkflowRefusal::Invalid { .. })
        ));

        let mut renamed = finance_workflow();
        let members = renamed.groups.remove("cfo").unwrap();
        renamed.groups.insert("Finance".into(), members);
        assert_eq!(validate(&renamed).len(), 1, "the step still names “cfo”");
        renamed.steps[1].approvers = Approvers::Group {
            name: "Finance".into(),
        };
        assert!(validate(&renamed).is_empty(), "renamed with its step");
    }

    #[test]
    fn a_group_no_step_names_can_be_removed() {
        let mut w = finance_workflow();
        w.groups.insert("board".into(), vec![user("u-budget")]);
        assert!(validate(&w).is_empty());
        w.groups.remove("board");
        assert!(validate(&w).is_empty());
    }

    #[test]
    fn no_applying_step_blocks_the_route() {
        let workflow = Workflow {
            steps: vec![step(
                "New only",
                Condition::NewSupplier,
                Approvers::InvoiceApprovers,
            )],
            distinct_approvers: 1,
            groups: BTreeMap::new(),
        };
        let r = route(&workflow, &facts(nok(1)), &directory());
        assert_eq!(r.blocked, Some(Blocked::NoStepApplies));
    }
}
