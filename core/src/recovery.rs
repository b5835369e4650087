//! Recovery codes: ten one-time codes shown when two-step verification is activated, each of
//! which replaces a TOTP code once for signing in (never for signing a payment).
//!
//! A code is 10 characters of Crockford's base32 (50 random bits), shown as `XXXXX-XXXXX`. The
//! alphabet has no I, L, O or U, so nothing looks alike; reading one back ignores case, dashes
//! and spaces, and takes `O` as `0` and `I`/`L` as `1`, as people misread them.
//!
//! Codes are stored only as HMAC-SHA-256 hashes under a key derived from the Worker's sealing
//! secret, with the owner's user id in the message: a leaked store alone does not let anyone
//! test guesses offline, and one user's code never matches another's hash.
//!
//! Pure: the random bytes are passed in, and the Worker's `UserGuard` Durable Object applies
//! [`sign_in_with_recovery_code`] to the stored set inside one command, so a code is consumed at
//! most once even by two sign-ins at the same moment.

use std::fmt;

use data_encoding::HEXLOWER;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::guard::{TwoStepGuard, TwoStepRefusal};
use crate::password::constant_time_eq;
use crate::seal::SealKey;

/// Codes in a set.
pub const CODE_COUNT: usize = 10;
/// Characters in a code, 5 bits each: 50 bits.
pub const CODE_CHARS: usize = 10;
/// Random bytes one code is made from (the low 50 of their 56 bits are used).
const BYTES_PER_CODE: usize = 7;
/// Random bytes a set of codes is made from.
pub const RANDOM_BYTES: usize = CODE_COUNT * BYTES_PER_CODE;
/// Crockford's base32: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Separates the key of recovery-code hashes from every other use of the sealing secret.
const KEY_CONTEXT: &[u8] = b"approve-and-pay recovery codes v1";

/// Typed text that is not a recovery code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("A recovery code has 10 letters and digits, such as ABCDE-12345.")]
pub struct MalformedRecoveryCode;

/// A recovery code in its canonical form: 10 characters of the alphabet, upper case, no dash.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    /// Reads a code as a person types it: case, dashes and spaces do not matter, and `O`, `I`
    /// and `L` are read as the digits they look like.
    pub fn parse(typed: &str) -> Result<Self, MalformedRecoveryCode> {
        let mut canonical = String::with_capacity(CODE_CHARS);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(MalformedRecoveryCode);
            }
            canonical.push(c);
        }
        if canonical.len() != CODE_CHARS {
            return Err(MalformedRecoveryCode);
        }
        Ok(Self(canonical))
    }

    fn from_random(bytes: &[u8]) -> Self {
        let bits = bytes
            .iter()
            .take(BYTES_PER_CODE)
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let code = (0..CODE_CHARS)
            .map(|i| {
                let index = (bits >> (5 * (CODE_CHARS - 1 - i))) & 31;
                char::from(ALPHABET[index as usize])
            })
            .collect();
        Self(code)
    }

    /// As shown and printed: `XXXXX-XXXXX`.
    pub fn display(&self) -> String {
        let (first, second) = self.0.split_at(CODE_CHARS / 2);
        format!("{first}-{second}")
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(redacted)")
    }
}

/// A new set of [`CODE_COUNT`] codes from `random` (fresh bytes from a CSPRNG).
pub fn generate(random: &[u8; RANDOM_BYTES]) -> Vec<RecoveryCode> {
    random
        .chunks_exact(BYTES_PER_CODE)
        .map(RecoveryCode::from_random)
        .collect()
}

/// The key recovery codes are hashed with. Redacted in `Debug`, not serialisable.
#[derive(Clone)]
pub struct RecoveryKey([u8; 32]);

impl RecoveryKey {
    /// Derived from the sealing key (HMAC with a context of its own), so the secret the Worker
    /// already holds serves both without one use weakening the other.
    pub fn derive(seal_key: &SealKey) -> Self {
        Self::from_secret(seal_key.as_bytes())
    }

