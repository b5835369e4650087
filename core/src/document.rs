//! Invoices in from the Document Center: `POST /api/v1/documents`.
//!
//! [`DocumentRequest`] is the wire shape, all strings, so that every field can be judged and
//! named; [`Document::parse`] turns it into a [`Document`] holding only parsed types, or into
//! the list of every field error at once. [`DocumentSummary`] is what is stored with the
//! process; the PDF bytes are stored on their own. The `X-Client-Version` check is in
//! [`crate::integration`].

use std::fmt;

use data_encoding::{BASE64, BASE64_NOPAD, HEXLOWER};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::FieldError;
use crate::dates::Date;
use crate::iban::{Bic, Iban};
use crate::ids::{CompanyId, InvoiceId, MAX_ID_LEN};
use crate::money::{Currency, Money};
use crate::payment_ref::{PaymentReference, ReferencePolicy};
use crate::session::sha256_hex;
use crate::token::CreditorAccount;

/// Largest invoice PDF accepted, decoded: 10 MiB.
pub const MAX_PDF_BYTES: usize = 10 * 1024 * 1024;
/// Largest request body worth reading: a maximal PDF in base64 plus 64 KiB for the other
/// fields. The Worker answers 413 above this without parsing.
pub const MAX_DOCUMENT_BODY_BYTES: usize = MAX_PDF_BYTES.div_ceil(3) * 4 + 64 * 1024;
/// Longest supplier name (ISO 20022 `Max140Text`).
pub const MAX_NAME_LEN: usize = 140;
/// Longest organisation number (ISO 20022 `Max35Text`).
pub const MAX_ORGANISATION_NUMBER_LEN: usize = 35;
/// References from the Document Center may be free text: many suppliers, especially abroad,
/// have neither KID nor RF reference and ask for their invoice number instead.
pub const DOCUMENT_REFERENCE_POLICY: ReferencePolicy = ReferencePolicy::AllowUnstructured;

// ---------------------------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------------------------

/// The body of `POST /api/v1/documents`. Missing strings read as empty, so a missing field is
/// reported by name like any other invalid one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::document_request))]
#[serde(default)]
pub struct DocumentRequest {
    /// The Document Center's id of the document; the key for idempotency. 1-64 of A-Z a-z 0-9
    /// - _.
    pub document_id: String,
    /// The integration key's company (else 403).
    pub company_id: String,
    /// An IBAN (BIC optional), or a national `account_number` with the bank's BIC; not both.
    pub supplier: SupplierRequest,
    /// 1-64 characters, no control characters.
    pub invoice_number: String,
    /// `YYYY-MM-DD`.
    pub invoice_date: String,
    /// `YYYY-MM-DD`, not before the invoice date.
    pub due_date: String,
    /// A plain decimal string such as `"1234.50"`, never a JSON number: more than zero, parsed
    /// exactly into minor units of the currency, with at most the currency's decimals (2 for
    /// NOK, 0 for JPY).
    pub amount: String,
    /// ISO 4217, e.g. `"NOK"`.
    pub currency: String,
    /// A KID (digits, valid MOD10 or MOD11 check digit), an ISO 11649 reference (`RF…`, valid
    /// check digits), or other free text up to 140 characters.
    pub payment_reference: String,
    /// The invoice PDF, base64 (standard alphabet; line breaks allowed), at most 10 MiB decoded
    /// (413 when larger); null or absent: no PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf_base64: Option<String>,
}

/// The supplier: an IBAN (BIC optional), or a national account number with the bank's BIC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", schemars(transform = crate::openapi::supplier_request))]
#[serde(default)]
pub struct SupplierRequest {
    /// 1-140 characters, no line breaks or other control characters.
    pub name: String,
    /// Organisation or VAT number: 1-35 letters, digits, - . / (spaces are ignored).
    pub organisation_number: String,
    /// ISO 13616 IBAN, spaces allowed; its country's length and valid check digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// A national account number (not an IBAN). With a Norwegian BIC: 11 digits (dots and
    /// spaces as printed allowed) with a valid MOD11 check digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// BIC (8 or 11 characters); empty or null: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
}

impl DocumentRequest {
    /// True when the PDF is certainly larger than [`MAX_PDF_BYTES`], judged from the length of
    /// its base64 text without decoding, so the Worker can answer 413 rather than 422.
    pub fn pdf_too_large(&self) -> bool {
        self.pdf_base64
            .as_deref()
            .is_some_and(|text| decoded_len_at_least(text) > MAX_PDF_BYTES)
    }
}

