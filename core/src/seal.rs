//! Authenticated encryption for secrets at rest, such as TOTP seeds: AES-256-GCM with a key from
//! the Worker's secrets.
//!
//! A sealed value is the compact string `v1.<nonce>.<ciphertext and tag>` (base64url, no padding),
//! so it fits in a JSON field and the leading version lets a later key or algorithm coexist.
//!
//! The associated data is authenticated but not stored: pass the owner's user id, and a seed
//! copied into another user's row fails to open instead of granting that user the seed.
//!
//! The nonce is passed in, like every random input to the core: 12 fresh random bytes from the
//! Worker's `crypto.getRandomValues` for each seal. Random 96-bit nonces are safe for up to 2^32
//! seals under one key (NIST SP 800-38D §8.3), far beyond a seed per user.

use std::fmt;

use aes_gcm::aead::{Aead, Key, KeyInit, Nonce, Payload};
use aes_gcm::Aes256Gcm;
use data_encoding::{BASE64, BASE64URL_NOPAD};

/// Bytes in a [`SealKey`].
pub const SEAL_KEY_BYTES: usize = 32;
/// Bytes in a nonce.
pub const SEAL_NONCE_BYTES: usize = 12;
/// The format version at the start of a sealed string.
const VERSION: &str = "v1";

/// Why a key could not be read or a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error(
        "The seal key must be 32 bytes in base64; generate one with `head -c 32 /dev/urandom | base64`."
    )]
    Key,
    #[error("The sealed value is not in the v1.<nonce>.<ciphertext> form.")]
    Format,
    /// Deliberately one case for a wrong key, altered text and wrong associated data: AES-GCM
    /// cannot tell them apart, and callers must treat them alike.
    #[error("The sealed value could not be opened: wrong key, wrong owner, or altered.")]
    Open,
}

/// An AES-256-GCM key. Redacted in `Debug`, not serialisable.
#[derive(Clone)]
pub struct SealKey(Key<Aes256Gcm>);

impl SealKey {
    /// Reads a key from standard base64 (as `head -c 32 /dev/urandom | base64` prints it).
    /// Surrounding whitespace, such as the newline a pasted secret may end with, is ignored.
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        let bytes: [u8; SEAL_KEY_BYTES] = BASE64
            .decode(text.trim().as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(SealError::Key)?;
        Ok(Self(bytes.into()))
    }

    /// The key's bytes, for deriving keys of other uses from the same secret
    /// (`recovery::RecoveryKey::derive`).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.0)
    }
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(redacted)")
    }
}

/// Encrypts and authenticates `plaintext`, and authenticates `associated_data` (the owner's user
/// id). `nonce` must be fresh random bytes, never reused with the same key.
pub fn seal(
    key: &SealKey,
    nonce: [u8; SEAL_NONCE_BYTES],
    plaintext: &[u8],
    associated_data: &[u8],
) -> String {
    let payload = Payload {
        msg: plaintext,
        aad: associated_data,
    };
    let sealed = match key
        .cipher()
        .encrypt(&Nonce::<Aes256Gcm>::from(nonce), payload)
    {
        Ok(sealed) => sealed,
        // AES-GCM refuses only plaintexts over 64 GiB or associated data over 2^61 bytes.
        Err(_) => panic!("AES-GCM input too long to seal"),
    };
    format!(
        "{VERSION}.{}.{}",
        BASE64URL_NOPAD.encode(&nonce),
        BASE64URL_NOPAD.encode(&sealed)
    )
}

