//! Why an ISO 20022 file was refused, in words an ERP developer can act on.

use std::fmt;

use serde::Serialize;

use super::text::{ControlSumError, IsoDateTimeError, TextError};
use crate::dates::DateError;
use crate::iban::{BicError, IbanError};
use crate::money::{CurrencyError, MoneyError};

/// A refused file: every problem found, in line order (at most [`super::MAX_PROBLEMS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadError {
    pub problems: Vec<Problem>,
}

impl ReadError {
    pub(crate) fn single(problem: Problem) -> Self {
        ReadError {
            problems: vec![problem],
        }
    }

    /// The reasons alone, for matching in code.
    pub fn reasons(&self) -> impl Iterator<Item = &Reason> {
        self.problems.iter().map(|p| &p.reason)
    }
}

impl fmt::Display for ReadError {
    /// One problem per line; the first line alone is a complete message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// One problem, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based line of the element concerned.
    pub line: u32,
    /// The `PmtInfId` (or `OrgnlPmtInfId`) of the payment information concerned, when known.
    pub payment_information: Option<String>,
    /// The `EndToEndId` of the transaction concerned, when known.
    pub transaction: Option<String>,
    /// Serialized as its English message.
    #[serde(serialize_with = "serialize_display")]
    pub reason: Reason,
}

fn serialize_display<S: serde::Serializer>(reason: &Reason, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(reason)
}

impl Problem {
    pub(crate) fn at(line: u32, reason: Reason) -> Self {
        Problem {
            line,
            payment_information: None,
            transaction: None,
            reason,
        }
    }
}

impl fmt::Display for Problem {
    /// `payment information "PMT-1", transaction "E2E-7" (line 42): amount ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.payment_information, &self.transaction) {
            (Some(p), Some(t)) => write!(f, "payment information {p:?}, transaction {t:?} ")?,
            (Some(p), None) => write!(f, "payment information {p:?} ")?,
            (None, Some(t)) => write!(f, "transaction {t:?} ")?,
            (None, None) => return write!(f, "line {}: {}", self.line, self.reason),
        }
        write!(f, "(line {}): {}", self.line, self.reason)
    }
}

/// What is wrong. File-level reasons stop reading; the others are collected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error(
        "the file is {size} bytes; files larger than {limit} bytes ({} MiB) are refused",
        limit / (1024 * 1024)
    )]
    TooLarge { size: usize, limit: usize },
    #[error("the file is empty or contains no XML element")]
    NoDocument,
    #[error("the file is not UTF-8 text; ISO 20022 files must be encoded in UTF-8")]
    NotUtf8,
    #[error("the file declares the encoding {0:?}; ISO 20022 files must be encoded in UTF-8")]
    UnsupportedEncoding(String),
    #[error(
        "the file contains a document type declaration (<!DOCTYPE>); DTDs and entity declarations are refused"
    )]
    DocumentTypeDeclaration,
    #[error(
        "the file uses the entity reference &{0};, which is refused: only &amp; &lt; &gt; &quot; &apos; and character references are allowed"
    )]
    UnknownEntity(String),
    #[error("the character reference &{0}; does not stand for a character allowed in XML")]
    InvalidCharacterReference(String),
    #[error("the file is not well-formed XML: {0}")]
    MalformedXml(String),
    #[error("the file ends before <{0}> is closed; it looks truncated")]
    Truncated(String),
    #[error("elements are nested more than {0} levels deep")]
    TooDeep(usize),
    #[error("the file has more than {0} payments (transactions); split it into smaller files")]
    TooManyPayments(usize),
    #[error("more than {0} problems; the rest of the file was not checked")]
    TooManyProblems(usize),
    #[error("the root element is <{0}>; an ISO 20022 message starts with <Document>")]
    NotADocument(String),
    #[error("the document's namespace is {found}; supported namespaces are {supported}")]
    UnsupportedNamespace { found: String, supported: String },
    #[error("<Document> contains <{found}>; a {message} message must contain <{expected}>")]
    WrongMessage {
        found: String,
        expected: &'static str,
        message: &'static str,
    },
    #[error("the required element <{0}> is missing")]
    Missing(&'static str),
    #[error("the required attribute {attribute} of <{element}> is missing")]
    MissingAttribute {
        element: &'static str,
        attribute: &'static str,
    },
    #[error("<{element}> {error}")]
    InvalidText {
        element: &'static str,
        error: TextError,
    },
    #[error("{0}")]
    InvalidAmount(MoneyError),
    #[error("amount {0}: {1}")]
    InvalidCurrency(String, CurrencyError),
    #[error("amount {0} is not positive; a payment must be greater than zero")]
    NotPositive(String),
    #[error(
        "equivalent amounts (<EqvtAmt>) are not supported; give the amount to pay in <InstdAmt>"
    )]
    EquivalentAmount,
    #[error("{0}")]
    InvalidIban(IbanError),
    #[error("{0}")]
    InvalidBic(BicError),
    #[error("<{element}>: {error}")]
    InvalidDate {
        element: &'static str,
        error: DateError,
    },
    #[error("<{element}>: {error}")]
    InvalidDateTime {
        element: &'static str,
        error: IsoDateTimeError,
    },
    #[error("<{element}>: {error}")]
    InvalidControlSum {
        element: &'static str,
        error: ControlSumError,
    },
    #[error("<{element}> is {value:?}; it must be a whole number of 1 to 15 digits")]
    InvalidCount {
        element: &'static str,
        value: String,
    },
    #[error("<{element}> is {value:?}; expected {expected}")]
    InvalidCode {
        element: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(
        "NbOfTxs says {declared} but the {scope} contains {actual} transaction{}",
        if *actual == 1 { "" } else { "s" }
    )]
    NbOfTxsMismatch {
        scope: Scope,
        declared: u64,
        actual: u64,
    },
    #[error("CtrlSum says {declared} but the amounts in the {scope} add up to {actual}")]
    CtrlSumMismatch {
        scope: Scope,
        declared: String,
        actual: String,
    },
    #[error("the file contains no payment information (<PmtInf>)")]
    NoPaymentInformation,
    #[error("the payment information contains no transactions (<CdtTrfTxInf>)")]
    NoTransactions,
}

/// The part of a file a count or control sum covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    File,
    PaymentInformation,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::File => "file",
            Scope::PaymentInformation => "payment information",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_payment_transaction_and_line() {
        let problem = Problem {
            line: 42,
            payment_information: Some("PMT-1".into()),
            transaction: Some("E2E-7".into()),
            reason: Reason::Missing("Cdtr/Nm"),
        };
        assert_eq!(
            problem.to_string(),
            "payment information \"PMT-1\", transaction \"E2E-7\" (line 42): the required element <Cdtr/Nm> is missing"
        );
        assert_eq!(
            Problem::at(3, Reason::NoPaymentInformation).to_string(),
            "line 3: the file contains no payment information (<PmtInf>)"
        );
    }

    #[test]
    fn a_read_error_lists_one_problem_per_line_and_serializes_messages() {
        let error = ReadError {
            problems: vec![
                Problem::at(1, Reason::NoPaymentInformation),
                Problem::at(2, Reason::TooDeep(64)),
            ],
        };
        assert_eq!(error.to_string().lines().count(), 2);
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json["problems"][1]["reason"],
            "elements are nested more than 64 levels deep"
        );
    }
}
