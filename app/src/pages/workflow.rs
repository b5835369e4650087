//! `/company/:id/workflow`: a company's approval workflow for System Administrators (issue 10):
//! the active version, the draft's steps to edit (add, remove, reorder; per step its name,
//! condition, approvers and "any one"/"all"; the four-eyes number for the whole; the approver
//! groups steps can name), "Save draft", "Activate", and a simulator that shows the route an
//! invoice would take. When someone else saved meanwhile (409), the editor reloads the draft as
//! it is saved and says so.

use std::collections::BTreeMap;

use ap_core::api_workflow::{
    ActiveWorkflowView, ApproverChoice, SimulateRequest, SimulationView, WorkflowsView,
};
use ap_core::format::{self, Lang};
use ap_core::ids::UserId;
use ap_core::money::{Currency, Money};
use ap_core::workflow::{Approvers, Condition, Limit, Needed, Step, Workflow};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ApiFailure;
use crate::api_workflow as api;
use crate::routes::use_path_id;
use crate::widgets::{
    failure_of, lang, local_time, ActionError, ConfirmButton, Loaded, SignedInScreen, TextField,
};
use crate::{tr, tr_string};

/// The approval workflow of one company.
#[component]
pub fn CompanyWorkflow() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(workflow.title) lead=crate::tr_prop!(workflow.lead)>
            <WorkflowScreen />
        </SignedInScreen>
    }
}

#[component]
fn WorkflowScreen() -> impl IntoView {
    let id = use_path_id();
    let loaded = LocalResource::new(move || api::workflows(id.get()));
    // The server's sentence of a change refused because someone else saved meanwhile: said above
    // the editor, which is drawn anew with the draft as it is saved.
    let reloaded = RwSignal::new(None::<String>);
    let reload = Callback::new(move |sentence: String| {
        reloaded.set(Some(sentence));
        loaded.refetch();
    });
    view! {
        <p class="back"><A href="/admin/companies">{tr!(workflow.back)}</A></p>
        {move || reloaded.get().map(|sentence| view! {
            <p class="note note-warn" role="status" data-testid="workflow-reloaded">
                {tr_string!(workflow.reloaded, sentence = sentence).to_string()}
            </p>
        })}
        <Loaded from=loaded loading=crate::tr_prop!(workflow.loading) let:view>
            <WorkflowEditor view=view reload=reload reloaded=reloaded />
        </Loaded>
    }
}

/// When a step applies, as the condition `<select>` names it.
const CONDITIONS: [&str; 7] = [
    "always",
    "amount_at_least",
    "amount_below",
    "amount_between",
    "new_supplier",
    "supplier_in",
    "bank_account_changed",
];

fn condition_text(kind: &str) -> String {
    match kind {
        "amount_at_least" => tr_string!(workflow.when_amount_at_least),
        "amount_below" => tr_string!(workflow.when_amount_below),
        "amount_between" => tr_string!(workflow.when_amount_between),
        "new_supplier" => tr_string!(workflow.when_new_supplier),
        "supplier_in" => tr_string!(workflow.when_supplier_in),
        "bank_account_changed" => tr_string!(workflow.when_bank_account_changed),
        _ => tr_string!(workflow.when_always),
    }
    .to_string()
}

fn condition_kind(condition: &Condition) -> &'static str {
    match condition {
        Condition::Always => "always",
        Condition::AmountAtLeast { .. } => "amount_at_least",
        Condition::AmountBelow { .. } => "amount_below",
        Condition::AmountBetween { .. } => "amount_between",
        Condition::NewSupplier => "new_supplier",
        Condition::SupplierIn { .. } => "supplier_in",
        Condition::BankAccountChanged => "bank_account_changed",
    }
}

/// One step as the form holds it: what was typed, and the limits in other currencies than the
/// base one (the form edits one limit; the others are kept as they were).
#[derive(Clone, Copy)]
struct StepForm {
    /// Stable while the step is moved (the list's key, and its inputs' ids).
    key: u32,
    name: RwSignal<String>,
    condition: RwSignal<&'static str>,
    /// The limit (at least / below) or the lower one (between), in the base currency.
    from: RwSignal<String>,
    /// The upper limit (between).
    to: RwSignal<String>,
    from_others: StoredValue<Vec<Limit>>,
    to_others: StoredValue<Vec<Limit>>,
    /// Organisation numbers, comma-separated.
    suppliers: RwSignal<String>,
    /// "invoice_approvers", "users" or "group".
    approvers: RwSignal<&'static str>,
    users: RwSignal<Vec<String>>,
    group: RwSignal<String>,
    all: RwSignal<bool>,
}

