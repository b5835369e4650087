//! The integration API's OpenAPI 3.1 document, written from the types the Worker serves.
//!
//! `api.json` beside this crate holds what only prose can say: the operations, their
//! parameters, statuses and words. Every schema under `components/schemas` is generated here
//! from `ap_core`'s wire types (schemars, with the limits `ap_core::openapi` adds from the
//! rules' own constants), so renaming, adding or retyping a field changes the document. The
//! result is committed as `functions/src/openapi.json`, which the Worker serves as it is; the
//! tests of this crate fail when that file is not what this crate writes, when a `$ref` names no
//! generated schema, or when the Worker's integration routes and the document's operations
//! differ. Write it anew with `cargo run -p ap-openapi`.

use ap_core::api::{IntegrationWhoAmI, Problem};
use ap_core::api_approval::{ApprovedInvoicesPage, DocumentAccepted};
use ap_core::api_autopay::{
    ExportAcknowledgement, PaymentEvents, StatusReportResult, UploadResult,
};
use ap_core::document::DocumentRequest;
use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{Map, Value};

/// The hand-written part: operations, parameters, shared responses.
pub const OPERATIONS: &str = include_str!("../api.json");

/// Where the Worker reads the document from (relative to the workspace root).
pub const SERVED_PATH: &str = "functions/src/openapi.json";

/// The schemas of every type an operation names; the types they contain come along.
fn schemas() -> Map<String, Value> {
    // Answers are described as the Worker writes them (a field that is always written is
    // required, `null` or not); `DocumentRequest` states its own required fields.
    let mut generator: SchemaGenerator = SchemaSettings::draft2020_12()
        .for_serialize()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    generator.subschema_for::<ApprovedInvoicesPage>();
    generator.subschema_for::<DocumentAccepted>();
    generator.subschema_for::<DocumentRequest>();
    generator.subschema_for::<ExportAcknowledgement>();
    generator.subschema_for::<IntegrationWhoAmI>();
    generator.subschema_for::<ap_core::notify::Notice>();
    generator.subschema_for::<PaymentEvents>();
    generator.subschema_for::<Problem>();
    generator.subschema_for::<StatusReportResult>();
    generator.subschema_for::<UploadResult>();
    let mut definitions = generator.take_definitions(true);
    for schema in definitions.values_mut() {
        tidy(schema);
    }
    definitions.into_iter().collect()
}

/// Integer formats are OpenAPI's (`int32`, `int64`); schemars' `uint`, `uint8`, … are said by
/// `minimum`/`maximum` already.
fn tidy(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("uint"))
            {
                map.remove("format");
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// The whole document.
pub fn document() -> Value {
    let mut doc: Value = serde_json::from_str(OPERATIONS).expect("openapi/api.json is JSON");
    doc["components"]["schemas"] = Value::Object(schemas());
    doc
}

/// The document as it is committed: pretty JSON with a final line break.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("a JSON value prints");
    text.push('\n');
    text
}
