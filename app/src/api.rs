//! The one API client: typed calls to the Worker, with problem+json errors turned into
//! sentences a user can read. Request and response types come from `ap_core::api`; the session
//! cookie is HttpOnly and travels by itself (same origin).

use ap_core::api::{
    BankAgreementRequest, ChangePasswordRequest, CompanyRequest, CompanySettingsPatch, CompanyView,
    EventView, FieldError, FirstAdminRequest, Health, IntegrationKeyView, Me, NewIntegrationKey,
    NewIntegrationKeyRequest, NewUserCreated, NewUserRequest, Page, PasskeyAssertion,
    PasskeyNameRequest, PasskeyOptions, PasskeyOptionsRequest, PasskeyRegistration,
    PasskeyRemoveRequest, PasskeyView, PasskeysView, Problem, ReadinessRow, RecoveryCodesShown,
    RolesRequest, SessionState, SignInRequest, TwoStepCodeRequest, TwoStepEnrolment, UserView,
};
use ap_core::listing::MAX_LIMIT;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call failed, in words for the user, with the fields the server named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub status: u16,
    pub message: String,
    /// Invalid fields from the problem's `errors` member, to show next to their inputs.
    pub fields: Vec<FieldError>,
}

impl ApiFailure {
    /// The server's message for one field, if it named that field.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.field == name)
            .map(|f| f.message.clone())
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

async fn problem_or<T>(resp: Response, ok: impl AsyncOnce<T>) -> Result<T, ApiFailure> {
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/problem+json"));
    if is_problem {
        let problem: Problem = resp.json().await.map_err(|e| network(status, e))?;
        // A lock is said with its end in the reader's own time and language.
        let message = match &problem.locked_until {
            Some(until) => {
                let until = crate::widgets::local_time(until);
                crate::tr_string!(widgets.locked_until, until = until).to_string()
            }
            None => problem.detail,
        };
        return Err(ApiFailure {
            status,
            message,
            fields: problem.errors,
        });
    }
    if !resp.ok() {
        return Err(ApiFailure {
            status,
            message: crate::tr_string!(
                misc.service_answered,
                status = status,
                text = resp.status_text()
            )
            .to_string(),
            fields: Vec::new(),
        });
    }
    ok.run(resp).await
}

/// What to read from a successful answer: a JSON body or nothing.
trait AsyncOnce<T> {
    async fn run(self, resp: Response) -> Result<T, ApiFailure>;
}

struct Json;
impl<T: DeserializeOwned> AsyncOnce<T> for Json {
    async fn run(self, resp: Response) -> Result<T, ApiFailure> {
        let status = resp.status();
        resp.json::<T>().await.map_err(|e| network(status, e))
    }
}

struct Empty;
impl AsyncOnce<()> for Empty {
    async fn run(self, _resp: Response) -> Result<(), ApiFailure> {
        Ok(())
    }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiFailure> {
    problem_or(resp, Json).await
}

fn network(status: u16, err: impl std::fmt::Display) -> ApiFailure {
    ApiFailure {
        status,
        message: crate::tr_string!(misc.service_unreachable, error = err.to_string()).to_string(),
        fields: Vec::new(),
    }
}

async fn send(
    builder: RequestBuilder,
    body: Option<&impl Serialize>,
) -> Result<Response, ApiFailure> {
    // The server answers problems in the language the user reads.
    let builder = builder.header("accept-language", crate::language::shown().tag());
    let request = match body {
        Some(body) => builder.json(body).map_err(|e| network(0, e))?,
        None => builder.build().map_err(|e| network(0, e))?,
    };
    request.send().await.map_err(|e| network(0, e))
}

/// `PUT /api/v1/me/language`: the signed-in user's language (`None`: the browser's).
pub async fn set_language(language: Option<ap_core::format::Lang>) -> Result<Me, ApiFailure> {
    put(
        "/api/v1/me/language",
        &ap_core::api::LanguageRequest { language },
    )
    .await
}

pub(crate) async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    decode(send(Request::get(path), None::<&()>).await?).await
}

pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    decode(send(Request::post(path), Some(body)).await?).await
}

/// A POST without a body (the action is the path).
pub(crate) async fn post_empty<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    decode(send(Request::post(path), None::<&()>).await?).await
}

pub(crate) async fn put<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    decode(send(Request::put(path), Some(body)).await?).await
}

async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiFailure> {
    decode(send(Request::patch(path), Some(body)).await?).await
}