impl StepForm {
    fn blank(key: u32) -> StepForm {
        StepForm {
            key,
            name: RwSignal::new(String::new()),
            condition: RwSignal::new("always"),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            from_others: StoredValue::new(Vec::new()),
            to_others: StoredValue::new(Vec::new()),
            suppliers: RwSignal::new(String::new()),
            approvers: RwSignal::new("invoice_approvers"),
            users: RwSignal::new(Vec::new()),
            group: RwSignal::new(String::new()),
            all: RwSignal::new(false),
        }
    }

    /// The form of a saved step: its limit in `base` shown as the reader's language writes it.
    fn of(key: u32, step: &Step, base: Option<Currency>, lang: Lang) -> StepForm {
        let form = StepForm::blank(key);
        form.name.set(step.name.clone());
        form.condition.set(condition_kind(&step.condition));
        let split = |limits: &[Limit], typed: RwSignal<String>, others: StoredValue<Vec<Limit>>| {
            let (mine, rest): (Vec<Limit>, Vec<Limit>) =
                limits.iter().partition(|l| Some(l.currency) == base);
            if let Some(limit) = mine.first() {
                let money = Money::from_minor(limit.minor, limit.currency);
                typed.set(format::decimal(lang, &money.to_decimal_string()));
            }
            others.set_value(rest);
        };
        match &step.condition {
            Condition::AmountAtLeast { limits } | Condition::AmountBelow { limits } => {
                split(limits, form.from, form.from_others)
            }
            Condition::AmountBetween { from, to } => {
                split(from, form.from, form.from_others);
                split(to, form.to, form.to_others);
            }
            Condition::SupplierIn { org_numbers } => form.suppliers.set(org_numbers.join(", ")),
            _ => {}
        }
        match &step.approvers {
            Approvers::InvoiceApprovers => {}
            Approvers::Users { users } => {
                form.approvers.set("users");
                form.users
                    .set(users.iter().map(|u| u.as_str().to_owned()).collect());
            }
            Approvers::Group { name } => {
                form.approvers.set("group");
                form.group.set(name.clone());
            }
        }
        form.all.set(step.needed == Needed::All);
        form
    }

    /// The step to save; a limit that cannot be read as an amount is refused here, everything
    /// else the server judges (and names every problem).
    fn step(&self, n: usize, base: Option<Currency>, lang: Lang) -> Result<Step, String> {
        let limits = |typed: RwSignal<String>, others: StoredValue<Vec<Limit>>| {
            let mut limits = others.get_value();
            let typed = typed.get_untracked();
            if typed.trim().is_empty() {
                return Ok::<_, String>(limits);
            }
            let unreadable = || {
                tr_string!(workflow.amount_unreadable, step = n, typed = typed.trim()).to_string()
            };
            let currency = base.ok_or_else(unreadable)?;
            let money = format::read_amount(lang, &typed, currency).map_err(|_| unreadable())?;
            limits.insert(
                0,
                Limit {
                    currency,
                    minor: money.minor(),
                },
            );
            Ok(limits)
        };
        let condition = match self.condition.get_untracked() {
            "amount_at_least" => Condition::AmountAtLeast {
                limits: limits(self.from, self.from_others)?,
            },
            "amount_below" => Condition::AmountBelow {
                limits: limits(self.from, self.from_others)?,
            },
            "amount_between" => Condition::AmountBetween {
                from: limits(self.from, self.from_others)?,
                to: limits(self.to, self.to_others)?,
            },
            "new_supplier" => Condition::NewSupplier,
            "supplier_in" => Condition::SupplierIn {
                org_numbers: self
                    .suppliers
                    .get_untracked()
                    .split([',', ';', '\n'])
                    .map(|o| o.split_whitespace().collect::<String>())
                    .filter(|o| !o.is_empty())
                    .collect(),
            },
            "bank_account_changed" => Condition::BankAccountChanged,
            _ => Condition::Always,
        };
        let approvers = match self.approvers.get_untracked() {
            "users" => Approvers::Users {
                users: self
                    .users
                    .get_untracked()
                    .iter()
                    .filter_map(|u| UserId::parse(u).ok())
                    .collect(),
            },
            "group" => Approvers::Group {
                name: self.group.get_untracked(),
            },
            _ => Approvers::InvoiceApprovers,
        };
        Ok(Step {
            name: self.name.get_untracked(),
            condition,
            approvers,
            needed: if self.all.get_untracked() {
                Needed::All
            } else {
                Needed::AnyOne
            },
        })
    }
}

