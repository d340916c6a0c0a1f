//! The spec format as a JSON Schema, generated from the very types the loader
//! deserializes into, so the schema and the loader cannot drift apart.

use crate::spec::raw::RawSpec;

/// Where editors find the schema of the current format.
pub const SCHEMA_ID: &str = "https://edasmith.dev/schema/v1/edasmith.schema.json";

/// The JSON Schema (draft 2020-12) of a spec file, pretty-printed with a final newline.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(RawSpec);
    schema.insert("$id".to_owned(), SCHEMA_ID.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