    fn from_secret(secret: &[u8]) -> Self {
        Self(hmac_sha256(secret, &[KEY_CONTEXT]))
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(redacted)")
    }
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// What is stored of a code: HMAC-SHA-256 over the owner's user id and the code, in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecoveryHash(String);

impl RecoveryHash {
    /// The hash of `code` for the user `owner` (their user id).
    pub fn of(key: &RecoveryKey, owner: &str, code: &RecoveryCode) -> Self {
        let mac = hmac_sha256(&key.0, &[owner.as_bytes(), b"\0", code.0.as_bytes()]);
        Self(HEXLOWER.encode(&mac))
    }
}

/// A presented code matches none of the codes left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownRecoveryCode;

/// A user's unused recovery codes, as hashes. A used code is removed: it is then gone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    hashes: Vec<RecoveryHash>,
}

impl RecoveryCodes {
    /// The set for `codes`, hashed for `owner`.
    pub fn of(key: &RecoveryKey, owner: &str, codes: &[RecoveryCode]) -> Self {
        Self {
            hashes: codes
                .iter()
                .map(|code| RecoveryHash::of(key, owner, code))
                .collect(),
        }
    }

    /// Codes not used yet.
    pub fn left(&self) -> u32 {
        u32::try_from(self.hashes.len()).unwrap_or(u32::MAX)
    }

    /// Removes the code whose hash is `presented` and answers how many are left. Every stored
    /// hash is compared in constant time, so the time taken says nothing about which matched.
    pub fn consume(&mut self, presented: &RecoveryHash) -> Result<u32, UnknownRecoveryCode> {
        let mut found = None;
        for (i, stored) in self.hashes.iter().enumerate() {
            if constant_time_eq(stored.0.as_bytes(), presented.0.as_bytes()) && found.is_none() {
                found = Some(i);
            }
        }
        let index = found.ok_or(UnknownRecoveryCode)?;
        self.hashes.remove(index);
        Ok(self.left())
    }
}

