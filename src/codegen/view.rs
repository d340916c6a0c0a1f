//! The view the templates render: every identifier resolved (romanized, escaped,
//! disambiguated), every Rust type written out, in spec order, built an item at a time
//! ([`View`]).

use smol_str::SmolStr;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::concerns::ConcernsIndex;
use super::sorted::values_of;
use crate::analysis::Analysis;
use crate::model::{Data, FieldType, Model, OnFailure, SagaStyle, ServiceKind};
use crate::names::{Case, Idents, package_name, stable_words, unique, unraw};
use crate::saga::CompensationPath;

#[derive(Debug, Serialize)]
pub struct DataType {
    pub ident: SmolStr,
    pub wire: SmolStr,
    pub doc: Vec<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    // `SmolStr`s: identifiers, names and types are short, and stored inline they spare
    // a heap block each (a workspace has tens of thousands of fields).
    pub ident: SmolStr,
    pub wire: SmolStr,
    /// Whether serde needs `rename` (the identifier differs from the spec's name).
    pub rename: bool,
    /// The type inside the contracts crate's `generated` module.
    pub ty: SmolStr,
    pub doc: Option<String>,
    #[serde(skip)]
    data: Option<SmolStr>,
}

/// What names a message type: cheap to make, unlike its fields and doc comment (a
/// template that lists the messages by name never needs those).
#[derive(Debug, Serialize)]
pub struct MessageHead {
    pub ident: SmolStr,
    pub wire: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct MessageType {
    pub ident: SmolStr,
    pub wire: SmolStr,
    pub doc: Vec<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize)]
