//! The spec file as written: serde types that mirror the YAML one to one.
//!
//! Every value a later finding may point at is wrapped in [`Located`], so the model
//! keeps where each node was written. Unknown keys are rejected
//! (`deny_unknown_fields`) so that a typo such as `relatons` is an error, not silence.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use smol_str::SmolStr;

use crate::source::{FileId, Span};

/// A value and the bytes it was written on. serde-saphyr's `Spanned` keeps two full
/// locations per value; findings need only where the node is.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub bytes: Range<usize>,
}

impl<T> Located<T> {
    /// Where the value is, in `file`.
    pub fn span(&self, file: FileId) -> Span {
        Span::new(file, self.bytes.clone())
    }
}

/// The bytes of a node serde-saphyr located. Parsed from a string, it knows them for
/// every node; without them, the node is taken to be at the top of the file.
pub fn bytes_of(location: serde_saphyr::Location) -> Option<Range<usize>> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    Some(start..start.saturating_add(len))
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        Ok(Located {
            value: spanned.value,
            bytes: bytes_of(spanned.referenced).unwrap_or(0..0),
        })
    }
}

/// An edasmith spec: a service relation diagram (SRD) of an event-driven system.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "edasmith spec, format version 1")]
pub struct RawSpec {
    /// The spec format version (default 1). An unknown version is an error.
    #[schemars(with = "Option<u32>")]
    pub edasmith: Option<Located<u32>>,
    /// The name of the system being modeled.
    #[schemars(with = "Option<String>")]
    pub system: Option<Located<SmolStr>>,
    /// System-wide goals the analysis checks against.
    pub targets: Option<RawTargets>,
    /// The services: service id -> service. Ids may be written in any language.
    #[serde(default)]
    pub services: Entries<RawService>,
    /// The core data services exchange: data id -> data. The data of every asynchronous
    /// relation is an aggregate candidate.
    #[serde(default)]
    pub data: Entries<RawData>,
    /// The SRD's edges: who calls or messages whom.
    #[serde(default)]
    #[schemars(with = "Vec<RawRelation>")]
    pub relations: Vec<Located<RawRelation>>,
    /// Distributed transactions: saga id -> saga.
    #[serde(default)]
    pub sagas: Entries<RawSaga>,
    /// Rule severities: rule name -> `error`, `warning`, `info` or `off`
    /// (`edasmith explain --list` lists the rules).
    #[serde(default)]
    #[schemars(with = "Entries<RuleLevelName>")]
    pub rules: Entries<Located<SmolStr>>,
}

/// A rule's level in the `rules:` map.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // only describes the schema; the model reads the level as text
enum RuleLevelName {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    /// Target availability in percent (e.g. 99.9): synchronous call chains whose composite
    /// availability is lower are reported.
    #[schemars(with = "Option<f64>", range(min = 0, max = 100))]
    pub availability: Option<Located<f64>>,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Display label in any language (default: the id).
    #[schemars(with = "Option<String>")]
    pub name: Option<Located<SmolStr>>,
    /// ASCII identifier used where an output needs one (crate, file and AsyncAPI names);
    /// default: the id, romanized.
    #[schemars(with = "Option<String>")]
    pub code: Option<Located<SmolStr>>,
    /// What the service is (default `service`).
    #[schemars(with = "Option<ServiceKind>")]
    pub kind: Option<Located<ServiceKind>>,
    /// The database the service owns. Two services on one database break database per
    /// service.
    #[schemars(with = "Option<String>")]
    pub database: Option<Located<SmolStr>>,
    /// Availability in percent (e.g. 99.95), for synchronous chain analysis.
    #[schemars(with = "Option<f64>", range(min = 0, max = 100))]
    pub availability: Option<Located<f64>>,
    /// Requests per second arriving from outside at a spike (load analysis).
    #[schemars(with = "Option<f64>", range(min = 0))]
    pub peak: Option<Located<f64>>,
    /// Requests per second the service can hold (load analysis).
    #[schemars(with = "Option<f64>", range(min = 0))]
    pub capacity: Option<Located<f64>>,
    /// Free text.
    pub description: Option<String>,
}

/// What a service is.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    /// A service of the system, with its own database.
    #[default]
    Service,
    /// A user-facing entry point (web, app).
    Frontend,
    /// A system outside (SMS or e-mail gateway, partner API).
    External,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    /// Display label in any language (default: the id).
    #[schemars(with = "Option<String>")]
    pub name: Option<Located<SmolStr>>,
    /// ASCII identifier used where an output needs one; default: the id, romanized.
    #[schemars(with = "Option<String>")]
    pub code: Option<Located<SmolStr>>,
    /// The service whose database holds the data (default: the service that publishes
    /// its events).
    #[schemars(with = "Option<String>")]
    pub owner: Option<Located<SmolStr>>,
    /// Fields: name -> type (`string`, `int`, `decimal`, `bool`, `date`, `datetime`,
    /// `uuid`, another data id, or `[T]` for a list).
    #[serde(default)]
    #[schemars(with = "Entries<FieldType>")]
    pub fields: Entries<Located<FieldType>>,
    /// The aggregate's states.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub states: Vec<Located<SmolStr>>,
    /// The lifecycle: each transition is a domain event.
    #[serde(default)]
    #[schemars(with = "Vec<RawTransition>")]
    pub transitions: Vec<Located<RawTransition>>,
    /// Free text.
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

