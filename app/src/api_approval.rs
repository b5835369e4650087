//! API client of the approval function (issue 4): tasks, the bundle and signing, and the
//! process overview. Types come from `ap_core::api_approval`; requests and errors go through
//! the helpers of [`crate::api`], so problem+json answers become sentences the same way.

use ap_core::api::{Page, PasskeyBundleOptionsRequest, PasskeyOptions};
use ap_core::api_approval::{
    AnswerReviewRequest, BundleView, CommentRequest, ForwardRequest, PostponeRequest,
    ProcessDetail, ProcessFilter, ProcessRow, RejectRequest, ReviewRequest, SignRequest,
    SignResult, TaskDetail, TaskRow, VersionedRequest,
};
use ap_core::api_workflow::ApproverChoice;

pub use ap_core::approval::TaskSort;

use crate::api::{delete, get, post, post_empty, query_string, segment, ApiFailure};

/// The `sort` parameter of the task list.
fn sort_param(sort: TaskSort) -> &'static str {
    match sort {
        TaskSort::DueDate => "due_date",
        TaskSort::Amount => "amount",
    }
}

// --- Tasks -----------------------------------------------------------------------------------

/// `GET /api/v1/tasks`: my open tasks, in all my companies or in `company`.
/// One page of my open tasks (`cursor`: the last page's `next_cursor`; `None` for the first).
pub async fn tasks(
    company: Option<String>,
    sort: TaskSort,
    cursor: Option<String>,
) -> Result<Page<TaskRow>, ApiFailure> {
    let query = query_string(&[
        ("company", company),
        ("sort", Some(sort_param(sort).into())),
        ("cursor", cursor),
    ]);
    get(&format!("/api/v1/tasks{query}")).await
}

pub async fn task(id: String) -> Result<TaskDetail, ApiFailure> {
    get(&format!("/api/v1/tasks/{}", segment(&id))).await
}

pub async fn approve(id: String, expected_version: u64) -> Result<TaskDetail, ApiFailure> {
    post(
        &format!("/api/v1/tasks/{}/approve", segment(&id)),
        &VersionedRequest { expected_version },
    )
    .await
}

/// Approve and pay: the invoice moves into my bundle, which is answered.
pub async fn approve_and_pay(id: String, expected_version: u64) -> Result<BundleView, ApiFailure> {
    post(
        &format!("/api/v1/tasks/{}/approve-and-pay", segment(&id)),
        &VersionedRequest { expected_version },
    )
    .await
}

pub async fn reject(id: String, req: RejectRequest) -> Result<TaskDetail, ApiFailure> {
    post(&format!("/api/v1/tasks/{}/reject", segment(&id)), &req).await
}

pub async fn comment(id: String, req: CommentRequest) -> Result<TaskDetail, ApiFailure> {
    post(&format!("/api/v1/tasks/{}/comments", segment(&id)), &req).await
}

/// Who a task can be forwarded to or reviewed by: the company's other active Invoice Approvers.
pub async fn task_people(id: String) -> Result<Vec<ApproverChoice>, ApiFailure> {
    get(&format!("/api/v1/tasks/{}/people", segment(&id))).await
}

pub async fn forward(id: String, req: ForwardRequest) -> Result<TaskDetail, ApiFailure> {
    post(&format!("/api/v1/tasks/{}/forward", segment(&id)), &req).await
}

pub async fn request_review(id: String, req: ReviewRequest) -> Result<TaskDetail, ApiFailure> {
    post(&format!("/api/v1/tasks/{}/review", segment(&id)), &req).await
}

pub async fn answer_review(id: String, req: AnswerReviewRequest) -> Result<TaskDetail, ApiFailure> {
    post(
        &format!("/api/v1/tasks/{}/review/answer", segment(&id)),
        &req,
    )
    .await
}

pub async fn postpone(id: String, req: PostponeRequest) -> Result<TaskDetail, ApiFailure> {
    post(&format!("/api/v1/tasks/{}/postpone", segment(&id)), &req).await
}

// --- Bundle and signing ----------------------------------------------------------------------

pub async fn bundle() -> Result<BundleView, ApiFailure> {
    get("/api/v1/bundle").await
}

/// How many invoices my bundle holds, without reading the rest of it (the task list's first
/// download then needs no code to read a whole bundle).
pub async fn bundle_count() -> Result<usize, ApiFailure> {
    #[derive(serde::Deserialize)]
    struct Count {
        count: usize,
    }
    get::<Count>("/api/v1/bundle").await.map(|c| c.count)
}

/// Takes one invoice out of the bundle; it returns to the task list.
pub async fn remove_from_bundle(id: String) -> Result<BundleView, ApiFailure> {
    delete(&format!("/api/v1/bundle/items/{}", segment(&id))).await
}

/// Cancel approval: dissolves the bundle, every invoice returns to the task list unapproved.
pub async fn cancel_bundle() -> Result<BundleView, ApiFailure> {
    post_empty("/api/v1/bundle/cancel").await
}

/// `POST /api/v1/bundle/passkey-options`: the challenge for signing the bundle whose digest
/// was shown (refused with 409 when the bundle changed since).
pub async fn bundle_passkey_options(digest: String) -> Result<PasskeyOptions, ApiFailure> {
    post(
        "/api/v1/bundle/passkey-options",
        &PasskeyBundleOptionsRequest { digest },
    )
    .await
}

/// Signs the bundle whose digest was shown, with password and TOTP code or a passkey.
pub async fn sign_bundle(req: SignRequest) -> Result<SignResult, ApiFailure> {
    post("/api/v1/bundle/sign", &req).await
}

// --- Process overview ------------------------------------------------------------------------

/// `GET /api/v1/admin/processes`: one page of the processes `filter` keeps (`cursor`: the last
/// page's `next_cursor`; `None` for the first).
pub async fn processes(
    filter: ProcessFilter,
    cursor: Option<String>,
) -> Result<Page<ProcessRow>, ApiFailure> {
    let query = query_string(&[
        ("company", filter.company),
        ("status", filter.status),
        (
            "payment_approved",
            filter.payment_approved.map(|b| b.to_string()),
        ),
        ("warning", filter.warning),
        ("cursor", cursor),
    ]);
    get(&format!("/api/v1/admin/processes{query}")).await
}

pub async fn process(id: String) -> Result<ProcessDetail, ApiFailure> {
    get(&format!("/api/v1/admin/processes/{}", segment(&id))).await
}

pub async fn revoke_token(id: String) -> Result<ProcessDetail, ApiFailure> {
    post_empty(&format!(
        "/api/v1/admin/processes/{}/revoke-token",
        segment(&id)
    ))
    .await
}

// --- Signed by me ----------------------------------------------------------------------------

/// `GET /api/v1/me/signings`: one page of the bundles I signed, newest first (`cursor`: the
/// last page's `next_cursor`; `None` for the first).
pub async fn signings(
    cursor: Option<String>,
) -> Result<Page<ap_core::signings::SigningView>, ApiFailure> {
    let query = query_string(&[("cursor", cursor)]);
    get(&format!("/api/v1/me/signings{query}")).await
}
