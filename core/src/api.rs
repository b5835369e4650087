//! Request and response types shared by the Worker and the SPA.

use serde::{Deserialize, Serialize};

/// One check performed by `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// Answer of `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub checks: Vec<HealthCheck>,
}

/// RFC 9457 problem details, the body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// After a wrong two-step code (or password with it): how many more failed attempts are
    /// allowed before two-step verification is locked. Never says which factor was wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// With a 423: when the two-step lock ends (RFC 3339 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub locked_until: Option<String>,
}

/// One invalid field named in a problem answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Accounts, sessions and My details (session cookie; state changes are JSON-only, same-origin).
//
//   GET    /api/v1/session                    -> SessionState
//   POST   /api/v1/setup/first-admin          FirstAdminRequest -> 201 SessionState (+ cookie);
//                                             409 once any user exists
//   POST   /api/v1/session                    SignInRequest -> SessionState (+ cookie, rotated)
//   DELETE /api/v1/session                    -> 204 (cookie cleared)
//   POST   /api/v1/me/password                ChangePasswordRequest -> 204
//   POST   /api/v1/me/two-step/enrolment      -> TwoStepEnrolment (new secret, pending)
//   POST   /api/v1/me/two-step/activate       TwoStepCodeRequest -> RecoveryCodesShown (Me and
//                                             the ten recovery codes, answered this once)
//   POST   /api/v1/me/two-step/recovery-codes -> RecoveryCodesShown (a new set; the old codes
//                                             stop working; needs a step-up, as below)
//   POST   /api/v1/me/two-step/deactivate     TwoStepCodeRequest -> Me
//   PUT    /api/v1/me/language            LanguageRequest -> Me
//   POST   /api/v1/me/step-up                 TwoStepCodeRequest -> 204 (this session may make
//                                             a System Administrator's sensitive changes for
//                                             5 minutes; see Administration)
// ---------------------------------------------------------------------------------------------

use std::collections::BTreeMap;

use crate::format::Lang;
use crate::roles::{Role, TwoStepLevel};

/// What the SPA needs to know at start: is the organisation set up, and who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionState {
    /// No user exists yet: the SPA offers to create the first System Administrator.
    pub first_run: bool,
    pub user: Option<Me>,
    /// In the answer to a sign-in whose second factor was a recovery code (it is now used up;
    /// `user.recovery_codes_left` says how many are left).
    #[serde(default)]
    pub recovery_code_used: bool,
}

/// The signed-in user as the user sees themself (My details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
    pub is_system_admin: bool,
    /// Signed in with a one-time initial password: must choose a new one before anything else.
    pub must_change_password: bool,
    pub two_step_active: bool,
    /// Unused recovery codes (0 without two-step verification).
    #[serde(default)]
    pub recovery_codes_left: u32,
    /// This session was signed in with a recovery code less than 15 minutes ago and may set up
    /// a new authenticator app once, without a code from the old one
    /// (`ap_core::account::check_replacement`).
    #[serde(default)]
    pub may_replace_authenticator: bool,
    /// Registered passkeys.
    #[serde(default)]
    pub passkeys: u32,
    /// RFC 3339 UTC; set while two-step verification is locked after failed attempts.
    pub locked_until: Option<String>,
    /// The language the user chose on My details; `None`: the browser's language.
    #[serde(default)]
    pub language: Option<Lang>,
    /// Unread in-app notifications (`/api/v1/me/notifications`), for the header's count.
    #[serde(default)]
    pub unread_notifications: u32,
    /// Companies where the user holds at least one role, with the roles and whether
    /// "Approve and pay" is available there (and if not, why).
    pub companies: Vec<MyCompany>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCompany {
    pub id: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub approve_and_pay_ready: bool,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstAdminRequest {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// One form: users with two-step verification give the code in the same request, so a failure
/// never tells which factor was wrong. A recovery code (`XXXXX-XXXXX`) may stand in for the
/// code, once; giving both is a 400.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// A freshly generated, not yet active TOTP secret. Shown once, to its owner only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepEnrolment {
    /// `otpauth://totp/...` (issuer "Approve & Pay", SHA1, 6 digits, 30 s).
    pub otpauth_uri: String,
    /// The same secret in base32, for typing into an app by hand.
    pub secret: String,
    /// The otpauth URI as a QR code, an SVG document.
    pub qr_svg: String,
}

/// `PUT /api/v1/me/language`: the user's language, or `null` for the browser's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageRequest {
    pub language: Option<Lang>,
}

/// Two-step verification just activated, or new recovery codes: My details and the ten codes
/// (`XXXXX-XXXXX`), answered this once and stored only as hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodesShown {
    #[serde(flatten)]
    pub me: Me,
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepCodeRequest {
    pub code: String,
}

