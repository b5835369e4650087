//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps).
//!
//! The unix time is always passed in: `totp-rs` is used with its `std` feature off, so nothing
//! here can read the clock.

use std::fmt;

use data_encoding::BASE32_NOPAD;
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Builder, Totp};

use crate::ids::Email;

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Approve & Pay";
/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Steps accepted either side of the current one, for clock drift and typing time.
pub const SKEW_STEPS: u64 = 1;
/// Bytes in a secret: 160 bits, as RFC 4226 §4 recommends.
pub const SECRET_BYTES: usize = 20;

/// Why a secret could not be read back from its base32 text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpSecretError {
    #[error("The two-step secret is not valid base32 text.")]
    NotBase32,
    #[error("The two-step secret must be exactly 160 bits (32 base32 characters).")]
    WrongLength,
}

/// A user's shared TOTP secret: exactly 20 bytes drawn by the caller from a CSPRNG.
///
/// Deliberately not `Serialize` and redacted in `Debug`, so it cannot slip into a JSON answer or
/// a log line; the Worker encrypts [`TotpSecret::as_bytes`] before storing it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; SECRET_BYTES]);

impl TotpSecret {
    /// Wraps 20 random bytes; the caller draws them (the core has no randomness).
    pub fn from_random_bytes(bytes: [u8; SECRET_BYTES]) -> Self {
        Self(bytes)
    }

    /// Reads RFC 4648 base32 without padding. Lowercase and spaces are tolerated because people
    /// type this from a screen.
    pub fn parse_base32(text: &str) -> Result<Self, TotpSecretError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = BASE32_NOPAD
            .decode(compact.as_bytes())
            .map_err(|_| TotpSecretError::NotBase32)?;
        let bytes: [u8; SECRET_BYTES] =
            bytes.try_into().map_err(|_| TotpSecretError::WrongLength)?;
        Ok(Self(bytes))
    }

    /// RFC 4648 base32, uppercase, no padding (32 characters), as authenticator apps expect.
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    pub fn as_bytes(&self) -> &[u8; SECRET_BYTES] {
        &self.0
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(redacted)")
    }
}

/// Why a typed code was refused before checking it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpCodeError {
    #[error("Enter the 6-digit code shown in your authenticator app.")]
    Shape,
}

/// A code as typed: exactly six ASCII digits once spaces are removed ("123 456" is accepted).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TotpCode(String);

impl TotpCode {
    pub fn parse(text: &str) -> Result<Self, TotpCodeError> {
        let digits: String = text.chars().filter(|c| *c != ' ').collect();
        if digits.len() != DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpCodeError::Shape);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TotpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpCode(redacted)")
    }
}

impl TryFrom<String> for TotpCode {
    type Error = TotpCodeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<TotpCode> for String {
    fn from(code: TotpCode) -> Self {
        code.0
    }
}

/// Why a well-formed code was not accepted.
///
/// Where a password is checked in the same attempt, show the user
/// [`crate::guard::NOT_CORRECT`] instead, so a failure never says which factor was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum TotpRejected {
    #[error("The code is not correct.")]
    NotValid,
    #[error("This code has already been used. Wait for the next code in your authenticator app.")]
    AlreadyUsed,
}

/// The `otpauth://` URI an authenticator app reads from the enrolment QR code
/// (Google Authenticator's Key Uri Format, which the common apps follow).
pub fn otpauth_uri(secret: &TotpSecret, account: &Email) -> String {
    let issuer = percent_encode(ISSUER);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent_encode(account.as_str()),
        secret = secret.to_base32(),
    )
}

