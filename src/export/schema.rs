//! JSON Schemas of the spec's data: field types to schema, data to object schemas.
//!
//! The schemas are serialized straight from the model, not built as a `serde_json::Value`
//! first: every document repeats the schemas it refers to, and a tree per document cost
//! more than the YAML written from it. Every map is given its exact length up front, as
//! a `Value` would: the YAML writer lays out a map of unknown length differently.

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::model::{Data, Field, FieldType};

/// A field called `$ref` cannot be a property: every AsyncAPI tool reads a `$ref` member
/// as a JSON Reference, even as a property name. It becomes this anchored pattern, which
/// names the same one property.
const REF_FIELD: &str = "$ref";
const REF_FIELD_PATTERN: &str = "^\\$ref$";

/// The declared data, each with its key in `components/schemas`, its fields and the
/// schemas its fields refer to: computed once, shared by every document.
pub struct Schemas<'m> {
    entries: Vec<Entry<'m>>,
    /// Data id -> index into `entries`.
    by_id: HashMap<&'m str, usize>,
}

struct Entry<'m> {
    data: &'m Data,
    key: String,
    /// Its fields, each name once.
    fields: Vec<&'m Field>,
    /// The schemas its fields refer to, in the order they are written.
    refs: Vec<usize>,
}

impl<'m> Schemas<'m> {
    /// `keyed` gives each data id and its key, in the spec's order.
    pub fn new(keyed: impl IntoIterator<Item = (&'m Data, String)>) -> Self {
        let mut schemas = Schemas {
            entries: Vec::new(),
            by_id: HashMap::new(),
        };
        for (data, key) in keyed {
            schemas
                .by_id
                .insert(data.id.as_str(), schemas.entries.len());
            schemas.entries.push(Entry {
                data,
                key,
                fields: distinct_fields(data, data.fields.iter().map(|f| f.name.as_str())),
                refs: Vec::new(),
            });
        }
        // Once every key is known: a field may refer to a data declared after it.
        for at in 0..schemas.entries.len() {
            let refs = schemas.object(&schemas.entries[at].fields).refs();
            schemas.entries[at].refs = refs;
        }
        schemas
    }

    /// The schema of the data with this id.
    pub fn index(&self, data_id: &str) -> Option<usize> {
        self.by_id.get(data_id).copied()
    }

    pub fn key(&self, schema: usize) -> &str {
        &self.entries[schema].key
    }

    /// The schemas the schema refers to, directly.
    pub fn refs(&self, schema: usize) -> &[usize] {
        &self.entries[schema].refs
    }

    /// The `components/schemas` entry of a data: every field, titled with its display name.
    pub fn data_schema(&self, schema: usize) -> DataSchema<'_> {
        let entry = &self.entries[schema];
        DataSchema {
            data: entry.data,
            object: self.object(&entry.fields),
        }
    }

    /// An object schema with the given fields (see [`distinct_fields`]), all required.
    pub fn object<'s>(&'s self, fields: &'s [&'s Field]) -> ObjectSchema<'s> {
        ObjectSchema {
            fields,
            schemas: self,
        }
    }

    fn key_of(&self, data_id: &str) -> Option<&str> {
        self.index(data_id).map(|at| self.key(at))
    }
}

/// The fields of `data` named in `names`, in that order, each once; names that are not
/// fields of `data` are skipped.
pub fn distinct_fields<'d>(
    data: &'d Data,
    names: impl IntoIterator<Item = &'d str>,
) -> Vec<&'d Field> {
    let mut fields: Vec<&Field> = Vec::new();
    for name in names {
        let Some(field) = data.field(name) else {
            continue;
        };
        if !fields.iter().any(|known| known.name.value == name) {
            fields.push(field);
        }
    }
    fields
}

/// Where a data's schema lives: `#/components/schemas/<key>`.
pub fn schema_ref(key: &str) -> String {
    format!("#/components/schemas/{key}")
}

/// The schemas of the built-in field types, as (member, value) pairs.
fn builtin(type_name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    Some(match type_name {
        "string" => &[("type", "string")],
        "int" => &[("type", "integer")],
        // Exact decimals (money) travel as strings: a JSON number would be read as a
        // binary float by most consumers.
        "decimal" => &[
            ("type", "string"),
            ("format", "decimal"),
            ("pattern", "^-?[0-9]+(\\.[0-9]+)?$"),
        ],
        "bool" => &[("type", "boolean")],
        "date" => &[("type", "string"), ("format", "date")],
        "datetime" => &[("type", "string"), ("format", "date-time")],
        "uuid" => &[("type", "string"), ("format", "uuid")],
        _ => return None,
    })
}

/// A map of fixed text members.
pub struct TextMap<'a>(pub &'a [(&'a str, &'a str)]);