// ---------------------------------------------------------------------------------------------
// Administration (System Administrator unless noted; 403 otherwise).
//
// Step-up: changing roles (PUT .../roles), bank agreements (POST/PUT/DELETE .../bank-agreements)
// and integration keys (POST .../integration-keys, DELETE /admin/integration-keys/{key}) needs
// the System Administrator's two-step verification active and this session confirmed with a
// fresh code less than 5 minutes ago: `POST /api/v1/me/step-up` with TwoStepCodeRequest -> 204
// (a wrong or replayed code 400 on `code` and counted by the lockout, a lock 423). Otherwise the
// change is refused with 403 and a sentence saying what to do. The change requests themselves
// are unchanged.
//
//   GET    /api/v1/admin/companies                          -> Vec<CompanyView>
//   POST   /api/v1/admin/companies                          CompanyRequest -> 201 CompanyView
//   PUT    /api/v1/admin/companies/{id}                     CompanyRequest -> CompanyView
//   GET    /api/v1/companies/{id}                           -> CompanyView
//          (also allowed for an AutoPay Administrator of that company; unknown id 404)
//   PATCH  /api/v1/companies/{id}/settings                  CompanySettingsPatch -> CompanyView
//          (System Administrator for every setting except allow_pre_approval, which only an
//           AutoPay Administrator of that company may change)
//   POST   /api/v1/admin/companies/{id}/bank-agreements     BankAgreementRequest -> 201 CompanyView
//   PUT    /api/v1/admin/companies/{id}/bank-agreements/{a} BankAgreementRequest -> CompanyView
//          (also allowed for an AutoPay Administrator of that company)
//   DELETE /api/v1/admin/companies/{id}/bank-agreements/{a} -> CompanyView
//   GET    /api/v1/admin/users                              -> Vec<UserView>
//   POST   /api/v1/admin/users                              NewUserRequest -> 201 NewUserCreated
//   PUT    /api/v1/admin/users/{id}/roles                   RolesRequest -> UserView
//   POST   /api/v1/admin/users/{id}/deactivate              -> UserView (sessions end at once)
//   POST   /api/v1/admin/users/{id}/reactivate              -> NewUserCreated (new one-time password)
//   POST   /api/v1/admin/users/{id}/reset-two-step          -> UserView (must enrol again)
//   POST   /api/v1/admin/users/{id}/unlock                  -> UserView
//   GET    /api/v1/admin/integration-keys?status=&cursor=&limit=
//                                                           -> Page<IntegrationKeyView> (newest first)
//   POST   /api/v1/admin/companies/{id}/integration-keys    NewIntegrationKeyRequest -> 201 NewIntegrationKey
//   DELETE /api/v1/admin/integration-keys/{key}             -> IntegrationKeyView (revoked)
//   GET    /api/v1/admin/readiness                          -> Vec<ReadinessRow>
//   GET    /api/v1/admin/events?kind=&actor=&company=&from=&to=&cursor=&limit=
//                                                           -> Page<EventView> (newest first)
//
// Integration API (Authorization: Bearer <integration key>, X-Client-Version >= 14.00):
//   GET    /api/v1/integration/whoami                      -> IntegrationWhoAmI
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySettings {
    /// "Enable two-step verification for AutoPay".
    pub two_step_for_autopay: bool,
    /// "Send workflows to Approval" (Document Center side).
    pub send_workflows_to_approval: bool,
    /// "Allow pre-approval" (AutoPay; only an AutoPay Administrator may change it).
    pub allow_pre_approval: bool,
    /// How long an approval token stays valid.
    pub token_expiry_days: u32,
    /// Amount in minor units of the base currency above which a second, different approver is
    /// needed (four eyes); `None` means one approver always suffices.
    pub four_eyes_threshold_minor: Option<i64>,
    /// "Require a passkey for Approve and pay": signing this company's invoices with password
    /// and TOTP code is refused, and an approver without a passkey is not ready.
    #[serde(default)]
    pub require_passkey: bool,
    /// Tasks are marked "soon overdue" from this many days before their due date.
    #[serde(default = "default_soon_overdue_days")]
    pub soon_overdue_days: u32,
    /// An overdue task goes to `escalation_user` after this many working days overdue.
    #[serde(default = "default_escalate_after_days")]
    pub escalate_after_days: u32,
    /// The escalation approver (an Invoice Approver of the company); `None`: overdue tasks are
    /// reminded, never moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation_user: Option<crate::ids::UserId>,
}

fn default_soon_overdue_days() -> u32 {
    3
}

fn default_escalate_after_days() -> u32 {
    2
}

