//! Approval: the task list, a task, and the actions on it (approve, approve and pay, reject,
//! comment), for Invoice Approvers of the process's company. Another company's task answers 404,
//! exactly like a task that does not exist. Also the views of processes shared with the bundle
//! and the process overview.

use ap_core::api::Page;
use ap_core::api_approval::{
    AnswerReviewRequest, CommentRequest, CommentView, ForwardRequest, HistoryEntry, InvoiceView,
    PostponeRequest, RejectRequest, ReviewRequest, SupplierView, TaskDetail, TaskRow,
    VersionedRequest,
};
use ap_core::api_workflow::ApproverChoice;
use ap_core::approval::{amount_view, company_of_process, TaskSort};
use ap_core::document::SupplierAccount;
use ap_core::ids::{CompanyId, InvoiceId};
use ap_core::process::Comment;
use ap_core::roles::Role;
use ap_core::task_list::{self, TaskKey};
use ap_core::task_standing::TaskStanding;
use worker::{Env, Headers, Request, Response};

use crate::auth::{require_session, SessionCtx};
use crate::events;
use crate::http::{json, page_params, query_param, read_json};
use crate::ledger::ProcessWithHistory;
use crate::ledger::{ask_ledger, ActAnswer, Action, HistoryRow, LedgerCommand, ProcessRecord};
use crate::platform::now_secs;
use crate::problem::{ApiError, BadField, BadQuery, Missing};
use crate::records::{actor_label, load_company, rfc3339, CompanyRecord, UserRecord};
use crate::store::Kv;

/// The KV key of a process's PDF (raw bytes).
pub fn pdf_key(process: &InvoiceId) -> String {
    format!("pdf:{process}")
}

/// The process and company a path segment names, when the user is an Invoice Approver there.
pub async fn approver_scope(
    kv: &Kv,
    ctx: &SessionCtx,
    segment: &str,
) -> Result<(CompanyRecord, InvoiceId), ApiError> {
    let (company, process) = company_of_process(segment).ok_or(Missing::Task)?;
    if !ctx.user.roles.has(&company, Role::InvoiceApprover) {
        return Err(Missing::Task.into());
    }
    let record = load_company(kv, &company).await?.ok_or(Missing::Task)?;
    Ok((record, process))
}

/// Companies where the user is an Invoice Approver, optionally only `only`.
pub async fn approver_companies(
    kv: &Kv,
    user: &UserRecord,
    only: Option<&str>,
) -> Result<Vec<CompanyRecord>, ApiError> {
    let mut out = Vec::new();
    for company in user.roles.companies_with(Role::InvoiceApprover) {
        if only.is_some_and(|o| o != company.as_str()) {
            continue;
        }
        if let Some(record) = load_company(kv, company).await? {
            out.push(record);
        }
    }
    if let Some(only) = only {
        if out.is_empty() {
            return Err(Missing::NotInvoiceApproverIn(only.to_owned()).into());
        }
    }
    Ok(out)
}

pub async fn process_with_history(
    env: &Env,
    company: &CompanyId,
    process: &InvoiceId,
) -> Result<Option<ProcessWithHistory>, ApiError> {
    ask_ledger(
        env,
        company,
        &LedgerCommand::Get {
            process_id: process.clone(),
        },
    )
    .await
}

pub fn invoice_view(record: &ProcessRecord, company_name: &str) -> InvoiceView {
    let doc = record.process.document();
    let (account_kind, bic) = match &doc.supplier.account {
        SupplierAccount::Iban { bic, .. } => ("iban", bic.as_ref().map(|b| b.to_string())),
        SupplierAccount::National { bic, .. } => ("national", Some(bic.to_string())),
    };
    InvoiceView {
        document_id: doc.document_id.to_string(),
        company_id: doc.company_id.to_string(),
        company_name: company_name.to_owned(),
        supplier: SupplierView {
            name: doc.supplier.name.as_str().to_owned(),
            organisation_number: doc.supplier.organisation_number.to_string(),
            account: doc.supplier.account.as_str().to_owned(),
            account_kind: account_kind.to_owned(),
            bic,
        },
        invoice_number: doc.invoice_number.as_str().to_owned(),
        invoice_date: doc.invoice_date.to_string(),
        due_date: doc.due_date.to_string(),
        amount: amount_view(doc.amount),
        payment_reference: doc.payment_reference.as_str().to_owned(),
        payment_reference_kind: doc.payment_reference.kind().to_owned(),
        pdf_url: doc
            .pdf
            .as_ref()
            .map(|_| format!("/api/v1/tasks/{}/pdf", record.process.id())),
    }
}