/// Decrypts a value made by [`seal`] with the same key and associated data.
pub fn open(key: &SealKey, sealed: &str, associated_data: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut fields = sealed.split('.');
    let (Some(VERSION), Some(nonce), Some(ciphertext), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(SealError::Format);
    };
    let nonce: [u8; SEAL_NONCE_BYTES] = BASE64URL_NOPAD
        .decode(nonce.as_bytes())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(SealError::Format)?;
    let ciphertext = BASE64URL_NOPAD
        .decode(ciphertext.as_bytes())
        .map_err(|_| SealError::Format)?;
    let payload = Payload {
        msg: &ciphertext,
        aad: associated_data,
    };
    key.cipher()
        .decrypt(&Nonce::<Aes256Gcm>::from(nonce), payload)
        .map_err(|_| SealError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `head -c 32 /dev/urandom | base64`, fixed for the tests.
    const KEY: &str = "q2Ad0dJ0YqvMUhHgJhH6p3qGkq5DJk1zH3C8pTt1u0c=";
    const OTHER_KEY: &str = "Qm3rGZ7cF1c2Wn6b8Yq0bXo3s9dK5vT2hJ4uL7aE1xM=";
    const SEED: &[u8] = b"JBSWY3DPEHPK3PXP";
    const OWNER: &[u8] = b"user_01HZX";

    fn key(text: &str) -> SealKey {
        SealKey::from_base64(text).unwrap()
    }

    #[test]
    fn a_sealed_seed_opens_with_the_same_key_and_owner() {
        let sealed = seal(&key(KEY), [7; 12], SEED, OWNER);
        assert_eq!(open(&key(KEY), &sealed, OWNER).unwrap(), SEED);
    }

    #[test]
    fn a_sealed_value_is_versioned_and_carries_its_nonce_but_not_the_plaintext() {
        let sealed = seal(&key(KEY), [7; 12], SEED, OWNER);
        let fields: Vec<&str> = sealed.split('.').collect();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0], "v1");
        assert_eq!(fields[1], BASE64URL_NOPAD.encode(&[7; 12]));
        // Ciphertext as long as the seed, plus a 16-byte tag.
        let body = BASE64URL_NOPAD.decode(fields[2].as_bytes()).unwrap();
        assert_eq!(body.len(), SEED.len() + 16);
        assert!(!body.windows(SEED.len()).any(|window| window == SEED));
    }

    #[test]
    fn different_nonces_give_different_sealed_values() {
        let first = seal(&key(KEY), [1; 12], SEED, OWNER);
        let second = seal(&key(KEY), [2; 12], SEED, OWNER);
        assert_ne!(first, second);
    }

    #[test]
    fn matches_test_case_14_of_the_gcm_specification() {
        // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 14: AES-256, zero key,
        // zero nonce, one zero block; ciphertext then tag.
        let zero_key = key(&BASE64.encode(&[0; 32]));
        let sealed = seal(&zero_key, [0; 12], &[0; 16], b"");
        let body = BASE64URL_NOPAD
            .decode(sealed.rsplit('.').next().unwrap().as_bytes())
            .unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(&body),
            "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"
        );
    }

    #[test]
    fn a_seed_copied_to_another_user_does_not_open() {
        let sealed = seal(&key(KEY), [7; 12], SEED, OWNER);
        assert_eq!(
            open(&key(KEY), &sealed, b"user_01HZY"),
            Err(SealError::Open)
        );
    }

    #[test]
    fn a_sealed_value_does_not_open_with_another_key() {
        let sealed = seal(&key(KEY), [7; 12], SEED, OWNER);
        assert_eq!(open(&key(OTHER_KEY), &sealed, OWNER), Err(SealError::Open));
    }

    #[test]
    fn a_tampered_sealed_value_does_not_open() {
        let sealed = seal(&key(KEY), [7; 12], SEED, OWNER);
        let (prefix, body) = sealed.rsplit_once('.').unwrap();
        let mut bytes = BASE64URL_NOPAD.decode(body.as_bytes()).unwrap();
        for index in [0, bytes.len() - 1] {
            bytes[index] ^= 1;
            let tampered = format!("{prefix}.{}", BASE64URL_NOPAD.encode(&bytes));
            assert_eq!(open(&key(KEY), &tampered, OWNER), Err(SealError::Open));
            bytes[index] ^= 1;
        }
        let other_nonce = sealed.replacen(
            &BASE64URL_NOPAD.encode(&[7; 12]),
            &BASE64URL_NOPAD.encode(&[8; 12]),
            1,
        );
        assert_eq!(open(&key(KEY), &other_nonce, OWNER), Err(SealError::Open));
        let truncated = &sealed[..sealed.len() - 4];
        assert!(open(&key(KEY), truncated, OWNER).is_err());
    }

    #[test]
    fn malformed_sealed_values_are_refused() {
        let sealed = seal(&key(KEY), [7; 12], SEED, OWNER);
        for text in [
            String::new(),
            sealed.replacen("v1.", "v2.", 1),
            sealed.replacen("v1.", "", 1),
            format!("{sealed}.extra"),
            sealed.replacen(&BASE64URL_NOPAD.encode(&[7; 12]), "BwcH", 1), // 3-byte nonce
            format!("{sealed}!"),
        ] {
            assert_eq!(
                open(&key(KEY), &text, OWNER),
                Err(SealError::Format),
                "{text}"
            );
        }
    }

    #[test]
    fn a_key_must_be_32_bytes_of_base64_and_the_error_says_how_to_make_one() {
        assert!(SealKey::from_base64(&format!("{KEY}\n")).is_ok());
        for text in [
            "",
            "not base64!",
            &BASE64.encode(&[0; 31]),
            &BASE64.encode(&[0; 33]),
            KEY.trim_end_matches('='),
        ] {
            assert_eq!(
                SealKey::from_base64(text).unwrap_err(),
                SealError::Key,
                "{text}"
            );
        }
        assert!(SealError::Key
            .to_string()
            .contains("head -c 32 /dev/urandom | base64"));
    }

    #[test]
    fn a_key_is_never_printed_in_debug_output() {
        assert_eq!(format!("{:?}", key(KEY)), "SealKey(redacted)");
    }
}
