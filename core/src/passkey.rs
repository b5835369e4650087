//! WebAuthn passkeys bound to exactly what is paid (PSD2 dynamic linking).
//!
//! The challenge a passkey signs is not random: it is derived from what the user is about to
//! authorise (the [`BundleDigest`] the signing dialog shows, an AutoPay payment's digest or an
//! uploaded file's digest) plus a one-time server nonce, under a purpose tag. The server
//! recomputes it from the current bundle when the assertion arrives, so an assertion made for
//! one bundle (or one purpose) can never sign another, and the nonce (used once, kept by the
//! user's `UserGuard`) keeps an assertion from being replayed.
//!
//! Pure: the nonce is passed in; the relying-party id and origin come from configuration.
//! CBOR and COSE are read by `coset` (over `ciborium`), ES256 signatures checked by `p256`.
//! Attestation is not evaluated (the ceremony asks for conveyance "none"): whatever statement
//! an authenticator sends is ignored and the key is trusted as the user's own, as any passkey is.

use std::fmt;

use coset::cbor::value::Value;
use coset::iana::{self, EnumI64};
use coset::{AsCborValue, CborSerializable, CoseKey, Label, RegisteredLabel};
use data_encoding::BASE64URL_NOPAD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::api::{
    PasskeyAssertionCredential as AssertionResponse,
    PasskeyRegistrationCredential as RegistrationResponse,
};
use crate::bundle::BundleDigest;

/// Marks the challenge input so it can never be confused with another hashed structure; bump
/// the version if the input layout changes.
const CHALLENGE_DOMAIN: &[u8] = b"approve-and-pay/passkey-challenge/v1";

/// The authenticator data flags WebAuthn defines (§6.1).
const FLAG_USER_PRESENT: u8 = 0x01;
const FLAG_USER_VERIFIED: u8 = 0x04;
const FLAG_ATTESTED_CREDENTIAL_DATA: u8 = 0x40;
const FLAG_EXTENSION_DATA: u8 = 0x80;

/// rpIdHash (32) ‖ flags (1) ‖ signCount (4).
const AUTHENTICATOR_DATA_HEADER: usize = 37;
/// WebAuthn caps credential ids at 1023 bytes.
const MAX_CREDENTIAL_ID: usize = 1023;
/// Deepest CBOR nesting read from an authenticator; a COSE key or attestation object is 2 deep.
const CBOR_RECURSION_LIMIT: usize = 16;

/// A one-time nonce from the server (32 random bytes, drawn by the Worker and used once).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PasskeyNonce([u8; 32]);

impl PasskeyNonce {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads a nonce stored or sent as base64url (no padding).
    pub fn parse(text: &str) -> Result<Self, PasskeyRefusal> {
        decode_base64url(text)?
            .try_into()
            .map(Self)
            .map_err(|_| PasskeyRefusal::Malformed)
    }

    pub fn to_base64url(&self) -> String {
        BASE64URL_NOPAD.encode(&self.0)
    }
}

impl fmt::Debug for PasskeyNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasskeyNonce({})", self.to_base64url())
    }
}

/// What a passkey challenge binds: one purpose and the digest of exactly what it authorises.
#[derive(Clone, Copy, Debug)]
pub enum Binding<'a> {
    /// Registering a new passkey for this user (the digest of the user id).
    Registration { user_id: &'a str },
    /// Signing a bundle: its digest covers every payee, account, amount, currency, due date and
    /// debtor account.
    Bundle(&'a BundleDigest),
    /// Approving one AutoPay payment: the digest of that payment.
    AutoPayPayment(&'a [u8; 32]),
    /// Signing an upload: the SHA-256 of the file's bytes.
    Upload(&'a [u8; 32]),
    /// Removing one of the user's passkeys (the digest of its credential id, base64url).
    Removal { credential_id: &'a str },
}

impl Ceremony {
    /// One byte per purpose, so one purpose's challenge never serves another.
    fn purpose(self) -> u8 {
        match self {
            Ceremony::Registration => 1,
            Ceremony::Bundle => 2,
            Ceremony::AutoPayPayment => 3,
            Ceremony::Upload => 4,
            Ceremony::Removal => 5,
        }
    }
}

impl Binding<'_> {
    fn subject(&self) -> [u8; 32] {
        match self {
            Binding::Registration { user_id } => Sha256::digest(user_id.as_bytes()).into(),
            Binding::Bundle(digest) => *digest.as_bytes(),
            Binding::AutoPayPayment(digest) | Binding::Upload(digest) => **digest,
            Binding::Removal { credential_id } => Sha256::digest(credential_id.as_bytes()).into(),
        }
    }
}

/// The WebAuthn challenge: SHA-256(domain ‖ purpose ‖ digest ‖ nonce). Every part has a fixed
/// length, so no two different inputs share an encoding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PasskeyChallenge([u8; 32]);

impl PasskeyChallenge {
    pub fn derive(binding: Binding<'_>, nonce: &PasskeyNonce) -> Self {
        Self::of(binding.ceremony(), &binding.subject(), nonce)
    }

    fn of(ceremony: Ceremony, subject: &[u8; 32], nonce: &PasskeyNonce) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(CHALLENGE_DOMAIN);
        hasher.update([ceremony.purpose()]);
        hasher.update(subject);
        hasher.update(nonce.0);
        Self(hasher.finalize().into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// As the browser's `PublicKeyCredential*Options.challenge` JSON and clientDataJSON carry it.
    pub fn to_base64url(&self) -> String {
        BASE64URL_NOPAD.encode(&self.0)
    }
}

impl fmt::Debug for PasskeyChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasskeyChallenge({})", self.to_base64url())
    }
}

/// The relying party, from configuration: the id (a registrable domain, e.g.
/// `pay.example.com`) and the one origin the SPA is served from (e.g. `https://pay.example.com`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelyingParty {
    pub id: String,
    pub origin: String,
}

impl RelyingParty {
    /// The relying party from the Worker's configuration (`PASSKEY_RP_ID`, `PASSKEY_ORIGIN`),
    /// or `None` when it is missing or cannot work: the origin is `https://host[:port]` (or
    /// `http://localhost[:port]`, which browsers also treat as secure) and its host is the id or
    /// ends in `.id`, as WebAuthn requires. Fail closed: no relying party, no passkeys.
    pub fn from_config(id: Option<&str>, origin: Option<&str>) -> Option<Self> {
        let id = id?.trim().to_ascii_lowercase();
        let origin = origin?.trim().trim_end_matches('/').to_ascii_lowercase();
        let host_and_port = origin.strip_prefix("https://").or_else(|| {
            origin
                .strip_prefix("http://")
                .filter(|rest| is_localhost(rest))
        })?;
        let host = match host_and_port.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            Some(_) => return None,
            None => host_and_port,
        };
        let valid_id = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !id.starts_with('.')
            && !id.ends_with('.')
            && id.bytes().any(|b| b.is_ascii_alphabetic());
        let in_scope = host == id || host.ends_with(&format!(".{id}"));
        (valid_id && in_scope).then_some(Self { id, origin })
    }
}

fn is_localhost(host_and_port: &str) -> bool {
    host_and_port == "localhost" || host_and_port.starts_with("localhost:")
}

