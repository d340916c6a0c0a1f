//! The model's elements. Each keeps the [`Span`] of the YAML node it came from.

use std::collections::HashMap;

use smol_str::SmolStr;

use crate::source::Span;
pub use crate::spec::raw::{FieldType, OnFailure, RelationKind, SagaStyle, ServiceKind};

/// A name as the user wrote it, and where.
///
/// The derivations repeat names often: a [`SmolStr`] clones by reference count.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub value: SmolStr,
    pub span: Span,
}

impl Name {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A number as the user wrote it, and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct Model {
    pub system: Option<Name>,
    /// The first spec file's stem: the system's name when `system:` does not give one.
    pub(crate) first_stem: Option<String>,
    pub targets: Targets,
    pub services: Vec<Service>,
    pub data: Vec<Data>,
    pub relations: Vec<Relation>,
    pub sagas: Vec<Saga>,
    /// The `rules:` map as written: rule name -> level (`rules::config` reads it).
    pub rule_levels: Vec<(Name, Name)>,
    pub(crate) service_index: HashMap<SmolStr, usize>,
    pub(crate) data_index: HashMap<SmolStr, usize>,
    pub(crate) saga_index: HashMap<SmolStr, usize>,
}

impl Model {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.service_index
            .get(id)
            .map(|&index| &self.services[index])
    }

    pub fn data(&self, id: &str) -> Option<&Data> {
        self.data_index.get(id).map(|&index| &self.data[index])
    }

    /// Where the service with this id is in `services` (ids are unique there: a
    /// duplicate is reported and left out).
    pub fn service_position(&self, id: &str) -> Option<usize> {
        self.service_index.get(id).copied()
    }

    /// Where the data with this id is in `data`.
    pub fn data_position(&self, id: &str) -> Option<usize> {
        self.data_index.get(id).copied()
    }

    /// The system's name: `system:`, else the first spec file's stem.
    pub fn saga(&self, id: &str) -> Option<&Saga> {
        self.saga_index.get(id).map(|&index| &self.sagas[index])
    }

    pub fn system_name(&self) -> String {
        match &self.system {
            Some(name) => name.value.to_string(),
            None => self
                .first_stem
                .clone()
                .unwrap_or_else(|| "system".to_owned()),
        }
    }

    pub fn relations_of(&self, kind: RelationKind) -> impl Iterator<Item = &Relation> {
        self.relations
            .iter()
            .filter(move |relation| relation.kind == kind)
    }
}

#[derive(Debug, Default)]
pub struct Targets {
    pub availability: Option<Number>,
}

#[derive(Debug)]
pub struct Service {
    pub id: Name,
    pub name: Option<Name>,
    pub code: Option<Name>,
    pub kind: ServiceKind,
    pub kind_span: Option<Span>,
    pub database: Option<Name>,
    pub availability: Option<Number>,
    pub peak: Option<Number>,
    pub capacity: Option<Number>,
    pub description: Option<String>,
}

impl Service {
    /// The display label: `name:`, else the id.
    pub fn label(&self) -> &str {
        self.name
            .as_ref()
            .map_or(&self.id.value, |name| &name.value)
    }

    /// What outputs derive its ASCII identifiers from: `code:` where declared, else
    /// the id.
    pub fn code_or_id(&self) -> &str {
        self.code.as_ref().unwrap_or(&self.id).as_str()
    }
}

#[derive(Debug)]
pub struct Data {
    pub id: Name,
    pub name: Option<Name>,
    pub code: Option<Name>,
    pub owner: Option<Name>,
    pub fields: Vec<Field>,
    pub states: Vec<Name>,
    pub transitions: Vec<Transition>,
    pub description: Option<String>,
}

impl Data {
    pub fn label(&self) -> &str {
        self.name
            .as_ref()
            .map_or(&self.id.value, |name| &name.value)
    }

    /// What outputs derive its ASCII identifiers from: `code:` where declared, else
    /// the id.
    pub fn code_or_id(&self) -> &str {
        self.code.as_ref().unwrap_or(&self.id).as_str()
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name.value == name)
    }

    pub fn has_lifecycle(&self) -> bool {
        !self.states.is_empty() || !self.transitions.is_empty()
    }
}

#[derive(Debug)]
pub struct Field {
    pub name: Name,
    pub ty: FieldType,
    pub ty_span: Span,
}

/// One lifecycle transition: a domain event moving the aggregate `from` states `to` one.
/// No `from` means the transition creates the aggregate.
#[derive(Debug)]
pub struct Transition {
    pub event: Name,
    pub from: Vec<Name>,
    pub to: Name,
    pub span: Span,
}

#[derive(Debug)]
pub struct Relation {
    /// Position in the merged `relations` list (0-based), a stable handle.
    pub index: usize,
    pub span: Span,
    pub from: Name,
    pub to: Vec<Name>,
    pub kind: RelationKind,
    pub kind_span: Span,
    pub message: Option<Name>,
    pub data: Option<Name>,
    pub operation: Option<Name>,
    pub rate: Option<Number>,
    pub(super) payload: Option<Vec<Name>>,
    pub(super) needs: Vec<(Name, Vec<Name>)>,
    pub(super) reply: Vec<Name>,
    pub(super) reply_span: Option<Span>,
    pub(super) description: Option<String>,
}

impl Relation {
    /// Calls per request along this relation (default 1).
    pub fn rate(&self) -> f64 {
        self.rate.map_or(1.0, |rate| rate.value)
    }

    pub fn message_name(&self) -> Option<&str> {
        self.message.as_ref().map(Name::as_str)
    }

    /// The fields of `data` the message carries; `None`: all of them.
    pub fn payload(&self) -> Option<&[Name]> {
        self.payload.as_deref()
    }

    /// Per consumer, the fields it needs.
    pub fn needs(&self) -> &[(Name, Vec<Name>)] {
        &self.needs
    }

    /// A command's replies (none written: empty).
    pub fn reply(&self) -> &[Name] {
        &self.reply
    }

    /// Where `reply:` is written.
    pub fn reply_span(&self) -> Option<Span> {
        self.reply_span
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

#[derive(Debug)]
pub struct Saga {
    pub id: Name,
    pub name: Option<Name>,
    pub code: Option<Name>,
    pub style: SagaStyle,
    pub style_span: Span,
    pub orchestrator: Option<Name>,
    pub steps: Vec<Step>,
    pub description: Option<String>,
}

impl Saga {
    pub fn label(&self) -> &str {
        self.name
            .as_ref()
            .map_or(&self.id.value, |name| &name.value)
    }

    /// What outputs derive its ASCII identifiers from: `code:` where declared, else
    /// the id.
    pub fn code_or_id(&self) -> &str {
        self.code.as_ref().unwrap_or(&self.id).as_str()
    }

    /// Index of the pivot step (the first one, when several are marked).
    pub fn pivot(&self) -> Option<usize> {
        self.steps.iter().position(|step| step.pivot)
    }
}

#[derive(Debug)]
pub struct Step {
    /// 1-based, as in reports.
    pub number: usize,
    pub span: Span,
    pub service: Name,
    pub action: Name,
    pub compensation: Option<Name>,
    pub pivot: bool,
    pub pivot_span: Option<Span>,
    pub on_failure: OnFailure,
    pub on_failure_span: Option<Span>,
    pub emits: Option<Name>,
    pub read_only: bool,
}
