//! Password policy and the stored Argon2id hash.
//!
//! Why Argon2id computed in Rust, not PBKDF2 through WebCrypto: OWASP's Password Storage Cheat
//! Sheet asks for 600,000 iterations of PBKDF2-HMAC-SHA256, but workerd's WebCrypto refuses more
//! than 100,000 ("Pbkdf2 failed: iteration counts above 100000 are not supported", workerd issue
//! #1346), a sixth of that advice. OWASP's other option, Argon2id with m = 19 MiB, t = 2, p = 1,
//! has no such cap because we run it ourselves: this module is compiled into the Worker's wasm,
//! so the Worker, the tests and host-side tools share one implementation. What one verification
//! costs in the Worker is measured in `BENCHMARKS.md` ("Password verification").
//!
//! Stored hashes are standard PHC strings, readable by any Argon2 library. Their parameters come
//! from storage and decide how much memory and CPU a verification takes, so they are bounded when
//! read: an altered row cannot make the Worker allocate 4 GiB or loop for minutes.

use std::fmt;
use std::ops::RangeInclusive;

use argon2::{Algorithm, Argon2, Params, Version};
use data_encoding::BASE64_NOPAD;
use serde::{Deserialize, Serialize};

/// Fewest characters in a password (NIST SP 800-63B: length, not composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters in a password, to bound hashing work.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Argon2id memory for new hashes, in KiB: 19 MiB (OWASP's minimum with t = 2, p = 1).
pub const ARGON2_M_KIB: u32 = 19_456;
/// Argon2id passes over memory for new hashes.
pub const ARGON2_T: u32 = 2;
/// Argon2id lanes for new hashes. One, because wasm in a Worker has a single thread.
pub const ARGON2_P: u32 = 1;

/// Bounds on parameters read from storage. Work grows with m × t; the maximum (64 MiB, 10 passes)
/// is about 17 times today's cost and within a Worker's 128 MB of memory.
const M_KIB_ALLOWED: RangeInclusive<u32> = 8..=65_536;
const T_ALLOWED: RangeInclusive<u32> = 1..=10;
const P_ALLOWED: RangeInclusive<u32> = 1..=16;
const SALT_BYTES_ALLOWED: RangeInclusive<usize> = 8..=64;
const HASH_BYTES_ALLOWED: RangeInclusive<usize> = 16..=64;

/// Salt and hash lengths for new hashes (RFC 9106 §4 recommends 16 and 32 bytes).
const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;

const ALGORITHM: &str = "argon2id";
/// Argon2 version 1.3 (0x13), the only one RFC 9106 specifies.
const VERSION: &str = "v=19";

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("The password must be at least {MIN_PASSWORD_CHARS} characters long.")]
    TooShort,
    #[error("The password must be at most {MAX_PASSWORD_CHARS} characters long.")]
    TooLong,
}

/// A password that meets the policy: 12 to 256 characters (Unicode scalar values, not bytes),
/// anything allowed, nothing trimmed.
///
/// Deliberately not `Serialize` and redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Password(String);

impl Password {
    pub fn parse(text: &str) -> Result<Self, PasswordError> {
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(text.to_owned()))
    }

    /// The UTF-8 bytes that are hashed.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

impl TryFrom<String> for Password {
    type Error = PasswordError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

/// Why a stored hash could not be read. These indicate damaged or altered storage, not user error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordHashError {
    #[error("The stored password hash is not in the $argon2id$v=19$m=…,t=…,p=…$salt$hash form.")]
    Format,
    #[error("The stored password hash is not Argon2id.")]
    Algorithm,
    #[error("The stored password hash is not Argon2 version 19 (1.3).")]
    Version,
    #[error("The stored password hash has parameters that are malformed or out of bounds.")]
    Parameters,
    #[error("The stored password hash has a salt that is not 8 to 64 bytes of base64.")]
    Salt,
    #[error("The stored password hash has a hash that is not 16 to 64 bytes of base64.")]
    Hash,
}

