//! The view the templates render: every identifier resolved (romanized, escaped,
//! disambiguated), every Rust type written out, in spec order.

use smol_str::SmolStr;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::concerns::{self, Concerns};
use crate::analysis::Analysis;
use crate::model::{Data, FieldType, Model, OnFailure, SagaStyle, ServiceKind};
use crate::names::{Case, Idents, package_name, stable_words, unique, unraw};
use crate::saga::CompensationPath;

#[derive(Debug, Serialize)]
pub struct Workspace {
    /// The system's name as written in the spec.
    pub system: SmolStr,
    pub contracts: Contracts,
    pub services: Vec<ServiceCrate>,
}

#[derive(Debug, Serialize)]
pub struct Contracts {
    pub package: SmolStr,
    pub lib: SmolStr,
    pub data: Vec<DataType>,
    pub messages: Vec<MessageType>,
    pub replies: Vec<ReplyEnum>,
}

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
    pub id: SmolStr,
    pub label: SmolStr,
    pub package: SmolStr,
    pub lib: SmolStr,
    /// Folder, relative to the workspace.
    pub dir: SmolStr,
    pub contracts_package: SmolStr,
    /// The name service crates use for the contracts crate (`contracts`).
    pub contracts_lib: SmolStr,
    pub aggregates: Vec<AggregateView>,
    pub commands: Vec<CommandHandler>,
    pub subscriptions: Vec<Subscription>,
    pub reply_handlers: Vec<ReplyHandler>,
    pub outbound: Vec<OutboundView>,
    pub orchestrations: Vec<Orchestration>,
    pub choreographies: Vec<Choreography>,
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

/// The identifier source of an element: its `code:`, else its id.
/// A message name's roles, collected over the derivations.
#[derive(Default)]
struct Roles {
    doc: Vec<String>,
    fields: Vec<FieldView>,
    fields_known: bool,
}

/// The names of a message that service crates repeat in handlers, ports and lifecycles:
/// made once per message.
#[derive(Clone)]
struct MessageNames {
    /// The [`stable_words`] of its name: handler and method identifiers are made of them.
    words: Vec<String>,
    /// Its type, as a path from a service crate.
    ty: String,
}

struct Builder<'a> {
    model: &'a Model,
    analysis: &'a Analysis,
    /// Data id -> (struct ident, field idents by field name).
    data_idents: HashMap<&'a str, (String, HashMap<&'a str, String>)>,
    /// The contracts' message types, in spec order: services read their identifiers
    /// and fields here, then they move into the workspace.
    messages: Vec<MessageType>,
    /// What services repeat of each message, in the order of `messages`.
    message_names: Vec<MessageNames>,
    /// Message name -> its index in `messages`.
    message_index: HashMap<&'a str, usize>,
    /// Command name -> its reply enum, as a path from a service crate.
    reply_tys: HashMap<&'a str, String>,
    contracts_lib: String,
    /// Service id -> what its crate lists.
    concerns: HashMap<&'a str, Concerns>,
}

/// Builds the view of the whole workspace.
pub fn build(analysis: &Analysis) -> Workspace {
    let model = &analysis.model;
    let system = model.system_name();
    let system_words = stable_words(&system);
    let mut packages = BTreeSet::new();
    let contracts_package = allocate_package(
        &mut packages,
        [system_words.clone(), vec!["contracts".into()]].concat(),
    );
    let contracts_lib = contracts_package.replace('-', "_");
    let mut builder = Builder {
        model,
        analysis,
        data_idents: HashMap::new(),
        messages: Vec::new(),
        message_names: Vec::new(),
        message_index: HashMap::new(),
        reply_tys: HashMap::new(),
        // Service crates depend on the contracts under this name (`package = ...` in
        // their Cargo.toml): short paths, the same in every workspace.
        contracts_lib: "contracts".to_owned(),
        concerns: concerns::by_service(analysis),
    };
    let data = builder.data_types();
    let replies = builder.message_types();
    let services = model
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::Service)
        .map(|service| {
            let words = stable_words(service.code_or_id());
            let package = allocate_package(
                &mut packages,
                [system_words.clone(), words.clone()].concat(),
            );
            builder.service(service, package, &contracts_package)
        })
        .collect();
    let contracts = Contracts {
        package: contracts_package.into(),
        lib: contracts_lib.into(),
        data,
        messages: builder.messages,
        replies,
    };
    Workspace {
        system: system.into(),
        contracts,
        services,
    }
}