pub fn history_view(rows: &[HistoryRow]) -> Vec<HistoryEntry> {
    rows.iter()
        .map(|r| HistoryEntry {
            at: rfc3339(u64::try_from(r.at).unwrap_or(0)),
            kind: r.kind.clone(),
            actor: r.actor.clone(),
            detail: r.detail.clone(),
            bundle_id: r.bundle_id.clone(),
            two_step_method: r.method.clone(),
        })
        .collect()
}

pub fn comments_view(rows: &[HistoryRow]) -> Vec<CommentView> {
    rows.iter()
        .filter(|r| r.kind == "commented" || r.kind == "rejected")
        .filter_map(|r| {
            Some(CommentView {
                at: rfc3339(u64::try_from(r.at).unwrap_or(0)),
                author: r.actor.clone(),
                text: r.comment.clone()?,
            })
        })
        .collect()
}

/// Whether "Approve and pay" is offered to `user` on this process, and if not, why. A
/// substitute is judged as if they had taken the absent approver's task over.
pub fn approve_and_pay_offer(
    record: &ProcessRecord,
    company: &CompanyRecord,
    user: &UserRecord,
    stand_in: &[(ap_core::ids::UserId, String)],
) -> (bool, Vec<String>) {
    let readiness = company.readiness_of(user);
    let mut missing = readiness.messages(&company.name);
    let mut process = record.process.clone();
    process.stand_in(&user.id, &user.name, stand_in);
    if let Err(refusal) = process.check_approve_and_pay(&user.id) {
        missing.push(refusal.to_string());
    }
    (missing.is_empty(), missing)
}

/// "On behalf of …" on a task `user` sees because they substitute for an absent approver.
fn on_behalf_note(
    record: &ProcessRecord,
    user: &ap_core::ids::UserId,
    stand_in: &[(ap_core::ids::UserId, String)],
) -> Option<ap_core::warnings::WarningNote> {
    let (_, absent) = record.process.stand_in_for(user, stand_in)?;
    Some(ap_core::warnings::WarningNote {
        kind: "on_behalf_of".to_owned(),
        message: ap_core::sentence!("On behalf of {absent}: you substitute for them."),
    })
}

fn today(now: u64) -> Result<ap_core::dates::Date, ApiError> {
    ap_core::dates::Date::from_unix_secs(now).map_err(|e| ApiError::internal("today", e))
}

/// A list row of a process (`TaskRow` on the task list, `ProcessRow` on the process overview):
/// the invoice facts every row shows, written once here, then the row's own fields
/// (`field: value`, or `field` alone for a local of that name).
macro_rules! process_row {
    (
        $row:ident, $record:expr, $company:expr,
        { $($field:ident $(: $value:expr)?),* $(,)? }
    ) => {{
        let record: &$crate::ledger::ProcessRecord = $record;
        let company: &$crate::records::CompanyRecord = $company;
        let doc = record.process.document();
        $row {
            id: record.process.id().to_string(),
            company_id: company.id.to_string(),
            company_name: company.name.clone(),
            supplier_name: doc.supplier.name.as_str().to_owned(),
            invoice_number: doc.invoice_number.as_str().to_owned(),
            amount: ::ap_core::approval::amount_view(doc.amount),
            due_date: doc.due_date.to_string(),
            status: record.process.state().name().to_owned(),
            version: record.process.version(),
            $($field $(: $value)?,)*
        }
    }};
}
pub(crate) use process_row;

/// The detail of a process (`TaskDetail` for an Invoice Approver, `ProcessDetail` on the process
/// overview) from its record and history: what every detail shows, written once here, then the
/// detail's own fields as in [`process_row!`]. The approvers' names are read through `$kv` with
/// `?`, so it expands inside an async function answering `ApiError`.
macro_rules! process_detail {
    (
        $detail:ident, $found:expr, $company_name:expr, $kv:expr,
        { $($field:ident $(: $value:expr)?),* $(,)? }
    ) => {{
        let found: &$crate::ledger::ProcessWithHistory = $found;
        let record = &found.record;
        $detail {
            id: record.process.id().to_string(),
            invoice: $crate::approval::invoice_view(record, $company_name),
            status: record.process.state().name().to_owned(),
            required_approvals: record.process.required_approvals(),
            approvers: $crate::records::Names::default().approvers($kv, record).await?,
            warnings: ap_core::process_route::task_notes(&record.process)
                .into_iter()
                .chain(ap_core::warnings::notes(&record.warnings_at($crate::platform::now_secs())))
                .collect(),
            history: $crate::approval::history_view(&found.history),
            comments: $crate::approval::comments_view(&found.history),
            version: record.process.version(),
            $($field $(: $value)?,)*
        }
    }};
}
pub(crate) use process_detail;

