//! What the integration API's JSON Schemas say beyond the shape of the Rust types (feature
//! `openapi`, host-only): the patterns, limits and lists a request is judged by, written from
//! the same constants and tables the rules use, so the document cannot promise other limits than
//! [`crate::document::Document::parse`] applies. The `openapi/` crate turns the types into the
//! OpenAPI document; nothing here is compiled into the Worker or the SPA.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use crate::document::{MAX_NAME_LEN, MAX_ORGANISATION_NUMBER_LEN};
use crate::ids::MAX_ID_LEN;
use crate::money::{Currency, MAX_INTEGER_DIGITS};
use crate::payment_ref::UNSTRUCTURED_MAX_LEN;
use crate::warnings::{Warning, KINDS};

/// Text of 1..=`max` characters after trimming, with no control characters (what
/// [`crate::document`]'s text types accept); surrounding white space is allowed and trimmed.
fn trimmed_text(max: usize) -> String {
    const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
    format!(
        r"^\s*[^\s{CONTROL}]([^{CONTROL}]{{0,{}}}[^\s{CONTROL}])?\s*$",
        max - 2
    )
}

/// An id as [`crate::ids`] accepts it.
fn id_pattern() -> String {
    format!("^[A-Za-z0-9_-]{{1,{MAX_ID_LEN}}}$")
}

/// A BIC: 4 + 2 + 2 (+ 3) characters, white space around it trimmed.
const BIC: &str = r"[A-Za-z0-9]{4}[A-Za-z]{2}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?";

fn set(schema: &mut Schema, property: &str, key: &str, value: Value) {
    if let Some(Value::Object(p)) = schema
        .get_mut("properties")
        .and_then(|ps| ps.get_mut(property))
    {
        p.insert(key.to_owned(), value);
    }
}

/// A missing field is read as empty only to be named in `errors`: not a default to rely on.
fn drop_defaults(schema: &mut Schema) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(p) = property {
                p.remove("default");
            }
        }
    }
}

/// A unit-only enum as one `enum` list (schemars writes one branch per documented variant).
pub fn plain_enum(schema: &mut Schema) {
    let Some(Value::Array(branches)) = schema.remove("oneOf").or_else(|| schema.remove("anyOf"))
    else {
        return;
    };
    let mut names = Vec::new();
    for branch in &branches {
        if let Some(name) = branch.get("const") {
            names.push(name.clone());
        }
        if let Some(Value::Array(more)) = branch.get("enum") {
            names.extend(more.iter().cloned());
        }
    }
    schema.insert("type".into(), json!("string"));
    schema.insert("enum".into(), Value::Array(names));
}

/// `DocumentRequest`: every field is read (missing ones as empty, to be named in `errors`), but
/// the document states what a valid request holds.
pub fn document_request(schema: &mut Schema) {
    schema.insert(
        "required".into(),
        json!([
            "document_id",
            "company_id",
            "supplier",
            "invoice_number",
            "invoice_date",
            "due_date",
            "amount",
            "currency",
            "payment_reference"
        ]),
    );
    drop_defaults(schema);
    set(schema, "document_id", "pattern", json!(id_pattern()));
    set(schema, "company_id", "pattern", json!(id_pattern()));
    set(
        schema,
        "invoice_number",
        "pattern",
        json!(trimmed_text(MAX_ID_LEN)),
    );
    set(schema, "invoice_date", "format", json!("date"));
    set(schema, "due_date", "format", json!("date"));
    set(
        schema,
        "amount",
        "pattern",
        json!(format!(
            r"^[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,4}})?$"
        )),
    );
    set(schema, "amount", "not", json!({ "pattern": "^[0.]*$" }));
    let currencies: Vec<&str> = Currency::all().map(Currency::code).collect();
    set(schema, "currency", "enum", json!(currencies));
    set(
        schema,
        "payment_reference",
        "pattern",
        json!(trimmed_text(UNSTRUCTURED_MAX_LEN)),
    );
    set(
        schema,
        "pdf_base64",
        "pattern",
        json!(r"^\s*JVBERi[0-3][A-Za-z0-9+/=\s]*$"),
    );
    set(schema, "pdf_base64", "contentEncoding", json!("base64"));
    set(
        schema,
        "pdf_base64",
        "contentMediaType",
        json!("application/pdf"),
    );
    schema.insert(
        "examples".into(),
        json!([{
            "document_id": "dc-2026-0001",
            "company_id": "acme-no",
            "supplier": {
                "name": "Kontorrekvisita AS",
                "organisation_number": "923 609 016",
                "iban": "NO93 8601 1117 947",
                "bic": "DNBANOKK"
            },
            "invoice_number": "INV-17",
            "invoice_date": "2026-03-01",
            "due_date": "2026-03-31",
            "amount": "12500.50",
            "currency": "NOK",
            "payment_reference": "1234567897",
            "pdf_base64": "JVBERi0xLjcKMSAwIG9iaiA8PCA+PiBlbmRvYmoKJSVFT0YK"
        }]),
    );
}