/// A name's words between fixed words: `on` + `order placed` + `reply`.
fn phrase<'w>(before: &[&'w str], words: &'w [String], after: &[&'w str]) -> Vec<&'w str> {
    let mut phrase = Vec::with_capacity(before.len() + words.len() + after.len());
    phrase.extend_from_slice(before);
    phrase.extend(words.iter().map(String::as_str));
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

impl<'a> Builder<'a> {
    fn data_types(&mut self) -> Vec<DataType> {
        let model = self.model;
        let mut idents = Idents::types();
        for data in &model.data {
            let ident = idents.name(data.code_or_id());
            let mut fields = Idents::new(Case::Snake);
            let by_name = data
                .fields
                .iter()
                .map(|f| (f.name.value.as_str(), fields.name(&f.name.value)))
                .collect();
            self.data_idents
                .insert(data.id.value.as_str(), (ident, by_name));
        }
        model
            .data
            .iter()
            .map(|data| {
                let ident = self.data_idents[data.id.value.as_str()].0.clone();
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
                    .map(|f| self.field(data, &f.name.value))
                    .collect();
                DataType {
                    ident: ident.into(),
                    wire: data.id.value.clone(),
                    doc,
                    fields,
                }
            })
            .collect()
    }

    /// A field of a data, typed.
    fn field(&self, data: &Data, name: &str) -> FieldView {
        let ident = self
            .data_idents
            .get(data.id.value.as_str())
            .and_then(|(_, fields)| fields.get(name))
            .cloned()
            .unwrap_or_else(|| Idents::new(Case::Snake).name(name));
        let (ty, doc) = match data.field(name) {
            Some(field) => self.rust_type(&field.ty, &data.id.value, true),
            None => (
                "String".to_owned(),
                Some(format!("`{name}` is not a field of `{}`.", data.id.value)),
            ),
        };
        FieldView {
            rename: unraw(&ident) != name,
            ident: ident.into(),
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
                match self.data_idents.get(name.as_str()) {
                    Some((ident, _)) if direct && self.reaches(name, owner) => (
                        format!("Option<Box<super::data::{ident}>>"),
                        Some(format!(
                            "Optional and boxed: `{name}` refers back to `{owner}`."
                        )),
                    ),
                    Some((ident, _)) => (format!("super::data::{ident}"), None),
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
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(current) = stack.pop() {
            if current == to {
                return true;
            }
            if !seen.insert(current.clone()) {
                continue;
            }
            if let Some(data) = self.model.data(&current) {
                for field in &data.fields {
                    if let FieldType::Named(name) = &field.ty
                        && self.model.data(name).is_some()
                    {
                        stack.push(name.clone());
                    }
                }
            }
        }
        false
    }

    /// The fields a relation carries: its payload, else every field of its data.
    fn relation_fields(&self, relation: &crate::model::Relation) -> Vec<FieldView> {
        let Some(data) = relation
            .data
            .as_ref()
            .and_then(|d| self.model.data(&d.value))
        else {
            return Vec::new();
        };
        match relation.payload() {
            Some(payload) => payload
                .iter()
                .map(|name| self.field(data, &name.value))
                .collect(),
            None => data
                .fields
                .iter()
                .map(|f| self.field(data, &f.name.value))
                .collect(),
        }
    }

    /// Fills `messages` (every message name, in spec order) and returns the reply enums.
    fn message_types(&mut self) -> Vec<ReplyEnum> {
        let analysis = self.analysis;
        let derived = &analysis.derived;
        let model = self.model;
        let mut order: Vec<&str> = Vec::new();
        let mut roles: HashMap<&str, Roles> = HashMap::new();
        fn role<'r, 'n>(
            order: &mut Vec<&'n str>,
            roles: &'r mut HashMap<&'n str, Roles>,
            name: &'n str,
        ) -> &'r mut Roles {
            roles.entry(name).or_insert_with(|| {
                order.push(name);
                Roles::default()
            })
        }
        for event in &derived.events {
            let entry = role(&mut order, &mut roles, &event.name);
            let aggregate = event
                .aggregate
                .as_deref()
                .map_or(String::new(), |a| format!(" of aggregate `{a}`"));
            entry.doc.push(format!(
                "Domain event{aggregate}: published by {}; consumed by {}.",
                list(event.publisher.as_slice()),
                list(&event.subscribers)
            ));
        }
        for command in &derived.commands {
            role(&mut order, &mut roles, &command.name)
                .doc
                .push(format!(
                    "Command: sent by {}; handled by {}.",
                    list(&command.senders),
                    list(&command.handlers)
                ));
            for reply in &command.replies {
                role(&mut order, &mut roles, reply).doc.push(format!(
                    "Reply to `{}`: sent by {}; consumed by {}.",
                    command.name,
                    list(&command.handlers),
                    list(&command.senders)
                ));
            }
        }
        for message in &derived.messages {
            role(&mut order, &mut roles, &message.name)
                .doc
                .push(format!(
                    "One-way message: sent by {}; received by {}.",
                    list(&message.senders),
                    list(&message.receivers)
                ));
        }
        for saga in &model.sagas {
            for step in &saga.steps {
                if let Some(emits) = &step.emits {
                    role(&mut order, &mut roles, &emits.value);
                }
            }
        }
        // Fields: the relations that carry the message, else a lifecycle event's data.
        for relation in model.relations.iter().filter(|r| r.kind.is_async()) {
            let Some(message) = &relation.message else {
                continue;
            };
            let fields = self.relation_fields(relation);
            if let Some(entry) = roles.get_mut(message.value.as_str()) {
                merge_fields(entry, fields);
            }
        }
        for data in &model.data {
            for transition in &data.transitions {
                if let Some(entry) = roles.get_mut(transition.event.value.as_str())
                    && !entry.fields_known
                {
                    let fields = data
                        .fields
                        .iter()
                        .map(|f| self.field(data, &f.name.value))
                        .collect();
                    merge_fields(entry, fields);
                }
            }
        }
        // A reply that is also an event carries the event's fields (already merged).
        let mut idents = Idents::types();
        for name in order {
            let words = stable_words(name);
            let ident = idents.words(&words);
            let entry = roles.remove(name).unwrap_or_default();
            let mut doc = vec![format!("`{name}`")];
            if !entry.doc.is_empty() {
                doc.push(String::new());
            }
            doc.extend(entry.doc);
            self.message_index.insert(name, self.messages.len());
            self.message_names.push(MessageNames {
                words,
                ty: self.message_path(&ident),
            });
            self.messages.push(MessageType {
                ident: ident.into(),
                wire: name.into(),
                doc,
                fields: entry.fields,
            });
        }
        let mut reply_idents = Idents::types();
        let mut replies = Vec::new();
        for command in derived.commands.iter().filter(|c| !c.replies.is_empty()) {
            let words = &self.names_of(&command.name).words;
            let ident = reply_idents.words(&phrase(&[], words, &["reply"]));
            let path = format!("{}::generated::replies::{ident}", self.contracts_lib);
            self.reply_tys.insert(command.name.as_str(), path);
            let variants = command
                .replies
                .iter()
                .map(|reply| {
                    let message = self.message(reply).expect("every reply is a message");
                    Variant {
                        ident: message.ident.clone(),
                        wire: reply.as_str().into(),
                        ty: format!("super::messages::{}", message.ident).into(),
                    }
                })
                .collect();
            replies.push(ReplyEnum {
                ident: ident.into(),
                command: command.name.clone(),
                variants,
            });
        }
        replies
    }

    /// The message type of a name, if the name is a message.
    fn message(&self, name: &str) -> Option<&MessageType> {
        self.message_index.get(name).map(|&at| &self.messages[at])
    }

    /// The names services repeat of a message: made once per message, except for a
    /// name that is no message (which does not pass the analysis).
    fn names_of(&self, name: &str) -> Cow<'_, MessageNames> {
        match self.message_index.get(name) {
            Some(&at) => Cow::Borrowed(&self.message_names[at]),
            None => Cow::Owned(MessageNames {
                words: stable_words(name),
                ty: self.message_path("X"),
            }),
        }
    }

