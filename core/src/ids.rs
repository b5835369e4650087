//! Identifiers and e-mail addresses, parsed once at the edge.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest identifier accepted.
pub const MAX_ID_LEN: usize = 64;

/// Why an identifier was refused. `what` names the kind, such as "company id".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("The {what} is missing.")]
    Empty { what: &'static str },
    #[error("The {what} is longer than {MAX_ID_LEN} characters.")]
    TooLong { what: &'static str },
    #[error("The {what} may only contain letters A–Z, digits, “-” and “_”.")]
    BadCharacter { what: &'static str },
}

fn check_id(text: &str, what: &'static str) -> Result<(), IdError> {
    if text.is_empty() {
        return Err(IdError::Empty { what });
    }
    if text.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { what });
    }
    if !text
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        return Err(IdError::BadCharacter { what });
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// 1 to 64 characters from `A-Z a-z 0-9 - _`, so it is safe in URLs, storage keys and logs.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: &str) -> Result<Self, IdError> {
                check_id(text, $what)?;
                Ok(Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                check_id(&text, $what)?;
                Ok(Self(text))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

id_type!(
    /// A company (legal entity) in the organisation.
    CompanyId,
    "company id"
);
id_type!(
    /// A user of Approval and AutoPay.
    UserId,
    "user id"
);
id_type!(
    /// An invoice, as received from the Document Center.
    InvoiceId,
    "invoice id"
);
id_type!(
    /// A signed bundle of invoices chosen with "Approve and pay".
    BundleId,
    "bundle id"
);
id_type!(
    /// A company's agreement with its bank in AutoPay.
    BankAgreementId,
    "bank agreement id"
);
id_type!(
    /// A payment received by AutoPay in a payment file.
    PaymentId,
    "payment id"
);
id_type!(
    /// A payment file uploaded to AutoPay.
    PaymentFileId,
    "payment file id"
);

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("The e-mail address is missing.")]
    Empty,
    #[error("The e-mail address is longer than 254 characters.")]
    TooLong,
    #[error("“{0}” is not an e-mail address. It should look like name@example.com.")]
    Shape(String),
}

/// An e-mail address, trimmed and lowercased so one person has one address.
///
/// Only the shape is checked (`local@domain.tld`, no spaces); whether it receives mail is not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let address = text.trim().to_lowercase();
        if address.is_empty() {
            return Err(EmailError::Empty);
        }
        // RFC 5321 limits a forward path to 256 octets including the angle brackets.
        if address.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let shape_error = || EmailError::Shape(text.trim().to_owned());
        let (local, domain) = address.split_once('@').ok_or_else(shape_error)?;
        let domain_ok = domain.len() >= 3
            && domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '@' | '<' | '>' | '"' | ',' | ';' | '(' | ')' | '[' | ']' | '\\'
                    )
            });
        if !(local_ok && domain_ok) {
            return Err(shape_error());
        }
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_of_letters_digits_dashes_and_underscores_is_accepted() {
        let id = CompanyId::parse("acme_AS-01").unwrap();
        assert_eq!(id.as_str(), "acme_AS-01");
        assert_eq!(id.to_string(), "acme_AS-01");
        assert!(InvoiceId::parse(&"x".repeat(64)).is_ok());
    }

    #[test]
    fn an_empty_id_is_refused_and_named() {
        let error = CompanyId::parse("").unwrap_err();
        assert_eq!(error, IdError::Empty { what: "company id" });
        assert_eq!(error.to_string(), "The company id is missing.");
    }

    #[test]
    fn an_id_longer_than_64_characters_is_refused() {
        assert_eq!(
            UserId::parse(&"x".repeat(65)),
            Err(IdError::TooLong { what: "user id" })
        );
    }

    #[test]
    fn ids_with_spaces_slashes_or_non_ascii_are_refused() {
        for text in ["a b", "a/b", "a:b", "æøå", "a.b", "../etc", "a\n"] {
            assert!(
                matches!(InvoiceId::parse(text), Err(IdError::BadCharacter { .. })),
                "{text:?}"
            );
        }
    }

    #[test]
    fn ids_are_checked_when_read_from_json() {
        assert_eq!(
            serde_json::from_str::<BundleId>("\"b-1\"").unwrap(),
            BundleId::parse("b-1").unwrap()
        );
        assert!(serde_json::from_str::<BundleId>("\"b 1\"").is_err());
        assert_eq!(
            serde_json::to_string(&BundleId::parse("b-1").unwrap()).unwrap(),
            "\"b-1\""
        );
    }

    #[test]
    fn an_email_is_trimmed_and_lowercased() {
        let email = Email::parse("  Alice.Smith+ap@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "alice.smith+ap@example.com");
    }

    #[test]
    fn an_email_without_the_usual_shape_is_refused() {
        for text in [
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "alice@@example.com",
            "al ice@example.com",
            "alice@.example.com",
            "alice@example.com.",
            "alice@exa..mple.com",
            "alice@exa mple.com",
        ] {
            assert!(
                matches!(Email::parse(text), Err(EmailError::Shape(_))),
                "{text:?}"
            );
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn an_email_refusal_explains_the_expected_shape() {
        assert_eq!(
            Email::parse("alice").unwrap_err().to_string(),
            "“alice” is not an e-mail address. It should look like name@example.com."
        );
    }
}