/// Why a passkey ceremony was refused. Its text never says which check failed (the API answers
/// one sentence); the variant tells the log and the tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasskeyRefusal {
    /// Not base64url, not JSON, not CBOR, too short, or a field of the wrong shape.
    Malformed,
    /// clientDataJSON's `type` is not the ceremony's (`webauthn.create` / `webauthn.get`).
    WrongType,
    /// The signed challenge is not the one derived from what is authorised and the nonce.
    WrongChallenge,
    /// The page that ran the ceremony is not our origin, or ran it inside another site's frame.
    WrongOrigin,
    /// The authenticator scoped the credential to another relying-party id.
    WrongRelyingParty,
    UserNotPresent,
    UserNotVerified,
    /// Registration without attested credential data.
    NoCredentialData,
    /// The answer names another credential than the one checked against.
    WrongCredential,
    /// A key other than ES256 on P-256, or not a point on the curve.
    UnsupportedKey,
    BadSignature,
    /// The authenticator keeps a counter and it did not increase: a cloned authenticator or a
    /// replayed assertion.
    CounterNotIncreased,
    /// The nonce was not drawn for this ceremony, was used already or has expired.
    UnknownNonce,
}

impl fmt::Display for PasskeyRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("The passkey could not be verified.")
    }
}

impl std::error::Error for PasskeyRefusal {}

/// A registered passkey as the `UserGuard` keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passkey {
    pub credential_id: Vec<u8>,
    /// The COSE_Key as the authenticator sent it (ES256, P-256).
    pub public_key: Vec<u8>,
    /// The last sign counter seen; 0 for an authenticator that keeps none.
    pub sign_count: u32,
    pub transports: Vec<String>,
}

impl Passkey {
    pub fn credential_id_base64url(&self) -> String {
        BASE64URL_NOPAD.encode(&self.credential_id)
    }
}

/// What a verified assertion changes: the counter to store in place of the old one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedAssertion {
    pub sign_count: u32,
}

/// Verifies a registration against the challenge derived for `Binding::Registration` and the
/// nonce the server issued, and answers the passkey to store.
pub fn verify_registration(
    rp: &RelyingParty,
    expected: &PasskeyChallenge,
    response: &RegistrationResponse,
) -> Result<Passkey, PasskeyRefusal> {
    let client_data = decode_base64url(&response.client_data_json)?;
    check_client_data(&client_data, "webauthn.create", rp, expected)?;

    let attestation = decode_base64url(&response.attestation_object)?;
    let auth_data = attestation_auth_data(&attestation)?;
    let header = AuthenticatorData::read(&auth_data)?;
    header.check(rp)?;
    if header.flags & FLAG_ATTESTED_CREDENTIAL_DATA == 0 {
        return Err(PasskeyRefusal::NoCredentialData);
    }
    let (credential_id, public_key) =
        attested_credential(&auth_data[AUTHENTICATOR_DATA_HEADER..], header.flags)?;
    if decode_base64url(&response.raw_id)? != credential_id {
        return Err(PasskeyRefusal::WrongCredential);
    }
    // Refuse at registration a key no assertion could ever be checked against.
    es256_key(&public_key)?;
    Ok(Passkey {
        credential_id,
        public_key,
        sign_count: header.sign_count,
        transports: response.transports.clone(),
    })
}

/// Verifies an assertion made with `passkey` against the challenge derived from what is being
/// authorised and the nonce the server issued for it.
pub fn verify_assertion(
    rp: &RelyingParty,
    expected: &PasskeyChallenge,
    passkey: &Passkey,
    response: &AssertionResponse,
) -> Result<VerifiedAssertion, PasskeyRefusal> {
    if decode_base64url(&response.raw_id)? != passkey.credential_id {
        return Err(PasskeyRefusal::WrongCredential);
    }
    let client_data = decode_base64url(&response.client_data_json)?;
    let auth_data = decode_base64url(&response.authenticator_data)?;
    let signature = decode_base64url(&response.signature)?;
    check_client_data(&client_data, "webauthn.get", rp, expected)?;
    let header = AuthenticatorData::read(&auth_data)?;
    header.check(rp)?;

    let key = es256_key(&passkey.public_key)?;
    let signature = Signature::from_der(&signature).map_err(|_| PasskeyRefusal::BadSignature)?;
    let mut signed = auth_data;
    signed.extend_from_slice(&Sha256::digest(&client_data));
    key.verify(&signed, &signature)
        .map_err(|_| PasskeyRefusal::BadSignature)?;

    // WebAuthn §7.2 step 21: a counter that does not increase means a clone or a replay; an
    // authenticator that keeps none answers 0 every time.
    let keeps_counter = header.sign_count != 0 || passkey.sign_count != 0;
    if keeps_counter && header.sign_count <= passkey.sign_count {
        return Err(PasskeyRefusal::CounterNotIncreased);
    }
    Ok(VerifiedAssertion {
        sign_count: header.sign_count,
    })
}

/// What a nonce was drawn for. A nonce serves only its own ceremony: above all, only a nonce
/// drawn after a fresh password and code (registration) can register a passkey, so a stolen
/// session alone can never add one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ceremony {
    Registration,
    Bundle,
    AutoPayPayment,
    Upload,
    Removal,
}

impl Binding<'_> {
    pub fn ceremony(&self) -> Ceremony {
        match self {
            Binding::Registration { .. } => Ceremony::Registration,
            Binding::Bundle(_) => Ceremony::Bundle,
            Binding::AutoPayPayment(_) => Ceremony::AutoPayPayment,
            Binding::Upload(_) => Ceremony::Upload,
            Binding::Removal { .. } => Ceremony::Removal,
        }
    }

    /// The binding as a value that travels (to the user's guard).
    pub fn bound(&self) -> Bound {
        Bound {
            ceremony: self.ceremony(),
            subject: self.subject(),
        }
    }
}

/// A [`Binding`] as a value: the ceremony and the digest of what it authorises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    pub ceremony: Ceremony,
    pub subject: [u8; 32],
}

impl Bound {
    fn challenge(&self, nonce: &PasskeyNonce) -> PasskeyChallenge {
        PasskeyChallenge::of(self.ceremony, &self.subject, nonce)
    }
}

/// The WebAuthn user handle of a user (base64url of the user id: no personal data, stable).
pub fn user_handle(user_id: &str) -> String {
    BASE64URL_NOPAD.encode(user_id.as_bytes())
}

/// How long a nonce stays usable: long enough for a ceremony (the browser is told
/// [`CEREMONY_TIMEOUT_MS`]), short enough that an abandoned one soon means nothing.
pub const NONCE_SECONDS: u64 = 300;
/// The ceremony timeout the browser is given, inside [`NONCE_SECONDS`].
pub const CEREMONY_TIMEOUT_MS: u32 = 240_000;
/// Open nonces kept per user; drawing one more forgets the oldest.
pub const MAX_OPEN_NONCES: usize = 16;
/// Passkeys per user.
pub const MAX_PASSKEYS: usize = 10;
/// The longest passkey name, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// One of the user's passkeys, with what My details shows about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredPasskey {
    pub passkey: Passkey,
    pub name: String,
    pub created_at: u64,
    pub last_used_at: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct OpenNonce {
    nonce: String,
    ceremony: Ceremony,
    issued_at: u64,
}

/// Why a change of the user's passkeys was refused (the ceremony itself is fine).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RingRefusal {
    #[error("You have {MAX_PASSKEYS} passkeys, the most one person may have. Remove one first.")]
    TooMany,
    #[error("This passkey is already registered.")]
    AlreadyRegistered,
    #[error("You have no such passkey. It may have been removed meanwhile.")]
    NotFound,
    #[error("A passkey name has 1 to {MAX_NAME_CHARS} characters.")]
    BadName,
}

/// The user's passkeys and the nonces drawn for them, as the `UserGuard` keeps them. Every
/// method is one all-or-nothing step on the value; the guard stores the result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyRing {
    pub passkeys: Vec<RegisteredPasskey>,
    #[serde(default)]
    nonces: Vec<OpenNonce>,
}