pub(crate) async fn delete<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    decode(send(Request::delete(path), None::<&()>).await?).await
}

/// Where the absences of `user` are managed: my own (`None`), or a user's by a System
/// Administrator.
fn absences_path(user: Option<&str>) -> String {
    match user {
        None => "/api/v1/me/absences".to_owned(),
        Some(id) => format!("/api/v1/admin/users/{}/absences", segment(id)),
    }
}

/// `GET /api/v1/me/absences` (or `/admin/users/{id}/absences`): the absences, those the user
/// substitutes in, and who can substitute.
pub async fn absences(
    user: Option<String>,
) -> Result<ap_core::api_workflow::AbsencesView, ApiFailure> {
    get(&absences_path(user.as_deref())).await
}

pub async fn set_absence(
    user: Option<String>,
    req: ap_core::api_workflow::AbsenceRequest,
) -> Result<ap_core::api_workflow::AbsencesView, ApiFailure> {
    post(&absences_path(user.as_deref()), &req).await
}

pub async fn remove_absence(
    user: Option<String>,
    id: String,
) -> Result<ap_core::api_workflow::AbsencesView, ApiFailure> {
    let base = absences_path(user.as_deref());
    delete(&format!("{base}/{}", segment(&id))).await
}

/// `GET /api/v1/health`. A degraded service answers 503 with the same body.
pub async fn health() -> Result<Health, ApiFailure> {
    let resp = send(Request::get("/api/v1/health"), None::<&()>).await?;
    if resp.status() == 503 {
        return Json.run(resp).await;
    }
    decode(resp).await
}

// --- Accounts, sessions and My details -------------------------------------------------------

/// `GET /api/v1/session`: is the organisation set up, and who is signed in.
pub async fn session() -> Result<SessionState, ApiFailure> {
    get("/api/v1/session").await
}

/// `POST /api/v1/setup/first-admin`: creates the first System Administrator and signs them in.
pub async fn create_first_admin(req: FirstAdminRequest) -> Result<SessionState, ApiFailure> {
    post("/api/v1/setup/first-admin", &req).await
}

/// `POST /api/v1/session`: signs in (password and, when active, the TOTP code).
pub async fn sign_in(req: SignInRequest) -> Result<SessionState, ApiFailure> {
    post("/api/v1/session", &req).await
}

/// `DELETE /api/v1/session`.
pub async fn sign_out() -> Result<(), ApiFailure> {
    let resp = send(Request::delete("/api/v1/session"), None::<&()>).await?;
    problem_or(resp, Empty).await
}

/// `POST /api/v1/me/password`.
pub async fn change_password(req: ChangePasswordRequest) -> Result<(), ApiFailure> {
    let resp = send(Request::post("/api/v1/me/password"), Some(&req)).await?;
    problem_or(resp, Empty).await
}

/// `POST /api/v1/me/two-step/enrolment`: a new, not yet active secret.
pub async fn start_two_step_enrolment() -> Result<TwoStepEnrolment, ApiFailure> {
    post_empty("/api/v1/me/two-step/enrolment").await
}

/// `POST /api/v1/me/two-step/activate`.
pub async fn activate_two_step(code: String) -> Result<RecoveryCodesShown, ApiFailure> {
    post("/api/v1/me/two-step/activate", &TwoStepCodeRequest { code }).await
}

/// `POST /api/v1/me/two-step/recovery-codes`: a new set (after a step-up); the old codes stop
/// working.
pub async fn new_recovery_codes() -> Result<RecoveryCodesShown, ApiFailure> {
    let resp = send(
        Request::post("/api/v1/me/two-step/recovery-codes"),
        None::<&()>,
    )
    .await?;
    problem_or(resp, Json).await
}

/// `POST /api/v1/me/two-step/deactivate`.
pub async fn deactivate_two_step(code: String) -> Result<Me, ApiFailure> {
    post(
        "/api/v1/me/two-step/deactivate",
        &TwoStepCodeRequest { code },
    )
    .await
}

/// `POST /api/v1/me/step-up`: confirms a fresh code; for five minutes this session may change
/// roles, bank agreements and integration keys.
pub async fn step_up(code: String) -> Result<(), ApiFailure> {
    let resp = send(
        Request::post("/api/v1/me/step-up"),
        Some(&TwoStepCodeRequest { code }),
    )
    .await?;
    problem_or(resp, Empty).await
}

/// `GET /api/v1/me/passkeys`: my passkeys, and whether this server can use passkeys at all.
pub async fn passkeys() -> Result<PasskeysView, ApiFailure> {
    get("/api/v1/me/passkeys").await
}