/// A stored password hash in the PHC string format:
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, salt and hash in standard base64 without
/// padding. The only ways in are [`PasswordHash::create`] and [`PasswordHash::parse`], so the
/// parameters are always within bounds.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PasswordHash {
    m_kib: u32,
    t: u32,
    p: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

impl PasswordHash {
    /// Hashes `password` with today's parameters. `salt` must be fresh random bytes from the
    /// caller (the Worker's `crypto.getRandomValues`); the core draws no random numbers.
    pub fn create(password: &Password, salt: [u8; SALT_BYTES]) -> Self {
        let mut stored = Self {
            m_kib: ARGON2_M_KIB,
            t: ARGON2_T,
            p: ARGON2_P,
            salt: salt.to_vec(),
            hash: vec![0; HASH_BYTES],
        };
        match stored.derive(password.as_bytes()) {
            Some(hash) => stored.hash = hash,
            // The parameters, salt and output length are valid Argon2 input, so only a failed
            // 19 MiB allocation can get here; like any other allocation failure, it is fatal.
            None => panic!("Argon2id could not allocate {ARGON2_M_KIB} KiB"),
        }
        stored
    }

    pub fn parse(text: &str) -> Result<Self, PasswordHashError> {
        let mut fields = text.split('$');
        let (Some(""), Some(algorithm), Some(version), Some(params), Some(salt), Some(hash), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(PasswordHashError::Format);
        };
        if algorithm != ALGORITHM {
            return Err(PasswordHashError::Algorithm);
        }
        if version != VERSION {
            return Err(PasswordHashError::Version);
        }
        let (m_kib, t, p) = parse_params(params).ok_or(PasswordHashError::Parameters)?;
        let salt = decode_base64(salt, SALT_BYTES_ALLOWED).ok_or(PasswordHashError::Salt)?;
        let hash = decode_base64(hash, HASH_BYTES_ALLOWED).ok_or(PasswordHashError::Hash)?;
        let stored = Self {
            m_kib,
            t,
            p,
            salt,
            hash,
        };
        // Argon2's own rules across fields, e.g. at least 8 KiB of memory per lane.
        stored.params().ok_or(PasswordHashError::Parameters)?;
        Ok(stored)
    }

    pub fn encode(&self) -> String {
        format!(
            "${ALGORITHM}${VERSION}$m={},t={},p={}${}${}",
            self.m_kib,
            self.t,
            self.p,
            BASE64_NOPAD.encode(&self.salt),
            BASE64_NOPAD.encode(&self.hash)
        )
    }

    /// Whether `password` is the one this hash was made from. Runs Argon2id with the stored
    /// parameters, then compares in constant time.
    pub fn verify(&self, password: &Password) -> bool {
        match self.derive(password.as_bytes()) {
            Some(derived) => constant_time_eq(&derived, &self.hash),
            None => false,
        }
    }

    /// True when the hash is weaker than one made today (less memory, fewer passes, a shorter
    /// salt or hash): rehash with [`PasswordHash::create`] after the next successful sign-in.
    pub fn needs_rehash(&self) -> bool {
        self.m_kib < ARGON2_M_KIB
            || self.t < ARGON2_T
            || self.salt.len() < SALT_BYTES
            || self.hash.len() < HASH_BYTES
    }

    fn params(&self) -> Option<Params> {
        Params::new(self.m_kib, self.t, self.p, Some(self.hash.len())).ok()
    }

    fn derive(&self, password: &[u8]) -> Option<Vec<u8>> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params()?);
        let mut derived = vec![0; self.hash.len()];
        argon2
            .hash_password_into(password, &self.salt, &mut derived)
            .ok()?;
        Some(derived)
    }
}

/// Spends the time of one verification at today's parameters, for a sign-in with an unknown
/// email: answering at once would tell an attacker which emails have accounts.
pub fn dummy_verify(password: &Password) {
    std::hint::black_box(dummy_hash().verify(password));
}