impl PasskeyRing {
    /// Keeps `nonce` for one `ceremony` until used or [`NONCE_SECONDS`] have passed.
    pub fn open_nonce(&mut self, nonce: &PasskeyNonce, ceremony: Ceremony, now: u64) {
        self.nonces.retain(|open| !expired(open, now));
        if self.nonces.len() >= MAX_OPEN_NONCES {
            self.nonces.remove(0);
        }
        self.nonces.push(OpenNonce {
            nonce: nonce.to_base64url(),
            ceremony,
            issued_at: now,
        });
    }

    /// Uses up `nonce`: whatever the outcome, it never serves again.
    fn take_nonce(
        &mut self,
        nonce: &str,
        ceremony: Ceremony,
        now: u64,
    ) -> Result<PasskeyNonce, PasskeyRefusal> {
        let at = self.nonces.iter().position(|open| open.nonce == nonce);
        let open = at
            .map(|at| self.nonces.remove(at))
            .ok_or(PasskeyRefusal::UnknownNonce)?;
        if open.ceremony != ceremony || expired(&open, now) {
            return Err(PasskeyRefusal::UnknownNonce);
        }
        PasskeyNonce::parse(&open.nonce)
    }

    /// Registers the passkey of `response`, made for `user_id` under a registration nonce.
    pub fn register(
        &mut self,
        rp: &RelyingParty,
        user_id: &str,
        nonce: &str,
        response: &RegistrationResponse,
        name: &str,
        now: u64,
    ) -> Result<&RegisteredPasskey, RegisterRefusal> {
        let nonce = self.take_nonce(nonce, Ceremony::Registration, now)?;
        let challenge = PasskeyChallenge::derive(Binding::Registration { user_id }, &nonce);
        let passkey = verify_registration(rp, &challenge, response)?;
        let name = checked_name(name)?;
        if self
            .passkeys
            .iter()
            .any(|held| held.passkey.credential_id == passkey.credential_id)
        {
            return Err(RingRefusal::AlreadyRegistered.into());
        }
        if self.passkeys.len() >= MAX_PASSKEYS {
            return Err(RingRefusal::TooMany.into());
        }
        self.passkeys.push(RegisteredPasskey {
            passkey,
            name,
            created_at: now,
            last_used_at: None,
        });
        Ok(&self.passkeys[self.passkeys.len() - 1])
    }

    /// Checks an assertion for what `bound` authorises under one of this ring's nonces; on
    /// success the passkey's counter and last use are updated.
    pub fn assert(
        &mut self,
        rp: &RelyingParty,
        bound: &Bound,
        nonce: &str,
        response: &AssertionResponse,
        now: u64,
    ) -> Result<(), PasskeyRefusal> {
        if bound.ceremony == Ceremony::Registration {
            return Err(PasskeyRefusal::WrongType);
        }
        let nonce = self.take_nonce(nonce, bound.ceremony, now)?;
        let held = self
            .passkeys
            .iter_mut()
            .find(|held| held.passkey.credential_id_base64url() == response.raw_id)
            .ok_or(PasskeyRefusal::WrongCredential)?;
        let verified = verify_assertion(rp, &bound.challenge(&nonce), &held.passkey, response)?;
        held.passkey.sign_count = verified.sign_count;
        held.last_used_at = Some(now);
        Ok(())
    }

    pub fn rename(&mut self, id: &str, name: &str) -> Result<&RegisteredPasskey, RingRefusal> {
        let name = checked_name(name)?;
        let held = self
            .passkeys
            .iter_mut()
            .find(|held| held.passkey.credential_id_base64url() == id)
            .ok_or(RingRefusal::NotFound)?;
        held.name = name;
        Ok(held)
    }

    pub fn remove(&mut self, id: &str) -> Result<(), RingRefusal> {
        let before = self.passkeys.len();
        self.passkeys
            .retain(|held| held.passkey.credential_id_base64url() != id);
        if self.passkeys.len() == before {
            return Err(RingRefusal::NotFound);
        }
        Ok(())
    }

    pub fn count(&self) -> u32 {
        u32::try_from(self.passkeys.len()).unwrap_or(u32::MAX)
    }
}

fn expired(open: &OpenNonce, now: u64) -> bool {
    now >= open.issued_at.saturating_add(NONCE_SECONDS) || now < open.issued_at
}

/// A name as typed, trimmed; 1 to [`MAX_NAME_CHARS`] characters, no control characters.
fn checked_name(name: &str) -> Result<String, RingRefusal> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(RingRefusal::BadName);
    }
    Ok(name.to_owned())
}

/// Why a registration was refused: the ceremony (counted toward the lockout) or the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterRefusal {
    Ceremony(PasskeyRefusal),
    Ring(RingRefusal),
}

impl From<PasskeyRefusal> for RegisterRefusal {
    fn from(refusal: PasskeyRefusal) -> Self {
        Self::Ceremony(refusal)
    }
}

impl From<RingRefusal> for RegisterRefusal {
    fn from(refusal: RingRefusal) -> Self {
        Self::Ring(refusal)
    }
}

fn decode_base64url(text: &str) -> Result<Vec<u8>, PasskeyRefusal> {
    BASE64URL_NOPAD
        .decode(text.as_bytes())
        .map_err(|_| PasskeyRefusal::Malformed)
}

/// The fields of clientDataJSON a relying party checks (WebAuthn §5.8.1).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
    #[serde(default)]
    cross_origin: Option<bool>,
}

fn check_client_data(
    json: &[u8],
    ceremony: &str,
    rp: &RelyingParty,
    expected: &PasskeyChallenge,
) -> Result<(), PasskeyRefusal> {
    let client_data: ClientData =
        serde_json::from_slice(json).map_err(|_| PasskeyRefusal::Malformed)?;
    if client_data.kind != ceremony {
        return Err(PasskeyRefusal::WrongType);
    }
    if decode_base64url(&client_data.challenge)? != expected.as_bytes() {
        return Err(PasskeyRefusal::WrongChallenge);
    }
    if client_data.origin != rp.origin || client_data.cross_origin == Some(true) {
        return Err(PasskeyRefusal::WrongOrigin);
    }
    Ok(())
}

/// The fixed start of authenticatorData (WebAuthn §6.1).
struct AuthenticatorData {
    rp_id_hash: [u8; 32],
    flags: u8,
    sign_count: u32,
}

impl AuthenticatorData {
    fn read(bytes: &[u8]) -> Result<Self, PasskeyRefusal> {
        let header = bytes
            .get(..AUTHENTICATOR_DATA_HEADER)
            .ok_or(PasskeyRefusal::Malformed)?;
        let (rp_id_hash, rest) = header.split_at(32);
        Ok(Self {
            rp_id_hash: rp_id_hash
                .try_into()
                .map_err(|_| PasskeyRefusal::Malformed)?,
            flags: rest[0],
            sign_count: u32::from_be_bytes(
                rest[1..5]
                    .try_into()
                    .map_err(|_| PasskeyRefusal::Malformed)?,
            ),
        })
    }

    fn check(&self, rp: &RelyingParty) -> Result<(), PasskeyRefusal> {
        if self.rp_id_hash != <[u8; 32]>::from(Sha256::digest(rp.id.as_bytes())) {
            return Err(PasskeyRefusal::WrongRelyingParty);
        }
        if self.flags & FLAG_USER_PRESENT == 0 {
            return Err(PasskeyRefusal::UserNotPresent);
        }
        // A passkey with user verification stands for both factors; without it, it is only one.
        if self.flags & FLAG_USER_VERIFIED == 0 {
            return Err(PasskeyRefusal::UserNotVerified);
        }
        Ok(())
    }
}