/// The notes of a list row: "soon overdue" while the invoice is due within the company's days
/// (`ap_core::workflow::due_soon_note`), then its warnings as they are `now`.
pub(crate) fn row_notes(
    record: &ProcessRecord,
    company: &CompanyRecord,
    now: u64,
) -> Vec<ap_core::warnings::WarningNote> {
    let soon = ap_core::dates::Date::from_unix_secs(now)
        .ok()
        .and_then(|today| {
            ap_core::workflow::due_soon_note(
                &record.process,
                today,
                company.settings.soon_overdue_days,
            )
        });
    ap_core::process_route::task_notes(&record.process)
        .into_iter()
        .chain(soon)
        .chain(ap_core::warnings::notes(&record.warnings_at(now)))
        .collect()
}

fn task_row(
    record: &ProcessRecord,
    company: &CompanyRecord,
    user: &UserRecord,
    stand_in: &[(ap_core::ids::UserId, String)],
    now: u64,
) -> TaskRow {
    let (offered, missing) = approve_and_pay_offer(record, company, user, stand_in);
    let on_behalf = on_behalf_note(record, &user.id, stand_in);
    process_row!(TaskRow, record, company, {
        warnings: on_behalf.into_iter().chain(row_notes(record, company, now)).collect(),
        approve_and_pay_offered: offered,
        approve_and_pay_missing: missing,
    })
}

/// Approve and pay asked by someone not ready for it in the company (422): what is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Approve and pay is not available: {}", .missing.join(" "))]
pub struct ApproveAndPayUnavailable {
    pub missing: Vec<String>,
}

/// `GET /api/v1/tasks?company=&sort=due_date|amount&cursor=&limit=`: one page of the open
/// tasks of the approver's companies (`ap_core::task_list`): one ledger call per company, each
/// answering at most `limit + 1` tasks after the cursor, however many invoices wait.
pub async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let sort = TaskSort::parse(query_param(req, "sort")?.as_deref()).ok_or(BadQuery::Sort)?;
    let (limit, cursor) = page_params(req)?;
    let after = match cursor {
        Some(c) => Some(TaskKey::from_cursor(&c, sort).ok_or(BadQuery::Cursor)?),
        None => None,
    };
    let kv = Kv::open(env)?;
    let only = query_param(req, "company")?;
    let now = now_secs();
    let stand_in = crate::absences::standing_in_for(env, &kv, &ctx.user.id, today(now)?).await?;
    let mut users = vec![ctx.user.id.clone()];
    users.extend(stand_in.iter().map(|(id, _)| id.clone()));
    let today = today(now)?.to_string();
    let mut candidates = Vec::new();
    for company in approver_companies(&kv, &ctx.user, only.as_deref()).await? {
        let command = LedgerCommand::OpenTasks {
            sort,
            after: after.clone(),
            limit: limit + 1,
            users: users.clone(),
            today: today.clone(),
        };
        let records: Vec<ProcessRecord> = ask_ledger(env, &company.id, &command).await?;
        for record in records {
            let key = TaskKey::of(&record.process, &company.id);
            candidates.push((key, task_row(&record, &company, &ctx.user, &stand_in, now)));
        }
    }
    let (items, next_cursor) = task_list::merged_page(candidates, sort, after.as_ref(), limit);
    json(200, &Page { items, next_cursor })
}