/// A hash no password matches in practice (its hash is all zeros), with today's parameters.
fn dummy_hash() -> PasswordHash {
    PasswordHash {
        m_kib: ARGON2_M_KIB,
        t: ARGON2_T,
        p: ARGON2_P,
        salt: vec![0; SALT_BYTES],
        hash: vec![0; HASH_BYTES],
    }
}

/// `m=<KiB>,t=<passes>,p=<lanes>` in that order, nothing else (no `keyid` or `data`).
fn parse_params(text: &str) -> Option<(u32, u32, u32)> {
    let mut fields = text.split(',');
    let m_kib = bounded_number(fields.next()?.strip_prefix("m=")?, M_KIB_ALLOWED)?;
    let t = bounded_number(fields.next()?.strip_prefix("t=")?, T_ALLOWED)?;
    let p = bounded_number(fields.next()?.strip_prefix("p=")?, P_ALLOWED)?;
    fields.next().is_none().then_some((m_kib, t, p))
}

/// A decimal number in canonical form (no sign, no leading zeros), so one hash has one text form.
fn bounded_number(text: &str, allowed: RangeInclusive<u32>) -> Option<u32> {
    let number = text.parse::<u32>().ok()?;
    (number.to_string() == text && allowed.contains(&number)).then_some(number)
}

fn decode_base64(text: &str, allowed_len: RangeInclusive<usize>) -> Option<Vec<u8>> {
    let bytes = BASE64_NOPAD.decode(text.as_bytes()).ok()?;
    allowed_len.contains(&bytes.len()).then_some(bytes)
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PasswordHash({ALGORITHM}, m={}, t={}, p={})",
            self.m_kib, self.t, self.p
        )
    }
}