/// `authData` of a CBOR attestation object `{fmt, attStmt, authData}`.
fn attestation_auth_data(bytes: &[u8]) -> Result<Vec<u8>, PasskeyRefusal> {
    let mut reader = bytes;
    let value: Value =
        coset::cbor::de::from_reader_with_recursion_limit(&mut reader, CBOR_RECURSION_LIMIT)
            .map_err(|_| PasskeyRefusal::Malformed)?;
    if !reader.is_empty() {
        return Err(PasskeyRefusal::Malformed);
    }
    let Value::Map(entries) = value else {
        return Err(PasskeyRefusal::Malformed);
    };
    entries
        .into_iter()
        .find_map(|(key, value)| match (key, value) {
            (Value::Text(key), Value::Bytes(auth_data)) if key == "authData" => Some(auth_data),
            _ => None,
        })
        .ok_or(PasskeyRefusal::Malformed)
}

/// aaguid (16) ‖ credentialIdLength (2) ‖ credentialId ‖ COSE_Key ‖ [extensions]: answers the
/// credential id and the COSE_Key's bytes.
fn attested_credential(bytes: &[u8], flags: u8) -> Result<(Vec<u8>, Vec<u8>), PasskeyRefusal> {
    let length = bytes.get(16..18).ok_or(PasskeyRefusal::Malformed)?;
    let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
    if length == 0 || length > MAX_CREDENTIAL_ID {
        return Err(PasskeyRefusal::Malformed);
    }
    let credential_id = bytes
        .get(18..18 + length)
        .ok_or(PasskeyRefusal::Malformed)?;
    let key_and_rest = &bytes[18 + length..];
    // The COSE_Key is followed by nothing or by the extensions map: read exactly one CBOR item.
    let mut reader = key_and_rest;
    let key: Value =
        coset::cbor::de::from_reader_with_recursion_limit(&mut reader, CBOR_RECURSION_LIMIT)
            .map_err(|_| PasskeyRefusal::Malformed)?;
    let has_extensions = flags & FLAG_EXTENSION_DATA != 0;
    if reader.is_empty() == has_extensions {
        return Err(PasskeyRefusal::Malformed);
    }
    let key = CoseKey::from_cbor_value(key).map_err(|_| PasskeyRefusal::Malformed)?;
    let key = key.to_vec().map_err(|_| PasskeyRefusal::Malformed)?;
    Ok((credential_id.to_vec(), key))
}

/// An ES256 (ECDSA with SHA-256 on P-256) verifying key from a COSE_Key.
fn es256_key(cose: &[u8]) -> Result<VerifyingKey, PasskeyRefusal> {
    let key = CoseKey::from_slice(cose).map_err(|_| PasskeyRefusal::Malformed)?;
    let ec2 = RegisteredLabel::Assigned(iana::KeyType::EC2);
    let es256 = coset::Algorithm::Assigned(iana::Algorithm::ES256);
    if key.kty != ec2 || key.alg != Some(es256) {
        return Err(PasskeyRefusal::UnsupportedKey);
    }
    let parameter = |label: iana::Ec2KeyParameter| {
        key.params
            .iter()
            .find(|(key_label, _)| *key_label == Label::Int(label.to_i64()))
            .map(|(_, value)| value)
    };
    let curve = parameter(iana::Ec2KeyParameter::Crv).and_then(|curve| curve.as_integer());
    if curve != Some(iana::EllipticCurve::P_256.to_i64().into()) {
        return Err(PasskeyRefusal::UnsupportedKey);
    }
    let coordinate = |label| match parameter(label) {
        Some(Value::Bytes(bytes)) if bytes.len() == 32 => Ok(bytes.as_slice()),
        _ => Err(PasskeyRefusal::UnsupportedKey),
    };
    let mut point = Vec::with_capacity(65);
    point.push(0x04);
    point.extend_from_slice(coordinate(iana::Ec2KeyParameter::X)?);
    point.extend_from_slice(coordinate(iana::Ec2KeyParameter::Y)?);
    VerifyingKey::from_sec1_bytes(&point).map_err(|_| PasskeyRefusal::UnsupportedKey)
}

#[cfg(test)]
mod tests {
    use coset::CoseKeyBuilder;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::SigningKey;

    use super::*;

    const RP_ID: &str = "pay.example.com";
    const ORIGIN: &str = "https://pay.example.com";
    const CREDENTIAL_ID: &[u8] = b"credential-0001";

    fn rp() -> RelyingParty {
        RelyingParty {
            id: RP_ID.into(),
            origin: ORIGIN.into(),
        }
    }

    fn nonce(byte: u8) -> PasskeyNonce {
        PasskeyNonce::from_bytes([byte; 32])
    }

    fn bundle_digest(byte: u8) -> BundleDigest {
        BundleDigest::parse(&format!("{byte:02x}").repeat(32)).unwrap()
    }

    fn challenge_for(digest: &BundleDigest, nonce: &PasskeyNonce) -> PasskeyChallenge {
        PasskeyChallenge::derive(Binding::Bundle(digest), nonce)
    }

    /// A software authenticator: a P-256 key pair made in the test that signs as a platform
    /// authenticator does.
    struct Authenticator {
        key: SigningKey,
        rp_id: String,
        flags: u8,
        counter: u32,
    }

    impl Authenticator {
        fn new() -> Self {
            Self {
                key: SigningKey::from_slice(&[7; 32]).unwrap(),
                rp_id: RP_ID.into(),
                flags: FLAG_USER_PRESENT | FLAG_USER_VERIFIED,
                counter: 1,
            }
        }

        fn cose_key(&self) -> Vec<u8> {
            let point = self.key.verifying_key().to_sec1_point(false);
            CoseKeyBuilder::new_ec2_pub_key(
                iana::EllipticCurve::P_256,
                point.x().unwrap().to_vec(),
                point.y().unwrap().to_vec(),
            )
            .algorithm(iana::Algorithm::ES256)
            .build()
            .to_vec()
            .unwrap()
        }

        fn authenticator_data(&self, flags: u8, attested: Option<&[u8]>) -> Vec<u8> {
            let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
            data.push(flags);
            data.extend_from_slice(&self.counter.to_be_bytes());
            if let Some(cose_key) = attested {
                data.extend_from_slice(&[0; 16]);
                data.extend_from_slice(&(CREDENTIAL_ID.len() as u16).to_be_bytes());
                data.extend_from_slice(CREDENTIAL_ID);
                data.extend_from_slice(cose_key);
            }
            data
        }

        fn register(&self, challenge: &PasskeyChallenge) -> RegistrationResponse {
            let auth_data = self.authenticator_data(
                self.flags | FLAG_ATTESTED_CREDENTIAL_DATA,
                Some(&self.cose_key()),
            );
            let attestation = Value::Map(vec![
                (Value::Text("fmt".into()), Value::Text("none".into())),
                (Value::Text("attStmt".into()), Value::Map(vec![])),
                (Value::Text("authData".into()), Value::Bytes(auth_data)),
            ]);
            let mut attestation_object = Vec::new();
            coset::cbor::ser::into_writer(&attestation, &mut attestation_object).unwrap();
            RegistrationResponse {
                raw_id: BASE64URL_NOPAD.encode(CREDENTIAL_ID),
                client_data_json: BASE64URL_NOPAD.encode(&client_data(
                    "webauthn.create",
                    challenge,
                    ORIGIN,
                )),
                attestation_object: BASE64URL_NOPAD.encode(&attestation_object),
                transports: vec!["internal".into(), "hybrid".into()],
            }
        }

