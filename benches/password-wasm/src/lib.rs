//! One password verification, as the Worker does it at sign-in, exported to JavaScript.

use ap_core::password::{Password, PasswordHash};
use wasm_bindgen::prelude::wasm_bindgen;

/// Made by argon2-cffi with today's parameters (m=19456, t=2, p=1) for `PASSWORD`.
pub const STORED_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU";
pub const PASSWORD: &str = "correct horse battery staple";

/// Parses the stored hash and verifies the right password against it: the work of one sign-in.
/// Returns whether it verified, so the caller can check the benchmark measured real work.
#[wasm_bindgen]
pub fn verify_once() -> bool {
    match (PasswordHash::parse(STORED_HASH), Password::parse(PASSWORD)) {
        (Ok(stored), Ok(password)) => stored.verify(&password),
        _ => false,
    }
}