    /// The type of a message name, as a path from a service crate.
    fn message_ty(&self, name: &str) -> String {
        match self.message_index.get(name) {
            Some(&at) => self.message_names[at].ty.clone(),
            None => self.message_path("X"),
        }
    }

    fn message_path(&self, ident: &str) -> String {
        format!("{}::generated::messages::{ident}", self.contracts_lib)
    }

    fn service(
        &self,
        service: &crate::model::Service,
        package: String,
        contracts_package: &str,
    ) -> ServiceCrate {
        let id = service.id.value.as_str();
        let derived = &self.analysis.derived;
        let nothing = Concerns::default();
        let concerns = self.concerns.get(id).unwrap_or(&nothing);
        let dir = format!(
            "services/{}",
            package
                .strip_prefix(&format!(
                    "{}-",
                    contracts_package
                        .trim_end_matches("contracts")
                        .trim_end_matches('-')
                ))
                .unwrap_or(&package)
        );
        // aggregates
        let mut aggregate_idents = Idents::types();
        aggregate_idents.reserve("IllegalTransition");
        let owned: Vec<_> = pick(&derived.aggregates, &concerns.owned_aggregates).collect();
        let bases: Vec<String> = owned
            .iter()
            .map(|a| {
                let data = self.model.data(&a.id);
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
                        .reply_tys
                        .get(command.name.as_str())
                        .map_or_else(|| "()".to_owned(), String::clone)
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
                let reply_ty = self.reply_tys.get(command.name.as_str())?;
                let names = self.names_of(&command.name);
                let words = phrase(&["on"], &names.words, &["reply"]);
                Some(ReplyHandler {
                    trait_ident: handler_idents.words(&words).into(),
                    method: method_idents.words(&words).into(),
                    ty: reply_ty.as_str().into(),
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
            let saga = &self.model.sagas[at];
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
            id: id.into(),
            label: service.label().into(),
            lib: package.replace('-', "_").into(),
            package: package.into(),
            dir: dir.into(),
            contracts_package: contracts_package.into(),
            contracts_lib: self.contracts_lib.as_str().into(),
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
        let data = self.model.data(&aggregate.id);
        let data_ty = data.map(|d| {
            format!(
                "{}::generated::data::{}",
                self.contracts_lib,
                self.data_idents[d.id.value.as_str()].0
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
        let (_, field_idents) = &self.data_idents[data.id.value.as_str()];
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
                let message = self.message(name);
                let copies = message
                    .into_iter()
                    .flat_map(|message| &message.fields)
                    .filter(|field| {
                        field.data.as_deref() == Some(data.id.value.as_str())
                            && field_idents.get(field.wire.as_str()).map(String::as_str)
                                == Some(field.ident.as_str())
                    })
                    .map(|field| CopyField {
                        ident: field.ident.clone(),
                        clone: !matches!(field.ty.as_str(), "bool" | "i64"),
                    })
                    .collect();
                LifecycleEvent {
                    ident: message.map(|m| m.ident.clone()).unwrap_or_default(),
                    wire: (*name).into(),
                    ty: self.message_ty(name).into(),
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

fn merge_fields(entry: &mut Roles, fields: Vec<FieldView>) {
    entry.fields_known = true;
    let mut used: BTreeSet<SmolStr> = entry.fields.iter().map(|f| f.ident.clone()).collect();
    for mut field in fields {
        if entry.fields.iter().any(|f| f.wire == field.wire) {
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
        entry.fields.push(field);
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