impl fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl TryFrom<String> for PasswordHash {
    type Error = PasswordHashError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<PasswordHash> for String {
    fn from(hash: PasswordHash) -> Self {
        hash.encode()
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold into an early-exit comparison.
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_of_twelve_characters_is_accepted() {
        assert!(Password::parse("correcthorse").is_ok());
    }

    #[test]
    fn a_password_of_eleven_characters_is_refused() {
        assert_eq!(Password::parse("correcthors"), Err(PasswordError::TooShort));
        assert_eq!(
            PasswordError::TooShort.to_string(),
            "The password must be at least 12 characters long."
        );
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        // 11 characters but 22 bytes: still too short.
        assert_eq!(
            Password::parse(&"ø".repeat(11)),
            Err(PasswordError::TooShort)
        );
        assert!(Password::parse(&"ø".repeat(12)).is_ok());
        // 256 characters but 512 bytes: still allowed.
        assert!(Password::parse(&"ø".repeat(256)).is_ok());
    }

    #[test]
    fn a_password_over_256_characters_is_refused() {
        assert_eq!(
            Password::parse(&"a".repeat(257)),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn no_composition_rules_apply_and_spaces_are_kept() {
        let password = Password::parse("  all lower case  ").unwrap();
        assert_eq!(password.expose(), "  all lower case  ");
    }

    #[test]
    fn a_password_is_never_printed_in_debug_output() {
        let password = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(redacted)");
    }

    /// Made by argon2-cffi 25.1.0 (Python bindings to the reference C implementation, RFC 9106):
    /// `argon2.low_level.hash_secret(b"correct horse battery staple", bytes(range(16)),
    /// time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, type=Type.ID)`.
    const REFERENCE_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU";
    const REFERENCE_PASSWORD: &str = "correct horse battery staple";

    fn password(text: &str) -> Password {
        Password::parse(text).unwrap()
    }

    #[test]
    fn a_hash_from_the_reference_implementation_verifies_and_a_wrong_password_does_not() {
        let stored = PasswordHash::parse(REFERENCE_HASH).unwrap();
        assert!(stored.verify(&password(REFERENCE_PASSWORD)));
        assert!(!stored.verify(&password("correct horse battery stapler")));
        assert!(!stored.needs_rehash());
    }

    #[test]
    fn a_new_hash_is_identical_to_the_reference_implementations() {
        let created = PasswordHash::create(
            &password(REFERENCE_PASSWORD),
            core::array::from_fn(|i| i as u8),
        );
        assert_eq!(created.encode(), REFERENCE_HASH);
        assert!(!created.needs_rehash());
    }

    #[test]
    fn a_reference_hash_with_other_parameters_and_a_non_ascii_password_verifies() {
        // argon2-cffi as above, with b"tr\xc3\xa8s s\xc3\xa9curis\xc3\xa9 mot", m=256, t=3, p=2.
        let stored = PasswordHash::parse(
            "$argon2id$v=19$m=256,t=3,p=2$AAECAwQFBgcICQoLDA0ODw$rgMvpMiGU5tuqkymEWLwYML2AVVyevdDFvFAjihz9Ck",
        )
        .unwrap();
        assert!(stored.verify(&password("très sécurisé mot")));
        assert!(!stored.verify(&password("tres securise mot")));
        assert!(stored.needs_rehash());
    }

    #[test]
    fn a_hash_round_trips_through_its_stored_form_and_json() {
        let stored = PasswordHash::parse(REFERENCE_HASH).unwrap();
        assert_eq!(stored.encode(), REFERENCE_HASH);
        assert_eq!(stored.to_string(), REFERENCE_HASH);
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(json, format!("\"{REFERENCE_HASH}\""));
        assert_eq!(serde_json::from_str::<PasswordHash>(&json).unwrap(), stored);
        assert!(
            serde_json::from_str::<PasswordHash>("\"$argon2id$v=19$m=1,t=1,p=1$AA$AA\"").is_err()
        );
    }

    #[test]
    fn hashes_that_are_not_argon2id_version_19_are_refused() {
        let cases = [
            (
                REFERENCE_HASH.replace("argon2id", "argon2i"),
                PasswordHashError::Algorithm,
            ),
            (
                REFERENCE_HASH.replace("argon2id", "argon2d"),
                PasswordHashError::Algorithm,
            ),
            (
                // The form this module stored before Argon2id.
                "pbkdf2-sha256$600000$AQEBAQEBAQEBAQEBAQEBAQ$AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI"
                    .to_owned(),
                PasswordHashError::Format,
            ),
            (
                REFERENCE_HASH.replace("argon2id", "scrypt"),
                PasswordHashError::Algorithm,
            ),
            (
                REFERENCE_HASH.replace("v=19", "v=16"),
                PasswordHashError::Version,
            ),
            (
                REFERENCE_HASH.replace("$v=19", ""),
                PasswordHashError::Format,
            ),
            (
                REFERENCE_HASH.trim_start_matches('$').to_owned(),
                PasswordHashError::Format,
            ),
            (format!("{REFERENCE_HASH}$extra"), PasswordHashError::Format),
            (String::new(), PasswordHashError::Format),
        ];
        for (text, expected) in cases {
            assert_eq!(PasswordHash::parse(&text), Err(expected), "{text}");
        }
    }

    #[test]
    fn tampered_parameters_that_would_burn_memory_or_cpu_are_refused() {
        let with_params = |params: &str| REFERENCE_HASH.replace("m=19456,t=2,p=1", params);
        for params in [
            "m=65537,t=2,p=1",   // over 64 MiB
            "m=4194304,t=2,p=1", // 4 GiB
            "m=19456,t=11,p=1",  // over 10 passes
            "m=19456,t=4294967295,p=1",
            "m=19456,t=2,p=17", // over 16 lanes
            "m=19456,t=0,p=1",
            "m=19456,t=2,p=0",
            "m=7,t=2,p=1",      // under Argon2's minimum of 8 KiB per lane
            "m=64,t=2,p=16",    // ditto, across lanes
            "m=019456,t=2,p=1", // not canonical
            "m=+19456,t=2,p=1",
            "t=2,m=19456,p=1", // out of order
            "m=19456,t=2",
            "m=19456,t=2,p=1,keyid=AAAA",
            "m=19456,t=2,p=1,data=AAAA",
            "m=19456,t=2,p=1,",
        ] {
            assert_eq!(
                PasswordHash::parse(&with_params(params)),
                Err(PasswordHashError::Parameters),
                "{params}"
            );
        }
    }

    #[test]
    fn the_largest_allowed_parameters_are_accepted() {
        let text = REFERENCE_HASH.replace("m=19456,t=2,p=1", "m=65536,t=10,p=16");
        let stored = PasswordHash::parse(&text).unwrap();
        assert_eq!(stored.encode(), text);
        assert!(!stored.needs_rehash());
    }

    #[test]
    fn damaged_salts_and_hashes_are_refused() {
        let salt = "AAECAwQFBgcICQoLDA0ODw";
        let hash = "gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU";
        let cases = [
            (
                REFERENCE_HASH.replace(salt, "AAECAwQFBg"),
                PasswordHashError::Salt,
            ), // 7 bytes
            (
                REFERENCE_HASH.replace(salt, &format!("{salt}==")),
                PasswordHashError::Salt,
            ),
            (
                REFERENCE_HASH.replace(salt, "AAECAwQFBgcICQoLDA0ODx"),
                PasswordHashError::Salt,
            ), // stray bits
            (
                REFERENCE_HASH.replace(salt, "AAECAwQFBgcI_QoLDA0ODw"),
                PasswordHashError::Salt,
            ), // URL alphabet
            (REFERENCE_HASH.replace(salt, ""), PasswordHashError::Salt),
            (
                REFERENCE_HASH.replace(hash, "gYJZtjEAJqjg26xdLmkn"),
                PasswordHashError::Hash,
            ), // 15 bytes
            (REFERENCE_HASH.replace(hash, "!!"), PasswordHashError::Hash),
            (
                REFERENCE_HASH.replace(hash, &BASE64_NOPAD.encode(&[0; 65])),
                PasswordHashError::Hash,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(PasswordHash::parse(&text), Err(expected), "{text}");
        }
    }

    #[test]
    fn a_hash_with_less_memory_fewer_passes_or_shorter_salt_or_hash_needs_rehash() {
        let weaker = [
            REFERENCE_HASH.replace("m=19456", "m=19455"),
            REFERENCE_HASH.replace("t=2", "t=1"),
            REFERENCE_HASH.replace("AAECAwQFBgcICQoLDA0ODw", "AAECAwQFBgc"),
            REFERENCE_HASH.replace(
                "gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU",
                "gYJZtjEAJqjg26xdLmknqw",
            ),
        ];
        for text in weaker {
            assert!(PasswordHash::parse(&text).unwrap().needs_rehash(), "{text}");
        }
        let stronger = REFERENCE_HASH.replace("m=19456,t=2", "m=47104,t=3");
        assert!(!PasswordHash::parse(&stronger).unwrap().needs_rehash());
    }

    #[test]
    fn the_dummy_hash_costs_what_a_current_hash_costs() {
        // Same parameters and lengths, hence the same Argon2id work as verifying a real user.
        let dummy = dummy_hash();
        let real = PasswordHash::parse(REFERENCE_HASH).unwrap();
        assert_eq!(
            (dummy.m_kib, dummy.t, dummy.p),
            (real.m_kib, real.t, real.p)
        );
        assert_eq!(
            (dummy.salt.len(), dummy.hash.len()),
            (real.salt.len(), real.hash.len())
        );
        assert!(dummy.params().is_some());
    }

    #[test]
    fn a_hash_shows_its_parameters_but_not_its_salt_or_hash_in_debug_output() {
        let stored = PasswordHash::parse(REFERENCE_HASH).unwrap();
        assert_eq!(
            format!("{stored:?}"),
            "PasswordHash(argon2id, m=19456, t=2, p=1)"
        );
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }
}