/// `POST /api/v1/me/passkeys/options`: a new passkey stands for both factors, so the options
/// for making one need the password and a code.
pub async fn passkey_options(password: String, code: String) -> Result<PasskeyOptions, ApiFailure> {
    post(
        "/api/v1/me/passkeys/options",
        &PasskeyOptionsRequest { password, code },
    )
    .await
}

/// `POST /api/v1/me/passkeys`: keeps the passkey the browser made.
pub async fn add_passkey(registration: PasskeyRegistration) -> Result<PasskeyView, ApiFailure> {
    post("/api/v1/me/passkeys", &registration).await
}

/// `POST /api/v1/me/passkeys/{id}/name`.
pub async fn rename_passkey(id: String, name: String) -> Result<PasskeyView, ApiFailure> {
    post(
        &format!("/api/v1/me/passkeys/{}/name", segment(&id)),
        &PasskeyNameRequest { name },
    )
    .await
}

/// `POST /api/v1/me/passkeys/{id}/remove-options`: the challenge bound to removing this one.
pub async fn passkey_removal_options(id: String) -> Result<PasskeyOptions, ApiFailure> {
    post_empty(&format!(
        "/api/v1/me/passkeys/{}/remove-options",
        segment(&id)
    ))
    .await
}

/// `POST /api/v1/me/passkeys/{id}/remove`, with a code from the authenticator app or an
/// assertion for [`passkey_removal_options`].
pub async fn remove_passkey(
    id: String,
    code: String,
    passkey: Option<PasskeyAssertion>,
) -> Result<PasskeysView, ApiFailure> {
    post(
        &format!("/api/v1/me/passkeys/{}/remove", segment(&id)),
        &PasskeyRemoveRequest { code, passkey },
    )
    .await
}

// --- Administration --------------------------------------------------------------------------

/// One page of companies, by name.
pub async fn company_page(cursor: Option<String>) -> Result<Page<CompanyView>, ApiFailure> {
    get(&format!(
        "/api/v1/admin/companies{}",
        query_string(&[("cursor", cursor)])
    ))
    .await
}

/// Every company, by name (every page, for pickers and names).
pub async fn companies() -> Result<Vec<CompanyView>, ApiFailure> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page: Page<CompanyView> = get(&format!(
            "/api/v1/admin/companies{}",
            query_string(&[("cursor", cursor), ("limit", Some(MAX_LIMIT.to_string()))])
        ))
        .await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

pub async fn create_company(req: CompanyRequest) -> Result<CompanyView, ApiFailure> {
    post("/api/v1/admin/companies", &req).await
}

pub async fn update_company(id: String, req: CompanyRequest) -> Result<CompanyView, ApiFailure> {
    put(&format!("/api/v1/admin/companies/{id}"), &req).await
}

/// `GET /api/v1/companies/{id}`: System Administrator or AutoPay Administrator of the company.
pub async fn company(id: String) -> Result<CompanyView, ApiFailure> {
    get(&format!("/api/v1/companies/{id}")).await
}

/// `PATCH /api/v1/companies/{id}/settings`; Allow pre-approval needs an AutoPay Administrator.
pub async fn update_company_settings(
    id: String,
    patch_body: CompanySettingsPatch,
) -> Result<CompanyView, ApiFailure> {
    patch(&format!("/api/v1/companies/{id}/settings"), &patch_body).await
}

pub async fn add_bank_agreement(
    company: String,
    req: BankAgreementRequest,
) -> Result<CompanyView, ApiFailure> {
    post(
        &format!("/api/v1/admin/companies/{company}/bank-agreements"),
        &req,
    )
    .await
}

pub async fn update_bank_agreement(
    company: String,
    agreement: String,
    req: BankAgreementRequest,
) -> Result<CompanyView, ApiFailure> {
    put(
        &format!("/api/v1/admin/companies/{company}/bank-agreements/{agreement}"),
        &req,
    )
    .await
}

pub async fn delete_bank_agreement(
    company: String,
    agreement: String,
) -> Result<CompanyView, ApiFailure> {
    delete(&format!(
        "/api/v1/admin/companies/{company}/bank-agreements/{agreement}"
    ))
    .await
}

/// One page of users, by e-mail address.
pub async fn users(cursor: Option<String>) -> Result<Page<UserView>, ApiFailure> {
    get(&format!(
        "/api/v1/admin/users{}",
        query_string(&[("cursor", cursor)])
    ))
    .await
}