/// A lower bound of the decoded size of base64 text, ignoring whitespace and padding.
fn decoded_len_at_least(text: &str) -> usize {
    let symbols = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .count();
    symbols / 4 * 3 + (symbols % 4).saturating_sub(1)
}

// ---------------------------------------------------------------------------------------------
// Parsed types
// ---------------------------------------------------------------------------------------------

/// Why a short text field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("The {what} is missing.")]
    Empty { what: &'static str },
    #[error("The {what} is longer than {max} characters.")]
    TooLong { what: &'static str, max: usize },
    #[error("The {what} contains control characters such as line breaks.")]
    Control { what: &'static str },
}

fn clean_text(text: &str, what: &'static str, max: usize) -> Result<String, TextError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty { what });
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong { what, max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(TextError::Control { what });
    }
    Ok(trimmed.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: &str) -> Result<Self, TextError> {
                clean_text(text, $what, $max).map(Self)
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

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

text_type!(
    /// The supplier's own invoice number, trimmed, 1 to 64 characters.
    InvoiceNumber,
    "invoice number",
    MAX_ID_LEN
);
text_type!(
    /// The supplier's name as it goes into a payment, trimmed, 1 to 140 characters.
    SupplierName,
    "supplier's name",
    MAX_NAME_LEN
);

impl InvoiceNumber {
    /// The form used to compare invoice numbers: upper-case, without spaces, so `inv 17` and
    /// `INV17` are recognised as the same invoice.
    pub fn comparable(&self) -> String {
        self.0
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// Why an organisation number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationNumberError {
    #[error("The supplier's organisation number is missing.")]
    Empty,
    #[error("The supplier's organisation number is longer than {MAX_ORGANISATION_NUMBER_LEN} characters.")]
    TooLong,
    #[error("The supplier's organisation number “{0}” may only contain letters, digits, “-”, “.” and “/”.")]
    Character(String),
}

/// A supplier's organisation (or VAT) number: spaces removed, letters upper-cased, so
/// `923 609 016` and `923609016` are the same supplier. The issuing country is not known, so
/// no national check digit is verified.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationNumber(String);

impl OrganisationNumber {
    pub fn parse(text: &str) -> Result<Self, OrganisationNumberError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(OrganisationNumberError::Empty);
        }
        if compact.chars().count() > MAX_ORGANISATION_NUMBER_LEN {
            return Err(OrganisationNumberError::TooLong);
        }
        if !compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        {
            return Err(OrganisationNumberError::Character(text.trim().to_owned()));
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrganisationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrganisationNumber {
    type Error = OrganisationNumberError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<OrganisationNumber> for String {
    fn from(value: OrganisationNumber) -> String {
        value.0
    }
}

/// Where the supplier is paid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SupplierAccount {
    Iban {
        iban: Iban,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bic: Option<Bic>,
    },
    /// A national account number; Norwegian numbers (BIC country `NO`) are held as 11 digits.
    National { number: CreditorAccount, bic: Bic },
}

impl SupplierAccount {
    /// The account as a token and a bundle bind it: the IBAN, or the national number.
    pub fn creditor_account(&self) -> CreditorAccount {
        match self {
            SupplierAccount::Iban { iban, .. } => CreditorAccount::parse(iban.as_str())
                .expect("a parsed IBAN is always a valid creditor account"),
            SupplierAccount::National { number, .. } => number.clone(),
        }
    }

    /// The account identifier as text: IBAN electronic form, or the national number.
    pub fn as_str(&self) -> &str {
        match self {
            SupplierAccount::Iban { iban, .. } => iban.as_str(),
            SupplierAccount::National { number, .. } => number.as_str(),
        }
    }

    /// The last four characters, safe to show when warning about a changed account.
    pub fn last_four(&self) -> &str {
        let text = self.as_str();
        // Accounts are ASCII, so any byte index is a character boundary.
        &text[text.len().saturating_sub(4)..]
    }

    pub fn bic(&self) -> Option<&Bic> {
        match self {
            SupplierAccount::Iban { bic, .. } => bic.as_ref(),
            SupplierAccount::National { bic, .. } => Some(bic),
        }
    }

    /// Whether both name the same account. An IBAN and a national number are the same account
    /// when the number, digits only, is the IBAN's domestic part (as in Norway, where
    /// `NO93 8601 1117 947` is account `8601.11.17947`).
    pub fn same_account_as(&self, other: &SupplierAccount) -> bool {
        use SupplierAccount::{Iban as I, National as N};
        match (self, other) {
            (I { iban: a, .. }, I { iban: b, .. }) => a == b,
            (N { number: a, .. }, N { number: b, .. }) => a == b,
            (I { iban, .. }, N { number, .. }) | (N { number, .. }, I { iban, .. }) => {
                let digits = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect();
                let bban: String = digits(&iban.as_str()[4..]);
                let national: String = digits(number.as_str());
                bban == national
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Supplier {
    pub name: SupplierName,
    pub organisation_number: OrganisationNumber,
    pub account: SupplierAccount,
}

/// What is kept of a PDF besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PdfInfo {
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
}

/// Why a PDF was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("The PDF is not valid base64.")]
    NotBase64,
    #[error("The PDF is larger than 10 MiB ({MAX_PDF_BYTES} bytes).")]
    TooLarge,
    #[error("The file is not a PDF (it does not start with “%PDF-”).")]
    NotAPdf,
}

/// An invoice PDF: at most [`MAX_PDF_BYTES`], starting with the `%PDF-` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Pdf {
    bytes: Vec<u8>,
}

impl Pdf {
    /// Decodes base64 (standard alphabet, padded or not, whitespace ignored) and checks that the
    /// result is a PDF within the size limit. Oversized input is refused before decoding.
    pub fn from_base64(text: &str) -> Result<Pdf, PdfError> {
        if decoded_len_at_least(text) > MAX_PDF_BYTES {
            return Err(PdfError::TooLarge);
        }
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let engine = if compact.len().is_multiple_of(4) {
            &BASE64
        } else {
            &BASE64_NOPAD
        };
        let bytes = engine.decode(&compact).map_err(|_| PdfError::NotBase64)?;
        Pdf::from_bytes(bytes)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Result<Pdf, PdfError> {
        if bytes.len() > MAX_PDF_BYTES {
            return Err(PdfError::TooLarge);
        }
        if !bytes.starts_with(b"%PDF-") {
            return Err(PdfError::NotAPdf);
        }
        Ok(Pdf { bytes })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub fn info(&self) -> PdfInfo {
        PdfInfo {
            sha256: sha256_hex(&self.bytes),
            size: self.bytes.len() as u64,
        }
    }
}

impl fmt::Debug for Pdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pdf({} bytes)", self.bytes.len())
    }
}

/// The invoice data of a document, as stored with its process and shown on the task.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub document_id: InvoiceId,
    pub company_id: CompanyId,
    pub supplier: Supplier,
    pub invoice_number: InvoiceNumber,
    pub invoice_date: Date,
    pub due_date: Date,
    pub amount: Money,
    pub payment_reference: PaymentReference,
    pub pdf: Option<PdfInfo>,
}

/// Domain tag of [`DocumentSummary::content_fingerprint`]; change it if the layout changes.
const FINGERPRINT_DOMAIN: &[u8] = b"ap-core/document/v1";

impl DocumentSummary {
    /// Hex SHA-256 over a canonical serialization of every field (length-prefixed, in a fixed
    /// order, PDF by its hash). Values are compared parsed, so a resend that spells the IBAN
    /// with spaces is still the same content.
    pub fn content_fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        };
        field(FINGERPRINT_DOMAIN);
        field(self.document_id.as_str().as_bytes());
        field(self.company_id.as_str().as_bytes());
        field(self.supplier.name.as_str().as_bytes());
        field(self.supplier.organisation_number.as_str().as_bytes());
        match &self.supplier.account {
            SupplierAccount::Iban { iban, bic } => {
                field(b"iban");
                field(iban.as_str().as_bytes());
                field(bic.as_ref().map_or("", Bic::as_str).as_bytes());
            }
            SupplierAccount::National { number, bic } => {
                field(b"national");
                field(number.as_str().as_bytes());
                field(bic.as_str().as_bytes());
            }
        }
        field(self.invoice_number.as_str().as_bytes());
        field(self.invoice_date.to_string().as_bytes());
        field(self.due_date.to_string().as_bytes());
        field(self.amount.currency().code().as_bytes());
        field(&self.amount.minor().to_be_bytes());
        field(self.payment_reference.kind().as_bytes());
        field(self.payment_reference.as_str().as_bytes());
        match &self.pdf {
            Some(pdf) => {
                field(b"pdf");
                field(pdf.sha256.as_bytes());
                field(&pdf.size.to_be_bytes());
            }
            None => field(b"no pdf"),
        }
        HEXLOWER.encode(&hasher.finalize())
    }
}

/// A document as received: its data and, when sent, its PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub summary: DocumentSummary,
    pub pdf: Option<Pdf>,
}

impl Document {
    /// Parses a request, collecting every invalid field with its path (`supplier.iban`,
    /// `amount`, …) and a sentence saying what is wrong.
    pub fn parse(req: &DocumentRequest) -> Result<Document, Vec<FieldError>> {
        let mut errors = Errors::default();

        let document_id = errors.check("document_id", InvoiceId::parse(&req.document_id));
        let company_id = errors.check("company_id", CompanyId::parse(&req.company_id));
        let supplier = parse_supplier(&req.supplier, &mut errors);
        let invoice_number =
            errors.check("invoice_number", InvoiceNumber::parse(&req.invoice_number));
        let invoice_date = errors.check(
            "invoice_date",
            parse_date(&req.invoice_date, "invoice date"),
        );
        let due_date = errors.check("due_date", parse_date(&req.due_date, "due date"));
        if let (Some(invoice), Some(due)) = (invoice_date, due_date) {
            if due < invoice {
                errors.push(
                    "due_date",
                    crate::sentence!("The due date {due} is before the invoice date {invoice}."),
                );
            }
        }
        let amount = parse_amount(&req.amount, &req.currency, &mut errors);
        let payment_reference = errors.check(
            "payment_reference",
            PaymentReference::parse(&req.payment_reference, DOCUMENT_REFERENCE_POLICY),
        );
        let pdf = match req.pdf_base64.as_deref() {
            Some(text) => errors.check("pdf_base64", Pdf::from_base64(text)).map(Some),
            None => Some(None),
        };

        match (
            document_id,
            company_id,
            supplier,
            invoice_number,
            invoice_date,
            due_date,
            amount,
            payment_reference,
            pdf,
        ) {
            (
                Some(document_id),
                Some(company_id),
                Some(supplier),
                Some(invoice_number),
                Some(invoice_date),
                Some(due_date),
                Some(amount),
                Some(payment_reference),
                Some(pdf),
            ) if errors.0.is_empty() => Ok(Document {
                summary: DocumentSummary {
                    document_id,
                    company_id,
                    supplier,
                    invoice_number,
                    invoice_date,
                    due_date,
                    amount,
                    payment_reference,
                    pdf: pdf.as_ref().map(Pdf::info),
                },
                pdf,
            }),
            _ => Err(errors.0),
        }
    }

    /// See [`DocumentSummary::content_fingerprint`].
    pub fn content_fingerprint(&self) -> String {
        self.summary.content_fingerprint()
    }
}

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, message: String) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: sentence(message),
        });
    }

    fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.push(field, e.to_string())).ok()
    }
}

