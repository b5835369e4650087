//! API client of AutoPay (issue 5): payments, their events and approval, payment files, signing
//! an upload, and the upload itself. Types come from `ap_core::api_autopay`; JSON calls go
//! through the helpers of [`crate::api`]. The upload alone uses `XMLHttpRequest`, because only
//! it reports upload progress (fetch does not), so the screen can drive a real progress bar.

use ap_core::api::{Page, PasskeyAssertion, PasskeyOptions, Problem};
use ap_core::api_autopay::{
    ApprovePaymentRequest, FileStatus, PaymentEvents, PaymentFileRow, PaymentFilter, PaymentRow,
    RejectPaymentRequest, SignFileRequest, UploadResult,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, ProgressEvent, XmlHttpRequest};

use crate::api::{get, post, query_string, segment, ApiFailure};

/// `GET /api/v1/autopay/payments?company=&status=&file=&date=&cursor=`: one page of the
/// payments `filter` keeps, newest first (`cursor`: the last page's `next_cursor`).
pub async fn payments(
    filter: PaymentFilter,
    cursor: Option<String>,
) -> Result<Page<PaymentRow>, ApiFailure> {
    let query = query_string(&[
        ("company", filter.company),
        ("status", filter.status.map(|s| s.as_key().to_owned())),
        ("file", filter.file),
        ("date", filter.date),
        ("cursor", cursor),
    ]);
    get(&format!("/api/v1/autopay/payments{query}")).await
}

/// `GET /api/v1/autopay/payments/{id}/events`: the payment and its history.
pub async fn payment(id: String) -> Result<PaymentEvents, ApiFailure> {
    get(&format!("/api/v1/autopay/payments/{}/events", segment(&id))).await
}

/// `POST /api/v1/autopay/payments/{id}/approve`, with a code or a passkey when the bank
/// agreement asks.
pub async fn approve_payment(
    id: String,
    code: Option<String>,
    passkey: Option<PasskeyAssertion>,
    confirm_warning: bool,
) -> Result<PaymentRow, ApiFailure> {
    post(
        &format!("/api/v1/autopay/payments/{}/approve", segment(&id)),
        &ApprovePaymentRequest {
            code,
            passkey,
            confirm_warning,
        },
    )
    .await
}

/// `POST /api/v1/autopay/payments/{id}/passkey-options`: the challenge bound to this payment.
pub async fn payment_passkey_options(id: String) -> Result<PasskeyOptions, ApiFailure> {
    let path = format!("/api/v1/autopay/payments/{}/passkey-options", segment(&id));
    post(&path, &serde_json::json!({})).await
}

/// `POST /api/v1/autopay/files/{id}/passkey-options`: the challenge bound to this upload.
pub async fn file_passkey_options(id: String) -> Result<PasskeyOptions, ApiFailure> {
    let path = format!("/api/v1/autopay/files/{}/passkey-options", segment(&id));
    post(&path, &serde_json::json!({})).await
}

/// `POST /api/v1/autopay/payments/{id}/reject`.
pub async fn reject_payment(id: String, reason: String) -> Result<PaymentRow, ApiFailure> {
    post(
        &format!("/api/v1/autopay/payments/{}/reject", segment(&id)),
        &RejectPaymentRequest { reason },
    )
    .await
}

/// `GET /api/v1/autopay/files?company=&status=&cursor=&limit=`: one page of the payment files,
/// newest first (`limit`: the server's default without it).
pub async fn files(
    company: Option<String>,
    status: Option<FileStatus>,
    cursor: Option<String>,
    limit: Option<usize>,
) -> Result<Page<PaymentFileRow>, ApiFailure> {
    let query = query_string(&[
        ("company", company),
        ("status", status.map(|s| s.as_key().to_owned())),
        ("cursor", cursor),
        ("limit", limit.map(|l| l.to_string())),
    ]);
    get(&format!("/api/v1/autopay/files{query}")).await
}

/// `GET /api/v1/autopay/files/{id}`: a file's per-payment outcome.
pub async fn file(id: String) -> Result<UploadResult, ApiFailure> {
    get(&format!("/api/v1/autopay/files/{}", segment(&id))).await
}

/// `POST /api/v1/autopay/files/{id}/sign`: signs an upload that waits in Pending signing.
pub async fn sign_file(
    id: String,
    code: String,
    passkey: Option<PasskeyAssertion>,
) -> Result<UploadResult, ApiFailure> {
    post(
        &format!("/api/v1/autopay/files/{}/sign", segment(&id)),
        &SignFileRequest { code, passkey },
    )
    .await
}

fn browser_failure(err: JsValue) -> ApiFailure {
    let why = err
        .as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the browser refused the request".to_owned());
    ApiFailure {
        status: 0,
        message: format!("The file could not be sent ({why})."),
        fields: Vec::new(),
    }
}

/// `POST /api/v1/autopay/files` (signed-in AutoPay Approver): uploads a pain.001 file.
/// `on_progress` gets the share sent so far (0.0–1.0) whenever the browser reports it.
pub async fn upload_file(
    file: File,
    on_progress: impl Fn(f64) + 'static,
) -> Result<UploadResult, ApiFailure> {
    let xhr = XmlHttpRequest::new().map_err(browser_failure)?;
    xhr.open("POST", "/api/v1/autopay/files")
        .map_err(browser_failure)?;
    xhr.set_request_header("content-type", "application/xml")
        .map_err(browser_failure)?;
    xhr.set_request_header("accept", "application/json")
        .map_err(browser_failure)?;
    xhr.set_request_header("accept-language", crate::language::shown().tag())
        .map_err(browser_failure)?;
    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress(e.loaded() / e.total());
        }
    });
    xhr.upload()
        .map_err(browser_failure)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_blob(Some(&file))
        .map_err(browser_failure)?;
    let finished = JsFuture::from(done).await;
    drop(progress);
    if finished.is_err() {
        return Err(ApiFailure {
            status: 0,
            message: "The file could not be sent: the connection failed. Nothing was uploaded."
                .to_owned(),
            fields: Vec::new(),
        });
    }
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    let is_problem = xhr
        .get_response_header("content-type")
        .ok()
        .flatten()
        .is_some_and(|c| c.starts_with("application/problem+json"));
    let unreadable = |e: serde_json::Error| ApiFailure {
        status,
        message: format!("The service's answer could not be read ({e})."),
        fields: Vec::new(),
    };
    if is_problem {
        let problem: Problem = serde_json::from_str(&body).map_err(unreadable)?;
        return Err(ApiFailure {
            status,
            message: problem.detail,
            fields: problem.errors,
        });
    }
    if !(200..300).contains(&status) {
        return Err(ApiFailure {
            status,
            message: format!(
                "The service answered {status} {}.",
                xhr.status_text().unwrap_or_default()
            ),
            fields: Vec::new(),
        });
    }
    serde_json::from_str(&body).map_err(unreadable)
}