async fn detail_of(
    env: &Env,
    kv: &Kv,
    ctx: &SessionCtx,
    company: &CompanyRecord,
    process: &InvoiceId,
) -> Result<TaskDetail, ApiError> {
    let found = process_with_history(env, &company.id, process)
        .await?
        .ok_or(Missing::Task)?;
    let record = &found.record;
    let stand_in =
        crate::absences::standing_in_for(env, kv, &ctx.user.id, today(now_secs())?).await?;
    let (offered, missing) = approve_and_pay_offer(record, company, &ctx.user, &stand_in);
    // A substitute stands where the absent approver would.
    let mut standing_in = record.process.clone();
    standing_in.stand_in(&ctx.user.id, &ctx.user.name, &stand_in);
    let standing = TaskStanding::of(&standing_in, &ctx.user.id);
    let on_behalf = on_behalf_note(record, &ctx.user.id, &stand_in);
    let mut detail = process_detail!(TaskDetail, &found, &company.name, kv, {
        can_approve: standing == TaskStanding::CanDecide,
        standing,
        approve_and_pay_offered: offered,
        approve_and_pay_missing: missing,
    });
    detail.warnings.splice(0..0, on_behalf);
    Ok(detail)
}

/// `GET /api/v1/tasks/{id}`.
pub async fn detail(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let kv = Kv::open(env)?;
    let (company, process) = approver_scope(&kv, &ctx, id).await?;
    json(200, &detail_of(env, &kv, &ctx, &company, &process).await?)
}

/// `GET /api/v1/tasks/{id}/pdf`: the invoice PDF, inline.
pub async fn pdf(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let kv = Kv::open(env)?;
    let (_, process) = approver_scope(&kv, &ctx, id).await?;
    let bytes = kv
        .get_bytes(&pdf_key(&process))
        .await?
        .ok_or(Missing::Pdf)?;
    let headers = Headers::new();
    headers.set("content-type", "application/pdf")?;
    headers.set("content-disposition", "inline")?;
    headers.set("cache-control", "private, no-store")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// Runs one action in the company's ledger and records the event.
pub async fn act(
    env: &Env,
    ctx: &SessionCtx,
    company: &CompanyRecord,
    process: &InvoiceId,
    action: Action,
) -> Result<ProcessRecord, ApiError> {
    let now = now_secs();
    let kv = Kv::open(env)?;
    let stand_in = crate::absences::standing_in_for(env, &kv, &ctx.user.id, today(now)?).await?;
    let answer: ActAnswer = ask_ledger(
        env,
        &company.id,
        &LedgerCommand::Act {
            process_id: process.clone(),
            user: ctx.user.id.clone(),
            actor: actor_label(&ctx.user),
            action,
            now,
            stand_in,
            user_name: ctx.user.name.clone(),
        },
    )
    .await?;
    match answer {
        ActAnswer::Done {
            record,
            transition,
            on_behalf_of,
            told,
        } => {
            let doc = record.process.document();
            let actor = match on_behalf_of {
                Some(absent) => ap_core::sentence!("{} on behalf of {absent}", ctx.actor()),
                None => ctx.actor(),
            };
            events::record(
                env,
                &actor,
                "invoice_state_changed",
                Some(&company.id),
                ap_core::sentence!(
                    "Invoice {} from {} ({}): {}",
                    doc.invoice_number.as_str(),
                    doc.supplier.name.as_str(),
                    process,
                    transition.change.describe()
                ),
            )
            .await?;
            crate::notify::tell(env, company, told.into_iter().collect()).await;
            Ok(record)
        }
        ActAnswer::Refused { refusal } => Err(refusal.into()),
        ActAnswer::NotFound => Err(Missing::Task.into()),
    }
}

/// An action on a task made from the request's body (`action` may refuse it), run in the
/// company's ledger; answers the task as it is then.
async fn act_on_task<B: serde::de::DeserializeOwned>(
    mut req: Request,
    env: &Env,
    id: &str,
    action: impl FnOnce(B) -> Result<Action, ApiError>,
) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let kv = Kv::open(env)?;
    let (company, process) = approver_scope(&kv, &ctx, id).await?;
    let body: B = read_json(&mut req).await?;
    act(env, &ctx, &company, &process, action(body)?).await?;
    json(200, &detail_of(env, &kv, &ctx, &company, &process).await?)
}

/// `POST /api/v1/tasks/{id}/approve`.
pub async fn approve(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    act_on_task(req, env, id, |body: VersionedRequest| {
        Ok(Action::Approve {
            expected_version: body.expected_version,
        })
    })
    .await
}