/// Some lower-level messages (IBAN, BIC, money) are clauses: start them with a capital and end
/// them with a full stop, so every field message reads as a sentence.
fn sentence(message: String) -> String {
    let mut chars = message.chars();
    let mut text: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return message,
    };
    if !text.ends_with(['.', '?', '!']) {
        text.push('.');
    }
    text
}

fn parse_date(text: &str, what: &str) -> Result<Date, String> {
    if text.trim().is_empty() {
        return Err(crate::sentence!("The {what} is missing."));
    }
    Date::parse(text.trim()).map_err(|e| e.to_string())
}

fn parse_amount(amount: &str, currency: &str, errors: &mut Errors) -> Option<Money> {
    let currency = if currency.trim().is_empty() {
        errors.push("currency", "The currency is missing.".to_owned());
        None
    } else {
        errors.check("currency", Currency::parse(currency.trim()))
    };
    // Without a valid currency the amount can still be judged as a decimal number, against the
    // most decimals any currency allows.
    let judge_with = currency.or_else(|| Currency::all().max_by_key(|c| c.minor_units()));
    let parsed = judge_with.and_then(|c| errors.check("amount", Money::parse_decimal(amount, c)));
    match parsed {
        Some(money) if !money.is_positive() => {
            errors.push("amount", "The amount must be more than zero.".to_owned());
            None
        }
        money => money.filter(|_| currency.is_some()),
    }
}

