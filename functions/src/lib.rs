//! The Approve & Pay Worker: routes HTTP requests to one module per function.
//!
//! Architecture Invariant: handlers parse input, call `ap_core`, persist through `store`, and
//! answer. Rules live in `ap_core`; errors become problem+json in `problem` and nowhere else.

mod absences;
mod approval;
mod auth;
mod autopay;
mod bundle;
mod companies;
mod do_registry;
mod do_throttle;
mod do_user;
mod documents;
mod durable;
mod erp;
mod events;
mod health;
mod http;
pub mod integration;
mod ledger;
mod me;
mod meter;
mod notify;
mod openapi;
mod passkeys;
mod platform;
mod problem;
mod processes;
mod records;
mod secrets;
mod signings;
mod store;
mod throttle;
mod two_step;
mod users;
mod workflows;

pub use do_registry::Registry;
pub use do_throttle::Throttle;
pub use do_user::UserGuard;
pub use ledger::Ledger;

use problem::{ApiError, BadUrl, Missing};
use worker::{event, Context, Env, Method, Request, Response, Result};

/// The build version reported by `/api/v1/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The hourly Cron Trigger (`wrangler.toml`): reminders, escalations and webhook retries.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    notify::run_hourly(&env).await;
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // Sign-in answers only its total time: its storage calls differ for an e-mail address that
    // names nobody, and counting them would tell who has an account.
    let discreet = req.method() == Method::Post && req.path() == "/api/v1/session";
    // Problems and the sentences of answers are told in the language the client asks for (the
    // SPA sends the user's choice).
    let lang = ap_core::messages::lang_from_accept_language(
        req.headers()
            .get("accept-language")
            .ok()
            .flatten()
            .as_deref(),
    );
    // The OpenAPI document is a description for developers, in English, kept as generated.
    let openapi = req.path() == "/api/v1/openapi.json";
    let (answer, timing) = meter::Metered::new(route(req, &env), discreet).await;
    let mut response = match answer {
        Ok(response) if !openapi => http::localize(response, lang),
        Ok(response) => response,
        Err(e) => e.into_response(lang),
    };
    secure(&mut response);
    if let Err(e) = response.headers_mut().set("server-timing", &timing) {
        worker::console_error!("server-timing header: {e}");
    }
    Ok(response)
}

/// The security headers of every API answer (the SPA's come from `public/_headers`). API
/// answers are data, never a page: nothing in them may run or load, and no site may frame
/// them — except the invoice PDF, which the SPA's own task page shows in a frame.
fn secure(response: &mut Response) {
    let pdf = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("application/pdf"));
    let csp = if pdf {
        "frame-ancestors 'self'"
    } else {
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", csp),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ] {
        if let Err(e) = headers.set(name, value) {
            worker::console_error!("security header {name}: {e}");
        }
    }
}

/// The request's method. workers-rs reads a method it does not know (QUERY, PROPFIND, …) as GET;
/// such a request gets a method no route serves (TRACE), so it is answered 405 with the path's
/// `Allow` (and counts as state-changing for the CSRF rule), never served as a read.
fn request_method(req: &Request) -> Method {
    let method = req.method();
    if req.inner().method().eq_ignore_ascii_case(method.as_ref()) {
        method
    } else {
        Method::Trace
    }
}

/// The route table: every `/api/*` request comes here (the SPA and its assets are served by
/// Workers static assets before the Worker runs).
async fn route(req: Request, env: &Env) -> std::result::Result<Response, ApiError> {
    use Method::Get;
    let url = req.url().map_err(|_| BadUrl)?;
    let path = url.path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = request_method(&req);
    let changes_state = !matches!(method, Get | Method::Head | Method::Options);
    // Session routes are protected against cross-site requests; the integration API is not
    // cookie-authenticated and has no such risk.
    if changes_state && !matches!(segments.as_slice(), ["api", "v1", "integration", ..]) {
        auth::check_csrf(&req)?;
    }
    integration_api(req, env, method, &segments, &path).await
}