/// Checks `code` at `unix_secs`, accepting the step before and after, and refusing any step at or
/// before `last_used_step` so each code works once (RFC 6238 §5.2).
///
/// On success returns the matched step; store it as the user's new `last_used_step`.
pub fn verify(
    secret: &TotpSecret,
    code: &TotpCode,
    unix_secs: u64,
    last_used_step: Option<u64>,
) -> Result<u64, TotpRejected> {
    let totp = totp(secret, DIGITS as u8);
    let current = unix_secs / STEP_SECONDS;
    let mut fresh_match = None;
    let mut used_match = false;
    // Every candidate step is computed, so the time taken does not depend on which one matched.
    for step in current.saturating_sub(SKEW_STEPS)..=current + SKEW_STEPS {
        let Some(step_start) = step.checked_mul(STEP_SECONDS) else {
            continue;
        };
        if totp.check(code.as_str(), step_start).is_none() {
            continue;
        }
        if last_used_step.is_some_and(|used| step <= used) {
            used_match = true;
        } else if fresh_match.is_none() {
            fresh_match = Some(step);
        }
    }
    match (fresh_match, used_match) {
        (Some(step), _) => Ok(step),
        (None, true) => Err(TotpRejected::AlreadyUsed),
        (None, false) => Err(TotpRejected::NotValid),
    }
}

/// The code an authenticator app shows at `unix_secs`; for test clients and enrolment checks.
pub fn code_at(secret: &TotpSecret, unix_secs: u64) -> TotpCode {
    TotpCode(totp(secret, DIGITS as u8).generate(unix_secs).to_string())
}