/// `SupplierRequest`: an IBAN (BIC optional), or a national account number with the bank's
/// BIC; not both.
pub fn supplier_request(schema: &mut Schema) {
    drop_defaults(schema);
    schema.insert("required".into(), json!(["name", "organisation_number"]));
    set(schema, "name", "pattern", json!(trimmed_text(MAX_NAME_LEN)));
    set(
        schema,
        "organisation_number",
        "pattern",
        json!(format!(
            r"^\s*([A-Za-z0-9./-]\s*){{1,{MAX_ORGANISATION_NUMBER_LEN}}}$"
        )),
    );
    set(
        schema,
        "iban",
        "pattern",
        json!(
            r"^[ \u00a0]*[A-Za-z][ \u00a0]*[A-Za-z][ \u00a0]*[0-9][ \u00a0]*[0-9]([ \u00a0]*[A-Za-z0-9]){11,30}[ \u00a0]*$"
        ),
    );
    set(
        schema,
        "account_number",
        "pattern",
        json!(r"^\s*([A-Za-z0-9/?:().,'+-]\s*){1,34}$"),
    );
    set(
        schema,
        "bic",
        "pattern",
        json!(format!(r"^\s*({BIC})?\s*$")),
    );
    schema.insert(
        "anyOf".into(),
        json!([
            { "required": ["iban"] },
            {
                "required": ["account_number", "bic"],
                "properties": { "bic": { "type": "string", "pattern": format!(r"^\s*{BIC}\s*$") } }
            }
        ]),
    );
    schema.insert(
        "not".into(),
        json!({ "required": ["iban", "account_number"] }),
    );
}

/// An RFC 3339 instant.
pub fn date_time(schema: &mut Schema) {
    schema.insert("format".into(), json!("date-time"));
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(schema: &mut Schema) {
    schema.insert("format".into(), json!("date"));
}

/// A full approval token: 26 characters of Crockford base32.
pub fn approval_token(schema: &mut Schema) {
    schema.insert("pattern".into(), json!("^[0-9A-HJKMNP-TV-Z]{26}$"));
}

/// An exact decimal amount as [`crate::money::Money`] prints it.
pub fn decimal(schema: &mut Schema) {
    schema.insert(
        "pattern".into(),
        json!(format!(
            r"^-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,3}})?$"
        )),
    );
}

/// A process or document id.
pub fn id(schema: &mut Schema) {
    schema.insert("pattern".into(), json!(id_pattern()));
}

/// An export's id (a ULID-like token of letters, digits and `-`).
pub fn export_id(schema: &mut Schema) {
    schema.insert("pattern".into(), json!("^[A-Za-z0-9-]{1,64}$"));
}

/// The two payment-suggestion exports, as named in their path.
pub fn export_kind(schema: &mut Schema) {
    schema.insert("enum".into(), json!(["pre-approved", "regular"]));
}

/// A count that is never zero.
pub fn at_least_one(schema: &mut Schema) {
    schema.insert("minimum".into(), json!(1));
}

/// A warning's `kind` is one of [`KINDS`]; the data of that kind sits beside it.
impl JsonSchema for Warning {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Warning".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let kinds: Vec<&str> = KINDS.to_vec();
        json_schema!({
            "type": "object",
            "description": "A warning on the invoice: its `kind`, the data of that kind, and `message` in plain English.",
            "required": ["kind", "message"],
            "properties": {
                "kind": { "type": "string", "enum": kinds },
                "message": { "type": "string" }
            },
            "additionalProperties": true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_pattern_allows_exactly_the_longest_text() {
        assert_eq!(
            trimmed_text(140),
            r"^\s*[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]{0,138}[^\s\u0000-\u001f\u007f-\u009f])?\s*$"
        );
    }

    #[test]
    fn every_warning_kind_is_listed() {
        let schema = Warning::json_schema(&mut SchemaGenerator::default());
        let kinds = &schema.as_value()["properties"]["kind"]["enum"];
        assert_eq!(kinds.as_array().map(Vec::len), Some(KINDS.len()));
        assert_eq!(kinds[0], "possible_duplicate");
    }
}