/// A sign-in whose second factor is a recovery code (the hash of what was typed), at `now`:
/// refused while locked, before anything is checked or counted; with a wrong password the code
/// is not even looked at (so it is not used up) and the failure counts; an unknown, used or
/// another user's code counts like a wrong TOTP code. On success the code is gone, the failure
/// count starts again, and the answer is how many codes are left.
pub fn sign_in_with_recovery_code(
    guard: &mut TwoStepGuard,
    codes: &mut RecoveryCodes,
    password_correct: bool,
    presented: &RecoveryHash,
    now: u64,
) -> Result<u32, TwoStepRefusal> {
    guard.check_locked(now)?;
    let consumed = if password_correct {
        codes.consume(presented).ok()
    } else {
        None
    };
    match consumed {
        Some(left) => {
            // Like a TOTP success, but the last used TOTP step stays as it was.
            guard.unlock();
            Ok(left)
        }
        None => {
            guard.record_failure(now)?;
            Err(TwoStepRefusal::NotCorrect)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::{Locked, LOCK_SECONDS, MAX_FAILURES};

    const NOW: u64 = 1_800_000_000;
    const ADA: &str = "ada0000000000000000000000a";
    const BOB: &str = "bob0000000000000000000000b";

    fn key() -> RecoveryKey {
        RecoveryKey::from_secret(&[7; 32])
    }

    fn random(seed: u8) -> [u8; RANDOM_BYTES] {
        let mut bytes = [0u8; RANDOM_BYTES];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = seed
                .wrapping_mul(31)
                .wrapping_add(u8::try_from(i % 256).unwrap_or(0).wrapping_mul(13));
        }
        bytes
    }

    fn codes_of(owner: &str) -> (Vec<RecoveryCode>, RecoveryCodes) {
        let codes = generate(&random(1));
        let set = RecoveryCodes::of(&key(), owner, &codes);
        (codes, set)
    }

    fn hash(owner: &str, code: &RecoveryCode) -> RecoveryHash {
        RecoveryHash::of(&key(), owner, code)
    }

    #[test]
    fn a_set_is_ten_codes_of_ten_characters_shown_in_two_groups() {
        let codes = generate(&random(3));
        assert_eq!(codes.len(), CODE_COUNT);
        for code in &codes {
            let shown = code.display();
            assert_eq!(shown.len(), CODE_CHARS + 1);
            assert_eq!(shown.as_bytes()[5], b'-');
            assert!(shown
                .chars()
                .filter(|c| *c != '-')
                .all(|c| ALPHABET.contains(&(c as u8))));
        }
        let mut distinct: Vec<String> = codes.iter().map(RecoveryCode::display).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), CODE_COUNT);
    }

    #[test]
    fn each_code_uses_fifty_random_bits() {
        assert_eq!(RecoveryCode::from_random(&[0; 7]).display(), "00000-00000");
        // The top 6 of the 56 bits are not used; the low 50 all are.
        assert_eq!(
            RecoveryCode::from_random(&[0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).display(),
            "ZZZZZ-ZZZZZ"
        );
        assert_eq!(
            RecoveryCode::from_random(&[0xfc, 0, 0, 0, 0, 0, 0]).display(),
            "00000-00000"
        );
        assert_eq!(
            RecoveryCode::from_random(&[0, 0, 0, 0, 0, 0, 1]).display(),
            "00000-00001"
        );
    }

    #[test]
    fn a_code_is_read_back_whatever_the_case_dashes_and_spaces() {
        let code = RecoveryCode::parse("ABCDE-12345").expect("code");
        assert_eq!(code.display(), "ABCDE-12345");
        for typed in ["abcde12345", " abcde - 12345 ", "AbCdE-1-2-3-4-5"] {
            assert_eq!(RecoveryCode::parse(typed), Ok(code.clone()), "{typed}");
        }
    }

    #[test]
    fn look_alike_letters_are_read_as_the_digits_they_resemble() {
        assert_eq!(
            RecoveryCode::parse("OoIiL-lABCD").map(|c| c.display()),
            Ok("00111-1ABCD".to_owned())
        );
    }

    #[test]
    fn malformed_input_is_not_a_code() {
        for typed in [
            "",
            "-----",
            "ABCDE-1234",
            "ABCDE-123456",
            "ABCDE-1234U",
            "ABCDE_12345",
            "ABCDÉ-12345",
            "123456",
        ] {
            assert_eq!(
                RecoveryCode::parse(typed),
                Err(MalformedRecoveryCode),
                "{typed}"
            );
        }
    }

    #[test]
    fn the_hash_depends_on_key_owner_and_code_and_hides_the_code() {
        let code = RecoveryCode::parse("ABCDE-12345").expect("code");
        let other = RecoveryCode::parse("ABCDE-12346").expect("code");
        let h = hash(ADA, &code);
        assert_eq!(h, hash(ADA, &code));
        assert_ne!(h, hash(BOB, &code));
        assert_ne!(h, hash(ADA, &other));
        assert_ne!(
            h,
            RecoveryHash::of(&RecoveryKey::from_secret(&[8; 32]), ADA, &code)
        );
        assert_eq!(h.0.len(), 64);
        assert!(!h.0.to_uppercase().contains("ABCDE12345"));
        assert_eq!(format!("{code:?}"), "RecoveryCode(redacted)");
        assert_eq!(format!("{:?}", key()), "RecoveryKey(redacted)");
    }

    #[test]
    fn the_key_is_derived_from_the_seal_key() {
        let seal = SealKey::from_base64("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
            .expect("32 bytes of 7");
        assert_eq!(RecoveryKey::derive(&seal).0, key().0);
        assert_ne!(key().0, [7; 32]);
    }

    #[test]
    fn a_code_is_consumed_once_and_the_count_drops() {
        let (codes, mut set) = codes_of(ADA);
        assert_eq!(set.left(), 10);
        assert_eq!(set.consume(&hash(ADA, &codes[3])), Ok(9));
        assert_eq!(set.left(), 9);
        assert_eq!(set.consume(&hash(ADA, &codes[3])), Err(UnknownRecoveryCode));
        assert_eq!(set.left(), 9);
    }

    #[test]
    fn a_wrong_code_or_another_users_code_consumes_nothing() {
        let (codes, mut set) = codes_of(ADA);
        let wrong = RecoveryCode::parse("ZZZZZ-ZZZZZ").expect("code");
        assert_eq!(set.consume(&hash(ADA, &wrong)), Err(UnknownRecoveryCode));
        assert_eq!(set.consume(&hash(BOB, &codes[0])), Err(UnknownRecoveryCode));
        assert_eq!(set.left(), 10);
    }

    #[test]
    fn when_all_are_used_none_is_left_and_nothing_matches() {
        let (codes, mut set) = codes_of(ADA);
        for (i, code) in codes.iter().enumerate() {
            let left = u32::try_from(CODE_COUNT - 1 - i).expect("small");
            assert_eq!(set.consume(&hash(ADA, code)), Ok(left));
        }
        assert_eq!(set.left(), 0);
        assert_eq!(set.consume(&hash(ADA, &codes[0])), Err(UnknownRecoveryCode));
        assert_eq!(RecoveryCodes::default().left(), 0);
    }

    #[test]
    fn a_new_set_voids_the_old_one() {
        let (old, _) = codes_of(ADA);
        let new_codes = generate(&random(2));
        let mut set = RecoveryCodes::of(&key(), ADA, &new_codes);
        assert_eq!(set.consume(&hash(ADA, &old[0])), Err(UnknownRecoveryCode));
        assert_eq!(set.consume(&hash(ADA, &new_codes[0])), Ok(9));
    }

    #[test]
    fn the_set_is_stored_as_hashes_only() {
        let (codes, set) = codes_of(ADA);
        let stored = serde_json::to_string(&set).expect("json");
        for code in &codes {
            assert!(!stored.contains(&code.0));
        }
        let back: RecoveryCodes = serde_json::from_str(&stored).expect("json");
        assert_eq!(back, set);
    }

    #[test]
    fn signing_in_with_a_right_code_resets_the_count_and_uses_the_code() {
        let (codes, mut set) = codes_of(ADA);
        let mut guard = TwoStepGuard {
            consecutive_failures: 3,
            locked_until: None,
            last_used_step: Some(42),
        };
        let h = hash(ADA, &codes[0]);
        assert_eq!(
            sign_in_with_recovery_code(&mut guard, &mut set, true, &h, NOW),
            Ok(9)
        );
        assert_eq!(guard.consecutive_failures, 0);
        assert_eq!(guard.last_used_step, Some(42));
        assert_eq!(
            sign_in_with_recovery_code(&mut guard, &mut set, true, &h, NOW),
            Err(TwoStepRefusal::NotCorrect)
        );
        assert_eq!(guard.consecutive_failures, 1);
    }

    #[test]
    fn a_wrong_password_counts_and_does_not_use_the_code() {
        let (codes, mut set) = codes_of(ADA);
        let mut guard = TwoStepGuard::default();
        let h = hash(ADA, &codes[0]);
        assert_eq!(
            sign_in_with_recovery_code(&mut guard, &mut set, false, &h, NOW),
            Err(TwoStepRefusal::NotCorrect)
        );
        assert_eq!(guard.consecutive_failures, 1);
        assert_eq!(set.left(), 10);
    }

    #[test]
    fn wrong_codes_count_toward_the_lock_and_a_lock_refuses_even_a_right_code() {
        let (codes, mut set) = codes_of(ADA);
        let mut guard = TwoStepGuard::default();
        let wrong = hash(BOB, &codes[0]);
        for _ in 1..MAX_FAILURES {
            assert_eq!(
                sign_in_with_recovery_code(&mut guard, &mut set, true, &wrong, NOW),
                Err(TwoStepRefusal::NotCorrect)
            );
        }
        let until = NOW + LOCK_SECONDS;
        assert_eq!(
            sign_in_with_recovery_code(&mut guard, &mut set, true, &wrong, NOW),
            Err(TwoStepRefusal::Locked(Locked { until }))
        );
        let right = hash(ADA, &codes[0]);
        assert_eq!(
            sign_in_with_recovery_code(&mut guard, &mut set, true, &right, NOW + 1),
            Err(TwoStepRefusal::Locked(Locked { until }))
        );
        assert_eq!(set.left(), 10, "a locked guard does not look at the code");
        assert_eq!(
            sign_in_with_recovery_code(&mut guard, &mut set, true, &right, until),
            Ok(9)
        );
    }
}
