//! The browser's half of a passkey: `navigator.credentials.create()` / `.get()` with the
//! options the server issued, and the credential back as the wire types of `ap_core::api`.
//!
//! The ceremonies are a few lines of JavaScript (inline, below) rather than web-sys bindings:
//! the WebAuthn dictionaries would need a dozen web-sys features and their glue in the first
//! download. Options go in and credentials come out as JSON text; the glue turns base64url into
//! bytes and back by hand (`PublicKeyCredential.parseCreationOptionsFromJSON` is not in every
//! browser yet). A failed ceremony rejects with the `DOMException`'s name only.

use ap_core::api::{
    PasskeyAssertion, PasskeyAssertionCredential, PasskeyOptions, PasskeyRegistrationCredential,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api::ApiFailure;
use crate::tr_string;

#[wasm_bindgen(inline_js = r#"
let glue;
const load = () => (glue ??= import(new URL('passkey.js', import.meta.url).href));
export async function passkeyCreate(json) { return (await load()).passkeyCreate(json); }
export async function passkeyGet(json) { return (await load()).passkeyGet(json); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = passkeyCreate)]
    fn passkey_create(options: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = passkeyGet)]
    fn passkey_get(options: &str) -> js_sys::Promise;
}

/// Makes a new passkey for the registration `options` (the authenticator asks the user).
pub async fn create(options: &PasskeyOptions) -> Result<PasskeyRegistrationCredential, ApiFailure> {
    ceremony(passkey_create, options).await
}

/// Signs the challenge of `options` with one of the user's passkeys, as the assertion that
/// travels in place of password and code.
pub async fn assert(options: PasskeyOptions) -> Result<PasskeyAssertion, ApiFailure> {
    let credential: PasskeyAssertionCredential = ceremony(passkey_get, &options).await?;
    Ok(PasskeyAssertion {
        nonce: options.nonce,
        credential,
    })
}

async fn ceremony<T: DeserializeOwned>(
    run: fn(&str) -> js_sys::Promise,
    options: &PasskeyOptions,
) -> Result<T, ApiFailure> {
    let json = serde_json::to_string(options).map_err(|e| failure(e.to_string()))?;
    match JsFuture::from(run(&json)).await {
        Ok(answer) => serde_json::from_str(&answer.as_string().unwrap_or_default())
            .map_err(|e| failure(e.to_string())),
        Err(name) => Err(failure(name.as_string().unwrap_or_default())),
    }
}

/// A failed ceremony in words: the user cancelling (or the time running out, which browsers
/// report the same way) is no error of theirs.
fn failure(name: String) -> ApiFailure {
    let message = match name.as_str() {
        "NotAllowedError" | "AbortError" => tr_string!(misc.passkey_cancelled).to_string(),
        "InvalidStateError" => tr_string!(misc.passkey_known).to_string(),
        _ => tr_string!(misc.passkey_failed, error = name).to_string(),
    };
    ApiFailure {
        status: 0,
        message,
        fields: Vec::new(),
    }
}