impl Default for CompanySettings {
    fn default() -> Self {
        Self {
            two_step_for_autopay: false,
            send_workflows_to_approval: false,
            allow_pre_approval: false,
            token_expiry_days: 90,
            four_eyes_threshold_minor: None,
            require_passkey: false,
            soon_overdue_days: default_soon_overdue_days(),
            escalate_after_days: default_escalate_after_days(),
            escalation_user: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySettingsPatch {
    #[serde(default)]
    pub two_step_for_autopay: Option<bool>,
    #[serde(default)]
    pub send_workflows_to_approval: Option<bool>,
    #[serde(default)]
    pub allow_pre_approval: Option<bool>,
    #[serde(default)]
    pub token_expiry_days: Option<u32>,
    /// `Some(None)` clears the threshold; `None` is left out of the JSON (a `null` would clear).
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub four_eyes_threshold_minor: Option<Option<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_passkey: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soon_overdue_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after_days: Option<u32>,
    /// `Some(None)` clears the escalation approver.
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub escalation_user: Option<Option<crate::ids::UserId>>,
    /// The company's `version` the change was made on; a newer one refuses it with 409.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRequest {
    pub name: String,
    pub org_number: String,
    /// ISO 3166-1 alpha-2, e.g. "NO".
    pub country: String,
    /// ISO 4217, e.g. "NOK".
    pub base_currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyView {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub country: String,
    pub base_currency: String,
    pub settings: CompanySettings,
    pub bank_agreements: Vec<BankAgreementView>,
    /// Counts the changes of the company record (settings, bank agreements, master data).
    #[serde(default)]
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAgreementRequest {
    pub bank_name: String,
    pub bic: String,
    /// IBAN, spaces allowed; checksum validated.
    pub debtor_account: String,
    pub two_step_level: TwoStepLevel,
    /// 1 or 2.
    pub approvers_required: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAgreementView {
    pub id: String,
    pub bank_name: String,
    pub bic: String,
    /// Electronic form (no spaces).
    pub debtor_account: String,
    pub two_step_level: TwoStepLevel,
    pub approvers_required: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub is_system_admin: bool,
    pub two_step_active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<String>,
    /// Company id → roles held there.
    pub roles: BTreeMap<String, Vec<Role>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserRequest {
    pub name: String,
    pub email: String,
}

/// A new user and the one-time initial password, shown once to the administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserCreated {
    pub user: UserView,
    pub initial_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolesRequest {
    pub is_system_admin: bool,
    /// Company id → roles; companies not named lose all roles.
    pub roles: BTreeMap<String, Vec<Role>>,
}

/// What an integration key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::plain_enum))]
pub enum Scope {
    #[serde(rename = "documents:write")]
    DocumentsWrite,
    #[serde(rename = "erp:read")]
    ErpRead,
    #[serde(rename = "autopay:upload")]
    AutopayUpload,
    /// Reads AutoPay payments and their events (the uploading key may too).
    #[serde(rename = "autopay:read")]
    AutopayRead,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::DocumentsWrite,
        Scope::ErpRead,
        Scope::AutopayUpload,
        Scope::AutopayRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::DocumentsWrite => "documents:write",
            Scope::ErpRead => "erp:read",
            Scope::AutopayUpload => "autopay:upload",
            Scope::AutopayRead => "autopay:read",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIntegrationKeyRequest {
    pub label: String,
    pub scopes: Vec<Scope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationKeyView {
    pub id: String,
    pub company_id: String,
    pub label: String,
    pub scopes: Vec<Scope>,
    /// The first characters of the key, to recognise it (never the whole key).
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// The key itself, shown once at creation; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIntegrationKey {
    pub key: IntegrationKeyView,
    pub secret: String,
}

/// Answer of `GET /api/v1/integration/whoami` (integration key, `X-Client-Version` ≥ 14.00):
/// which company and scopes the presented key has. A probe for integration clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IntegrationWhoAmI {
    pub key_id: String,
    pub company_id: String,
    pub scopes: Vec<Scope>,
}

/// One page of an administration list. Lists never stop silently: while `next_cursor` is set
/// there is more, asked for with `?cursor=` and the same filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// One cell of the readiness table: can this user "Approve and pay" in this company?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessRow {
    pub user_id: String,
    pub user_name: String,
    pub company_id: String,
    pub company_name: String,
    pub ready: bool,
    pub missing: Vec<String>,
}

/// One entry of the audit trail (who, when, what, why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub id: String,
    /// RFC 3339 UTC.
    pub at: String,
    /// e.g. "sign_in_succeeded", "sign_in_failed", "user_created", "settings_changed".
    pub kind: String,
    /// Who did it (user email), or "system".
    pub actor: String,
    pub company_id: Option<String>,
    pub detail: String,
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::CompanySettingsPatch;

    #[test]
    fn a_patch_without_the_threshold_does_not_clear_it() {
        let patch = CompanySettingsPatch {
            allow_pre_approval: Some(true),
            ..Default::default()
        };
        let json = serde_json::to_string(&patch).unwrap();
        assert!(!json.contains("four_eyes_threshold_minor"), "{json}");
        assert_eq!(
            serde_json::from_str::<CompanySettingsPatch>(&json).unwrap(),
            patch
        );
        let clear: CompanySettingsPatch =
            serde_json::from_str(r#"{"four_eyes_threshold_minor":null}"#).unwrap();
        assert_eq!(clear.four_eyes_threshold_minor, Some(None));
    }
}

// ---- Passkeys (WebAuthn): `ap_core::passkey` verifies; these are what travels ----
//
//   GET    /api/v1/me/passkeys                              -> PasskeysView
//   POST   /api/v1/me/passkeys/options      PasskeyOptionsRequest -> PasskeyOptions (create)
//   POST   /api/v1/me/passkeys              PasskeyRegistration   -> PasskeyView (201)
//   POST   /api/v1/me/passkeys/{id}/name    PasskeyNameRequest    -> PasskeyView
//   POST   /api/v1/me/passkeys/{id}/remove-options                 -> PasskeyOptions (get)
//   POST   /api/v1/me/passkeys/{id}/remove  PasskeyRemoveRequest  -> PasskeysView
//   POST   /api/v1/bundle/passkey-options   PasskeyBundleOptionsRequest -> PasskeyOptions (get)
//   POST   /api/v1/autopay/payments/{id}/passkey-options            -> PasskeyOptions (get)
//   POST   /api/v1/autopay/files/{id}/passkey-options               -> PasskeyOptions (get)
//
// The options' challenge is derived from what is authorised (the bundle digest, the payment's
// digest, the file's SHA-256) and a one-time nonce; send the nonce back with the credential.

/// One registered passkey, as My details lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyView {
    /// The credential id (base64url).
    pub id: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub created_at: String,
    #[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::date_time))]
    pub last_used_at: Option<String>,
}

/// `GET /api/v1/me/passkeys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeysView {
    /// False when this server has no relying party configured (`PASSKEY_RP_ID`,
    /// `PASSKEY_ORIGIN`): passkeys can then be neither registered nor used.
    pub available: bool,
    pub passkeys: Vec<PasskeyView>,
}

/// `POST /api/v1/me/passkeys/options`: a new passkey stands for both factors, so registering
/// one asks for both, fresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyOptionsRequest {
    pub password: String,
    pub code: String,
}

/// `POST /api/v1/bundle/passkey-options`: the digest the signing dialog shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyBundleOptionsRequest {
    pub digest: String,
}

/// A credential the ceremony names (to exclude when registering, to allow when asserting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyCredentialRef {
    /// base64url.
    pub id: String,
    pub transports: Vec<String>,
}

/// What the browser's `navigator.credentials.create()` / `.get()` needs (binary values
/// base64url without padding). The `user_*` fields are set for registration only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyOptions {
    /// One-time, valid for `timeout_ms`: send it back with the credential.
    pub nonce: String,
    pub challenge: String,
    pub rp_id: String,
    pub rp_name: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub user_name: String,
    #[serde(default)]
    pub user_display_name: String,
    /// Registration: the user's passkeys (excluded); assertion: the passkeys allowed.
    pub credentials: Vec<PasskeyCredentialRef>,
    pub timeout_ms: u32,
}

/// The browser's answer to `navigator.credentials.create()` (base64url without padding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyRegistrationCredential {
    /// `rawId`: the credential id.
    pub raw_id: String,
    pub client_data_json: String,
    pub attestation_object: String,
    /// `getTransports()`, if the browser gave them (hints for later ceremonies, not checked).
    #[serde(default)]
    pub transports: Vec<String>,
}

/// The browser's answer to `navigator.credentials.get()` (base64url without padding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyAssertionCredential {
    /// `rawId`: the credential id.
    pub raw_id: String,
    pub client_data_json: String,
    pub authenticator_data: String,
    pub signature: String,
}

/// `POST /api/v1/me/passkeys`: the nonce of the options and what the authenticator made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyRegistration {
    pub nonce: String,
    /// What the user calls it ("Work laptop"); empty: a name is given.
    #[serde(default)]
    pub name: String,
    pub credential: PasskeyRegistrationCredential,
}

/// A passkey assertion in place of password and code (signing a bundle, approving an AutoPay
/// payment, signing an upload, removing a passkey).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyAssertion {
    pub nonce: String,
    pub credential: PasskeyAssertionCredential,
}

/// `POST /api/v1/me/passkeys/{id}/name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyNameRequest {
    pub name: String,
}

/// `POST /api/v1/me/passkeys/{id}/remove`: a fresh TOTP code, or an assertion for the options
/// of `POST /api/v1/me/passkeys/{id}/remove-options`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasskeyRemoveRequest {
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<PasskeyAssertion>,
}