pub struct ReplyEnum {
    pub ident: SmolStr,
    pub command: SmolStr,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub ident: SmolStr,
    pub wire: SmolStr,
    /// The type, as a path from a service crate.
    pub ty: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct ServiceCrate {
    #[serde(flatten)]
    pub head: ServiceHead,
    pub aggregates: Vec<AggregateView>,
    pub commands: Vec<CommandHandler>,
    pub subscriptions: Vec<Subscription>,
    pub reply_handlers: Vec<ReplyHandler>,
    pub outbound: Vec<OutboundView>,
    pub orchestrations: Vec<Orchestration>,
    pub choreographies: Vec<Choreography>,
}

/// What names a service crate: cheap to make, unlike the rest of it.
#[derive(Debug, Serialize)]
pub struct ServiceHead {
    pub id: SmolStr,
    pub label: SmolStr,
    pub package: SmolStr,
    pub lib: SmolStr,
    /// Folder, relative to the workspace.
    pub dir: SmolStr,
    pub contracts_package: SmolStr,
    /// The name service crates use for the contracts crate (`contracts`).
    pub contracts_lib: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct AggregateView {
    pub ident: SmolStr,
    pub test_ident: SmolStr,
    pub wire: SmolStr,
    pub doc: Vec<String>,
    /// The contracts data struct it holds, when the data is declared.
    pub data_ty: Option<SmolStr>,
    pub lifecycle: Option<Lifecycle>,
}

#[derive(Debug, Serialize)]
pub struct Lifecycle {
    pub state_ident: SmolStr,
    pub event_ident: SmolStr,
    pub states: Vec<StateView>,
    pub events: Vec<LifecycleEvent>,
    /// Match arms of `apply`, in spec order.
    pub arms: Vec<Arm>,
    /// Every (state, event) pair is legal: `apply` needs no rejecting arm.
    pub complete: bool,
    /// Some events copy no field: the copy `match` needs a catch-all arm.
    pub copy_catch_all: bool,
    /// Legal transitions for the tests: (from expression, event index, to ident).
    pub legal: Vec<(SmolStr, usize, SmolStr)>,
}

#[derive(Debug, Serialize)]
pub struct StateView {
    pub ident: SmolStr,
    pub wire: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct LifecycleEvent {
    pub ident: SmolStr,
    pub wire: SmolStr,
    pub ty: SmolStr,
    /// Fields of the aggregate's data that the event carries: copied on apply.
    pub copies: Vec<CopyField>,
}

#[derive(Debug, Serialize)]
pub struct CopyField {
    pub ident: SmolStr,
    /// `false` for `Copy` types (`bool`, `i64`): no `.clone()` needed.
    pub clone: bool,
}

#[derive(Debug, Serialize)]
pub struct Arm {
    /// `None`, or `Some(State::A | State::B)`.
    pub from: SmolStr,
    pub event: SmolStr,
    pub to: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct CommandHandler {
    pub trait_ident: SmolStr,
    /// The trait's method: distinct across the service, so one type can implement
    /// every handler without ambiguous calls.
    pub method: SmolStr,
    pub ty: SmolStr,
    pub wire: SmolStr,
    pub senders: Vec<SmolStr>,
    /// `()` when the command declares no reply.
    pub reply_ty: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct Subscription {
    pub trait_ident: SmolStr,
    /// The trait's method: distinct across the service, so one type can implement
    /// every handler without ambiguous calls.
    pub method: SmolStr,
    pub ty: SmolStr,
    pub wire: SmolStr,
    /// `event` or `message`.
    pub kind: SmolStr,
    pub from: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct ReplyHandler {
    pub trait_ident: SmolStr,
    /// The trait's method: distinct across the service, so one type can implement
    /// every handler without ambiguous calls.
    pub method: SmolStr,
    pub ty: SmolStr,
    pub command: SmolStr,
    pub handler: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct OutboundView {
    pub variant: SmolStr,
    pub method: SmolStr,
    pub ty: SmolStr,
    pub wire: SmolStr,
    /// `event`, `command` or `message`.
    pub kind: SmolStr,
    pub to: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct Orchestration {
    pub ident: SmolStr,
    pub test_ident: SmolStr,
    pub action_ident: SmolStr,
    pub wire: SmolStr,
    pub label: SmolStr,
    pub actions: Vec<StateView>,
    pub steps: Vec<SagaStep>,
    pub paths: Vec<PathView>,
}

#[derive(Debug, Serialize)]
pub struct SagaStep {
    pub number: usize,
    pub service: SmolStr,
    pub action: SmolStr,
    pub action_wire: SmolStr,
    /// The go/no-go step.
    pub pivot: bool,
    pub retried: bool,
    /// Expected outcome of its failure: `retry`, `compensate` or `abort`.
    pub on_failure: SmolStr,
    pub compensations: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct PathView {
    pub failed_step: usize,
    pub actions: Vec<SmolStr>,
    pub wires: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct Choreography {
    pub trait_ident: SmolStr,
    pub test_ident: SmolStr,
    pub paths_fn: SmolStr,
    pub wire: SmolStr,
    pub label: SmolStr,
    pub methods: Vec<ChoreographyMethod>,
    pub paths: Vec<PathView>,
}

#[derive(Debug, Serialize)]
pub struct ChoreographyMethod {
    pub ident: SmolStr,
    pub number: usize,
    pub wire: SmolStr,
    /// The event that triggers it (the previous step's `emits`).
    pub trigger_ty: Option<SmolStr>,
    pub trigger_wire: Option<SmolStr>,
    /// The event it emits, or `()`.
    pub output_ty: SmolStr,
    pub compensation_of: Option<usize>,
}

/// Doc comment lines for a text (one per line, trimmed at the end).
fn doc_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_owned()).collect()
}

/// Owned copies of names, for a view the templates read.
fn strings_of(names: &[String]) -> Vec<SmolStr> {
    names.iter().map(SmolStr::from).collect()
}

fn list(names: &[impl AsRef<str>]) -> String {
    if names.is_empty() {
        return "nobody yet".to_owned();
    }
    let mut list = String::new();
    for name in names {
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push('`');
        list.push_str(name.as_ref());
        list.push('`');
    }
    list
}

/// What a message name is, in the derivations: each role adds a line to its doc comment.
/// (Indices are `u32`: a workspace has tens of thousands of messages, and a spec within
/// the size limit has far fewer than 2^32 elements.)
#[derive(Debug, Clone, Copy)]
enum Role {
    /// `derived.events[_]`.
    Event(u32),
    /// `derived.commands[_]`.
    Command(u32),
    /// A reply to `derived.commands[_]`.
    Reply(u32),
    /// `derived.messages[_]`.
    Message(u32),
}

/// A message name, resolved once: its identifier and the words it is made of.
#[derive(Debug)]
struct MessageEntry {
    name: SmolStr,
    ident: SmolStr,
    /// The [`stable_words`] of its name, space-separated (one inline string rather than
    /// a list of them): handler and method identifiers are made of them.
    words: SmolStr,
    /// When no relation carries it: the data (`model.data[_]`) whose lifecycle it is
    /// an event of first, whose fields it carries.
    lifecycle: Option<u32>,
}

impl MessageEntry {
    fn words(&self) -> impl Iterator<Item = &str> {
        self.words.split(' ').filter(|word| !word.is_empty())
    }
}

/// What a service crate repeats of a message name, in handlers, ports and lifecycles.
struct MessageNames {
    words: Vec<String>,
    /// Its type, as a path from a service crate.
    ty: String,
}

/// A data's identifiers: its struct's, and its fields', in the order of its fields.
#[derive(Debug)]
struct DataIdents {
    ident: SmolStr,
    fields: Box<[SmolStr]>,
}

/// Positions in a list of uniquely named elements, sorted by name, to find an element
/// by name with a binary search: 4 bytes an element, a fraction of a hash map's memory
/// for lists of tens of thousands.
#[derive(Debug, Default)]
struct ByName(Vec<u32>);

impl ByName {
    fn new<'a>(len: usize, name_of: impl Fn(usize) -> &'a str) -> ByName {
        let mut order: Vec<u32> = (0..len as u32).collect();
        order.sort_unstable_by(|&a, &b| name_of(a as usize).cmp(name_of(b as usize)));
        ByName(order)
    }

    /// The position of the element named `name`.
    fn find<'a>(&self, name: &str, name_of: impl Fn(usize) -> &'a str) -> Option<usize> {
        let found = self
            .0
            .binary_search_by(|&at| name_of(at as usize).cmp(name));
        found.ok().map(|at| self.0[at] as usize)
    }
}

/// The view the templates render, resolved once and built an item at a time.
///
/// Everything that has to be decided over the whole workspace is decided here, up
/// front: the packages, the data and message identifiers (each unique in its module),
/// the reply enums, what concerns each service. A service crate, a data or message
/// type is built from these tables when asked for ([`View::service`],
/// [`View::data_type`], [`View::message_type`]), so that memory holds the tables and
/// the item being rendered, never the whole workspace (at 5,000 services the whole
/// view was 73 MB, more than the analysis it is made from). Items are built the same
/// way each time: the same spec gives the same bytes.
///
/// It owns its tables (no borrowed keys) and shares the analysis, because the
/// templates read the lists as objects, which must be `'static`.
pub struct View {
    analysis: Arc<Analysis>,
    system: SmolStr,
    contracts_package: SmolStr,
    /// The name service crates use for the contracts crate (`contracts`): short paths,
    /// the same in every workspace (`package = ...` in their Cargo.toml).
    contracts_lib: SmolStr,
    /// The identifiers of `model.data`, in the same order.
    data_idents: Vec<DataIdents>,
    /// Every message name, in spec order.
    messages: Vec<MessageEntry>,
    /// `messages` by name.
    messages_by_name: ByName,
    /// (message, role), by message: its doc comment's lines.
    message_roles: Vec<(u32, Role)>,
    /// (message, relation in `model.relations`), by message: the relations that carry
    /// it, whose fields it carries.
    message_relations: Vec<(u32, u32)>,
    /// The reply enums: (index in `derived.commands`, identifier), in command order.
    replies: Vec<(usize, SmolStr)>,
    /// Command name -> its reply enum's identifier.
    reply_idents: HashMap<SmolStr, SmolStr>,
    /// The service crates: (index in `model.services`, package), in spec order.
    services: Vec<(usize, SmolStr)>,
    /// What each crate lists.
    concerns: ConcernsIndex,
}

/// The lists of the view, built an item at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// The service crates ([`View::service`]).
    Services,
    /// The contracts' data types ([`View::data_type`]).
    Data,
    /// The contracts' message types ([`View::message_type`]).
    Messages,
    /// The contracts' reply enums ([`View::reply_enum`]).
    Replies,
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("system", &self.system)
            .field("services", &self.services.len())
            .field("messages", &self.messages.len())
            .finish_non_exhaustive()
    }
}

/// A name's words between fixed words: `on` + `order placed` + `reply`.
fn phrase<'w>(before: &[&'w str], words: &'w [impl AsRef<str>], after: &[&'w str]) -> Vec<&'w str> {
    let mut phrase = Vec::with_capacity(before.len() + words.len() + after.len());
    phrase.extend_from_slice(before);
    phrase.extend(words.iter().map(AsRef::as_ref));
    phrase.extend_from_slice(after);
    phrase
}

