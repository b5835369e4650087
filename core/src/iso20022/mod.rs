//! ISO 20022 payment files: reading customer credit transfer initiations (pain.001.001.03 and
//! .09), writing pain.001.001.03, and reading payment status reports (pain.002.001.03 and .10).
//!
//! The readers stream over the bytes with `quick-xml` and never build a tree. They are hostile
//! input parsers first: the size is checked before parsing, DTDs and entity references other than
//! the five predefined ones are refused (no entity is ever expanded), nesting depth and the number
//! of payments are bounded. Beyond the XML schema they check what a bank would: counts and
//! control sums at group and payment-information level, amounts valid for their currency, IBAN
//! checksums, real calendar dates. Every problem names the payment and the line it was found on,
//! and all problems of a file are reported at once (up to [`MAX_PROBLEMS`]).

mod error;
mod pain001;
mod pain001_writer;
mod pain002;
mod text;
mod xml;

pub use error::{Problem, ReadError, Reason, Scope};
pub use pain001::{
    read_pain001, Account, Pain001Version, PaymentFile, PaymentInfo, Transaction,
    CREDITOR_IDENTIFIED_BY_REFERENCE, PAIN001_NAMESPACES,
};
pub use pain001_writer::{
    write_pain001_v03, PaymentFileToWrite, PaymentInfoToWrite, TransactionToWrite, WriteError,
};
pub use pain002::{
    read_pain002, Pain002Version, PaymentInfoStatus, StatusCode, StatusReason, StatusReport,
    TransactionStatus, PAIN002_NAMESPACES,
};
pub use text::{ControlSum, ControlSumError, IsoDateTime, IsoDateTimeError, Text, TextError};

/// Files larger than this are refused before any parsing.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;

/// Most credit transfer transactions accepted in one pain.001 file (this many are allowed).
pub const MAX_PAYMENTS: usize = 10_000;

/// Deepest element nesting accepted; real pain.001 files stay below 15.
pub const MAX_DEPTH: usize = 64;

/// Most problems listed for one file; reading stops collecting after this many.
pub const MAX_PROBLEMS: usize = 100;

/// Free text of at most 35 characters (ISO 20022 `Max35Text`): identifiers such as EndToEndId.
pub type Max35Text = Text<35>;
/// Free text of at most 34 characters (`Max34Text`): account identifiers other than an IBAN.
pub type Max34Text = Text<34>;
/// Free text of at most 140 characters (`Max140Text`): names and remittance information.
pub type Max140Text = Text<140>;
/// Free text of at most 105 characters (`Max105Text`): additional status information.
pub type Max105Text = Text<105>;
