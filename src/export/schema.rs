//! JSON Schemas of the spec's data: field types to schema, data to object schemas.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::model::{Data, FieldType};

/// Where a data id's schema lives: `#/components/schemas/<key>`.
pub fn schema_ref(key: &str) -> String {
    format!("#/components/schemas/{key}")
}

/// The schema of one field type. Data ids become `$ref`s into `components/schemas`
/// (`data_keys` maps a data id to its key); a type that is neither built in nor a data id
/// is described, not guessed.
pub fn field_schema(ty: &FieldType, data_keys: &HashMap<&str, String>) -> Value {
    match ty {
        FieldType::List(inner) => {
            json!({ "type": "array", "items": field_schema(inner, data_keys) })
        }
        FieldType::Named(name) => match name.as_str() {
            "string" => json!({ "type": "string" }),
            "int" => json!({ "type": "integer" }),
            // Exact decimals (money) travel as strings: a JSON number would be read as a
            // binary float by most consumers.
            "decimal" => json!({
                "type": "string",
                "format": "decimal",
                "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            }),
            "bool" => json!({ "type": "boolean" }),
            "date" => json!({ "type": "string", "format": "date" }),
            "datetime" => json!({ "type": "string", "format": "date-time" }),
            "uuid" => json!({ "type": "string", "format": "uuid" }),
            other => match data_keys.get(other) {
                Some(key) => json!({ "$ref": schema_ref(key) }),
                None => json!({ "description": format!("type `{other}` (not a known type)") }),
            },
        },
    }
}

/// An object schema with the given fields of `data` (in the order given), all required.
pub fn object_schema<'d>(
    data: &'d Data,
    fields: impl IntoIterator<Item = &'d str>,
    data_keys: &HashMap<&str, String>,
) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut patterns = Map::new();
    let mut required = Vec::new();
    for name in fields {
        let Some(field) = data.field(name) else {
            continue;
        };
        if required.iter().any(|r| r == name) {
            continue;
        }
        let field_schema = field_schema(&field.ty, data_keys);
        if name == "$ref" {
            // Every AsyncAPI tool reads a `$ref` member as a JSON Reference, even as a
            // property name: the anchored pattern names the same one property.
            patterns.insert("^\\$ref$".to_owned(), field_schema);
        } else {
            properties.insert(name.to_owned(), field_schema);
        }
        required.push(name.to_owned());
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    if !properties.is_empty() {
        schema.insert("properties".into(), Value::Object(properties));
    }
    if !patterns.is_empty() {
        schema.insert("patternProperties".into(), Value::Object(patterns));
    }
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema
}

/// The `components/schemas` entry of a data: every field, titled with its display name.
pub fn data_schema(data: &Data, data_keys: &HashMap<&str, String>) -> Value {
    let mut schema = Map::new();
    schema.insert("title".into(), json!(data.label()));
    if let Some(description) = &data.description {
        schema.insert("description".into(), json!(description));
    }
    schema.extend(object_schema(
        data,
        data.fields.iter().map(|f| f.name.as_str()),
        data_keys,
    ));
    Value::Object(schema)
}

/// The data keys a schema refers to (`$ref: #/components/schemas/<key>`), in order.
pub fn referenced_schemas(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (name, value) in map {
                if name == "$ref"
                    && let Some(key) = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    if !out.iter().any(|k| k == key) {
                        out.push(key.to_owned());
                    }
                } else {
                    referenced_schemas(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| referenced_schemas(item, out)),
        _ => {}
    }
}