/// The elements at `indices`, in that order.
fn pick<'e, T>(elements: &'e [T], indices: &'e [usize]) -> impl Iterator<Item = &'e T> {
    indices.iter().map(|&at| &elements[at])
}

fn allocate_package(used: &mut BTreeSet<String>, words: Vec<String>) -> String {
    unique(used, package_name(&words), '-')
}

impl View {
    /// Resolves the workspace-wide tables of `analysis`.
    pub fn new(analysis: Arc<Analysis>) -> View {
        let model = &analysis.model;
        let system = model.system_name();
        let system_words = stable_words(&system);
        let mut packages = BTreeSet::new();
        let contracts_package = allocate_package(
            &mut packages,
            [system_words.clone(), vec!["contracts".into()]].concat(),
        );
        let services = model
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == ServiceKind::Service)
            .map(|(at, service)| {
                let words = stable_words(service.code_or_id());
                let package =
                    allocate_package(&mut packages, [system_words.clone(), words].concat());
                (at, SmolStr::from(package))
            })
            .collect();
        let data_idents = data_idents(model);
        let Messages {
            list: messages,
            roles: message_roles,
            relations: message_relations,
        } = message_entries(&analysis);
        let messages_by_name = ByName::new(messages.len(), |at| &messages[at].name);
        let (replies, reply_idents) = reply_idents(&analysis, |name| {
            messages_by_name
                .find(name, |at| &messages[at].name)
                .map(|at| &messages[at])
        });
        let concerns = ConcernsIndex::new(&analysis, |id| model.service_position(id));
        View {
            system: system.into(),
            contracts_package: contracts_package.into(),
            contracts_lib: "contracts".into(),
            data_idents,
            messages,
            messages_by_name,
            message_roles,
            message_relations,
            replies,
            reply_idents,
            services,
            concerns,
            analysis,
        }
    }

    /// The system's name as written in the spec.
    pub fn system(&self) -> &SmolStr {
        &self.system
    }

    /// The contracts crate's package.
    pub fn contracts_package(&self) -> &SmolStr {
        &self.contracts_package
    }

    /// The contracts crate's library name.
    pub fn contracts_crate_lib(&self) -> SmolStr {
        self.contracts_package.replace('-', "_").into()
    }

    /// How many items a list of the view has.
    pub fn len(&self, list: List) -> usize {
        match list {
            List::Services => self.services.len(),
            List::Data => self.analysis.model.data.len(),
            List::Messages => self.messages.len(),
            List::Replies => self.replies.len(),
        }
    }

    /// The `at`th data type of the contracts crate.
    pub fn data_type(&self, at: usize) -> Option<DataType> {
        let data = self.analysis.model.data.get(at)?;
        let mut doc = vec![format!("Data `{}` ({}).", data.id.value, data.label())];
        if let Some(owner) = &data.owner {
            doc.push(format!("Owned by the `{}` service.", owner.value));
        }
        if let Some(description) = &data.description {
            doc.push(String::new());
            doc.extend(doc_lines(description));
        }
        let fields = data
            .fields
            .iter()
            .map(|f| self.field(at, &f.name.value))
            .collect();
        Some(DataType {
            ident: self.data_idents[at].ident.clone(),
            wire: data.id.value.clone(),
            doc,
            fields,
        })
    }

    /// The `at`th message type of the contracts crate.
    pub fn message_type(&self, at: usize) -> Option<MessageType> {
        // Its names are its head's: a template that reads only those gets the same.
        let MessageHead { ident, wire } = self.message_head(at)?;
        let mut doc = vec![format!("`{wire}`")];
        let mut roles = values_of(&self.message_roles, at).peekable();
        if roles.peek().is_some() {
            doc.push(String::new());
        }
        doc.extend(roles.map(|role| self.role_doc(role)));
        Some(MessageType {
            ident,
            wire,
            doc,
            fields: self.message_fields(at),
        })
    }

    /// The name and wire name of the `at`th message type.
    pub fn message_head(&self, at: usize) -> Option<MessageHead> {
        let entry = self.messages.get(at)?;
        Some(MessageHead {
            ident: entry.ident.clone(),
            wire: entry.name.clone(),
        })
    }

    /// The `at`th reply enum of the contracts crate.
    pub fn reply_enum(&self, at: usize) -> Option<ReplyEnum> {
        let (command, ident) = self.replies.get(at)?;
        let command = &self.analysis.derived.commands[*command];
        let variants = command
            .replies
            .iter()
            .filter_map(|reply| {
                let message = self.message(reply)?;
                Some(Variant {
                    ident: message.ident.clone(),
                    wire: reply.clone(),
                    ty: format!("super::messages::{}", message.ident).into(),
                })
            })
            .collect();
        Some(ReplyEnum {
            ident: ident.clone(),
            command: command.name.clone(),
            variants,
        })
    }

    /// The line a role adds to a message's doc comment.
    fn role_doc(&self, role: Role) -> String {
        let derived = &self.analysis.derived;
        match role {
            Role::Event(at) => {
                let event = &derived.events[at as usize];
                let aggregate = event
                    .aggregate
                    .as_deref()
                    .map_or(String::new(), |a| format!(" of aggregate `{a}`"));
                format!(
                    "Domain event{aggregate}: published by {}; consumed by {}.",
                    list(event.publisher.as_slice()),
                    list(&event.subscribers)
                )
            }
            Role::Command(at) => {
                let command = &derived.commands[at as usize];
                format!(
                    "Command: sent by {}; handled by {}.",
                    list(&command.senders),
                    list(&command.handlers)
                )
            }
            Role::Reply(at) => {
                let command = &derived.commands[at as usize];
                format!(
                    "Reply to `{}`: sent by {}; consumed by {}.",
                    command.name,
                    list(&command.handlers),
                    list(&command.senders)
                )
            }
            Role::Message(at) => {
                let message = &derived.messages[at as usize];
                format!(
                    "One-way message: sent by {}; received by {}.",
                    list(&message.senders),
                    list(&message.receivers)
                )
            }
        }
    }

    /// A message's fields: those of the relations that carry it, else those of the
    /// data whose lifecycle it is an event of. A reply that is also an event carries
    /// the event's fields.
    fn message_fields(&self, at: usize) -> Vec<FieldView> {
        let model = self.model();
        let mut fields = Vec::new();
        let mut relations = values_of(&self.message_relations, at).peekable();
        if relations.peek().is_some() {
            for relation in relations {
                let relation = &model.relations[relation as usize];
                merge_fields(&mut fields, self.relation_fields(relation));
            }
        } else if let Some(data) = self.messages[at].lifecycle {
            let data = data as usize;
            let all = model.data[data]
                .fields
                .iter()
                .map(|f| self.field(data, &f.name.value))
                .collect();
            merge_fields(&mut fields, all);
        }
        fields
    }

    /// The identifiers of the data with this id.
    fn data_idents_of(&self, id: &str) -> Option<&DataIdents> {
        Some(&self.data_idents[self.model().data_position(id)?])
    }

    /// The identifier of a field of the data at `data` in `model.data`.
    fn field_ident(&self, data: usize, name: &str) -> Option<&SmolStr> {
        // The last field of that name, as a map from names filled in order would say.
        let fields = &self.model().data[data].fields;
        let field = fields.iter().rposition(|f| f.name.value == name)?;
        Some(&self.data_idents[data].fields[field])
    }

    /// A field of a data, typed.
    fn field(&self, at: usize, name: &str) -> FieldView {
        let data = &self.model().data[at];
        let ident = self
            .field_ident(at, name)
            .cloned()
            .unwrap_or_else(|| Idents::new(Case::Snake).name(name).into());
        let (ty, doc) = match data.field(name) {
            Some(field) => self.rust_type(&field.ty, &data.id.value, true),
            None => (
                "String".to_owned(),
                Some(format!("`{name}` is not a field of `{}`.", data.id.value)),
            ),
        };
        FieldView {
            rename: unraw(&ident) != name,
            ident,
            wire: name.into(),
            ty: ty.into(),
            doc,
            data: Some(data.id.value.clone()),
        }
    }

    /// The Rust type of a field type, as a path inside the contracts `generated`
    /// module; `direct` is false inside a list (a `Vec` needs no box).
    fn rust_type(&self, ty: &FieldType, owner: &str, direct: bool) -> (String, Option<String>) {
        match ty {
            FieldType::List(inner) => {
                let (inner, doc) = self.rust_type(inner, owner, false);
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
                match self.data_idents_of(name) {
                    Some(idents) if direct && self.reaches(name, owner) => (
                        format!("Option<Box<super::data::{}>>", idents.ident),
                        Some(format!(
                            "Optional and boxed: `{name}` refers back to `{owner}`."
                        )),
                    ),
                    Some(idents) => (format!("super::data::{}", idents.ident), None),
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
    fn reaches(&self, from: &str, to: &str) -> bool {
        let model = &self.analysis.model;
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            if current == to {
                return true;
            }
            if !seen.insert(current.clone()) {
                continue;
            }
            if let Some(data) = model.data(&current) {
                for field in &data.fields {
                    if let FieldType::Named(name) = &field.ty
                        && model.data(name).is_some()
                    {
                        stack.push(name.to_string());
                    }
                }
            }
        }
        false
    }

    /// The fields a relation carries: its payload, else every field of its data.
    fn relation_fields(&self, relation: &crate::model::Relation) -> Vec<FieldView> {
        let model = self.model();
        let Some(at) = relation
            .data
            .as_ref()
            .and_then(|d| model.data_position(&d.value))
        else {
            return Vec::new();
        };
        match relation.payload() {
            Some(payload) => payload
                .iter()
                .map(|name| self.field(at, &name.value))
                .collect(),
            None => model.data[at]
                .fields
                .iter()
                .map(|f| self.field(at, &f.name.value))
                .collect(),
        }
    }

    /// The message entry of a name, if the name is a message.
    fn message(&self, name: &str) -> Option<&MessageEntry> {
        self.message_at(name).map(|at| &self.messages[at])
    }

    /// The position of a message name in `messages`.
    fn message_at(&self, name: &str) -> Option<usize> {
        self.messages_by_name
            .find(name, |at| &self.messages[at].name)
    }

    /// What a service crate repeats of a message name: its words and its type (for a
    /// name that is no message, which does not pass the analysis, the name's words).
    fn names_of(&self, name: &str) -> MessageNames {
        match self.message(name) {
            Some(entry) => MessageNames {
                words: entry.words().map(str::to_owned).collect(),
                ty: self.message_path(&entry.ident),
            },
            None => MessageNames {
                words: stable_words(name),
                ty: self.message_path("X"),
            },
        }
    }

    /// The type of a message name, as a path from a service crate.
    fn message_ty(&self, name: &str) -> String {
        self.message_path(self.message(name).map_or("X", |entry| entry.ident.as_str()))
    }

    fn message_path(&self, ident: &str) -> String {
        format!("{}::generated::messages::{ident}", self.contracts_lib)
    }

    /// The reply enum of a command, as a path from a service crate.
    fn reply_ty(&self, command: &str) -> Option<String> {
        let ident = self.reply_idents.get(command)?;
        Some(format!(
            "{}::generated::replies::{ident}",
            self.contracts_lib
        ))
    }

    fn model(&self) -> &Model {
        &self.analysis.model
    }

    /// The `at`th service crate.
    pub fn service(&self, at: usize) -> Option<ServiceCrate> {
        let head = self.service_head(at)?;
        let service = &self.model().services[self.services[at].0];
        Some(self.service_crate(service, head))
    }

    /// What names the `at`th service crate.
    pub fn service_head(&self, at: usize) -> Option<ServiceHead> {
        let (service, package) = self.services.get(at)?;
        let service = &self.model().services[*service];
        let prefix = self
            .contracts_package
            .trim_end_matches("contracts")
            .trim_end_matches('-');
        let folder = package
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('-'))
            .unwrap_or(package);
        Some(ServiceHead {
            id: service.id.value.clone(),
            label: service.label().into(),
            package: package.clone(),
            lib: package.replace('-', "_").into(),
            dir: format!("services/{folder}").into(),
            contracts_package: self.contracts_package.clone(),
            contracts_lib: self.contracts_lib.clone(),
        })
    }

    fn service_crate(&self, service: &crate::model::Service, head: ServiceHead) -> ServiceCrate {
        let id = service.id.value.as_str();
        let derived = &self.analysis.derived;
        let concerns = self
            .model()
            .service_position(id)
            .map(|at| self.concerns.of(at))
            .unwrap_or_default();
        // aggregates
        let mut aggregate_idents = Idents::types();
        aggregate_idents.reserve("IllegalTransition");
        let owned: Vec<_> = pick(&derived.aggregates, &concerns.owned_aggregates).collect();
        let bases: Vec<String> = owned
            .iter()
            .map(|a| {
                let data = self.model().data(&a.id);
                aggregate_idents.name(data.map_or(a.id.as_str(), |d| d.code_or_id()))
            })
            .collect();
        let mut test_idents = Idents::new(Case::Snake);
        test_idents.reserve("in_memory_outbox_records_what_is_sent");
        let aggregates = owned
            .iter()
            .zip(bases)
            .map(|(aggregate, ident)| {
                let mut view = self.aggregate(aggregate, ident, &mut aggregate_idents);
                view.test_ident = test_idents
                    .words(&phrase(&[], &stable_words(&view.ident), &["lifecycle"]))
                    .into();
                view
            })
            .collect();
        // inbound handlers
        let mut handler_idents = Idents::types();
        handler_idents.reserve("HandlerError");
        let mut method_idents = Idents::new(Case::Snake);
        let commands = pick(&derived.commands, &concerns.handled_commands)
            .map(|command| {
                let names = self.names_of(&command.name);
                let words = phrase(&["handle"], &names.words, &[]);
                CommandHandler {
                    trait_ident: handler_idents.words(&words).into(),
                    method: method_idents.words(&words).into(),
                    ty: names.ty.as_str().into(),
                    wire: command.name.clone(),
                    senders: command.senders.clone(),
                    reply_ty: self
                        .reply_ty(&command.name)
                        .unwrap_or_else(|| "()".to_owned())
                        .into(),
                }
            })
            .collect();
        let mut subscriptions: Vec<Subscription> = Vec::new();
        for event in pick(&derived.events, &concerns.subscribed_events) {
            let names = self.names_of(&event.name);
            let words = phrase(&["on"], &names.words, &[]);
            subscriptions.push(Subscription {
                trait_ident: handler_idents.words(&words).into(),
                method: method_idents.words(&words).into(),
                ty: names.ty.as_str().into(),
                wire: event.name.clone(),
                kind: "event".into(),
                from: event.publishers.clone(),
            });
        }
        for message in pick(&derived.messages, &concerns.received_messages) {
            let names = self.names_of(&message.name);
            let words = phrase(&["on"], &names.words, &[]);
            subscriptions.push(Subscription {
                trait_ident: handler_idents.words(&words).into(),
                method: method_idents.words(&words).into(),
                ty: names.ty.as_str().into(),
                wire: message.name.clone(),
                kind: "message".into(),
                from: message.senders.clone(),
            });
        }
        let reply_handlers = pick(&derived.commands, &concerns.sent_commands)
            .filter_map(|command| {
                let reply_ty = self.reply_ty(&command.name)?;
                let names = self.names_of(&command.name);
                let words = phrase(&["on"], &names.words, &["reply"]);
                Some(ReplyHandler {
                    trait_ident: handler_idents.words(&words).into(),
                    method: method_idents.words(&words).into(),
                    ty: reply_ty.into(),
                    command: command.name.clone(),
                    handler: command.handlers.clone(),
                })
            })
            .collect();
        // outbound
        let mut variants = Idents::new(Case::Pascal);
        let mut methods = Idents::new(Case::Snake);
        let mut outbound = Vec::new();
        let mut push = |name: &str, kind: &str, verb: &str, to: Vec<SmolStr>| {
            let names = self.names_of(name);
            outbound.push(OutboundView {
                variant: variants.words(&names.words).into(),
                method: methods.words(&phrase(&[verb], &names.words, &[])).into(),
                ty: names.ty.as_str().into(),
                wire: name.into(),
                kind: kind.into(),
                to,
            });
        };
        for event in pick(&derived.events, &concerns.published_events) {
            push(&event.name, "event", "publish", event.subscribers.clone());
        }
        for command in pick(&derived.commands, &concerns.sent_commands) {
            push(&command.name, "command", "send", command.handlers.clone());
        }
        for message in pick(&derived.messages, &concerns.sent_messages) {
            push(&message.name, "message", "send", message.receivers.clone());
        }
        // sagas
        let mut saga_idents = Idents::types();
        saga_idents.reserve("SagaStatus");
        saga_idents.reserve("StepFailed");
        let mut fn_idents = Idents::new(Case::Snake);
        let mut orchestrations = Vec::new();
        let mut choreographies = Vec::new();
        for &at in &concerns.sagas {
            let saga = &self.model().sagas[at];
            let paths = &self.analysis.compensation_paths[at];
            let words = stable_words(saga.code_or_id());
            match saga.style {
                SagaStyle::Orchestration
                    if saga.orchestrator.as_ref().map(|o| o.value.as_str()) == Some(id) =>
                {
                    let ident = saga_idents.words(&phrase(&[], &words, &["saga"]));
                    let action_ident = saga_idents.words(&phrase(&[], &words, &["action"]));
                    let mut view = orchestration(saga, paths, ident, action_ident);
                    view.test_ident = test_idents
                        .words(&phrase(&[], &words, &["compensations"]))
                        .into();
                    orchestrations.push(view);
                }
                SagaStyle::Choreography if saga.steps.iter().any(|s| s.service.value == id) => {
                    let trait_ident = saga_idents.words(&phrase(&[], &words, &["steps"]));
                    let paths_fn = fn_idents.words(&phrase(&[], &words, &["compensation", "path"]));
                    let mut view = self.choreography(saga, paths, id, trait_ident, paths_fn);
                    view.test_ident = test_idents
                        .words(&phrase(&[], &words, &["compensation", "order"]))
                        .into();
                    choreographies.push(view);
                }
                _ => {}
            }
        }
        ServiceCrate {
            head,
            aggregates,
            commands,
            subscriptions,
            reply_handlers,
            outbound,
            orchestrations,
            choreographies,
        }
    }

    fn aggregate(
        &self,
        aggregate: &crate::derive::Aggregate,
        ident: String,
        idents: &mut Idents,
    ) -> AggregateView {
        let data = self.model().data(&aggregate.id);
        let data_ty = data.map(|d| {
            format!(
                "{}::generated::data::{}",
                self.contracts_lib,
                self.data_idents_of(&d.id.value)
                    .map_or("X", |idents| &idents.ident)
            )
        });
        let mut doc = vec![format!(
            "Aggregate `{}` ({}), owned by this service.",
            aggregate.id, aggregate.name
        )];
        if let Some(description) = data.and_then(|d| d.description.as_ref()) {
            doc.push(String::new());
            doc.extend(doc_lines(description));
        }
        let lifecycle = data
            .filter(|d| !d.transitions.is_empty())
            .map(|data| self.lifecycle(data, &ident, idents));
        AggregateView {
            ident: ident.into(),
            test_ident: SmolStr::default(),
            wire: aggregate.id.clone(),
            doc,
            data_ty: data_ty.map(SmolStr::from),
            lifecycle,
        }
    }

    fn lifecycle(&self, data: &Data, ident: &str, idents: &mut Idents) -> Lifecycle {
        let words = stable_words(ident);
        let state_ident = idents.words(&phrase(&[], &words, &["state"]));
        let event_ident = idents.words(&phrase(&[], &words, &["event"]));
        // States: declared, then any a transition names without declaring it.
        let mut state_names: Vec<&str> = data.states.iter().map(|s| s.value.as_str()).collect();
        for transition in &data.transitions {
            for state in transition.from.iter().chain([&transition.to]) {
                if !state_names.contains(&state.value.as_str()) {
                    state_names.push(&state.value);
                }
            }
        }
        let mut variant_idents = Idents::new(Case::Pascal);
        let states: Vec<StateView> = state_names
            .iter()
            .map(|s| StateView {
                ident: variant_idents.name(s).into(),
                wire: (*s).into(),
            })
            .collect();
        let state_of = |name: &str| {
            states
                .iter()
                .find(|s| s.wire == name)
                .map_or("X", |s| s.ident.as_str())
        };
        let data_at = self.model().data_position(&data.id.value);
        let mut event_names: Vec<&str> = Vec::new();
        for transition in &data.transitions {
            if !event_names.contains(&transition.event.value.as_str()) {
                event_names.push(&transition.event.value);
            }
        }
        let events: Vec<LifecycleEvent> = event_names
            .iter()
            .map(|name| {
                // The fields the event carries that are this aggregate's own (same data,
                // same identifier): `apply` takes them over.
                let message = self.message_at(name);
                let fields = message.map_or_else(Vec::new, |at| self.message_fields(at));
                let copies = fields
                    .iter()
                    .filter(|field| {
                        field.data.as_deref() == Some(data.id.value.as_str())
                            && data_at.and_then(|at| self.field_ident(at, &field.wire))
                                == Some(&field.ident)
                    })
                    .map(|field| CopyField {
                        ident: field.ident.clone(),
                        clone: !matches!(field.ty.as_str(), "bool" | "i64"),
                    })
                    .collect();
                let ident = message.map(|at| &self.messages[at].ident);
                LifecycleEvent {
                    ident: ident.cloned().unwrap_or_default(),
                    wire: (*name).into(),
                    ty: self.message_path(ident.map_or("X", SmolStr::as_str)).into(),
                    copies,
                }
            })
            .collect();
        let event_of = |name: &str| {
            events
                .iter()
                .position(|e| e.wire == name)
                .unwrap_or_default()
        };
        // Arms: a (from, event) pair is decided by its first transition in spec order.
        let mut decided: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
        let mut arms = Vec::new();
        let mut legal = Vec::new();
        for transition in &data.transitions {
            let event = transition.event.value.as_str();
            let froms: Vec<Option<&str>> = if transition.from.is_empty() {
                vec![None]
            } else {
                transition
                    .from
                    .iter()
                    .map(|f| Some(f.value.as_str()))
                    .collect()
            };
            let new: Vec<Option<&str>> = froms
                .into_iter()
                .filter(|f| decided.insert((*f, event)))
                .collect();
            if new.is_empty() {
                continue;
            }
            let to = state_of(&transition.to.value).to_owned();
            let from_expr = |f: Option<&str>| match f {
                None => "None".to_owned(),
                Some(s) => format!("Some({state_ident}::{})", state_of(s)),
            };
            for &f in &new {
                legal.push((from_expr(f).into(), event_of(event), to.as_str().into()));
            }
            let (creating, existing): (Vec<Option<&str>>, Vec<Option<&str>>) =
                new.iter().partition(|f| f.is_none());
            let event_ident = events[event_of(event)].ident.clone();
            if !creating.is_empty() {
                arms.push(Arm {
                    from: "None".into(),
                    event: event_ident.clone(),
                    to: to.as_str().into(),
                });
            }
            if !existing.is_empty() {
                let alternatives: Vec<String> = existing
                    .iter()
                    .map(|f| format!("{state_ident}::{}", state_of(f.unwrap_or_default())))
                    .collect();
                arms.push(Arm {
                    from: format!("Some({})", alternatives.join(" | ")).into(),
                    event: event_ident,
                    to: to.into(),
                });
            }
        }
        let complete = decided.len() == (states.len() + 1) * events.len();
        let copy_catch_all = events.iter().any(|e| e.copies.is_empty());
        Lifecycle {
            state_ident: state_ident.into(),
            event_ident: event_ident.into(),
            states,
            events,
            arms,
            complete,
            copy_catch_all,
            legal,
        }
    }

    fn choreography(
        &self,
        saga: &crate::model::Saga,
        paths: &[CompensationPath],
        id: &str,
        trait_ident: String,
        paths_fn: String,
    ) -> Choreography {
        let mut methods = Idents::new(Case::Snake);
        let mut out = Vec::new();
        for (index, step) in saga.steps.iter().enumerate() {
            if step.service.value != id {
                continue;
            }
            let trigger = index
                .checked_sub(1)
                .and_then(|previous| saga.steps[previous].emits.as_ref());
            out.push(ChoreographyMethod {
                ident: methods.name(&step.action.value).into(),
                number: step.number,
                wire: step.action.value.clone(),
                trigger_ty: trigger.map(|t| self.message_ty(&t.value).into()),
                trigger_wire: trigger.map(|t| t.value.clone()),
                output_ty: step
                    .emits
                    .as_ref()
                    .map_or("()".into(), |e| self.message_ty(&e.value))
                    .into(),
                compensation_of: None,
            });
            if let Some(compensation) = step.compensation.as_ref().filter(|_| !step.read_only) {
                out.push(ChoreographyMethod {
                    ident: methods.name(&compensation.value).into(),
                    number: step.number,
                    wire: compensation.value.clone(),
                    trigger_ty: None,
                    trigger_wire: None,
                    output_ty: "()".into(),
                    compensation_of: Some(step.number),
                });
            }
        }
        Choreography {
            trait_ident: trait_ident.into(),
            test_ident: SmolStr::default(),
            paths_fn: paths_fn.into(),
            wire: saga.id.value.clone(),
            label: saga.label().into(),
            methods: out,
            paths: paths
                .iter()
                .map(|p| PathView {
                    failed_step: p.failed_step,
                    actions: Vec::new(),
                    wires: strings_of(&p.compensations),
                })
                .collect(),
        }
    }
}

/// Adds `fields` to a message's `merged` fields: a field already there (by name) is
/// skipped, an identifier already taken is made unique.
fn merge_fields(merged: &mut Vec<FieldView>, fields: Vec<FieldView>) {
    let mut used: BTreeSet<SmolStr> = merged.iter().map(|f| f.ident.clone()).collect();
    for mut field in fields {
        if merged.iter().any(|f| f.wire == field.wire) {
            continue;
        }
        if used.contains(&field.ident) {
            let mut idents = Idents::new(Case::Snake);
            for taken in &used {
                idents.reserve(taken);
            }
            field.ident = idents.name(&field.wire).into();
            field.rename = unraw(&field.ident) != field.wire;
        }
        used.insert(field.ident.clone());
        merged.push(field);
    }
}

fn orchestration(
    saga: &crate::model::Saga,
    paths: &[CompensationPath],
    ident: String,
    action_ident: String,
) -> Orchestration {
    let mut action_idents = Idents::new(Case::Pascal);
    let mut actions: Vec<StateView> = Vec::new();
    let mut action_of = |name: &str, actions: &mut Vec<StateView>| -> SmolStr {
        if let Some(found) = actions.iter().find(|a| a.wire == name) {
            return found.ident.clone();
        }
        let ident = SmolStr::from(action_idents.name(name));
        actions.push(StateView {
            ident: ident.clone(),
            wire: name.into(),
        });
        ident
    };
    let mut steps = Vec::new();
    for step in &saga.steps {
        let action = action_of(&step.action.value, &mut actions);
        if let Some(compensation) = &step.compensation {
            action_of(&compensation.value, &mut actions);
        }
        let path = paths.iter().find(|p| p.failed_step == step.number);
        let retried = step.on_failure == OnFailure::Retry;
        steps.push(SagaStep {
            number: step.number,
            service: step.service.value.clone(),
            action,
            action_wire: step.action.value.clone(),
            pivot: step.pivot,
            retried,
            on_failure: if retried {
                "retry"
            } else if path.is_some() {
                "compensate"
            } else {
                "abort"
            }
            .into(),
            compensations: path
                .map(|p| strings_of(&p.compensations))
                .unwrap_or_default(),
        });
    }
    let paths = paths
        .iter()
        .map(|p| PathView {
            failed_step: p.failed_step,
            actions: p
                .compensations
                .iter()
                .map(|c| action_of(c, &mut actions))
                .collect(),
            wires: strings_of(&p.compensations),
        })
        .collect();
    Orchestration {
        ident: ident.into(),
        test_ident: SmolStr::default(),
        action_ident: action_ident.into(),
        wire: saga.id.value.clone(),
        label: saga.label().into(),
        actions,
        steps,
        paths,
    }
}

/// The identifiers of every data's struct and fields, each unique in its scope, in the
/// order of `model.data`.
fn data_idents(model: &Model) -> Vec<DataIdents> {
    let mut idents = Idents::types();
    model
        .data
        .iter()
        .map(|data| {
            let ident = idents.name(data.code_or_id()).into();
            let mut field_idents = Idents::new(Case::Snake);
            let fields = data
                .fields
                .iter()
                .map(|f| field_idents.name(&f.name.value).into())
                .collect();
            DataIdents { ident, fields }
        })
        .collect()
}

/// Every message name with what the templates need of it.
struct Messages {
    /// In spec order: events, commands and their replies, one-way messages, what saga
    /// steps emit.
    list: Vec<MessageEntry>,
    /// (message, role), by message.
    roles: Vec<(u32, Role)>,
    /// (message, relation), by message.
    relations: Vec<(u32, u32)>,
}

/// Every message name, in spec order, with its roles, where its fields come from and
/// its identifier.
fn message_entries(analysis: &Analysis) -> Messages {
    let (model, derived) = (&analysis.model, &analysis.derived);
    let mut entries = Entries::default();
    for (at, event) in derived.events.iter().enumerate() {
        entries.role(&event.name, Role::Event(at as u32));
    }
    for (at, command) in derived.commands.iter().enumerate() {
        entries.role(&command.name, Role::Command(at as u32));
        for reply in &command.replies {
            entries.role(reply, Role::Reply(at as u32));
        }
    }
    for (at, message) in derived.messages.iter().enumerate() {
        entries.role(&message.name, Role::Message(at as u32));
    }
    for saga in &model.sagas {
        for step in &saga.steps {
            if let Some(emits) = &step.emits {
                entries.of(&emits.value);
            }
        }
    }
    let Entries {
        mut list,
        index,
        mut roles,
    } = entries;
    // Fields: the relations that carry the message, else a lifecycle event's data.
    let mut relations = Vec::new();
    for (at, relation) in model.relations.iter().enumerate() {
        if let Some(message) = relation
            .message
            .as_ref()
            .filter(|_| relation.kind.is_async())
            && let Some(&entry) = index.get(message.value.as_str())
        {
            relations.push((entry, at as u32));
        }
    }
    let carried: HashSet<u32> = relations.iter().map(|&(entry, _)| entry).collect();
    for (at, data) in model.data.iter().enumerate() {
        for transition in &data.transitions {
            if let Some(&entry) = index.get(transition.event.value.as_str())
                && !carried.contains(&entry)
            {
                list[entry as usize].lifecycle.get_or_insert(at as u32);
            }
        }
    }
    let mut idents = Idents::types();
    for entry in &mut list {
        let words = stable_words(&entry.name);
        entry.ident = idents.words(&words).into();
        entry.words = words.join(" ").into();
    }
    // Stable sorts: each message's roles and relations stay in the order they were met.
    roles.sort_by_key(|&(entry, _)| entry);
    relations.sort_by_key(|&(entry, _)| entry);
    // Kept for the whole run: no spare capacity.
    list.shrink_to_fit();
    roles.shrink_to_fit();
    relations.shrink_to_fit();
    Messages {
        list,
        roles,
        relations,
    }
}

/// The message entries while they are collected.
#[derive(Default)]
struct Entries<'a> {
    list: Vec<MessageEntry>,
    index: HashMap<&'a str, u32>,
    roles: Vec<(u32, Role)>,
}