/// `totp-rs` configured for our parameters. Skew is 0 because [`verify`] walks the window itself
/// to apply the replay rule per step.
fn totp(secret: &TotpSecret, digits: u8) -> Totp {
    // `build_noncompliant` skips only checks our types already guarantee: a 160-bit secret,
    // 6 or 8 digits, a non-zero step. `build` would return a `Result` that cannot fail here.
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.0)
        .build_noncompliant()
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA1 seed is the ASCII string "12345678901234567890".
    const RFC_SECRET: [u8; 20] = *b"12345678901234567890";

    /// (unix time, 8-digit code) from RFC 6238 Appendix B, SHA1 column.
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    fn secret() -> TotpSecret {
        TotpSecret::from_random_bytes(RFC_SECRET)
    }

    fn code(text: &str) -> TotpCode {
        TotpCode::parse(text).unwrap()
    }

    #[test]
    fn eight_digit_codes_match_rfc_6238_appendix_b() {
        for (time, expected) in RFC_VECTORS {
            assert_eq!(
                totp(&secret(), 8).generate(time).to_string(),
                expected,
                "at {time}"
            );
        }
    }

    #[test]
    fn six_digit_codes_are_the_rfc_codes_truncated() {
        for (time, expected) in RFC_VECTORS {
            assert_eq!(
                code_at(&secret(), time).as_str(),
                &expected[2..],
                "at {time}"
            );
        }
    }

    #[test]
    fn the_current_code_is_accepted_and_its_step_returned() {
        let now = 1_234_567_890;
        assert_eq!(verify(&secret(), &code("005924"), now, None), Ok(now / 30));
    }

    #[test]
    fn a_replayed_code_is_refused() {
        let now = 1_234_567_890;
        let step = verify(&secret(), &code("005924"), now, None).unwrap();
        assert_eq!(
            verify(&secret(), &code("005924"), now + 5, Some(step)),
            Err(TotpRejected::AlreadyUsed)
        );
    }

    #[test]
    fn an_older_code_after_a_newer_one_was_used_is_refused() {
        let now = 1_234_567_890;
        let previous = code_at(&secret(), now - 30);
        assert_eq!(
            verify(&secret(), &previous, now, Some(now / 30)),
            Err(TotpRejected::AlreadyUsed)
        );
    }

    #[test]
    fn the_next_code_is_accepted_after_the_last_one_was_used() {
        let now = 1_234_567_890;
        let next = code_at(&secret(), now + 30);
        assert_eq!(
            verify(&secret(), &next, now, Some(now / 30)),
            Ok(now / 30 + 1)
        );
    }

    #[test]
    fn a_code_from_another_secret_is_refused() {
        let now = 1_234_567_890;
        let other = TotpSecret::from_random_bytes([7; 20]);
        let code = code_at(&other, now);
        assert_ne!(code, code_at(&secret(), now), "test needs distinct codes");
        assert_eq!(
            verify(&secret(), &code, now, None),
            Err(TotpRejected::NotValid)
        );
    }

    #[test]
    fn a_code_one_step_early_or_late_is_accepted() {
        let now = 1_234_567_890;
        let step = now / 30;
        assert_eq!(
            verify(&secret(), &code_at(&secret(), now - 30), now, None),
            Ok(step - 1)
        );
        assert_eq!(
            verify(&secret(), &code_at(&secret(), now + 30), now, None),
            Ok(step + 1)
        );
    }

    #[test]
    fn a_code_two_steps_early_or_late_is_refused() {
        let now = 1_234_567_890;
        for other in [now - 60, now + 60] {
            let code = code_at(&secret(), other);
            assert_ne!(code, code_at(&secret(), now), "test needs distinct codes");
            assert_eq!(
                verify(&secret(), &code, now, None),
                Err(TotpRejected::NotValid)
            );
        }
    }

    #[test]
    fn verification_near_the_epoch_does_not_underflow() {
        assert_eq!(verify(&secret(), &code_at(&secret(), 0), 5, None), Ok(0));
    }

    #[test]
    fn a_code_is_six_digits_with_spaces_ignored() {
        assert_eq!(code(" 123 456 ").as_str(), "123456");
        for text in [
            "12345",
            "1234567",
            "12345a",
            "",
            "１２３４５６",
            "+12345",
            "12-456",
        ] {
            assert_eq!(TotpCode::parse(text), Err(TotpCodeError::Shape), "{text:?}");
        }
    }

    #[test]
    fn a_code_is_never_printed_in_debug_output() {
        assert_eq!(format!("{:?}", code("123456")), "TotpCode(redacted)");
        assert_eq!(format!("{:?}", secret()), "TotpSecret(redacted)");
    }

    #[test]
    fn a_secret_round_trips_through_base32() {
        let encoded = secret().to_base32();
        assert_eq!(encoded, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(TotpSecret::parse_base32(&encoded), Ok(secret()));
        assert_eq!(
            TotpSecret::parse_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"),
            Ok(secret())
        );
    }

    #[test]
    fn a_secret_of_the_wrong_size_or_alphabet_is_refused() {
        assert_eq!(
            TotpSecret::parse_base32("GEZDGNBVGY3TQOJQ"),
            Err(TotpSecretError::WrongLength)
        );
        assert_eq!(
            TotpSecret::parse_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"),
            Err(TotpSecretError::NotBase32)
        );
    }

    #[test]
    fn the_otpauth_uri_names_issuer_account_and_parameters() {
        let email = Email::parse("alice@example.com").unwrap();
        assert_eq!(
            otpauth_uri(&secret(), &email),
            "otpauth://totp/Approve%20%26%20Pay:alice%40example.com\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Approve%20%26%20Pay\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn the_otpauth_uri_encodes_reserved_characters_in_the_account() {
        let email = Email::parse("a+b&c@example.com").unwrap();
        assert!(otpauth_uri(&secret(), &email).contains(":a%2Bb%26c%40example.com?"));
    }

    /// Compares with OATH Toolkit's `oathtool`, an independent implementation.
    #[test]
    fn codes_match_oathtool() {
        use crate::dates::Timestamp;
        use std::process::Command;

        let probe = Command::new("oathtool").arg("--version").output();
        if probe.is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "oathtool must be installed in CI (apt-get install oathtool)"
            );
            eprintln!("note: oathtool is not on PATH; skipping the cross-check");
            return;
        }
        let secrets = [
            secret(),
            TotpSecret::from_random_bytes([0xA5; 20]),
            TotpSecret::from_random_bytes(core::array::from_fn(|i| (i * 37 + 11) as u8)),
        ];
        for secret in &secrets {
            for time in [
                59,
                1_111_111_109,
                1_700_000_000,
                1_790_000_015,
                4_102_444_799,
            ] {
                let output = Command::new("oathtool")
                    .args(["--totp", "-b", &secret.to_base32(), "--now"])
                    .arg(Timestamp(time).to_rfc3339())
                    .output()
                    .expect("oathtool runs");
                assert!(output.status.success(), "oathtool failed: {output:?}");
                let expected = String::from_utf8(output.stdout).expect("ASCII output");
                assert_eq!(code_at(secret, time).as_str(), expected.trim(), "at {time}");
            }
        }
    }
}
