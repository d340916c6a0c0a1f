//! The spec file as written: serde types that mirror the YAML one to one.
//!
//! Every value a later finding may point at is wrapped in [`Spanned`], so the model
//! keeps the exact line and column of each node. Unknown keys are rejected
//! (`deny_unknown_fields`) so that a typo such as `relatons` is an error, not silence.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// One spec file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    pub edasmith: Option<Spanned<u32>>,
    pub system: Option<Spanned<String>>,
    pub targets: Option<RawTargets>,
    #[serde(default)]
    pub services: Entries<RawService>,
    #[serde(default)]
    pub data: Entries<RawData>,
    #[serde(default)]
    pub relations: Vec<Spanned<RawRelation>>,
    #[serde(default)]
    pub sagas: Entries<RawSaga>,
    #[serde(default)]
    pub rules: Entries<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    pub availability: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub name: Option<Spanned<String>>,
    pub code: Option<Spanned<String>>,
    pub kind: Option<Spanned<ServiceKind>>,
    pub database: Option<Spanned<String>>,
    pub availability: Option<Spanned<f64>>,
    pub peak: Option<Spanned<f64>>,
    pub capacity: Option<Spanned<f64>>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    #[default]
    Service,
    Frontend,
    External,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    pub name: Option<Spanned<String>>,
    pub code: Option<Spanned<String>>,
    pub owner: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: Entries<Spanned<FieldType>>,
    #[serde(default)]
    pub states: Vec<Spanned<String>>,
    #[serde(default)]
    pub transitions: Vec<Spanned<RawTransition>>,
    pub description: Option<String>,
}

/// A field's type: a name (`string`, `datetime`, another data id) or `[T]` for a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Named(String),
    List(Box<FieldType>),
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldType::Named(name) => f.write_str(name),
            FieldType::List(inner) => write!(f, "[{inner}]"),
        }
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldTypeVisitor;
        impl<'de> Visitor<'de> for FieldTypeVisitor {
            type Value = FieldType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a type name such as `string`, or `[T]` for a list of T")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<FieldType, E> {
                // `"[string]"` written as a quoted string means the same as the flow list.
                match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                    Some(inner) => Ok(FieldType::List(Box::new(self.visit_str(inner.trim())?))),
                    None => Ok(FieldType::Named(value.to_owned())),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldType, A::Error> {
                let inner: FieldType = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &"exactly one element type"))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(2, &"exactly one element type"));
                }
                Ok(FieldType::List(Box::new(inner)))
            }
        }
        deserializer.deserialize_any(FieldTypeVisitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransition {
    pub event: Spanned<String>,
    pub from: Option<Spanned<OneOrMany>>,
    pub to: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub from: Spanned<String>,
    pub to: Spanned<OneOrMany>,
    #[serde(rename = "type")]
    pub kind: Spanned<RelationKind>,
    pub message: Option<Spanned<String>>,
    pub data: Option<Spanned<String>>,
    pub payload: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub needs: Entries<Vec<Spanned<String>>>,
    pub reply: Option<Spanned<OneOrMany>>,
    pub operation: Option<Spanned<String>>,
    pub rate: Option<Spanned<f64>>,
    pub description: Option<String>,
}

#[derive(
    Debug, Deserialize, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum RelationKind {
    Sync,
    Event,
    Command,
    Message,
}

impl RelationKind {
    pub fn is_async(self) -> bool {
        !matches!(self, RelationKind::Sync)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Sync => "sync",
            RelationKind::Event => "event",
            RelationKind::Command => "command",
            RelationKind::Message => "message",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSaga {
    pub name: Option<Spanned<String>>,
    pub code: Option<Spanned<String>>,
    pub style: Spanned<SagaStyle>,
    pub orchestrator: Option<Spanned<String>>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SagaStyle {
    Orchestration,
    Choreography,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub service: Spanned<String>,
    pub action: Spanned<String>,
    pub compensation: Option<Spanned<String>>,
    pub pivot: Option<Spanned<bool>>,
    pub on_failure: Option<Spanned<OnFailure>>,
    pub emits: Option<Spanned<String>>,
    pub read_only: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    #[default]
    Compensate,
    Retry,
    BatchCancel,
}

impl OnFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            OnFailure::Compensate => "compensate",
            OnFailure::Retry => "retry",
            OnFailure::BatchCancel => "batch-cancel",
        }
    }
}

/// One name or a list of names (`to: billing` or `to: [customer, billing]`).
#[derive(Debug)]
pub enum OneOrMany {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;
        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(value.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element()? {
                    names.push(name);
                }
                Ok(OneOrMany::Many(names))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

/// A YAML mapping kept as a list of entries in document order, with the span of each key.
///
/// A `BTreeMap` would lose the key's location (and `Spanned` is not `Ord`); the order of
/// the document is also the order users expect in reports.
#[derive(Debug)]
pub struct Entries<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of id: value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}
