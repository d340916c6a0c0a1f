//! The contracts' data types (`data:` in the spec), and the typed fields that message
//! types and aggregates take from them.

use std::collections::BTreeSet;

use serde::Serialize;
use smol_str::SmolStr;

use super::doc_lines;
use crate::model::{FieldType, Model};
use crate::names::{Case, Idents, unraw};

#[derive(Debug, Serialize)]
pub struct DataType {
    pub ident: SmolStr,
    pub wire: SmolStr,
    pub doc: Vec<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub ident: SmolStr,
    pub wire: SmolStr,
    /// Whether serde needs `rename` (the identifier differs from the spec's name).
    pub rename: bool,
    /// The type inside the contracts crate's `generated` module.
    pub ty: SmolStr,
    pub doc: Option<String>,
    /// The id of the data it is a field of: an aggregate takes over only its own
    /// data's fields from an event.
    #[serde(skip)]
    pub data: SmolStr,
}

/// The data types, in the order of `model.data`: each field is typed once, and message
/// types copy the fields they carry from here.
pub(super) struct DataTypes {
    pub types: Vec<DataType>,
}

impl DataTypes {
    pub fn new(model: &Model) -> DataTypes {
        // Every struct is named before any field is typed: a field's type may be any
        // data's struct.
        let mut idents = Idents::types();
        let structs: Vec<SmolStr> = model
            .data
            .iter()
            .map(|data| idents.name(data.code_or_id()).into())
            .collect();
        let types = model
            .data
            .iter()
            .zip(&structs)
            .map(|(data, ident)| {
                let mut doc = vec![format!("Data `{}` ({}).", data.id.value, data.label())];
                if let Some(owner) = &data.owner {
                    doc.push(format!("Owned by the `{}` service.", owner.value));
                }
                if let Some(description) = &data.description {
                    doc.push(String::new());
                    doc.extend(doc_lines(description));
                }
                let mut field_idents = Idents::new(Case::Snake);
                let field_idents: Vec<String> = data
                    .fields
                    .iter()
                    .map(|field| field_idents.name(&field.name.value))
                    .collect();
                let fields = data
                    .fields
                    .iter()
                    .map(|field| {
                        let name = field.name.value.as_str();
                        // A name declared twice is typed by its first field and named
                        // by its last, as maps filled in order would say.
                        let last = data.fields.iter().rposition(|f| f.name.value == name);
                        let ident = SmolStr::from(&field_idents[last.unwrap_or_default()]);
                        let first = data.field(name).unwrap_or(field);
                        let (ty, doc) = rust_type(model, &structs, &first.ty, &data.id.value, true);
                        FieldView {
                            rename: unraw(&ident) != name,
                            ident,
                            wire: name.into(),
                            ty: ty.into(),
                            doc,
                            data: data.id.value.clone(),
                        }
                    })
                    .collect();
                DataType {
                    ident: ident.clone(),
                    wire: data.id.value.clone(),
                    doc,
                    fields,
                }
            })
            .collect();
        DataTypes { types }
    }

    /// The field `name` of the data at `at` in `model.data`; a name that is no field
    /// of it is carried as text, with a doc comment that says so.
    pub fn field(&self, at: usize, name: &str) -> FieldView {
        let data = &self.types[at];
        if let Some(field) = self.field_of(at, name) {
            return field.clone();
        }
        let ident = SmolStr::from(Idents::new(Case::Snake).name(name));
        FieldView {
            rename: unraw(&ident) != name,
            ident,
            wire: name.into(),
            ty: "String".into(),
            doc: Some(format!("`{name}` is not a field of `{}`.", data.wire)),
            data: data.wire.clone(),
        }
    }

    /// The declared field `name` of the data at `at`.
    pub fn field_of(&self, at: usize, name: &str) -> Option<&FieldView> {
        self.types[at].fields.iter().rev().find(|f| f.wire == name)
    }
}

/// The Rust type of a field type, as a path inside the contracts `generated` module,
/// and what its doc comment says of it; `direct` is false inside a list (a `Vec` needs
/// no box). `structs` are the data's struct identifiers, in the order of `model.data`.
fn rust_type(
    model: &Model,
    structs: &[SmolStr],
    ty: &FieldType,
    owner: &str,
    direct: bool,
) -> (String, Option<String>) {
    match ty {
        FieldType::List(inner) => {
            let (inner, doc) = rust_type(model, structs, inner, owner, false);
            (format!("Vec<{inner}>"), doc)
        }
        FieldType::Named(name) => {
            let scalar = match name.as_str() {
                "string" => Some("String"),
                "int" => Some("i64"),
                "bool" => Some("bool"),
                "decimal" => Some("super::scalar::Decimal"),
                "date" => Some("super::scalar::Date"),
                "datetime" => Some("super::scalar::DateTime"),
                "uuid" => Some("super::scalar::Uuid"),
                _ => None,
            };
            if let Some(scalar) = scalar {
                return (scalar.to_owned(), None);
            }
            match model.data_position(name).map(|at| &structs[at]) {
                Some(ident) if direct && reaches(model, name, owner) => (
                    format!("Option<Box<super::data::{ident}>>"),
                    Some(format!(
                        "Optional and boxed: `{name}` refers back to `{owner}`."
                    )),
                ),
                Some(ident) => (format!("super::data::{ident}"), None),
                None => (
                    "String".to_owned(),
                    Some(format!("Unknown type `{name}`, carried as text.")),
                ),
            }
        }
    }
}

/// Whether data `from` contains `to` directly (not through a list), transitively:
/// such a field would make an infinitely large struct.
fn reaches(model: &Model, from: &str, to: &str) -> bool {
    let mut stack = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(current) = stack.pop() {
        if current == to {
            return true;
        }
        if !seen.insert(current) {
            continue;
        }
        if let Some(data) = model.data(current) {
            for field in &data.fields {
                if let FieldType::Named(name) = &field.ty
                    && model.data(name).is_some()
                {
                    stack.push(name);
                }
            }
        }
    }
    false
}