pub async fn create_user(req: NewUserRequest) -> Result<NewUserCreated, ApiFailure> {
    post("/api/v1/admin/users", &req).await
}

pub async fn set_roles(user: String, req: RolesRequest) -> Result<UserView, ApiFailure> {
    put(&format!("/api/v1/admin/users/{user}/roles"), &req).await
}

pub async fn deactivate_user(user: String) -> Result<UserView, ApiFailure> {
    post_empty(&format!("/api/v1/admin/users/{user}/deactivate")).await
}

/// Reactivation hands out a new one-time password.
pub async fn reactivate_user(user: String) -> Result<NewUserCreated, ApiFailure> {
    post_empty(&format!("/api/v1/admin/users/{user}/reactivate")).await
}

pub async fn reset_two_step(user: String) -> Result<UserView, ApiFailure> {
    post_empty(&format!("/api/v1/admin/users/{user}/reset-two-step")).await
}

pub async fn unlock_user(user: String) -> Result<UserView, ApiFailure> {
    post_empty(&format!("/api/v1/admin/users/{user}/unlock")).await
}

/// One page of integration keys, newest first; `status` is `live`, `revoked` or `None` (all).
pub async fn integration_keys(
    status: Option<String>,
    cursor: Option<String>,
) -> Result<Page<IntegrationKeyView>, ApiFailure> {
    get(&format!(
        "/api/v1/admin/integration-keys{}",
        query_string(&[("status", status), ("cursor", cursor)])
    ))
    .await
}

pub async fn create_integration_key(
    company: String,
    req: NewIntegrationKeyRequest,
) -> Result<NewIntegrationKey, ApiFailure> {
    post(
        &format!("/api/v1/admin/companies/{company}/integration-keys"),
        &req,
    )
    .await
}

pub async fn revoke_integration_key(key: String) -> Result<IntegrationKeyView, ApiFailure> {
    delete(&format!("/api/v1/admin/integration-keys/{key}")).await
}

/// The readiness rows of one page of users (by e-mail address).
pub async fn readiness(cursor: Option<String>) -> Result<Page<ReadinessRow>, ApiFailure> {
    get(&format!(
        "/api/v1/admin/readiness{}",
        query_string(&[("cursor", cursor)])
    ))
    .await
}

/// One page of sign-in events, newest first.
pub async fn sign_in_events(cursor: Option<String>) -> Result<Page<EventView>, ApiFailure> {
    get(&format!(
        "/api/v1/admin/events{}",
        query_string(&[("kind", Some("sign_in".into())), ("cursor", cursor)])
    ))
    .await
}

/// `a=b&c=d` of the parameters that are set, each value percent-encoded.
pub(crate) fn query_string(params: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_ref()
                .map(|v| format!("{name}={}", js_sys::encode_uri_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A path segment from an id the server gave us, encoded so it cannot change the path.
pub(crate) fn segment(id: &str) -> String {
    js_sys::encode_uri_component(id).into()
}

/// `GET /api/v1/me/notifications`.
pub async fn notifications() -> Result<ap_core::api_workflow::NotificationsView, ApiFailure> {
    get("/api/v1/me/notifications").await
}

/// `POST /api/v1/me/notifications/read`: none named marks all read.
pub async fn read_notifications(
    ids: Vec<String>,
) -> Result<ap_core::api_workflow::NotificationsView, ApiFailure> {
    let req = ap_core::api_workflow::ReadNotificationsRequest { ids };
    post("/api/v1/me/notifications/read", &req).await
}

/// `GET /api/v1/companies/{id}/webhook`.
pub async fn webhook(company: String) -> Result<ap_core::api_workflow::WebhookView, ApiFailure> {
    get(&format!("/api/v1/companies/{}/webhook", segment(&company))).await
}

/// `PUT /api/v1/companies/{id}/webhook`: answers the new signing secret once.
pub async fn set_webhook(
    company: String,
    url: String,
) -> Result<ap_core::api_workflow::WebhookView, ApiFailure> {
    let req = ap_core::api_workflow::WebhookRequest { url };
    put(
        &format!("/api/v1/companies/{}/webhook", segment(&company)),
        &req,
    )
    .await
}

/// `DELETE /api/v1/companies/{id}/webhook`.
pub async fn remove_webhook(
    company: String,
) -> Result<ap_core::api_workflow::WebhookView, ApiFailure> {
    delete(&format!("/api/v1/companies/{}/webhook", segment(&company))).await
}