/// One lifecycle transition: a domain event moving the aggregate between states.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransition {
    /// The domain event, named as a fact (`ContractTerminated`, `계약해지됨`).
    #[schemars(with = "String")]
    pub event: Located<SmolStr>,
    /// The state or states it leaves; none for the transition that creates the aggregate.
    #[schemars(with = "Option<OneOrMany>")]
    pub from: Option<Located<OneOrMany>>,
    /// The state it enters.
    #[schemars(with = "String")]
    pub to: Located<SmolStr>,
}

/// An edge of the SRD: a synchronous call or an asynchronous message.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    /// The calling or sending service.
    #[schemars(with = "String")]
    pub from: Located<SmolStr>,
    /// The service called, or the receiving services (one or a list).
    #[schemars(with = "OneOrMany")]
    pub to: Located<OneOrMany>,
    /// `sync` (REST, gRPC), `event` (1:N pub/sub), `command` (1:1 with a reply) or
    /// `message` (one-way, no reply).
    #[serde(rename = "type")]
    #[schemars(with = "RelationKind")]
    pub kind: Located<RelationKind>,
    /// The event, command or message name (required for asynchronous relations).
    #[schemars(with = "Option<String>")]
    pub message: Option<Located<SmolStr>>,
    /// The data the relation concerns: for asynchronous relations, an aggregate candidate.
    #[schemars(with = "Option<String>")]
    pub data: Option<Located<SmolStr>>,
    /// The fields of `data` the message carries (default: all of them).
    #[schemars(with = "Option<Vec<String>>")]
    pub payload: Option<Vec<Located<SmolStr>>>,
    /// Per consumer, the fields it needs to act without calling back.
    #[serde(default)]
    #[schemars(with = "Entries<Vec<String>>")]
    pub needs: Entries<Vec<Located<SmolStr>>>,
    /// A command's reply or replies (success and failure).
    #[schemars(with = "Option<OneOrMany>")]
    pub reply: Option<Located<OneOrMany>>,
    /// A synchronous call's operation, e.g. `GET /contracts/{id}`.
    #[schemars(with = "Option<String>")]
    pub operation: Option<Located<SmolStr>>,
    /// Calls per request passed on (load analysis; default 1).
    #[schemars(with = "Option<f64>", range(min = 0))]
    pub rate: Option<Located<f64>>,
    /// Free text.
    pub description: Option<String>,
}

/// The type of a relation.
#[derive(
    Debug,
    Deserialize,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RelationKind {
    /// A blocking call (REST, gRPC): every service in the chain must be up.
    Sync,
    /// A domain event, published by the data's owner to any number of subscribers.
    Event,
    /// A 1:1 asynchronous request whose reply comes back asynchronously.
    Command,
    /// A one-way message (SMS, e-mail): no reply.
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

/// A distributed transaction across services.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSaga {
    /// Display label in any language (default: the id).
    #[schemars(with = "Option<String>")]
    pub name: Option<Located<SmolStr>>,
    /// ASCII identifier used where an output needs one; default: the id, romanized.
    #[schemars(with = "Option<String>")]
    pub code: Option<Located<SmolStr>>,
    /// `orchestration` (commands from the orchestrator) or `choreography` (events).
    #[schemars(with = "SagaStyle")]
    pub style: Located<SagaStyle>,
    /// The service that drives an orchestration saga.
    #[schemars(with = "Option<String>")]
    pub orchestrator: Option<Located<SmolStr>>,
    /// The steps in order: compensatable steps, then the pivot, then retriable steps.
    #[serde(default)]
    #[schemars(with = "Vec<RawStep>")]
    pub steps: Vec<Located<RawStep>>,
    /// Free text.
    pub description: Option<String>,
}

/// How a saga is coordinated.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SagaStyle {
    /// An orchestrator sends commands and handles replies.
    Orchestration,
    /// Each service reacts to the previous step's event.
    Choreography,
}

/// One step of a saga.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    /// The service that performs the step.
    #[schemars(with = "String")]
    pub service: Located<SmolStr>,
    /// What it does: in an orchestration, the command the orchestrator sends.
    #[schemars(with = "String")]
    pub action: Located<SmolStr>,
    /// The action that undoes the step (required before the pivot).
    #[schemars(with = "Option<String>")]
    pub compensation: Option<Located<SmolStr>>,
    /// The go/no-go step: after it, steps are retried until they succeed.
    #[schemars(with = "Option<bool>")]
    pub pivot: Option<Located<bool>>,
    /// What happens when the step fails (default `compensate`).
    #[schemars(with = "Option<OnFailure>")]
    pub on_failure: Option<Located<OnFailure>>,
    /// In a choreography, the event that triggers the next step.
    #[schemars(with = "Option<String>")]
    pub emits: Option<Located<SmolStr>>,
    /// The step changes nothing (a check, a look-up): it needs no compensation.
    #[schemars(with = "Option<bool>")]
    pub read_only: Option<Located<bool>>,
}

/// What happens when a saga step fails.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    /// Undo the steps done so far, in reverse order.
    #[default]
    Compensate,
    /// Retry until the step succeeds.
    Retry,
    /// Leave it to a batch job that cancels failed cases in bulk.
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
    One(SmolStr),
    Many(Vec<Located<SmolStr>>),
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
                Ok(OneOrMany::One(value.into()))
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
pub struct Entries<V>(pub Vec<(Located<SmolStr>, V)>);

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

impl JsonSchema for OneOrMany {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OneOrMany".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One name, or a list of names.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

impl JsonSchema for FieldType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FieldType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A type: string, int, decimal, bool, date, datetime, uuid, another data id, or [T] for a list of T.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "minItems": 1, "maxItems": 1, "items": { "$ref": "#/$defs/FieldType" } }
            ]
        })
    }
}

impl<V: JsonSchema> JsonSchema for Entries<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Entries_{}", V::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>()
        })
    }
}