fn parse_supplier(req: &SupplierRequest, errors: &mut Errors) -> Option<Supplier> {
    let name = errors.check("supplier.name", SupplierName::parse(&req.name));
    let organisation_number = errors.check(
        "supplier.organisation_number",
        OrganisationNumber::parse(&req.organisation_number),
    );
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let (iban, number, bic) = (
        given(&req.iban),
        given(&req.account_number),
        given(&req.bic),
    );
    // None: not given; Some(None): given but invalid (already reported); Some(Some(_)): valid.
    let bic = bic.map(|text| errors.check("supplier.bic", Bic::parse(&text)));
    let account = match (iban, number) {
        (Some(_), Some(_)) => {
            errors.push(
                "supplier.account_number",
                "Give either the supplier's IBAN or a national account number, not both."
                    .to_owned(),
            );
            None
        }
        (None, None) => {
            errors.push(
                "supplier.iban",
                "The supplier's bank account is missing: give an IBAN, or a national account \
                 number with the bank's BIC."
                    .to_owned(),
            );
            None
        }
        (Some(iban), None) => {
            let iban = errors.check("supplier.iban", Iban::parse(&iban));
            match (iban, bic) {
                (Some(iban), None) => Some(SupplierAccount::Iban { iban, bic: None }),
                (Some(iban), Some(Some(bic))) => Some(SupplierAccount::Iban {
                    iban,
                    bic: Some(bic),
                }),
                _ => None,
            }
        }
        (None, Some(number)) => {
            let number = errors.check(
                "supplier.account_number",
                national_account(&number, bic.as_ref().and_then(Option::as_ref)),
            );
            match bic {
                Some(Some(bic)) => number.map(|number| SupplierAccount::National { number, bic }),
                None => {
                    errors.push(
                        "supplier.bic",
                        "A national account number needs the BIC of the supplier's bank."
                            .to_owned(),
                    );
                    None
                }
                Some(None) => None,
            }
        }
    };
    Some(Supplier {
        name: name?,
        organisation_number: organisation_number?,
        account: account?,
    })
}