impl Serialize for TextMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The schema of one field type. Data ids become `$ref`s into `components/schemas`; a
/// type that is neither built in nor a declared data is described, not guessed.
pub struct FieldSchema<'s> {
    ty: &'s FieldType,
    schemas: &'s Schemas<'s>,
}

impl FieldSchema<'_> {
    /// The schemas it refers to, added to `out` in the order they are written.
    fn refs(&self, out: &mut Vec<usize>) {
        match self.ty {
            FieldType::List(inner) => self.of(inner).refs(out),
            FieldType::Named(name) => {
                if builtin(name).is_none()
                    && let Some(at) = self.schemas.index(name)
                    && !out.contains(&at)
                {
                    out.push(at);
                }
            }
        }
    }

    fn of<'t>(&'t self, ty: &'t FieldType) -> FieldSchema<'t> {
        FieldSchema {
            ty,
            schemas: self.schemas,
        }
    }
}

impl Serialize for FieldSchema<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let name = match self.ty {
            FieldType::List(inner) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("type", "array")?;
                map.serialize_entry("items", &self.of(inner))?;
                return map.end();
            }
            FieldType::Named(name) => name.as_str(),
        };
        if let Some(members) = builtin(name) {
            return TextMap(members).serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(1))?;
        match self.schemas.key_of(name) {
            Some(key) => map.serialize_entry("$ref", &schema_ref(key))?,
            None => {
                map.serialize_entry("description", &format!("type `{name}` (not a known type)"))?
            }
        }
        map.end()
    }
}

/// An object schema: `type: object`, its fields as properties, all required. Its members
/// are also written into other maps ([`ObjectSchema::member_count`],
/// [`ObjectSchema::serialize_members`]): a payload and a data schema extend it.
pub struct ObjectSchema<'s> {
    fields: &'s [&'s Field],
    schemas: &'s Schemas<'s>,
}

impl<'s> ObjectSchema<'s> {
    /// The fields written under `properties`: all but one called `$ref`.
    fn properties(&self) -> impl Iterator<Item = &'s Field> + use<'s> {
        self.fields
            .iter()
            .copied()
            .filter(|field| field.name.value != REF_FIELD)
    }

    fn ref_field(&self) -> Option<&'s Field> {
        self.fields
            .iter()
            .copied()
            .find(|field| field.name.value == REF_FIELD)
    }

    fn field_schema(&self, field: &'s Field) -> FieldSchema<'s> {
        FieldSchema {
            ty: &field.ty,
            schemas: self.schemas,
        }
    }

    /// The schemas its fields refer to, in the order they are written.
    pub fn refs(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for field in self.properties().chain(self.ref_field()) {
            self.field_schema(field).refs(&mut out);
        }
        out
    }

    pub fn member_count(&self) -> usize {
        let has_properties = self.properties().next().is_some();
        let has_pattern = self.ref_field().is_some();
        let has_required = !self.fields.is_empty();
        1 + usize::from(has_properties) + usize::from(has_pattern) + usize::from(has_required)
    }

    pub fn serialize_members<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("type", "object")?;
        if self.properties().next().is_some() {
            map.serialize_entry("properties", &Properties(self))?;
        }
        if let Some(field) = self.ref_field() {
            map.serialize_entry(
                "patternProperties",
                &PatternProperty(self.field_schema(field)),
            )?;
        }
        if !self.fields.is_empty() {
            map.serialize_entry("required", &FieldNames(self.fields))?;
        }
        Ok(())
    }
}

impl Serialize for ObjectSchema<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.member_count()))?;
        self.serialize_members(&mut map)?;
        map.end()
    }
}

struct Properties<'o, 's>(&'o ObjectSchema<'s>);

impl Serialize for Properties<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let object = self.0;
        let mut map = serializer.serialize_map(Some(object.properties().count()))?;
        for field in object.properties() {
            map.serialize_entry(field.name.as_str(), &object.field_schema(field))?;
        }
        map.end()
    }
}

struct PatternProperty<'s>(FieldSchema<'s>);

impl Serialize for PatternProperty<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(REF_FIELD_PATTERN, &self.0)?;
        map.end()
    }
}

struct FieldNames<'s>(&'s [&'s Field]);

impl Serialize for FieldNames<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for field in self.0 {
            seq.serialize_element(field.name.as_str())?;
        }
        seq.end()
    }
}

/// The `components/schemas` entry of a data: its title, its description, every field.
pub struct DataSchema<'s> {
    data: &'s Data,
    object: ObjectSchema<'s>,
}

impl Serialize for DataSchema<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let description = self.data.description.as_deref();
        let count = 1 + usize::from(description.is_some()) + self.object.member_count();
        let mut map = serializer.serialize_map(Some(count))?;
        map.serialize_entry("title", self.data.label())?;
        if let Some(description) = description {
            map.serialize_entry("description", description)?;
        }
        self.object.serialize_members(&mut map)?;
        map.end()
    }
}