        /// Signs `authenticatorData ‖ SHA-256(clientDataJSON)` as an authenticator does.
        fn assert_with(&self, client_data_json: &[u8]) -> AssertionResponse {
            let auth_data = self.authenticator_data(self.flags, None);
            let mut signed = auth_data.clone();
            signed.extend_from_slice(&Sha256::digest(client_data_json));
            let signature: Signature = self.key.sign(&signed);
            AssertionResponse {
                raw_id: BASE64URL_NOPAD.encode(CREDENTIAL_ID),
                client_data_json: BASE64URL_NOPAD.encode(client_data_json),
                authenticator_data: BASE64URL_NOPAD.encode(&auth_data),
                signature: BASE64URL_NOPAD.encode(signature.to_der().as_bytes()),
            }
        }

        fn assert(&self, challenge: &PasskeyChallenge) -> AssertionResponse {
            self.assert_with(&client_data("webauthn.get", challenge, ORIGIN))
        }
    }

    /// clientDataJSON as a browser writes it.
    fn client_data(kind: &str, challenge: &PasskeyChallenge, origin: &str) -> Vec<u8> {
        format!(
            r#"{{"type":"{kind}","challenge":"{}","origin":"{origin}","crossOrigin":false}}"#,
            challenge.to_base64url()
        )
        .into_bytes()
    }