impl<'a> Entries<'a> {
    /// The position of a name's entry, added (at the end) when new.
    fn of(&mut self, name: &'a SmolStr) -> u32 {
        *self.index.entry(name.as_str()).or_insert_with(|| {
            self.list.push(MessageEntry {
                name: name.clone(),
                ident: SmolStr::default(),
                words: SmolStr::default(),
                lifecycle: None,
            });
            (self.list.len() - 1) as u32
        })
    }

    fn role(&mut self, name: &'a SmolStr, role: Role) {
        let entry = self.of(name);
        self.roles.push((entry, role));
    }
}

/// The reply enums, (command index, identifier) in command order, and the identifier
/// by command name.
fn reply_idents<'m>(
    analysis: &Analysis,
    message: impl Fn(&str) -> Option<&'m MessageEntry>,
) -> (Vec<(usize, SmolStr)>, HashMap<SmolStr, SmolStr>) {
    let mut idents = Idents::types();
    let mut replies = Vec::new();
    let mut by_command = HashMap::new();
    for (at, command) in analysis.derived.commands.iter().enumerate() {
        if command.replies.is_empty() {
            continue;
        }
        let words = match message(&command.name) {
            Some(entry) => entry.words().map(str::to_owned).collect(),
            None => stable_words(&command.name),
        };
        let ident = SmolStr::from(idents.words(&phrase(&[], &words, &["reply"])));
        by_command.insert(command.name.clone(), ident.clone());
        replies.push((at, ident));
    }
    (replies, by_command)
}