/// `POST /api/v1/tasks/{id}/approve-and-pay`: only when the prerequisites hold and this
/// approval completes the invoice; it then moves into the user's bundle.
pub async fn approve_and_pay(mut req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let kv = Kv::open(env)?;
    let (company, process) = approver_scope(&kv, &ctx, id).await?;
    let body: VersionedRequest = read_json(&mut req).await?;
    let readiness = company.readiness_of(&ctx.user);
    if !readiness.ready {
        return Err(ApproveAndPayUnavailable {
            missing: readiness.messages(&company.name),
        }
        .into());
    }
    act(
        env,
        &ctx,
        &company,
        &process,
        Action::ApproveAndPay {
            expected_version: body.expected_version,
        },
    )
    .await?;
    let bundle = crate::bundle::current(env, &kv, &ctx.user).await?;
    json(200, &bundle.view())
}

/// `POST /api/v1/tasks/{id}/reject`: a comment is required.
pub async fn reject(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    act_on_task(req, env, id, |body: RejectRequest| {
        Ok(Action::Reject {
            expected_version: body.expected_version,
            comment: body.comment,
        })
    })
    .await
}

/// The user `id` names when they are an active Invoice Approver of `company` other than me,
/// else a 400 naming `field`.
async fn colleague(
    kv: &Kv,
    ctx: &SessionCtx,
    company: &CompanyRecord,
    id: &str,
    field: &'static str,
) -> Result<UserRecord, ApiError> {
    let user = match ap_core::ids::UserId::parse(id.trim()) {
        Ok(id) if id != ctx.user.id => crate::records::load_user(kv, &id).await?,
        _ => None,
    };
    user.filter(|u| u.active && u.roles.has(&company.id, Role::InvoiceApprover))
        .ok_or_else(|| BadField::Person(field).into())
}

/// `GET /api/v1/tasks/{id}/people`: who the task can be forwarded to or reviewed by (the
/// company's other active Invoice Approvers, by name).
pub async fn people(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let ctx = require_session(req, env).await?;
    let kv = Kv::open(env)?;
    let (company, _) = approver_scope(&kv, &ctx, id).await?;
    let people: Vec<ApproverChoice> = crate::workflows::invoice_approvers(env, &kv, &company)
        .await?
        .into_iter()
        .filter(|u| u.id != ctx.user.id)
        .map(|u| ApproverChoice {
            id: u.id.to_string(),
            name: u.name,
        })
        .collect();
    json(200, &people)
}

/// `POST /api/v1/tasks/{id}/forward`, `…/review`, `…/review/answer`, `…/postpone`: the task
/// actions beyond approve and reject, each decided by the process in its ledger.
pub async fn hand_over(
    mut req: Request,
    env: &Env,
    id: &str,
    what: &str,
) -> Result<Response, ApiError> {
    let ctx = require_session(&req, env).await?;
    let kv = Kv::open(env)?;
    let (company, process) = approver_scope(&kv, &ctx, id).await?;
    let action = match what {
        "forward" => {
            let body: ForwardRequest = read_json(&mut req).await?;
            let to = colleague(&kv, &ctx, &company, &body.to, "to").await?;
            Action::Forward {
                expected_version: body.expected_version,
                to: to.id,
                to_name: to.name,
                comment: body.comment,
            }
        }
        "review" => {
            let body: ReviewRequest = read_json(&mut req).await?;
            let reviewer = colleague(&kv, &ctx, &company, &body.reviewer, "reviewer").await?;
            Action::RequestReview {
                expected_version: body.expected_version,
                user_name: ctx.user.name.clone(),
                reviewer: reviewer.id,
                reviewer_name: reviewer.name,
                question: body.question,
            }
        }
        "answer" => {
            let body: AnswerReviewRequest = read_json(&mut req).await?;
            Action::AnswerReview {
                expected_version: body.expected_version,
                answer: body.answer,
            }
        }
        _ => {
            let body: PostponeRequest = read_json(&mut req).await?;
            let until = ap_core::dates::Date::parse(body.until.trim()).map_err(BadField::Until)?;
            let today = ap_core::dates::Date::from_unix_secs(now_secs())
                .map_err(|e| ApiError::internal("today", e))?;
            Action::Postpone {
                expected_version: body.expected_version,
                until,
                today,
            }
        }
    };
    act(env, &ctx, &company, &process, action).await?;
    json(200, &detail_of(env, &kv, &ctx, &company, &process).await?)
}

/// `POST /api/v1/tasks/{id}/comments`.
pub async fn comment(req: Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    act_on_task(req, env, id, |body: CommentRequest| {
        // Read at the boundary, so a refusal names the request's field (`text`).
        Comment::parse(&body.text).map_err(BadField::CommentText)?;
        Ok(Action::Comment { text: body.text })
    })
    .await
}