    fn registered(authenticator: &Authenticator) -> Passkey {
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: "u1" }, &nonce(9));
        verify_registration(&rp(), &challenge, &authenticator.register(&challenge)).unwrap()
    }

    /// Registers, then asserts for bundle 0xaa under nonce 1 and verifies against `expected`.
    fn verify_bundle_assertion(
        authenticator: &Authenticator,
        expected: &PasskeyChallenge,
    ) -> Result<VerifiedAssertion, PasskeyRefusal> {
        let passkey = registered(&Authenticator::new());
        let response = authenticator.assert(&challenge_for(&bundle_digest(0xaa), &nonce(1)));
        verify_assertion(&rp(), expected, &passkey, &response)
    }

    fn signed_bundle_challenge() -> PasskeyChallenge {
        challenge_for(&bundle_digest(0xaa), &nonce(1))
    }

    #[test]
    fn a_registration_records_the_credential_key_counter_and_transports() {
        let authenticator = Authenticator::new();
        let passkey = registered(&authenticator);
        assert_eq!(passkey.credential_id, CREDENTIAL_ID);
        assert_eq!(passkey.public_key, authenticator.cose_key());
        assert_eq!(passkey.sign_count, 1);
        assert_eq!(passkey.transports, ["internal", "hybrid"]);
    }

    #[test]
    fn an_assertion_for_the_shown_bundle_and_nonce_is_accepted() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        let verified = verify_bundle_assertion(&authenticator, &signed_bundle_challenge());
        assert_eq!(verified, Ok(VerifiedAssertion { sign_count: 2 }));
    }

    #[test]
    fn an_assertion_made_for_another_bundle_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        let other_bundle = challenge_for(&bundle_digest(0xbb), &nonce(1));
        assert_eq!(
            verify_bundle_assertion(&authenticator, &other_bundle),
            Err(PasskeyRefusal::WrongChallenge)
        );
    }

    #[test]
    fn an_assertion_under_an_earlier_nonce_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        let next_nonce = challenge_for(&bundle_digest(0xaa), &nonce(2));
        assert_eq!(
            verify_bundle_assertion(&authenticator, &next_nonce),
            Err(PasskeyRefusal::WrongChallenge)
        );
    }

    #[test]
    fn one_purposes_challenge_never_serves_another() {
        let digest = bundle_digest(0xaa);
        let bytes = *digest.as_bytes();
        let challenges = [
            PasskeyChallenge::derive(Binding::Bundle(&digest), &nonce(1)),
            PasskeyChallenge::derive(Binding::AutoPayPayment(&bytes), &nonce(1)),
            PasskeyChallenge::derive(Binding::Upload(&bytes), &nonce(1)),
        ];
        assert_ne!(challenges[0], challenges[1]);
        assert_ne!(challenges[0], challenges[2]);
        assert_ne!(challenges[1], challenges[2]);

        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        assert_eq!(
            verify_bundle_assertion(&authenticator, &challenges[1]),
            Err(PasskeyRefusal::WrongChallenge)
        );
    }

    #[test]
    fn the_challenge_is_fixed_by_its_inputs() {
        let digest = bundle_digest(0xaa);
        assert_eq!(
            challenge_for(&digest, &nonce(1)),
            challenge_for(&digest, &nonce(1))
        );
        let expected = {
            let mut input = CHALLENGE_DOMAIN.to_vec();
            input.push(2);
            input.extend_from_slice(&[0xaa; 32]);
            input.extend_from_slice(&[1; 32]);
            <[u8; 32]>::from(Sha256::digest(&input))
        };
        assert_eq!(challenge_for(&digest, &nonce(1)).as_bytes(), &expected);
    }

    #[test]
    fn a_counter_that_does_not_increase_is_refused() {
        // Registered at 1; the authenticator answers 1 again, then 0.
        for counter in [1, 0] {
            let mut authenticator = Authenticator::new();
            authenticator.counter = counter;
            assert_eq!(
                verify_bundle_assertion(&authenticator, &signed_bundle_challenge()),
                Err(PasskeyRefusal::CounterNotIncreased)
            );
        }
    }

    #[test]
    fn an_authenticator_without_a_counter_keeps_answering_zero() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 0;
        let passkey = {
            let challenge =
                PasskeyChallenge::derive(Binding::Registration { user_id: "u1" }, &nonce(9));
            verify_registration(&rp(), &challenge, &authenticator.register(&challenge)).unwrap()
        };
        assert_eq!(passkey.sign_count, 0);
        let challenge = signed_bundle_challenge();
        let response = authenticator.assert(&challenge);
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &response),
            Ok(VerifiedAssertion { sign_count: 0 })
        );
    }

    #[test]
    fn an_assertion_from_another_origin_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let phished = authenticator.assert_with(&client_data(
            "webauthn.get",
            &challenge,
            "https://pay.example.co",
        ));
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &phished),
            Err(PasskeyRefusal::WrongOrigin)
        );
    }

    #[test]
    fn an_assertion_inside_another_sites_frame_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let framed = authenticator.assert_with(
            format!(
                r#"{{"type":"webauthn.get","challenge":"{}","origin":"{ORIGIN}","crossOrigin":true}}"#,
                challenge.to_base64url()
            )
            .as_bytes(),
        );
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &framed),
            Err(PasskeyRefusal::WrongOrigin)
        );
    }

    #[test]
    fn an_assertion_scoped_to_another_relying_party_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        authenticator.rp_id = "example.com".into();
        assert_eq!(
            verify_bundle_assertion(&authenticator, &signed_bundle_challenge()),
            Err(PasskeyRefusal::WrongRelyingParty)
        );
    }

    #[test]
    fn an_assertion_without_user_verification_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        authenticator.flags = FLAG_USER_PRESENT;
        assert_eq!(
            verify_bundle_assertion(&authenticator, &signed_bundle_challenge()),
            Err(PasskeyRefusal::UserNotVerified)
        );
    }

    #[test]
    fn an_assertion_without_user_presence_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        authenticator.flags = FLAG_USER_VERIFIED;
        assert_eq!(
            verify_bundle_assertion(&authenticator, &signed_bundle_challenge()),
            Err(PasskeyRefusal::UserNotPresent)
        );
    }

    #[test]
    fn an_assertion_signed_by_another_key_is_refused() {
        let mut impostor = Authenticator::new();
        impostor.counter = 2;
        impostor.key = SigningKey::from_slice(&[8; 32]).unwrap();
        assert_eq!(
            verify_bundle_assertion(&impostor, &signed_bundle_challenge()),
            Err(PasskeyRefusal::BadSignature)
        );
    }

    #[test]
    fn a_signature_over_changed_authenticator_data_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let mut response = authenticator.assert(&challenge);
        // Raise the counter after signing: the signature no longer covers the data.
        let mut auth_data = BASE64URL_NOPAD
            .decode(response.authenticator_data.as_bytes())
            .unwrap();
        auth_data[36] = 9;
        response.authenticator_data = BASE64URL_NOPAD.encode(&auth_data);
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &response),
            Err(PasskeyRefusal::BadSignature)
        );
        response.signature = BASE64URL_NOPAD.encode(b"not DER");
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &response),
            Err(PasskeyRefusal::BadSignature)
        );
    }

    #[test]
    fn a_signature_with_a_high_s_value_is_accepted() {
        // Authenticators do not normalise S; half of real signatures have the high value.
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let mut response = authenticator.assert(&challenge);
        let signature = BASE64URL_NOPAD
            .decode(response.signature.as_bytes())
            .unwrap();
        let (r, s) = Signature::from_der(&signature).unwrap().split_scalars();
        for s in [s, -s] {
            let variant = Signature::from_scalars(r, s).unwrap();
            response.signature = BASE64URL_NOPAD.encode(variant.to_der().as_bytes());
            assert_eq!(
                verify_assertion(&rp(), &challenge, &passkey, &response),
                Ok(VerifiedAssertion { sign_count: 2 })
            );
        }
    }

    #[test]
    fn a_registration_answer_used_as_an_assertion_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let response =
            authenticator.assert_with(&client_data("webauthn.create", &challenge, ORIGIN));
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &response),
            Err(PasskeyRefusal::WrongType)
        );
    }

    #[test]
    fn an_assertion_of_another_credential_is_refused() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let mut response = authenticator.assert(&challenge);
        response.raw_id = BASE64URL_NOPAD.encode(b"credential-0002");
        assert_eq!(
            verify_assertion(&rp(), &challenge, &passkey, &response),
            Err(PasskeyRefusal::WrongCredential)
        );
    }

    #[test]
    fn a_registration_is_checked_like_an_assertion() {
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: "u1" }, &nonce(9));
        let for_another_user =
            PasskeyChallenge::derive(Binding::Registration { user_id: "u2" }, &nonce(9));
        let authenticator = Authenticator::new();
        assert_eq!(
            verify_registration(
                &rp(),
                &for_another_user,
                &authenticator.register(&challenge)
            ),
            Err(PasskeyRefusal::WrongChallenge)
        );

        let mut get = authenticator.register(&challenge);
        get.client_data_json =
            BASE64URL_NOPAD.encode(&client_data("webauthn.get", &challenge, ORIGIN));
        assert_eq!(
            verify_registration(&rp(), &challenge, &get),
            Err(PasskeyRefusal::WrongType)
        );

        let mut without_uv = Authenticator::new();
        without_uv.flags = FLAG_USER_PRESENT;
        assert_eq!(
            verify_registration(&rp(), &challenge, &without_uv.register(&challenge)),
            Err(PasskeyRefusal::UserNotVerified)
        );

        let mut other_rp = Authenticator::new();
        other_rp.rp_id = "evil.example".into();
        assert_eq!(
            verify_registration(&rp(), &challenge, &other_rp.register(&challenge)),
            Err(PasskeyRefusal::WrongRelyingParty)
        );

        let mut other_id = authenticator.register(&challenge);
        other_id.raw_id = BASE64URL_NOPAD.encode(b"credential-0002");
        assert_eq!(
            verify_registration(&rp(), &challenge, &other_id),
            Err(PasskeyRefusal::WrongCredential)
        );
    }

    #[test]
    fn a_key_other_than_es256_is_refused_at_registration() {
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: "u1" }, &nonce(9));
        let authenticator = Authenticator::new();
        let ed25519 = CoseKeyBuilder::new_okp_key()
            .param(
                iana::OkpKeyParameter::Crv.to_i64(),
                Value::from(iana::EllipticCurve::Ed25519.to_i64()),
            )
            .param(iana::OkpKeyParameter::X.to_i64(), Value::Bytes(vec![1; 32]))
            .algorithm(iana::Algorithm::EdDSA)
            .build()
            .to_vec()
            .unwrap();
        let auth_data = authenticator.authenticator_data(
            authenticator.flags | FLAG_ATTESTED_CREDENTIAL_DATA,
            Some(&ed25519),
        );
        let mut response = authenticator.register(&challenge);
        response.attestation_object = attestation_object(auth_data);
        assert_eq!(
            verify_registration(&rp(), &challenge, &response),
            Err(PasskeyRefusal::UnsupportedKey)
        );
    }

    fn attestation_object(auth_data: Vec<u8>) -> String {
        let value = Value::Map(vec![
            (Value::Text("fmt".into()), Value::Text("none".into())),
            (Value::Text("attStmt".into()), Value::Map(vec![])),
            (Value::Text("authData".into()), Value::Bytes(auth_data)),
        ]);
        let mut bytes = Vec::new();
        coset::cbor::ser::into_writer(&value, &mut bytes).unwrap();
        BASE64URL_NOPAD.encode(&bytes)
    }

    #[test]
    fn malformed_input_is_refused_without_a_panic() {
        let mut authenticator = Authenticator::new();
        authenticator.counter = 2;
        // Registered at counter 1.
        let passkey = registered(&Authenticator::new());
        let challenge = signed_bundle_challenge();
        let good = authenticator.assert(&challenge);
        let refused = |change: &dyn Fn(&mut AssertionResponse)| {
            let mut response = good.clone();
            change(&mut response);
            verify_assertion(&rp(), &challenge, &passkey, &response)
        };
        assert_eq!(
            refused(&|r| r.client_data_json = "%%%".into()),
            Err(PasskeyRefusal::Malformed)
        );
        assert_eq!(
            refused(&|r| r.raw_id = "a=".into()),
            Err(PasskeyRefusal::Malformed)
        );
        assert_eq!(
            refused(&|r| r.client_data_json = BASE64URL_NOPAD.encode(b"{\"type\":")),
            Err(PasskeyRefusal::Malformed)
        );
        assert_eq!(
            refused(&|r| r.client_data_json = BASE64URL_NOPAD.encode(b"[1,2]")),
            Err(PasskeyRefusal::Malformed)
        );
        assert_eq!(
            refused(&|r| r.authenticator_data = BASE64URL_NOPAD.encode(&[0; 36])),
            Err(PasskeyRefusal::Malformed)
        );
        assert_eq!(
            refused(&|r| r.signature = String::new()),
            Err(PasskeyRefusal::BadSignature)
        );

        let registration = authenticator.register(&PasskeyChallenge::derive(
            Binding::Registration { user_id: "u1" },
            &nonce(9),
        ));
        let registration_challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: "u1" }, &nonce(9));
        let full_auth_data = authenticator.authenticator_data(
            authenticator.flags | FLAG_ATTESTED_CREDENTIAL_DATA,
            Some(&authenticator.cose_key()),
        );
        let attestation_objects = [
            BASE64URL_NOPAD.encode(b"\xa3\x63fmt"), // CBOR cut short
            BASE64URL_NOPAD.encode(b"\x80"),        // an array, not a map
            BASE64URL_NOPAD.encode(&[0x9f; 64]),    // deeply nested indefinite arrays
            attestation_object(full_auth_data[..60].to_vec()), // credential data cut short
            attestation_object(full_auth_data[..full_auth_data.len() - 3].to_vec()), // key cut
            attestation_object([full_auth_data.clone(), vec![0xa0]].concat()), // stray extensions
            attestation_object(authenticator.authenticator_data(authenticator.flags, None)), // no AT
        ];
        for (index, attestation) in attestation_objects.into_iter().enumerate() {
            let mut response = registration.clone();
            response.attestation_object = attestation;
            let refusal = verify_registration(&rp(), &registration_challenge, &response);
            let expected = if index == 6 {
                PasskeyRefusal::NoCredentialData
            } else {
                PasskeyRefusal::Malformed
            };
            assert_eq!(refusal, Err(expected), "attestation object {index}");
        }
        let mut response = registration.clone();
        response.client_data_json = "not base64!".into();
        assert_eq!(
            verify_registration(&rp(), &registration_challenge, &response),
            Err(PasskeyRefusal::Malformed)
        );
    }

    #[test]
    fn the_refusal_text_does_not_say_which_check_failed() {
        let sentences: Vec<String> = [
            PasskeyRefusal::WrongChallenge,
            PasskeyRefusal::WrongOrigin,
            PasskeyRefusal::BadSignature,
            PasskeyRefusal::CounterNotIncreased,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert!(sentences
            .iter()
            .all(|s| s == "The passkey could not be verified."));
    }

    #[test]
    fn a_nonce_reads_back_from_base64url() {
        let nonce = nonce(5);
        assert_eq!(PasskeyNonce::parse(&nonce.to_base64url()), Ok(nonce));
        assert_eq!(PasskeyNonce::parse("AAAA"), Err(PasskeyRefusal::Malformed));
    }

    // ---- The ring: nonces used once, per ceremony; names; limits ----

    const USER: &str = "u-ola";
    const NOW: u64 = 1_800_000_000;

    /// A ring holding the test authenticator's passkey (counter 1).
    fn ring_with_passkey(authenticator: &Authenticator) -> PasskeyRing {
        let mut ring = PasskeyRing::default();
        ring.open_nonce(&nonce(1), Ceremony::Registration, NOW);
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: USER }, &nonce(1));
        ring.register(
            &rp(),
            USER,
            &nonce(1).to_base64url(),
            &authenticator.register(&challenge),
            " Work laptop ",
            NOW,
        )
        .unwrap();
        ring
    }

    fn bundle_assertion(
        ring: &mut PasskeyRing,
        authenticator: &Authenticator,
        shown: &BundleDigest,
        now_digest: &BundleDigest,
        nonce_byte: u8,
        now: u64,
    ) -> Result<(), PasskeyRefusal> {
        let assertion = authenticator.assert(&challenge_for(shown, &nonce(nonce_byte)));
        ring.assert(
            &rp(),
            &Binding::Bundle(now_digest).bound(),
            &nonce(nonce_byte).to_base64url(),
            &assertion,
            now,
        )
    }

    #[test]
    fn a_registered_passkey_signs_the_bundle_its_nonce_was_drawn_for_once() {
        let mut authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        assert_eq!(ring.count(), 1);
        assert_eq!(ring.passkeys[0].name, "Work laptop");
        assert_eq!(ring.passkeys[0].last_used_at, None);
        authenticator.counter = 2;
        ring.open_nonce(&nonce(2), Ceremony::Bundle, NOW + 10);
        let digest = bundle_digest(0xab);
        assert_eq!(
            bundle_assertion(&mut ring, &authenticator, &digest, &digest, 2, NOW + 20),
            Ok(())
        );
        assert_eq!(ring.passkeys[0].passkey.sign_count, 2);
        assert_eq!(ring.passkeys[0].last_used_at, Some(NOW + 20));
        // The same assertion again: its nonce is used up.
        assert_eq!(
            bundle_assertion(&mut ring, &authenticator, &digest, &digest, 2, NOW + 21),
            Err(PasskeyRefusal::UnknownNonce)
        );
    }

    #[test]
    fn an_assertion_for_a_bundle_that_changed_meanwhile_is_refused_and_uses_up_its_nonce() {
        let mut authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        authenticator.counter = 2;
        ring.open_nonce(&nonce(2), Ceremony::Bundle, NOW);
        assert_eq!(
            bundle_assertion(
                &mut ring,
                &authenticator,
                &bundle_digest(1),
                &bundle_digest(2),
                2,
                NOW
            ),
            Err(PasskeyRefusal::WrongChallenge)
        );
        assert_eq!(
            bundle_assertion(
                &mut ring,
                &authenticator,
                &bundle_digest(1),
                &bundle_digest(1),
                2,
                NOW
            ),
            Err(PasskeyRefusal::UnknownNonce)
        );
        assert_eq!(ring.passkeys[0].passkey.sign_count, 1, "nothing changed");
    }

    #[test]
    fn a_nonce_drawn_for_one_ceremony_never_serves_another() {
        let mut authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        authenticator.counter = 2;
        // A signing nonce (no fresh factors needed to draw one) cannot register a passkey.
        ring.open_nonce(&nonce(3), Ceremony::Bundle, NOW);
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: USER }, &nonce(3));
        let mut other = Authenticator::new();
        other.key = SigningKey::from_slice(&[9; 32]).unwrap();
        assert_eq!(
            ring.register(
                &rp(),
                USER,
                &nonce(3).to_base64url(),
                &other.register(&challenge),
                "Attacker",
                NOW
            ),
            Err(RegisterRefusal::Ceremony(PasskeyRefusal::UnknownNonce))
        );
        // An upload nonce does not sign a bundle.
        ring.open_nonce(&nonce(4), Ceremony::Upload, NOW);
        let digest = bundle_digest(5);
        assert_eq!(
            bundle_assertion(&mut ring, &authenticator, &digest, &digest, 4, NOW),
            Err(PasskeyRefusal::UnknownNonce)
        );
        // An assertion is never a registration.
        let bound = Bound {
            ceremony: Ceremony::Registration,
            subject: [0; 32],
        };
        ring.open_nonce(&nonce(6), Ceremony::Registration, NOW);
        let assertion = authenticator.assert(&bound.challenge(&nonce(6)));
        assert_eq!(
            ring.assert(&rp(), &bound, &nonce(6).to_base64url(), &assertion, NOW),
            Err(PasskeyRefusal::WrongType)
        );
    }

    #[test]
    fn a_nonce_expires_and_a_nonce_never_drawn_is_refused() {
        let mut authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        authenticator.counter = 2;
        let digest = bundle_digest(7);
        ring.open_nonce(&nonce(2), Ceremony::Bundle, NOW);
        assert_eq!(
            bundle_assertion(
                &mut ring,
                &authenticator,
                &digest,
                &digest,
                2,
                NOW + NONCE_SECONDS
            ),
            Err(PasskeyRefusal::UnknownNonce)
        );
        assert_eq!(
            bundle_assertion(&mut ring, &authenticator, &digest, &digest, 9, NOW),
            Err(PasskeyRefusal::UnknownNonce)
        );
        ring.open_nonce(&nonce(3), Ceremony::Bundle, NOW);
        assert_eq!(
            bundle_assertion(
                &mut ring,
                &authenticator,
                &digest,
                &digest,
                3,
                NOW + NONCE_SECONDS - 1
            ),
            Ok(())
        );
    }

    #[test]
    fn open_nonces_are_bounded_and_the_oldest_goes_first() {
        let mut ring = PasskeyRing::default();
        for byte in 0..=(MAX_OPEN_NONCES as u8) {
            ring.open_nonce(&nonce(byte), Ceremony::Bundle, NOW);
        }
        assert_eq!(ring.nonces.len(), MAX_OPEN_NONCES);
        assert_eq!(
            ring.take_nonce(&nonce(0).to_base64url(), Ceremony::Bundle, NOW),
            Err(PasskeyRefusal::UnknownNonce)
        );
        assert!(ring
            .take_nonce(&nonce(1).to_base64url(), Ceremony::Bundle, NOW)
            .is_ok());
        // Expired nonces are dropped when a new one is drawn.
        ring.open_nonce(&nonce(200), Ceremony::Bundle, NOW + NONCE_SECONDS);
        assert_eq!(ring.nonces.len(), 1);
    }

    #[test]
    fn a_passkey_is_registered_once_and_at_most_ten() {
        let authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        ring.open_nonce(&nonce(2), Ceremony::Registration, NOW);
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: USER }, &nonce(2));
        assert_eq!(
            ring.register(
                &rp(),
                USER,
                &nonce(2).to_base64url(),
                &authenticator.register(&challenge),
                "Again",
                NOW
            ),
            Err(RegisterRefusal::Ring(RingRefusal::AlreadyRegistered))
        );
        let copy = ring.passkeys[0].clone();
        for n in 1..MAX_PASSKEYS {
            let mut more = copy.clone();
            more.passkey.credential_id = vec![n as u8; 8];
            ring.passkeys.push(more);
        }
        ring.open_nonce(&nonce(3), Ceremony::Registration, NOW);
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: USER }, &nonce(3));
        let mut eleventh = authenticator.register(&challenge);
        eleventh.raw_id = BASE64URL_NOPAD.encode(CREDENTIAL_ID);
        ring.passkeys[0].passkey.credential_id = b"another".to_vec();
        assert_eq!(
            ring.register(
                &rp(),
                USER,
                &nonce(3).to_base64url(),
                &eleventh,
                "Eleventh",
                NOW
            ),
            Err(RegisterRefusal::Ring(RingRefusal::TooMany))
        );
    }

    #[test]
    fn a_registration_for_another_user_is_refused() {
        let authenticator = Authenticator::new();
        let mut ring = PasskeyRing::default();
        ring.open_nonce(&nonce(1), Ceremony::Registration, NOW);
        let challenge =
            PasskeyChallenge::derive(Binding::Registration { user_id: "u-kari" }, &nonce(1));
        assert_eq!(
            ring.register(
                &rp(),
                USER,
                &nonce(1).to_base64url(),
                &authenticator.register(&challenge),
                "Laptop",
                NOW
            ),
            Err(RegisterRefusal::Ceremony(PasskeyRefusal::WrongChallenge))
        );
        assert_eq!(ring.count(), 0);
    }

    #[test]
    fn names_are_trimmed_and_bounded_and_passkeys_renamed_and_removed() {
        let authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        let id = ring.passkeys[0].passkey.credential_id_base64url();
        assert_eq!(ring.rename(&id, "  ").err(), Some(RingRefusal::BadName));
        assert_eq!(
            ring.rename(&id, &"x".repeat(MAX_NAME_CHARS + 1)).err(),
            Some(RingRefusal::BadName)
        );
        assert_eq!(
            ring.rename(&id, "a\u{7}b").err(),
            Some(RingRefusal::BadName)
        );
        assert_eq!(
            ring.rename(&id, "Nøkkel på jobb").unwrap().name,
            "Nøkkel på jobb"
        );
        assert_eq!(ring.rename("nope", "x").err(), Some(RingRefusal::NotFound));
        assert_eq!(ring.remove("nope"), Err(RingRefusal::NotFound));
        assert_eq!(ring.remove(&id), Ok(()));
        assert_eq!(ring.count(), 0);
        assert_eq!(ring.remove(&id), Err(RingRefusal::NotFound));
    }

    #[test]
    fn an_assertion_by_a_removed_passkey_is_refused() {
        let mut authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        let id = ring.passkeys[0].passkey.credential_id_base64url();
        ring.remove(&id).unwrap();
        authenticator.counter = 2;
        ring.open_nonce(&nonce(2), Ceremony::Bundle, NOW);
        let digest = bundle_digest(3);
        assert_eq!(
            bundle_assertion(&mut ring, &authenticator, &digest, &digest, 2, NOW),
            Err(PasskeyRefusal::WrongCredential)
        );
    }

    #[test]
    fn the_ring_round_trips_through_json() {
        let authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        ring.open_nonce(&nonce(5), Ceremony::AutoPayPayment, NOW);
        let json = serde_json::to_string(&ring).unwrap();
        assert_eq!(serde_json::from_str::<PasskeyRing>(&json).unwrap(), ring);
    }

    #[test]
    fn the_relying_party_comes_from_configuration_that_can_work() {
        let rp =
            RelyingParty::from_config(Some("pay.example.com"), Some("https://pay.example.com/"));
        assert_eq!(
            rp,
            Some(rp_of("pay.example.com", "https://pay.example.com"))
        );
        assert_eq!(
            RelyingParty::from_config(Some("example.com"), Some("https://pay.example.com:8443")),
            Some(rp_of("example.com", "https://pay.example.com:8443"))
        );
        assert_eq!(
            RelyingParty::from_config(Some("localhost"), Some("http://localhost:8787")),
            Some(rp_of("localhost", "http://localhost:8787"))
        );
        for (id, origin) in [
            (None, Some("https://pay.example.com")),
            (Some("pay.example.com"), None),
            (Some(""), Some("https://pay.example.com")),
            // Plain http is only for localhost.
            (Some("pay.example.com"), Some("http://pay.example.com")),
            // The origin's host must be the id or under it.
            (Some("example.com"), Some("https://example.org")),
            (Some("ample.com"), Some("https://example.com")),
            // An IP address is never a relying-party id.
            (Some("127.0.0.1"), Some("http://127.0.0.1:8787")),
            (Some("pay.example.com"), Some("https://pay.example.com:x")),
            (Some("pay.example.com"), Some("pay.example.com")),
        ] {
            assert_eq!(
                RelyingParty::from_config(id, origin),
                None,
                "{id:?} {origin:?}"
            );
        }
    }

    fn rp_of(id: &str, origin: &str) -> RelyingParty {
        RelyingParty {
            id: id.into(),
            origin: origin.into(),
        }
    }

    #[test]
    fn a_removal_is_bound_to_the_passkey_it_removes() {
        let mut authenticator = Authenticator::new();
        let mut ring = ring_with_passkey(&authenticator);
        let id = ring.passkeys[0].passkey.credential_id_base64url();
        authenticator.counter = 2;
        ring.open_nonce(&nonce(2), Ceremony::Removal, NOW);
        let other = Binding::Removal {
            credential_id: "another",
        };
        let assertion = authenticator.assert(&PasskeyChallenge::derive(other, &nonce(2)));
        let this = Binding::Removal { credential_id: &id };
        assert_eq!(
            ring.assert(
                &rp(),
                &this.bound(),
                &nonce(2).to_base64url(),
                &assertion,
                NOW
            ),
            Err(PasskeyRefusal::WrongChallenge)
        );
        ring.open_nonce(&nonce(3), Ceremony::Removal, NOW);
        let assertion = authenticator.assert(&PasskeyChallenge::derive(this, &nonce(3)));
        assert_eq!(
            ring.assert(
                &rp(),
                &this.bound(),
                &nonce(3).to_base64url(),
                &assertion,
                NOW
            ),
            Ok(())
        );
    }
}
