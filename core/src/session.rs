//! Sign-in sessions and the cross-site request rule: pure decisions, the Worker stores and asks.

use sha2::{Digest, Sha256};

use crate::ids::UserId;

/// A session ends after this many seconds without a request (30 minutes).
pub const IDLE_SECONDS: u64 = 30 * 60;
/// A session ends this many seconds after sign-in, however active (8 hours).
pub const ABSOLUTE_SECONDS: u64 = 8 * 60 * 60;
/// The one answer to every failed sign-in, so it never says which factor was wrong (or whether
/// the e-mail address has an account).
pub const SIGN_IN_NOT_CORRECT: &str = "The e-mail, password or code is not correct.";
/// Fewest characters of the random part of a cookie: 26 base32 characters carry 130 bits.
pub const MIN_SECRET_CHARS: usize = 26;

/// Whether a session created at `created` and last used at `last_seen` is still live at `now`
/// (all unix seconds).
pub fn session_is_live(created: u64, last_seen: u64, now: u64) -> bool {
    now < created.saturating_add(ABSOLUTE_SECONDS) && now < last_seen.saturating_add(IDLE_SECONDS)
}

/// The parts of a session cookie value `{user id}.{random secret}`. Only the secret's SHA-256
/// is stored; the user id says which per-user store to ask.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken {
    pub user: UserId,
    secret: String,
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SessionToken({}, redacted)", self.user)
    }
}

impl SessionToken {
    /// Builds a token from a user and a freshly drawn secret (letters and digits only).
    pub fn new(user: UserId, secret: String) -> Self {
        Self { user, secret }
    }

    /// Reads a cookie value; anything not shaped like one of ours is `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let (user, secret) = value.split_once('.')?;
        let user = UserId::parse(user).ok()?;
        let shaped = secret.len() >= MIN_SECRET_CHARS
            && secret.len() <= 128
            && secret.bytes().all(|b| b.is_ascii_alphanumeric());
        shaped.then(|| Self {
            user,
            secret: secret.to_owned(),
        })
    }

    /// The cookie value.
    pub fn cookie_value(&self) -> String {
        format!("{}.{}", self.user, self.secret)
    }

    /// What is stored: the SHA-256 of the secret, hex.
    pub fn secret_hash(&self) -> String {
        sha256_hex(self.secret.as_bytes())
    }
}

/// Lowercase hex SHA-256, the form secrets are stored in (session secrets, integration keys).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cookie name: with the `__Host-` prefix over https (which requires `Secure`, `Path=/`
/// and no `Domain`), a plain name over http where browsers would refuse the prefix.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-ap_session"
    } else {
        "ap_session"
    }
}

/// Why a state-changing request was refused as cross-site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrossSiteRefusal {
    #[error("This request came from another site (Sec-Fetch-Site: {0}); it is refused to protect your session.")]
    FetchSite(String),
    #[error("This request came from another origin ({0}); it is refused to protect your session.")]
    Origin(String),
}

/// CSRF rule for state-changing session requests: the browser's `Sec-Fetch-Site` must be
/// `same-origin` or `none` when sent, and an `Origin` when sent must equal the request's own.
pub fn check_same_origin(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> Result<(), CrossSiteRefusal> {
    if let Some(site) = sec_fetch_site {
        let site = site.trim().to_ascii_lowercase();
        if site != "same-origin" && site != "none" {
            return Err(CrossSiteRefusal::FetchSite(site));
        }
    }
    if let Some(origin) = origin {
        let origin = origin.trim();
        if !origin.eq_ignore_ascii_case(own_origin) {
            return Err(CrossSiteRefusal::Origin(origin.chars().take(100).collect()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_800_000_000;

    #[test]
    fn a_session_ends_after_thirty_idle_minutes() {
        assert!(session_is_live(T, T, T + IDLE_SECONDS - 1));
        assert!(!session_is_live(T, T, T + IDLE_SECONDS));
    }

    #[test]
    fn a_busy_session_still_ends_after_eight_hours() {
        let almost = T + ABSOLUTE_SECONDS - 1;
        assert!(session_is_live(T, almost - 5, almost));
        assert!(!session_is_live(T, almost, T + ABSOLUTE_SECONDS));
    }

    #[test]
    fn a_cookie_value_round_trips_and_stores_only_a_hash() {
        let token = SessionToken::new(UserId::parse("u1").unwrap(), "a".repeat(26));
        let parsed = SessionToken::parse(&token.cookie_value()).unwrap();
        assert_eq!(parsed, token);
        assert_eq!(parsed.secret_hash().len(), 64);
        assert!(!parsed.secret_hash().contains("aaaa"));
        assert!(!format!("{parsed:?}").contains("aaaa"));
    }

    #[test]
    fn malformed_cookie_values_are_ignored() {
        for value in [
            "",
            "u1",
            "u1.short",
            "u/1.aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "u1.aaaaaaaaaaaaaaaaaaaaaaaaa;",
        ] {
            assert!(SessionToken::parse(value).is_none(), "{value:?}");
        }
    }

    #[test]
    fn sha256_hex_matches_the_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_host_prefix_is_used_only_over_https() {
        assert_eq!(cookie_name(true), "__Host-ap_session");
        assert_eq!(cookie_name(false), "ap_session");
    }

    #[test]
    fn same_origin_and_direct_requests_pass() {
        let own = "https://pay.example.com";
        assert!(check_same_origin(Some("same-origin"), Some(own), own).is_ok());
        assert!(check_same_origin(Some("none"), None, own).is_ok());
        assert!(check_same_origin(None, None, own).is_ok());
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let own = "https://pay.example.com";
        assert!(matches!(
            check_same_origin(Some("cross-site"), None, own),
            Err(CrossSiteRefusal::FetchSite(_))
        ));
        assert!(matches!(
            check_same_origin(Some("same-site"), None, own),
            Err(CrossSiteRefusal::FetchSite(_))
        ));
        assert!(matches!(
            check_same_origin(None, Some("https://evil.example"), own),
            Err(CrossSiteRefusal::Origin(_))
        ));
        assert!(check_same_origin(None, Some("null"), own).is_err());
    }
}
