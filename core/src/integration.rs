//! The integration API's entry rules: the client version header and the shape of integration keys.

use std::cmp::Ordering;
use std::fmt;

use data_encoding::BASE32_NOPAD;

use crate::session::sha256_hex;

/// The oldest Document Center / ERP client version accepted (SPEC §2.1).
pub const MIN_CLIENT_VERSION: ClientVersion = ClientVersion {
    major: 14,
    minor: 0,
};
/// The text shown for [`MIN_CLIENT_VERSION`].
pub const MIN_CLIENT_VERSION_TEXT: &str = "14.00";
/// Every integration key starts with this, so leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "ap_live_";
/// Random bytes in a key: 256 bits.
pub const KEY_BYTES: usize = 32;
/// Characters of a key shown in listings to recognise it.
const SHOWN_CHARS: usize = 12;

/// A client version `major.minor`, optionally followed by more dot-separated parts that do not
/// take part in the comparison (`14.00.0123`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientVersion {
    pub major: u32,
    pub minor: u32,
}

/// Why an `X-Client-Version` header was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("X-Client-Version “{0}” is not a version like 14.00.")]
pub struct BadClientVersion(pub String);

impl ClientVersion {
    pub fn parse(text: &str) -> Result<Self, BadClientVersion> {
        let bad = || BadClientVersion(text.chars().take(40).collect());
        let mut parts = text.trim().split('.');
        let mut number = |required: bool| -> Result<u32, BadClientVersion> {
            match parts.next() {
                None if !required => Ok(0),
                Some(p)
                    if !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    p.parse().map_err(|_| bad())
                }
                _ => Err(bad()),
            }
        };
        let major = number(true)?;
        let minor = number(false)?;
        for rest in parts {
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad());
            }
        }
        Ok(Self { major, minor })
    }

    /// Whether this client is new enough for the integration API.
    pub fn is_supported(self) -> bool {
        self >= MIN_CLIENT_VERSION
    }
}

impl PartialOrd for ClientVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ClientVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor).cmp(&(other.major, other.minor))
    }
}

impl fmt::Display for ClientVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.major, self.minor)
    }
}

/// An integration key as presented by a client: `ap_live_` and 52 lowercase base32 characters.
/// Deliberately not `Serialize`; only [`IntegrationKeySecret::hash`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct IntegrationKeySecret(String);

impl fmt::Debug for IntegrationKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IntegrationKeySecret({}…)", self.shown_prefix())
    }
}

impl IntegrationKeySecret {
    /// A new key from random bytes drawn by the caller.
    pub fn from_random_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Self(format!(
            "{KEY_PREFIX}{}",
            BASE32_NOPAD.encode(&bytes).to_ascii_lowercase()
        ))
    }

    /// Reads the value of an `Authorization: Bearer …` header (the part after `Bearer`).
    pub fn parse(text: &str) -> Option<Self> {
        let body = text.trim().strip_prefix(KEY_PREFIX)?;
        let decoded = BASE32_NOPAD
            .decode(body.to_ascii_uppercase().as_bytes())
            .ok()?;
        (decoded.len() == KEY_BYTES && body.bytes().all(|b| !b.is_ascii_uppercase()))
            .then(|| Self(text.trim().to_owned()))
    }

    /// Reads an `Authorization` header value: `Bearer <key>` (scheme case-insensitive).
    pub fn from_authorization(header: &str) -> Option<Self> {
        let (scheme, key) = header.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| Self::parse(key))
            .flatten()
    }

    /// The whole key, to show once at creation.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored and looked up: SHA-256 hex of the whole key.
    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// The first characters, shown in listings to recognise a key.
    pub fn shown_prefix(&self) -> String {
        self.0.chars().take(SHOWN_CHARS).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> ClientVersion {
        ClientVersion::parse(text).unwrap()
    }

    #[test]
    fn versions_from_fourteen_on_are_supported() {
        for text in [
            "14.00",
            "14",
            "14.0",
            "14.01",
            "14.00.0123",
            "15.10",
            " 20.5 ",
        ] {
            assert!(v(text).is_supported(), "{text}");
        }
    }

    #[test]
    fn older_versions_are_not_supported() {
        for text in ["13.99", "13", "9.50", "0.0"] {
            assert!(!v(text).is_supported(), "{text}");
        }
    }

    #[test]
    fn minor_versions_compare_as_numbers() {
        assert!(v("14.10") > v("14.9"));
        assert_eq!(v("14.00"), v("14.0"));
        assert_eq!(v("14.5").to_string(), "14.05");
    }

    #[test]
    fn malformed_versions_are_refused() {
        for text in ["", "abc", "14.", ".5", "14.x", "-1", "14..1", "1234567.0"] {
            assert!(ClientVersion::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn a_new_key_parses_back_and_hashes_stably() {
        let key = IntegrationKeySecret::from_random_bytes([7; KEY_BYTES]);
        assert!(key.expose().starts_with("ap_live_"));
        assert_eq!(key.expose().len(), KEY_PREFIX.len() + 52);
        let again =
            IntegrationKeySecret::from_authorization(&format!("Bearer {}", key.expose())).unwrap();
        assert_eq!(again.hash(), key.hash());
        assert_eq!(key.shown_prefix().len(), 12);
        assert!(!format!("{key:?}").contains(&key.expose()[12..]));
    }

    #[test]
    fn malformed_keys_and_headers_are_refused() {
        let key = IntegrationKeySecret::from_random_bytes([7; KEY_BYTES]);
        let good = key.expose();
        for header in [
            good.to_owned(),
            format!("Basic {good}"),
            "Bearer ap_live_short".to_owned(),
            format!("Bearer {}", good.to_ascii_uppercase()),
            format!("Bearer {}", &good[KEY_PREFIX.len()..]),
        ] {
            assert!(
                IntegrationKeySecret::from_authorization(&header).is_none(),
                "{header}"
            );
        }
    }
}