/// A national account number. With a Norwegian BIC it must be 11 digits (dots and spaces as
/// printed are allowed) with a valid MOD11 check digit, and is held as the 11 digits.
fn national_account(text: &str, bic: Option<&Bic>) -> Result<CreditorAccount, String> {
    let norwegian = bic.is_some_and(|bic| bic.country() == "NO");
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let b = compact.as_bytes();
    if b.len() >= 4
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
    {
        return Err(format!(
            "“{}” looks like an IBAN; send it as supplier.iban.",
            text.trim()
        ));
    }
    if norwegian {
        let digits: String = compact.chars().filter(|c| *c != '.').collect();
        if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "“{}” is not a Norwegian account number: it has 11 digits.",
                text.trim()
            ));
        }
        if !norwegian_account_check_ok(&digits) {
            return Err(format!(
                "“{}” is not a valid Norwegian account number: its check digit is wrong. Check for a typing error.",
                text.trim()
            ));
        }
        return CreditorAccount::parse(&digits).map_err(|e| e.to_string());
    }
    CreditorAccount::parse(text).map_err(|e| e.to_string())
}

/// MOD11 with weights 5,4,3,2,7,6,5,4,3,2 over the first ten digits; a check of 10 is never
/// issued.
fn norwegian_account_check_ok(digits: &str) -> bool {
    const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = d.iter().zip(WEIGHTS).map(|(digit, w)| digit * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        check => check,
    };
    d[10] == check
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

    fn request() -> DocumentRequest {
        DocumentRequest {
            document_id: "dc-2026-0001".into(),
            company_id: "acme-no".into(),
            supplier: SupplierRequest {
                name: "Kontorrekvisita AS".into(),
                organisation_number: "923 609 016".into(),
                iban: Some("NO93 8601 1117 947".into()),
                account_number: None,
                bic: Some("DNBANOKK".into()),
            },
            invoice_number: "INV-17".into(),
            invoice_date: "2026-03-01".into(),
            due_date: "2026-03-31".into(),
            amount: "12500.50".into(),
            currency: "NOK".into(),
            payment_reference: "1234567897".into(),
            pdf_base64: Some(BASE64.encode(PDF)),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn message_for<'a>(errors: &'a [FieldError], field: &str) -> &'a str {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
            .unwrap_or_else(|| panic!("no error for {field}: {errors:?}"))
    }

    #[test]
    fn a_complete_request_parses_into_typed_fields() {
        let doc = Document::parse(&request()).unwrap();
        let s = &doc.summary;
        assert_eq!(s.document_id.as_str(), "dc-2026-0001");
        assert_eq!(s.supplier.organisation_number.as_str(), "923609016");
        assert_eq!(s.supplier.account.as_str(), "NO9386011117947");
        assert_eq!(s.supplier.account.last_four(), "7947");
        assert_eq!(s.amount, Money::from_minor(1_250_050, Currency::NOK));
        assert_eq!(s.payment_reference.kind(), "kid");
        assert_eq!(doc.pdf.as_ref().unwrap().as_bytes(), PDF);
        assert_eq!(s.pdf.as_ref().unwrap().size, PDF.len() as u64);
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let req = DocumentRequest {
            document_id: String::new(),
            company_id: "a b".into(),
            supplier: SupplierRequest {
                name: "  ".into(),
                organisation_number: String::new(),
                iban: Some("NO9386011117948".into()),
                account_number: None,
                bic: Some("DNB".into()),
            },
            invoice_number: String::new(),
            invoice_date: "2026-02-30".into(),
            due_date: "31.03.2026".into(),
            amount: "12,50".into(),
            currency: "nok".into(),
            payment_reference: "1234567890".into(),
            pdf_base64: Some("not base64!".into()),
        };
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                "document_id",
                "company_id",
                "supplier.name",
                "supplier.organisation_number",
                "supplier.bic",
                "supplier.iban",
                "invoice_number",
                "invoice_date",
                "due_date",
                "currency",
                "amount",
                "payment_reference",
                "pdf_base64",
            ]
        );
        for error in &errors {
            assert!(
                error.message.ends_with('.')
                    && error
                        .message
                        .starts_with(|c: char| c.is_uppercase() || c == '“'),
                "not a sentence: {error:?}"
            );
        }
    }

    #[test]
    fn missing_fields_in_json_are_named() {
        let req: DocumentRequest = serde_json::from_str(r#"{"document_id": "d1"}"#).unwrap();
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "company_id"),
            "The company id is missing."
        );
        assert_eq!(message_for(&errors, "amount"), "The amount is empty.");
        assert_eq!(message_for(&errors, "currency"), "The currency is missing.");
        assert_eq!(message_for(&errors, "due_date"), "The due date is missing.");
        assert!(message_for(&errors, "supplier.iban").contains("bank account is missing"));
    }

    #[test]
    fn an_id_longer_than_64_characters_is_refused() {
        let mut req = request();
        req.document_id = "d".repeat(65);
        req.invoice_number = "n".repeat(65);
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(fields(&errors), ["document_id", "invoice_number"]);
    }

    #[test]
    fn a_due_date_before_the_invoice_date_is_refused() {
        let mut req = request();
        req.due_date = "2026-02-28".into();
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "due_date"),
            "The due date 2026-02-28 is before the invoice date 2026-03-01."
        );
        req.due_date = req.invoice_date.clone();
        assert!(Document::parse(&req).is_ok());
    }

    #[test]
    fn the_amount_is_parsed_exactly_for_its_currency() {
        let mut req = request();
        req.amount = "1000".into();
        req.currency = "JPY".into();
        assert_eq!(
            Document::parse(&req).unwrap().summary.amount,
            Money::from_minor(1000, Currency::JPY)
        );
        req.amount = "0.001".into();
        req.currency = "KWD".into();
        assert_eq!(Document::parse(&req).unwrap().summary.amount.minor(), 1);
    }

    #[test]
    fn an_amount_with_more_decimals_than_its_currency_allows_is_refused() {
        let mut req = request();
        req.amount = "100.5".into();
        req.currency = "JPY".into();
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "amount"),
            "Amount 100.5 JPY has more decimals than JPY allows (0)."
        );
    }

    #[test]
    fn a_zero_or_negative_amount_is_refused() {
        let mut req = request();
        req.amount = "0.00".into();
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "amount"),
            "The amount must be more than zero."
        );
        req.amount = "-5".into();
        assert_eq!(fields(&Document::parse(&req).unwrap_err()), ["amount"]);
    }

    #[test]
    fn the_amount_is_judged_even_when_the_currency_is_unknown() {
        let mut req = request();
        req.currency = "XYZ".into();
        req.amount = "1e3".into();
        assert_eq!(
            fields(&Document::parse(&req).unwrap_err()),
            ["currency", "amount"]
        );
        req.amount = "10.00".into();
        assert_eq!(fields(&Document::parse(&req).unwrap_err()), ["currency"]);
    }

    #[test]
    fn an_iban_with_a_bad_checksum_is_refused() {
        let mut req = request();
        req.supplier.iban = Some("NO9386011117948".into());
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "supplier.iban"),
            "IBAN \"NO9386011117948\" has wrong check digits; check for a typing error."
        );
    }

    #[test]
    fn an_iban_needs_no_bic() {
        let mut req = request();
        req.supplier.bic = None;
        let doc = Document::parse(&req).unwrap();
        assert_eq!(doc.summary.supplier.account.bic(), None);
    }

    #[test]
    fn a_national_account_number_needs_a_bic() {
        let mut req = request();
        req.supplier.iban = None;
        req.supplier.account_number = Some("8601.11.17947".into());
        req.supplier.bic = None;
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "supplier.bic"),
            "A national account number needs the BIC of the supplier's bank."
        );
        req.supplier.bic = Some("DNBANOKK".into());
        let account = Document::parse(&req).unwrap().summary.supplier.account;
        assert_eq!(account.as_str(), "86011117947");
        assert_eq!(account.creditor_account().as_str(), "86011117947");
    }

    #[test]
    fn a_norwegian_account_number_with_a_wrong_check_digit_is_refused() {
        let mut req = request();
        req.supplier.iban = None;
        req.supplier.account_number = Some("8601.11.17948".into());
        let errors = Document::parse(&req).unwrap_err();
        assert!(message_for(&errors, "supplier.account_number").contains("check digit is wrong"));
    }

    #[test]
    fn a_foreign_national_account_number_is_kept_as_given() {
        let mut req = request();
        req.supplier.iban = None;
        req.supplier.account_number = Some("026009593".into());
        req.supplier.bic = Some("BOFAUS3N".into());
        let account = Document::parse(&req).unwrap().summary.supplier.account;
        assert_eq!(account.as_str(), "026009593");
    }

    #[test]
    fn both_an_iban_and_an_account_number_is_refused() {
        let mut req = request();
        req.supplier.account_number = Some("86011117947".into());
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(fields(&errors), ["supplier.account_number"]);
    }

    #[test]
    fn an_iban_in_the_account_number_field_is_refused() {
        let mut req = request();
        req.supplier.iban = None;
        req.supplier.account_number = Some("NO9386011117947".into());
        let errors = Document::parse(&req).unwrap_err();
        assert!(message_for(&errors, "supplier.account_number").contains("looks like an IBAN"));
    }

    #[test]
    fn an_iban_and_the_same_national_number_are_the_same_account() {
        let iban = SupplierAccount::Iban {
            iban: Iban::parse("NO9386011117947").unwrap(),
            bic: None,
        };
        let national = SupplierAccount::National {
            number: CreditorAccount::parse("86011117947").unwrap(),
            bic: Bic::parse("DNBANOKK").unwrap(),
        };
        let other = SupplierAccount::National {
            number: CreditorAccount::parse("12345678903").unwrap(),
            bic: Bic::parse("DNBANOKK").unwrap(),
        };
        assert!(iban.same_account_as(&national));
        assert!(national.same_account_as(&iban));
        assert!(!iban.same_account_as(&other));
    }

    #[test]
    fn a_bad_payment_reference_is_refused_and_free_text_is_accepted() {
        let mut req = request();
        req.payment_reference = "1234567890".into();
        let errors = Document::parse(&req).unwrap_err();
        assert!(message_for(&errors, "payment_reference").contains("not a valid KID"));
        req.payment_reference = "Invoice INV-17".into();
        assert!(Document::parse(&req).is_ok());
        req.payment_reference = "RF18 5390 0754 7034".into();
        assert_eq!(
            Document::parse(&req)
                .unwrap()
                .summary
                .payment_reference
                .as_str(),
            "RF18539007547034"
        );
    }

    #[test]
    fn a_file_that_is_not_a_pdf_is_refused() {
        let mut req = request();
        req.pdf_base64 = Some(BASE64.encode(b"PK\x03\x04 a zip file"));
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "pdf_base64"),
            "The file is not a PDF (it does not start with “%PDF-”)."
        );
    }

    #[test]
    fn base64_with_line_breaks_or_without_padding_is_accepted() {
        let encoded = BASE64.encode(PDF);
        let wrapped: String = encoded
            .as_bytes()
            .chunks(16)
            .map(|c| String::from_utf8_lossy(c).into_owned() + "\r\n")
            .collect();
        assert_eq!(Pdf::from_base64(&wrapped).unwrap().as_bytes(), PDF);
        let unpadded = BASE64_NOPAD.encode(PDF);
        assert_eq!(Pdf::from_base64(&unpadded).unwrap().as_bytes(), PDF);
    }

    #[test]
    fn a_pdf_of_exactly_10_mib_is_accepted_and_one_byte_more_is_refused() {
        let mut bytes = b"%PDF-".to_vec();
        bytes.resize(MAX_PDF_BYTES, b' ');
        assert!(Pdf::from_bytes(bytes.clone()).is_ok());
        bytes.push(b' ');
        assert_eq!(Pdf::from_bytes(bytes), Err(PdfError::TooLarge));
    }

    #[test]
    fn the_size_of_base64_is_judged_before_decoding() {
        // Base64 of n bytes has ceil(4n/3) symbols before padding.
        let symbols = |n: usize| (4 * n).div_ceil(3);
        for n in [0, 1, 2, 3, 4, 5, 3000, 3001, 3002] {
            assert_eq!(decoded_len_at_least(&"A".repeat(symbols(n))), n, "{n}");
        }
        let oversized = "A".repeat(symbols(MAX_PDF_BYTES + 1));
        let mut req = request();
        req.pdf_base64 = Some(oversized);
        assert!(req.pdf_too_large());
        let errors = Document::parse(&req).unwrap_err();
        assert_eq!(
            message_for(&errors, "pdf_base64"),
            "The PDF is larger than 10 MiB (10485760 bytes)."
        );
        assert!(!request().pdf_too_large());
        assert!(symbols(MAX_PDF_BYTES) + 2 < MAX_DOCUMENT_BODY_BYTES);
    }

    #[test]
    fn a_document_without_a_pdf_is_accepted() {
        let mut req = request();
        req.pdf_base64 = None;
        let doc = Document::parse(&req).unwrap();
        assert!(doc.pdf.is_none() && doc.summary.pdf.is_none());
    }

    #[test]
    fn the_same_content_has_the_same_fingerprint_however_it_is_spelled() {
        let first = Document::parse(&request()).unwrap().content_fingerprint();
        let mut respelled = request();
        respelled.supplier.iban = Some("no93 8601 1117 947".into());
        respelled.supplier.organisation_number = "923609016".into();
        respelled.payment_reference = "12345 67897".into();
        assert_eq!(
            Document::parse(&respelled).unwrap().content_fingerprint(),
            first
        );
        assert_eq!(first.len(), 64);
    }

    #[test]
    fn any_change_of_content_changes_the_fingerprint() {
        let base = Document::parse(&request()).unwrap().content_fingerprint();
        let changes: [fn(&mut DocumentRequest); 8] = [
            |r| r.amount = "12500.51".into(),
            |r| r.due_date = "2026-04-01".into(),
            |r| r.invoice_number = "INV-18".into(),
            |r| r.supplier.iban = Some("DE89370400440532013000".into()),
            |r| r.supplier.name = "Other AS".into(),
            |r| r.payment_reference = "RF18539007547034".into(),
            |r| r.pdf_base64 = Some(BASE64.encode(b"%PDF-1.4 other")),
            |r| r.pdf_base64 = None,
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut req = request();
            change(&mut req);
            let fingerprint = Document::parse(&req).unwrap().content_fingerprint();
            assert_ne!(fingerprint, base, "change {i}");
        }
    }

    #[test]
    fn a_summary_round_trips_through_json() {
        let summary = Document::parse(&request()).unwrap().summary;
        let json = serde_json::to_string(&summary).unwrap();
        let back: DocumentSummary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, summary);
        assert_eq!(back.content_fingerprint(), summary.content_fingerprint());
    }
}