/// One approver group as the form holds it.
#[derive(Clone, Copy)]
struct GroupForm {
    /// Stable while groups are added and removed (the list's key, and its inputs' ids).
    key: u32,
    name: RwSignal<String>,
    /// User ids.
    members: RwSignal<Vec<String>>,
}

impl GroupForm {
    fn new(key: u32, name: &str, members: &[UserId]) -> GroupForm {
        GroupForm {
            key,
            name: RwSignal::new(name.to_owned()),
            members: RwSignal::new(members.iter().map(|u| u.as_str().to_owned()).collect()),
        }
    }
}

/// The groups to save, by name; two groups of one name are refused here (the map would keep one).
fn groups_of(forms: &[GroupForm]) -> Result<BTreeMap<String, Vec<UserId>>, String> {
    let mut groups = BTreeMap::new();
    for form in forms {
        let name = form.name.get_untracked().trim().to_owned();
        let members = form
            .members
            .get_untracked()
            .iter()
            .filter_map(|u| UserId::parse(u).ok())
            .collect();
        if groups.insert(name.clone(), members).is_some() {
            return Err(tr_string!(workflow.group_twice, name = name).to_string());
        }
    }
    Ok(groups)
}

/// The editor, the active version and the simulator of a loaded company.
#[component]
fn WorkflowEditor(
    view: WorkflowsView,
    /// Loads the workflow anew, saying the sentence of the 409 that asked for it.
    reload: Callback<String>,
    reloaded: RwSignal<Option<String>>,
) -> impl IntoView {
    let company = StoredValue::new(view.company_id.clone());
    let base = Currency::parse(&view.base_currency).ok();
    let base_code = view.base_currency.clone();
    let version = RwSignal::new(view.version);
    let active = RwSignal::new(view.active.clone());
    let has_draft = RwSignal::new(view.draft.is_some());
    let choices = StoredValue::new(view.approvers.clone());
    let owner = Owner::current();
    let start = view
        .draft
        .clone()
        .or_else(|| view.active.as_ref().map(|a| a.workflow.clone()));
    let group_forms: Vec<GroupForm> = start
        .as_ref()
        .map(|w| {
            w.groups
                .iter()
                .enumerate()
                .map(|(i, (name, members))| GroupForm::new(i as u32, name, members))
                .collect()
        })
        .unwrap_or_default();
    let next_group = StoredValue::new(group_forms.len() as u32);
    let groups = RwSignal::new(group_forms);
    let lang_now = lang();
    let forms: Vec<StepForm> = match &start {
        Some(w) => w
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepForm::of(i as u32, s, base, lang_now))
            .collect(),
        None => vec![StepForm::blank(0)],
    };
    let next_key = StoredValue::new(forms.len() as u32);
    let steps = RwSignal::new(forms);
    let distinct = RwSignal::new(
        start
            .as_ref()
            .map_or(1, |w| w.distinct_approvers)
            .to_string(),
    );

    let step_owner = owner.clone();
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let form = match &step_owner {
            Some(owner) => owner.with(|| StepForm::blank(key)),
            None => StepForm::blank(key),
        };
        steps.update(|s| s.push(form));
    };
    let remove = Callback::new(move |key: u32| steps.update(|s| s.retain(|f| f.key != key)));
    let add_group = {
        let owner = owner.clone();
        move |_| {
            let key = next_group.get_value();
            next_group.set_value(key + 1);
            let form = match &owner {
                Some(owner) => owner.with(|| GroupForm::new(key, "", &[])),
                None => GroupForm::new(key, "", &[]),
            };
            groups.update(|g| g.push(form));
        }
    };
    let remove_group = Callback::new(move |key: u32| groups.update(|g| g.retain(|f| f.key != key)));
    let shift = Callback::new(move |(key, down): (u32, bool)| {
        steps.update(|s| {
            if let Some(i) = s.iter().position(|f| f.key == key) {
                let j = if down { i + 1 } else { i.wrapping_sub(1) };
                if j < s.len() {
                    s.swap(i, j);
                }
            }
        })
    });

    let save = Action::new_local(move |_: &()| {
        let lang = lang();
        let built: Result<Vec<Step>, String> = steps
            .get_untracked()
            .iter()
            .enumerate()
            .map(|(i, f)| f.step(i + 1, base, lang))
            .collect();
        // Not a number: 0, which the server refuses with its sentence.
        let distinct_approvers = distinct.get_untracked().trim().parse().unwrap_or(0);
        let (company, expected) = (company.get_value(), version.get_untracked());
        let groups = groups.with_untracked(|g| groups_of(g));
        async move {
            let refused_here = |message| ApiFailure {
                status: 0,
                message,
                fields: Vec::new(),
            };
            let steps = built.map_err(refused_here)?;
            let groups = groups.map_err(refused_here)?;
            let workflow = Workflow {
                steps,
                distinct_approvers,
                groups,
            };
            let saved = api::save_draft(company, expected, workflow)
                .await
                .inspect_err(|f| reload_on_conflict(f, reload))?;
            version.set(saved.version);
            has_draft.set(saved.draft.is_some());
            Ok(saved)
        }
    });
    let activate = Action::new_local(move |_: &()| {
        let (company, expected) = (company.get_value(), version.get_untracked());
        async move {
            let answered = api::activate(company, expected)
                .await
                .inspect_err(|f| reload_on_conflict(f, reload))?;
            version.set(answered.version);
            has_draft.set(answered.draft.is_some());
            active.set(answered.active.clone());
            Ok(answered)
        }
    });
    let save_failure = failure_of(save);
    let activate_failure = failure_of(activate);
    // "Saved" until the draft is changed again or another action runs.
    let saved_note = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            saved_note.set(true);
        }
    });
    // "Version n is active" until the next save.
    let activated_note = RwSignal::new(None::<u32>);
    Effect::new(move |_| {
        if let Some(Ok(v)) = activate.value().get() {
            activated_note.set(v.active.map(|a| a.version));
        }
    });
    let on_save = move |ev: SubmitEvent| {
        ev.prevent_default();
        reloaded.set(None);
        saved_note.set(false);
        activated_note.set(None);
        save.dispatch(());
    };

    view! {
        <section class="card" aria-labelledby="active-title" data-testid="workflow-active">
            <h2 id="active-title">{tr!(workflow.active_title)}" · "{view.company_name.clone()}</h2>
            {move || match active.get() {
                None => view! { <p class="muted">{tr!(workflow.no_active)}</p> }.into_any(),
                Some(a) => view! { <ActiveVersion active=a /> }.into_any(),
            }}
        </section>

        <form class="card" aria-labelledby="draft-title" data-testid="workflow-draft" on:submit=on_save novalidate>
            <h2 id="draft-title">{tr!(workflow.draft_title)}</h2>
            <p class="hint">{move || if has_draft.get() { tr_string!(workflow.draft_saved_hint) } else { tr_string!(workflow.draft_none_hint) }}</p>
            <For each=move || steps.get() key=|f| f.key let:form>
                <StepEditor form=form steps=steps choices=choices groups=groups base=base_code.clone() remove=remove shift=shift />
            </For>
            <div class="actions">
                <button type="button" class="secondary" on:click=add
                    disabled=move || steps.with(|s| s.len() >= ap_core::workflow::MAX_STEPS)>{tr!(workflow.add_step)}</button>
            </div>
            <div class="subform" data-testid="workflow-groups">
                <h3>{tr!(workflow.groups_title)}</h3>
                <p class="hint">{tr!(workflow.groups_hint)}</p>
                <For each=move || groups.get() key=|g| g.key let:group>
                    <GroupEditor group=group groups=groups steps=steps choices=choices remove=remove_group />
                </For>
                <div class="actions">
                    <button type="button" class="secondary" on:click=add_group
                        disabled=move || groups.with(|g| g.len() >= ap_core::workflow::MAX_STEPS)>{tr!(workflow.add_group)}</button>
                </div>
            </div>
            <div class="subform">
                <TextField id="distinct-approvers" label=crate::tr_prop!(workflow.distinct) kind="number" value=distinct inputmode="numeric"
                    hint=crate::tr_prop!(workflow.distinct_hint) />
            </div>
            <ActionError failure=save_failure />
            {move || saved_note.get().then(|| view! { <p class="note note-ok" role="status">{tr!(workflow.saved)}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>{tr!(workflow.save)}</button>
                <ConfirmButton label=crate::tr_prop!(workflow.activate) aria_label=crate::tr_prop!(workflow.activate)
                    question=crate::tr_prop!(workflow.activate_question) confirm=crate::tr_prop!(workflow.activate_yes)
                    keep=crate::tr_prop!(workflow.activate_no) class="secondary"
                    disabled=Signal::derive(move || activate.pending().get() || !has_draft.get())
                    on_confirm=Callback::new(move |_| { saved_note.set(false); activate.dispatch(()); }) />
            </div>
            <ActionError failure=activate_failure />
            {move || activated_note.get().map(|n| view! { <p class="note note-ok" role="status">{tr!(workflow.activated, version = n)}</p> })}
        </form>

        <Simulator company=company base=view.base_currency.clone() has_draft=has_draft active=active />
    }
}

/// The active version: its number, who activated it and when, and its steps.
#[component]
fn ActiveVersion(active: ActiveWorkflowView) -> impl IntoView {
    let when = local_time(&active.activated_at);
    let version = active.version;
    let by = active.activated_by.clone();
    view! {
        <p data-testid="active-version">{tr!(workflow.active_version, version = version, by = by.clone(), when = when.clone())}</p>
        <ol class="link-list">
            {active.workflow.steps.iter().map(|s| {
                let kind = condition_kind(&s.condition);
                view! { <li>{s.name.clone()}" — "{move || condition_text(kind)}</li> }
            }).collect_view()}
        </ol>
    }
}

/// After a 409 (someone else saved the company meanwhile), loads the workflow anew.
fn reload_on_conflict(failure: &ApiFailure, reload: Callback<String>) {
    if failure.status == 409 {
        reload.run(failure.message.clone());
    }
}

/// One choice of a [`Choice`]: its key, and its text in the language shown.
type ChoiceOption = (&'static str, fn() -> String);

/// A labelled `<select>` bound to a signal holding one of `options`' keys.
#[component]
fn Choice(
    id: String,
    #[prop(into)] label: TextProp,
    value: RwSignal<&'static str>,
    /// (key, text in the language shown).
    options: Vec<ChoiceOption>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            <select id=id on:change=move |ev| {
                let chosen = event_target_value(&ev);
                if let Some((key, _)) = options.iter().find(|(k, _)| *k == chosen) {
                    value.set(key);
                }
            }>
                {options.iter().map(|(key, text)| {
                    let (key, text) = (*key, *text);
                    view! { <option value=key selected=move || value.get() == key>{move || text()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// One step of the draft: name, condition, approvers, "any one"/"all", and its place.
#[component]
fn StepEditor(
    form: StepForm,
    steps: RwSignal<Vec<StepForm>>,
    choices: StoredValue<Vec<ApproverChoice>>,
    groups: RwSignal<Vec<GroupForm>>,
    base: String,
    remove: Callback<u32>,
    shift: Callback<(u32, bool)>,
) -> impl IntoView {
    let key = form.key;
    let n =
        Memo::new(move |_| steps.with(|s| s.iter().position(|f| f.key == key).unwrap_or(0) + 1));
    let count = Memo::new(move |_| steps.with(Vec::len));
    let id = move |what: &str| format!("step-{key}-{what}");
    let conditions: Vec<ChoiceOption> = CONDITIONS
        .iter()
        .map(|k| {
            let text: fn() -> String = match *k {
                "amount_at_least" => || condition_text("amount_at_least"),
                "amount_below" => || condition_text("amount_below"),
                "amount_between" => || condition_text("amount_between"),
                "new_supplier" => || condition_text("new_supplier"),
                "supplier_in" => || condition_text("supplier_in"),
                "bank_account_changed" => || condition_text("bank_account_changed"),
                _ => || condition_text("always"),
            };
            (*k, text)
        })
        .collect();
    let approver_kinds: Vec<ChoiceOption> = vec![
        ("invoice_approvers", || {
            tr_string!(workflow.approvers_everyone).to_string()
        }),
        ("users", || tr_string!(workflow.approvers_named).to_string()),
        ("group", || tr_string!(workflow.approvers_group).to_string()),
    ];
    let needed = RwSignal::new(if form.all.get_untracked() {
        "all"
    } else {
        "any_one"
    });
    Effect::new(move |_| form.all.set(needed.get() == "all"));
    let needed_kinds: Vec<ChoiceOption> = vec![
        ("any_one", || {
            tr_string!(workflow.needed_any_one).to_string()
        }),
        ("all", || tr_string!(workflow.needed_all).to_string()),
    ];
    let base = StoredValue::new(base);
    let limit_label = move |which: &'static str| {
        TextProp::from(move || {
            let currency = base.get_value();
            match which {
                "from" => tr_string!(workflow.limit_from, currency = currency).to_string(),
                "to" => tr_string!(workflow.limit_to, currency = currency).to_string(),
                _ => tr_string!(workflow.limit, currency = currency).to_string(),
            }
        })
    };
    let legend_id = id("legend");
    view! {
        <fieldset class="subform" aria-labelledby=legend_id.clone() data-step=key>
            <legend id=legend_id.clone()>{move || tr_string!(workflow.step_legend, n = n.get()).to_string()}</legend>
            <div class="form-grid">
                <TextField id=id("name") label=crate::tr_prop!(workflow.step_name) value=form.name />
                <Choice id=id("condition") label=crate::tr_prop!(workflow.applies_when) value=form.condition options=conditions />
                {move || match form.condition.get() {
                    "amount_at_least" | "amount_below" => view! {
                        <TextField id=id("limit") label=limit_label("one") value=form.from inputmode="decimal" hint=crate::tr_prop!(workflow.limit_hint) />
                    }.into_any(),
                    "amount_between" => view! {
                        <TextField id=id("from") label=limit_label("from") value=form.from inputmode="decimal" />
                        <TextField id=id("to") label=limit_label("to") value=form.to inputmode="decimal" />
                    }.into_any(),
                    "supplier_in" => view! {
                        <TextField id=id("suppliers") label=crate::tr_prop!(workflow.suppliers) value=form.suppliers hint=crate::tr_prop!(workflow.suppliers_hint) />
                    }.into_any(),
                    _ => ().into_any(),
                }}
                <Choice id=id("approvers") label=crate::tr_prop!(workflow.approvers) value=form.approvers options=approver_kinds />
                <Choice id=id("needed") label=crate::tr_prop!(workflow.needed) value=needed options=needed_kinds />
            </div>
            {move || match form.approvers.get() {
                "users" => view! { <NamedApprovers form=form choices=choices /> }.into_any(),
                "group" => {
                    let gid = id("group");
                    // The groups as named now, each name once: read here, so the select is drawn
                    // anew when they change (a renamed group stays chosen: see `GroupEditor`; an
                    // option's `selected` attribute no longer counts once the user chose in it).
                    let mut names: Vec<String> = Vec::new();
                    groups.with(|g| {
                        for name in g.iter().map(|f| f.name.get().trim().to_owned()) {
                            if !name.is_empty() && !names.contains(&name) {
                                names.push(name);
                            }
                        }
                    });
                    let none = names.is_empty();
                    view! {
                        <div class="field">
                            <label for=gid.clone()>{tr!(workflow.group)}</label>
                            <select id=gid on:change=move |ev| form.group.set(event_target_value(&ev))>
                                <option value="" selected=move || form.group.get().is_empty()>{tr!(workflow.group_choose)}</option>
                                {names.into_iter().map(|name| {
                                    let shown = name.clone();
                                    let value = name.clone();
                                    view! { <option value=value selected=move || form.group.get() == name>{shown}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        {none.then(|| view! { <p class="hint">{tr!(workflow.no_groups)}</p> })}
                    }.into_any()
                }
                _ => ().into_any(),
            }}
            <div class="actions">
                <button type="button" class="secondary small" disabled=move || n.get() == 1
                    aria-label=move || tr_string!(workflow.move_up_label, n = n.get()).to_string()
                    on:click=move |_| shift.run((key, false))>{tr!(workflow.move_up)}</button>
                <button type="button" class="secondary small" disabled=move || n.get() == count.get()
                    aria-label=move || tr_string!(workflow.move_down_label, n = n.get()).to_string()
                    on:click=move |_| shift.run((key, true))>{tr!(workflow.move_down)}</button>
                <button type="button" class="danger small" disabled=move || count.get() == 1
                    aria-label=move || tr_string!(workflow.remove_label, n = n.get()).to_string()
                    on:click=move |_| remove.run(key)>{tr!(workflow.remove)}</button>
            </div>
        </fieldset>
    }
}

/// One approver group: its name, its members (the company's active Invoice Approvers, and any
/// member who no longer is one, to be unchecked), and "Remove group" while no step names it.
#[component]
fn GroupEditor(
    group: GroupForm,
    groups: RwSignal<Vec<GroupForm>>,
    steps: RwSignal<Vec<StepForm>>,
    choices: StoredValue<Vec<ApproverChoice>>,
    remove: Callback<u32>,
) -> impl IntoView {
    let key = group.key;
    let n =
        Memo::new(move |_| groups.with(|g| g.iter().position(|f| f.key == key).unwrap_or(0) + 1));
    // A renamed group stays chosen in the steps that named it (through an empty name, while
    // one is typed in place of another).
    Effect::new(move |before: Option<String>| {
        let now = group.name.get().trim().to_owned();
        let before = before.unwrap_or_default();
        if now.is_empty() {
            return before;
        }
        // A group of the same name left behind keeps its steps.
        let kept = groups.with_untracked(|g| {
            g.iter()
                .any(|o| o.key != key && o.name.get_untracked().trim() == before)
        });
        if !before.is_empty() && before != now && !kept {
            steps.with_untracked(|s| {
                for f in s.iter().filter(|f| f.group.get_untracked() == before) {
                    f.group.set(now.clone());
                }
            });
        }
        now
    });
    // The steps (1-based) that name this group.
    let used_by = Memo::new(move |_| {
        let name = group.name.get().trim().to_owned();
        steps.with(|s| {
            s.iter()
                .enumerate()
                .filter(|(_, f)| f.approvers.get() == "group" && f.group.get() == name)
                .map(|(i, _)| (i + 1).to_string())
                .collect::<Vec<_>>()
        })
    });
    let people = choices.get_value();
    let known: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let gone = move || {
        group.members.with(|m| {
            m.iter()
                .filter(|id| !known.contains(id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let checkbox = move |id: String, name: Signal<String>| {
        let id2 = id.clone();
        view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || group.members.with(|m| m.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        group.members.update(|m| {
                            m.retain(|x| *x != id2);
                            if on { m.push(id2.clone()); }
                        });
                    } />
                {move || name.get()}
            </label>
        }
    };
    let legend_id = format!("group-{key}-legend");
    view! {
        <fieldset class="subform" aria-labelledby=legend_id.clone() data-group=key>
            <legend id=legend_id.clone()>{move || tr_string!(workflow.group_legend, n = n.get()).to_string()}</legend>
            <TextField id=format!("group-{key}-name") label=crate::tr_prop!(workflow.group_name) value=group.name />
            {if people.is_empty() {
                view! { <p class="note note-warn">{tr!(workflow.no_approvers)}</p> }.into_any()
            } else {
                view! {
                    <fieldset class="checkboxes">
                        <legend>{tr!(workflow.group_members)}</legend>
                        {people.into_iter().map(|p| checkbox(p.id, Signal::stored(p.name))).collect_view()}
                        {move || gone().into_iter().map(|id| {
                            checkbox(id, Signal::derive(|| tr_string!(workflow.group_member_gone).to_string()))
                        }).collect_view()}
                    </fieldset>
                }.into_any()
            }}
            {move || {
                let steps = used_by.get();
                (!steps.is_empty()).then(|| view! {
                    <p class="hint">{tr_string!(workflow.group_in_use, steps = steps.join(", ")).to_string()}</p>
                })
            }}
            <div class="actions">
                <button type="button" class="danger small" disabled=move || !used_by.with(Vec::is_empty)
                    aria-label=move || tr_string!(workflow.remove_group_label, n = n.get()).to_string()
                    on:click=move |_| remove.run(key)>{tr!(workflow.remove_group)}</button>
            </div>
        </fieldset>
    }
}

/// The company's Invoice Approvers as checkboxes: the step's named approvers.
#[component]
fn NamedApprovers(form: StepForm, choices: StoredValue<Vec<ApproverChoice>>) -> impl IntoView {
    let people = choices.get_value();
    if people.is_empty() {
        return view! { <p class="note note-warn">{tr!(workflow.no_approvers)}</p> }.into_any();
    }
    view! {
        <fieldset class="checkboxes">
            <legend>{tr!(workflow.named_legend)}</legend>
            {people.into_iter().map(|p| {
                let (id, id2) = (p.id.clone(), p.id.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=move || form.users.with(|u| u.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                form.users.update(|u| {
                                    u.retain(|x| *x != id2);
                                    if on { u.push(id2.clone()); }
                                });
                            } />
                        {p.name}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
    .into_any()
}

/// Tries the draft or the active version on an invoice typed in, and shows its route.
#[component]
fn Simulator(
    company: StoredValue<String>,
    base: String,
    has_draft: RwSignal<bool>,
    active: RwSignal<Option<ActiveWorkflowView>>,
) -> impl IntoView {
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(base);
    let supplier = RwSignal::new(String::new());
    let new_supplier = RwSignal::new(false);
    let account_changed = RwSignal::new(false);
    // The draft while there is one, else the active version.
    let which = RwSignal::new("draft");
    let run = Action::new_local(move |_: &()| {
        let lang = lang();
        let typed = amount.get_untracked();
        let code = currency.get_untracked().trim().to_uppercase();
        let read = Currency::parse(&code)
            .map_err(|_| {
                tr_string!(workflow.sim_currency_unknown, currency = code.clone()).to_string()
            })
            .and_then(|c| {
                format::read_amount(lang, &typed, c)
                    .map_err(|_| tr_string!(workflow.sim_amount_unreadable).to_string())
            });
        let request = read.map(|money| SimulateRequest {
            amount: money.to_decimal_string(),
            currency: code.clone(),
            supplier_org_number: supplier.get_untracked().split_whitespace().collect(),
            supplier_is_new: new_supplier.get_untracked(),
            bank_account_changed: account_changed.get_untracked(),
            draft: which.get_untracked() == "draft" && has_draft.get_untracked()
                || active.with_untracked(Option::is_none),
        });
        let company = company.get_value();
        async move {
            let request = request.map_err(|message| ApiFailure {
                status: 0,
                message,
                fields: Vec::new(),
            })?;
            api::simulate(company, request).await
        }
    });
    let failure = failure_of(run);
    let route = Memo::new(move |_| run.value().get().and_then(Result::ok));
    let which_kinds: Vec<ChoiceOption> = vec![
        ("draft", || tr_string!(workflow.sim_try_draft).to_string()),
        ("active", || tr_string!(workflow.sim_try_active).to_string()),
    ];
    view! {
        <form class="card" aria-labelledby="simulator-title" data-testid="simulator"
            on:submit=move |ev: SubmitEvent| { ev.prevent_default(); run.dispatch(()); }>
            <h2 id="simulator-title">{tr!(workflow.sim_title)}</h2>
            <p class="hint">{tr!(workflow.sim_lead)}</p>
            <div class="form-grid">
                <TextField id="sim-amount" label=crate::tr_prop!(workflow.sim_amount) value=amount inputmode="decimal" />
                <TextField id="sim-currency" label=crate::tr_prop!(workflow.sim_currency) value=currency />
                <TextField id="sim-supplier" label=crate::tr_prop!(workflow.sim_supplier) value=supplier inputmode="numeric" />
                <Choice id="sim-which".to_owned() label=crate::tr_prop!(workflow.sim_try) value=which options=which_kinds />
            </div>
            <label class="check"><input type="checkbox" bind:checked=new_supplier />{tr!(workflow.sim_new_supplier)}</label>
            <label class="check"><input type="checkbox" bind:checked=account_changed />{tr!(workflow.sim_account_changed)}</label>
            <div class="actions">
                <button type="submit" disabled=move || run.pending().get()>{tr!(workflow.sim_run)}</button>
            </div>
            <ActionError failure=failure />
            <div aria-live="polite" data-testid="simulation">
                {move || route.get().map(|r| view! { <Route route=r /> })}
            </div>
        </form>
    }
}

/// A simulated route: each step, whether it applies and why, and who would decide it.
#[component]
fn Route(route: SimulationView) -> impl IntoView {
    view! {
        <h3>{tr!(workflow.sim_route)}</h3>
        {route.blocked.map(|b| view! { <p class="note note-warn" data-testid="simulation-blocked">{b}</p> })}
        <ol class="link-list">
            {route.steps.into_iter().map(|s| {
                let applies = s.applies;
                let all = s.needed == Needed::All;
                let names = s.approvers.join(", ");
                let name = s.name.clone();
                view! {
                    <li data-step=name data-applies=applies.to_string()>
                        <strong>{s.name}</strong>" "
                        {if applies {
                            view! { <span class="badge badge-yes">{tr!(workflow.sim_applies)}</span> }.into_any()
                        } else {
                            view! { <span class="badge">{tr!(workflow.sim_not_applies)}</span> }.into_any()
                        }}
                        <br />{s.why}
                        {(!names.is_empty()).then(|| view! {
                            <br />
                            {move || if all {
                                tr_string!(workflow.sim_approvers_all, names = names.clone()).to_string()
                            } else {
                                tr_string!(workflow.sim_approvers_any, names = names.clone()).to_string()
                            }}
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