/// The integration API (integration keys): every route here is an operation of the OpenAPI
/// document and every operation there is a route here (`openapi/tests/drift.rs` holds the two
/// equal). The routes of the SPA come after, in [`app_api`].
async fn integration_api(
    req: Request,
    env: &Env,
    method: Method,
    segments: &[&str],
    path: &str,
) -> std::result::Result<Response, ApiError> {
    use Method::{Get, Post};
    match (method, segments) {
        (Get, ["api", "v1", "integration", "whoami"]) => integration::whoami(&req, env).await,
        (_, ["api", "v1", "integration", "whoami"]) => Err(ApiError::method_not_allowed("GET")),
        (Post, ["api", "v1", "documents"]) => documents::create(req, env).await,
        (_, ["api", "v1", "documents"]) => Err(ApiError::method_not_allowed("POST")),
        (Get, ["api", "v1", "companies", company, "approved-invoices"]) => {
            erp::approved_invoices(&req, env, company).await
        }
        (_, ["api", "v1", "companies", _, "approved-invoices"]) => {
            Err(ApiError::method_not_allowed("GET"))
        }
        (Get, ["api", "v1", "companies", company, "payment-suggestions", kind]) => {
            autopay::payment_suggestions(&req, env, company, kind).await
        }
        (_, ["api", "v1", "companies", _, "payment-suggestions", _]) => {
            Err(ApiError::method_not_allowed("GET"))
        }
        (
            Post,
            ["api", "v1", "companies", company, "payment-suggestions", kind, export, "acknowledge"],
        ) => autopay::acknowledge_export(&req, env, company, kind, export).await,
        (_, ["api", "v1", "companies", _, "payment-suggestions", _, _, "acknowledge"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Post, ["api", "v1", "autopay", "payment-files"]) => autopay::upload(req, env).await,
        (_, ["api", "v1", "autopay", "payment-files"]) => Err(ApiError::method_not_allowed("POST")),
        (Post, ["api", "v1", "autopay", "status-reports"]) => {
            autopay::status_report(req, env).await
        }
        (_, ["api", "v1", "autopay", "status-reports"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Get, ["api", "v1", "autopay", "payments", id, "events"]) => {
            autopay::payment_events(&req, env, id).await
        }
        (_, ["api", "v1", "autopay", "payments", _, "events"]) => {
            Err(ApiError::method_not_allowed("GET"))
        }
        (method, segments) => app_api(req, env, method, segments, path).await,
    }
}

/// The routes of the SPA (session cookie) and of operators (`/health`, `/openapi.json`).
async fn app_api(
    req: Request,
    env: &Env,
    method: Method,
    segments: &[&str],
    path: &str,
) -> std::result::Result<Response, ApiError> {
    use Method::{Delete, Get, Patch, Post, Put};
    match (method, segments) {
        (Get, ["api", "v1", "health"]) => health::get(&req, env).await,
        (_, ["api", "v1", "health"]) => Err(ApiError::method_not_allowed("GET")),

        (Get, ["api", "v1", "session"]) => auth::get_session(&req, env).await,
        (Post, ["api", "v1", "session"]) => auth::sign_in(req, env).await,
        (Delete, ["api", "v1", "session"]) => auth::sign_out(req, env).await,
        (_, ["api", "v1", "session"]) => Err(ApiError::method_not_allowed("GET, POST, DELETE")),
        (Post, ["api", "v1", "setup", "first-admin"]) => auth::first_admin(req, env).await,
        (_, ["api", "v1", "setup", "first-admin"]) => Err(ApiError::method_not_allowed("POST")),

        (Post, ["api", "v1", "me", "password"]) => me::change_password(req, env).await,
        (Post, ["api", "v1", "me", "two-step", "enrolment"]) => me::enrol(req, env).await,
        (Post, ["api", "v1", "me", "two-step", "activate"]) => me::activate(req, env).await,
        (Post, ["api", "v1", "me", "two-step", "deactivate"]) => me::deactivate(req, env).await,
        (Post, ["api", "v1", "me", "two-step", "recovery-codes"]) => {
            me::new_recovery_codes(req, env).await
        }
        (Post, ["api", "v1", "me", "step-up"]) => me::step_up(req, env).await,
        (Get, ["api", "v1", "me", "absences"]) => absences::list(&req, env).await,
        (Post, ["api", "v1", "me", "absences"]) => absences::create(req, env).await,
        (_, ["api", "v1", "me", "absences"]) => Err(ApiError::method_not_allowed("GET, POST")),
        (Delete, ["api", "v1", "me", "absences", id]) => absences::remove(&req, env, id).await,
        (_, ["api", "v1", "me", "absences", _]) => Err(ApiError::method_not_allowed("DELETE")),
        (Get, ["api", "v1", "me", "notifications"]) => notify::list(&req, env).await,
        (_, ["api", "v1", "me", "notifications"]) => Err(ApiError::method_not_allowed("GET")),
        (Post, ["api", "v1", "me", "notifications", "read"]) => notify::read(req, env).await,
        (_, ["api", "v1", "me", "notifications", "read"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Get, ["api", "v1", "me", "passkeys"]) => passkeys::list(&req, env).await,
        (Post, ["api", "v1", "me", "passkeys"]) => passkeys::register(req, env).await,
        (_, ["api", "v1", "me", "passkeys"]) => Err(ApiError::method_not_allowed("GET, POST")),
        (Post, ["api", "v1", "me", "passkeys", "options"]) => {
            passkeys::registration_options(req, env).await
        }
        (Post, ["api", "v1", "me", "passkeys", id, "name"]) => passkeys::rename(req, env, id).await,
        (Post, ["api", "v1", "me", "passkeys", id, "remove"]) => {
            passkeys::remove(req, env, id).await
        }
        (Post, ["api", "v1", "me", "passkeys", id, "remove-options"]) => {
            passkeys::removal_options(req, env, id).await
        }
        (
            _,
            ["api", "v1", "me", "passkeys", "options"]
            | ["api", "v1", "me", "passkeys", _, "name" | "remove" | "remove-options"],
        ) => Err(ApiError::method_not_allowed("POST")),
        (Get, ["api", "v1", "me", "signings"]) => signings::list(&req, env).await,
        (_, ["api", "v1", "me", "signings"]) => Err(ApiError::method_not_allowed("GET")),
        (Put, ["api", "v1", "me", "language"]) => me::set_language(req, env).await,
        (_, ["api", "v1", "me", "language"]) => Err(ApiError::method_not_allowed("PUT")),
        (_, ["api", "v1", "me", "password" | "step-up"] | ["api", "v1", "me", "two-step", _]) => {
            Err(ApiError::method_not_allowed("POST"))
        }

        (Get, ["api", "v1", "admin", "companies"]) => companies::list(&req, env).await,
        (Post, ["api", "v1", "admin", "companies"]) => companies::create(req, env).await,
        (_, ["api", "v1", "admin", "companies"]) => Err(ApiError::method_not_allowed("GET, POST")),
        (Put, ["api", "v1", "admin", "companies", id]) => companies::update(req, env, id).await,
        (_, ["api", "v1", "admin", "companies", _]) => Err(ApiError::method_not_allowed("PUT")),
        (Get, ["api", "v1", "companies", id, "webhook"]) => notify::get(&req, env, id).await,
        (Put, ["api", "v1", "companies", id, "webhook"]) => notify::put(req, env, id).await,
        (Delete, ["api", "v1", "companies", id, "webhook"]) => notify::remove(&req, env, id).await,
        (_, ["api", "v1", "companies", _, "webhook"]) => {
            Err(ApiError::method_not_allowed("GET, PUT, DELETE"))
        }
        (Get, ["api", "v1", "companies", id, "workflow"]) => workflows::get(&req, env, id).await,
        (_, ["api", "v1", "companies", _, "workflow"]) => Err(ApiError::method_not_allowed("GET")),
        (Put, ["api", "v1", "companies", id, "workflow", "draft"]) => {
            workflows::put_draft(req, env, id).await
        }
        (_, ["api", "v1", "companies", _, "workflow", "draft"]) => {
            Err(ApiError::method_not_allowed("PUT"))
        }
        (Post, ["api", "v1", "companies", id, "workflow", "activate"]) => {
            workflows::activate(req, env, id).await
        }
        (Post, ["api", "v1", "companies", id, "workflow", "simulate"]) => {
            workflows::simulate(req, env, id).await
        }
        (_, ["api", "v1", "companies", _, "workflow", _]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Get, ["api", "v1", "companies", id]) => companies::get(&req, env, id).await,
        (_, ["api", "v1", "companies", _]) => Err(ApiError::method_not_allowed("GET")),
        (Patch, ["api", "v1", "companies", id, "settings"]) => {
            companies::patch_settings(req, env, id).await
        }
        (_, ["api", "v1", "companies", _, "settings"]) => {
            Err(ApiError::method_not_allowed("PATCH"))
        }
        (Post, ["api", "v1", "admin", "companies", id, "bank-agreements"]) => {
            companies::put_agreement(req, env, id, None).await
        }
        (_, ["api", "v1", "admin", "companies", _, "bank-agreements"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Put, ["api", "v1", "admin", "companies", id, "bank-agreements", a]) => {
            companies::put_agreement(req, env, id, Some(a)).await
        }
        (Delete, ["api", "v1", "admin", "companies", id, "bank-agreements", a]) => {
            companies::delete_agreement(req, env, id, a).await
        }
        (_, ["api", "v1", "admin", "companies", _, "bank-agreements", _]) => {
            Err(ApiError::method_not_allowed("PUT, DELETE"))
        }
        (Post, ["api", "v1", "admin", "companies", id, "integration-keys"]) => {
            integration::create(req, env, id).await
        }
        (_, ["api", "v1", "admin", "companies", _, "integration-keys"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }

        (Get, ["api", "v1", "admin", "users"]) => users::list(&req, env).await,
        (Post, ["api", "v1", "admin", "users"]) => users::create(req, env).await,
        (_, ["api", "v1", "admin", "users"]) => Err(ApiError::method_not_allowed("GET, POST")),
        (Get, ["api", "v1", "admin", "users", id]) => users::get(&req, env, id).await,
        (_, ["api", "v1", "admin", "users", _]) => Err(ApiError::method_not_allowed("GET")),
        (Get, ["api", "v1", "admin", "users", id, "absences"]) => {
            absences::list_for_user(&req, env, id).await
        }
        (Post, ["api", "v1", "admin", "users", id, "absences"]) => {
            absences::create_for_user(req, env, id).await
        }
        (_, ["api", "v1", "admin", "users", _, "absences"]) => {
            Err(ApiError::method_not_allowed("GET, POST"))
        }
        (Delete, ["api", "v1", "admin", "users", id, "absences", absence]) => {
            absences::remove_for_user(&req, env, id, absence).await
        }
        (_, ["api", "v1", "admin", "users", _, "absences", _]) => {
            Err(ApiError::method_not_allowed("DELETE"))
        }
        (Put, ["api", "v1", "admin", "users", id, "roles"]) => users::put_roles(req, env, id).await,
        (Post, ["api", "v1", "admin", "users", id, "deactivate"]) => {
            users::deactivate(req, env, id).await
        }
        (Post, ["api", "v1", "admin", "users", id, "reactivate"]) => {
            users::reactivate(req, env, id).await
        }
        (Post, ["api", "v1", "admin", "users", id, "reset-two-step"]) => {
            users::reset_two_step(req, env, id).await
        }
        (Post, ["api", "v1", "admin", "users", id, "unlock"]) => users::unlock(req, env, id).await,
        (_, ["api", "v1", "admin", "users", _, "roles"]) => {
            Err(ApiError::method_not_allowed("PUT"))
        }
        (
            _,
            ["api", "v1", "admin", "users", _, "deactivate" | "reactivate" | "reset-two-step" | "unlock"],
        ) => Err(ApiError::method_not_allowed("POST")),

        (Get, ["api", "v1", "admin", "integration-keys"]) => integration::list(&req, env).await,
        (_, ["api", "v1", "admin", "integration-keys"]) => Err(ApiError::method_not_allowed("GET")),
        (Delete, ["api", "v1", "admin", "integration-keys", key]) => {
            integration::revoke(req, env, key).await
        }
        (_, ["api", "v1", "admin", "integration-keys", _]) => {
            Err(ApiError::method_not_allowed("DELETE"))
        }
        (Get, ["api", "v1", "admin", "readiness"]) => companies::readiness(&req, env).await,
        (_, ["api", "v1", "admin", "readiness"]) => Err(ApiError::method_not_allowed("GET")),
        (Get, ["api", "v1", "admin", "events"]) => events::list(&req, env).await,
        (_, ["api", "v1", "admin", "events"]) => Err(ApiError::method_not_allowed("GET")),

        (Get, ["api", "v1", "openapi.json"]) => openapi::get(),
        (Get, ["api", "v1", "autopay", "payments"]) => autopay::list_payments(&req, env).await,
        (_, ["api", "v1", "autopay", "payments"]) => Err(ApiError::method_not_allowed("GET")),
        (Post, ["api", "v1", "autopay", "payments", id, "approve"]) => {
            autopay::approve_payment(req, env, id).await
        }
        (Post, ["api", "v1", "autopay", "payments", id, "passkey-options"]) => {
            autopay::payment_passkey_options(req, env, id).await
        }
        (Post, ["api", "v1", "autopay", "files", id, "passkey-options"]) => {
            autopay::file_passkey_options(req, env, id).await
        }
        (_, ["api", "v1", "autopay", "payments" | "files", _, "passkey-options"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (_, ["api", "v1", "autopay", "payments", _, "approve"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Post, ["api", "v1", "autopay", "payments", id, "reject"]) => {
            autopay::reject_payment(req, env, id).await
        }
        (_, ["api", "v1", "autopay", "payments", _, "reject"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }
        (Get, ["api", "v1", "autopay", "files"]) => autopay::list_files(&req, env).await,
        (Post, ["api", "v1", "autopay", "files"]) => autopay::upload_signed_in(req, env).await,
        (_, ["api", "v1", "autopay", "files"]) => Err(ApiError::method_not_allowed("GET, POST")),
        (Get, ["api", "v1", "autopay", "files", id]) => autopay::file(&req, env, id).await,
        (_, ["api", "v1", "autopay", "files", _]) => Err(ApiError::method_not_allowed("GET")),
        (Post, ["api", "v1", "autopay", "files", id, "sign"]) => {
            autopay::sign_file(req, env, id).await
        }
        (_, ["api", "v1", "autopay", "files", _, "sign"]) => {
            Err(ApiError::method_not_allowed("POST"))
        }

        (Get, ["api", "v1", "tasks"]) => approval::list(&req, env).await,
        (Get, ["api", "v1", "tasks", id]) => approval::detail(&req, env, id).await,
        (Get, ["api", "v1", "tasks", id, "pdf"]) => approval::pdf(&req, env, id).await,
        (Post, ["api", "v1", "tasks", id, "approve"]) => approval::approve(req, env, id).await,
        (Post, ["api", "v1", "tasks", id, "approve-and-pay"]) => {
            approval::approve_and_pay(req, env, id).await
        }
        (Post, ["api", "v1", "tasks", id, "reject"]) => approval::reject(req, env, id).await,
        (Post, ["api", "v1", "tasks", id, "comments"]) => approval::comment(req, env, id).await,
        (Get, ["api", "v1", "tasks", id, "people"]) => approval::people(&req, env, id).await,
        (Post, ["api", "v1", "tasks", id, what @ ("forward" | "review" | "postpone")]) => {
            approval::hand_over(req, env, id, what).await
        }
        (Post, ["api", "v1", "tasks", id, "review", "answer"]) => {
            approval::hand_over(req, env, id, "answer").await
        }
        (Get, ["api", "v1", "bundle"]) => bundle::get(&req, env).await,
        (Delete, ["api", "v1", "bundle", "items", id]) => bundle::remove(&req, env, id).await,
        (Post, ["api", "v1", "bundle", "cancel"]) => bundle::cancel(&req, env).await,
        (Post, ["api", "v1", "bundle", "sign"]) => bundle::sign(req, env).await,
        (Post, ["api", "v1", "bundle", "passkey-options"]) => {
            bundle::passkey_options(req, env).await
        }
        (Get, ["api", "v1", "admin", "processes"]) => processes::list(&req, env).await,
        (Get, ["api", "v1", "admin", "processes", id]) => processes::detail(&req, env, id).await,
        (Post, ["api", "v1", "admin", "processes", id, "revoke-token"]) => {
            processes::revoke_token(&req, env, id).await
        }
        _ => Err(Missing::Resource(path.to_owned()).into()),
    }
}
