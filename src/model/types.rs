//! The model's elements. Each keeps the [`Span`] of the YAML node it came from.

use std::collections::HashMap;

use smol_str::SmolStr;

use crate::source::{FileId, SourceMap, Span};
pub use crate::spec::raw::{FieldType, OnFailure, RelationKind, SagaStyle, ServiceKind};

/// A name as the user wrote it, and where.
///
/// Ids and names are short, and a large spec has hundreds of thousands of them, most
/// repeated by the derivations: a [`SmolStr`] keeps up to 23 bytes inline (no
/// allocation) and clones a longer one by reference count.
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

/// One name or several (`to: billing`, `from: [active, suspended]`), as a slice.
///
/// Nearly every relation has one target and most transitions one source state: a `Vec`
/// would put each of those single names in a heap block of its own beside a 24-byte
/// header; here it stays inline, and only a list takes a block of exactly its length.
#[derive(Clone, Debug, PartialEq)]
pub enum NameList {
    One(Name),
    Many(Box<[Name]>),
}

impl NameList {
    /// No name.
    pub fn empty() -> Self {
        NameList::Many(Box::default())
    }
}

impl Default for NameList {
    fn default() -> Self {
        NameList::empty()
    }
}

impl std::ops::Deref for NameList {
    type Target = [Name];

    fn deref(&self) -> &[Name] {
        match self {
            NameList::One(name) => std::slice::from_ref(name),
            NameList::Many(names) => names,
        }
    }
}

impl std::ops::DerefMut for NameList {
    fn deref_mut(&mut self) -> &mut [Name] {
        match self {
            NameList::One(name) => std::slice::from_mut(name),
            NameList::Many(names) => names,
        }
    }
}

impl From<Vec<Name>> for NameList {
    fn from(names: Vec<Name>) -> Self {
        NameList::Many(names.into_boxed_slice())
    }
}

impl<'a> IntoIterator for &'a NameList {
    type Item = &'a Name;
    type IntoIter = std::slice::Iter<'a, Name>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
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
    pub sources: SourceMap,
    pub system: Option<Name>,
    pub targets: Targets,
    pub services: Vec<Service>,
    pub data: Vec<Data>,
    pub relations: Vec<Relation>,
    pub sagas: Vec<Saga>,
    /// The `rules:` map: severity overrides by rule name.
    pub rule_levels: Vec<RuleLevel>,
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
                .sources
                .files()
                .first()
                .and_then(|file| file.path.file_stem())
                .map(|stem| stem.to_string_lossy().into_owned())
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
    pub from: NameList,
    pub to: Name,
    pub span: Span,
}

#[derive(Debug)]
pub struct Relation {
    /// Position in the merged `relations` list (0-based), a stable handle.
    pub index: usize,
    pub span: Span,
    pub from: Name,
    pub to: NameList,
    pub kind: RelationKind,
    pub kind_span: Span,
    pub message: Option<Name>,
    pub data: Option<Name>,
    pub operation: Option<Name>,
    pub rate: Option<Number>,
    /// What only some relations have (`payload`, `needs`, `reply`, `description`), in
    /// one box: inline, those empty fields made up a third of every relation, and a
    /// large spec has tens of thousands of relations kept for the whole run.
    pub(super) details: Option<Box<RelationDetails>>,
}

/// The rarely written fields of a [`Relation`].
#[derive(Debug, Default)]
pub(super) struct RelationDetails {
    pub(super) payload: Option<Vec<Name>>,
    pub(super) needs: Vec<(Name, Vec<Name>)>,
    pub(super) reply: Vec<Name>,
    pub(super) reply_span: Option<Span>,
    pub(super) description: Option<String>,
}

impl RelationDetails {
    fn set_file(&mut self, file: FileId) {
        let RelationDetails {
            payload,
            needs,
            reply,
            reply_span,
            description: _,
        } = self;
        let needs = needs
            .iter_mut()
            .flat_map(|(consumer, fields)| std::iter::once(consumer).chain(fields.iter_mut()));
        let names = payload
            .iter_mut()
            .flatten()
            .chain(needs)
            .chain(reply.iter_mut());
        names.for_each(|name| name.span.set_file(file));
        if let Some(span) = reply_span {
            span.set_file(file);
        }
    }

    /// Boxed when one of the fields is written; most relations have none of them.
    pub(super) fn boxed(self) -> Option<Box<Self>> {
        let empty = self.payload.is_none()
            && self.needs.is_empty()
            && self.reply.is_empty()
            && self.reply_span.is_none()
            && self.description.is_none();
        (!empty).then(|| Box::new(self))
    }
}

impl Relation {
    /// Points every span of the relation into `file`. Relations are converted while their
    /// file is parsed, before the file has its place among the others.
    pub(super) fn set_file(&mut self, file: FileId) {
        // Taken apart field by field: a span added later cannot be missed here.
        let Relation {
            index: _,
            span,
            from,
            to,
            kind: _,
            kind_span,
            message,
            data,
            operation,
            rate,
            details,
        } = self;
        span.set_file(file);
        kind_span.set_file(file);
        let single = [
            Some(from),
            message.as_mut(),
            data.as_mut(),
            operation.as_mut(),
        ];
        let names = single.into_iter().flatten().chain(to.iter_mut());
        names.for_each(|name| name.span.set_file(file));
        if let Some(rate) = rate {
            rate.span.set_file(file);
        }
        if let Some(details) = details {
            details.set_file(file);
        }
    }

    /// Calls per request along this relation (default 1).
    pub fn rate(&self) -> f64 {
        self.rate.map_or(1.0, |rate| rate.value)
    }

    pub fn message_name(&self) -> Option<&str> {
        self.message.as_ref().map(Name::as_str)
    }

    /// The fields of `data` the message carries; `None`: all of them.
    pub fn payload(&self) -> Option<&[Name]> {
        self.details.as_ref()?.payload.as_deref()
    }

    /// Per consumer, the fields it needs.
    pub fn needs(&self) -> &[(Name, Vec<Name>)] {
        self.details.as_ref().map_or(&[], |d| &d.needs)
    }

    /// A command's replies (none written: empty).
    pub fn reply(&self) -> &[Name] {
        self.details.as_ref().map_or(&[], |d| &d.reply)
    }

    /// Where `reply:` is written.
    pub fn reply_span(&self) -> Option<Span> {
        self.details.as_ref()?.reply_span
    }

    pub fn description(&self) -> Option<&str> {
        self.details.as_ref()?.description.as_deref()
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

/// A severity override from the `rules:` map.
#[derive(Debug, Clone)]
pub struct RuleLevel {
    pub rule: &'static str,
    /// `None` turns the rule off.
    pub level: Option<crate::report::Severity>,
}
