//! What the method derives from the SRD: aggregate candidates and their owners, the
//! domain events of each aggregate, and the messages of each type with their ends.
//!
//! Step 1 of the method: the main data of every asynchronous relation is an aggregate
//! candidate. Step 2: its state transitions are its domain events.

mod event_name;

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use smol_str::SmolStr;

pub use event_name::suggested_event;

use crate::model::{Model, RelationKind};

/// Everything derived from a model.
#[derive(Debug, Default, Serialize)]
pub struct Derived {
    pub aggregates: Vec<Aggregate>,
    pub events: Vec<Event>,
    pub commands: Vec<Command>,
    pub messages: Vec<Message>,
}

/// An aggregate candidate: data that crosses a service boundary asynchronously, or that
/// has a lifecycle.
#[derive(Debug, Serialize)]
pub struct Aggregate {
    pub id: SmolStr,
    pub name: SmolStr,
    pub owner: Option<SmolStr>,
    /// Declared under `data:` (false: only named by a relation).
    pub declared: bool,
    pub states: Vec<SmolStr>,
    /// Its domain events: lifecycle transitions, then the event relations about it.
    pub events: Vec<SmolStr>,
    /// Events that should follow the commands its owner handles, where neither the
    /// lifecycle nor the command's replies have them.
    pub suggested_events: Vec<SuggestedEvent>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct SuggestedEvent {
    pub command: SmolStr,
    pub event: SmolStr,
}

/// A domain event: who publishes it, who subscribes.
#[derive(Debug, Serialize)]
pub struct Event {
    pub name: SmolStr,
    pub aggregate: Option<SmolStr>,
    /// The one publisher (the first one when several publish it, which is a finding).
    pub publisher: Option<SmolStr>,
    pub publishers: Vec<SmolStr>,
    pub subscribers: Vec<SmolStr>,
    /// Indices of the `event` relations that carry it.
    #[serde(skip)]
    pub relations: Vec<usize>,
}

/// A command (1:1 asynchronous request) with its replies.
#[derive(Debug, Serialize)]
pub struct Command {
    pub name: SmolStr,
    pub aggregate: Option<SmolStr>,
    pub senders: Vec<SmolStr>,
    pub handler: Option<SmolStr>,
    pub handlers: Vec<SmolStr>,
    pub replies: Vec<SmolStr>,
    #[serde(skip)]
    pub relations: Vec<usize>,
}

/// A one-way message (SMS, e-mail): no reply.
#[derive(Debug, Serialize)]
pub struct Message {
    pub name: SmolStr,
    pub senders: Vec<SmolStr>,
    pub receivers: Vec<SmolStr>,
    #[serde(skip)]
    pub relations: Vec<usize>,
}

/// A synchronous call (REST, gRPC).
#[derive(Debug, Serialize)]
pub struct SyncCall {
    pub from: SmolStr,
    pub to: Vec<SmolStr>,
    pub operation: Option<SmolStr>,
}

/// Derives aggregates, events, commands and messages from the model (the sync calls,
/// which only the reports list, are [`sync_calls`]).
pub fn derive(model: &Model) -> Derived {
    let mut derived = Derived {
        commands: collect_commands(model),
        messages: collect_messages(model),
        ..Derived::default()
    };
    derived.aggregates = collect_aggregates(model, &derived.commands);
    derived.events = collect_events(model, &derived.aggregates);
    derived
}

/// Items in order of first appearance of their name, each once.
struct Ordered<'k, T> {
    items: Vec<T>,
    index: HashMap<&'k str, usize>,
}

impl<T> Default for Ordered<'_, T> {
    fn default() -> Self {
        Ordered {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<'k, T> Ordered<'k, T> {
    fn entry(&mut self, key: &'k str, make: impl FnOnce() -> T) -> &mut T {
        let next = self.items.len();
        let at = *self.index.entry(key).or_insert(next);
        if at == next {
            self.items.push(make());
        }
        &mut self.items[at]
    }

    fn into_items(self) -> Vec<T> {
        self.items
    }
}

/// The names sorted, each once.
fn sorted(mut names: Vec<SmolStr>) -> Vec<SmolStr> {
    names.sort_unstable();
    names.dedup();
    names
}

/// The data each asynchronous relation concerns, and the events about each, in one pass
/// over the relations (per-aggregate scans would be quadratic on a large SRD).
#[derive(Default)]
struct AsyncData<'m> {
    concerned: BTreeSet<&'m str>,
    events: HashMap<&'m str, Vec<&'m SmolStr>>,
}

impl<'m> AsyncData<'m> {
    fn of(model: &'m Model) -> Self {
        let mut index = AsyncData::default();
        for relation in model.relations.iter().filter(|r| r.kind.is_async()) {
            let Some(data) = &relation.data else { continue };
            index.concerned.insert(&data.value);
            if let (RelationKind::Event, Some(message)) = (relation.kind, &relation.message) {
                index
                    .events
                    .entry(&data.value)
                    .or_default()
                    .push(&message.value);
            }
        }
        index
    }
}

fn collect_aggregates(model: &Model, commands: &[Command]) -> Vec<Aggregate> {
    let async_data = AsyncData::of(model);
    let mut aggregates: Ordered<Aggregate> = Ordered::default();
    for data in &model.data {
        let is_async = async_data.concerned.contains(data.id.as_str());
        if !data.has_lifecycle() && !is_async && data.owner.is_none() {
            // A value object with no owner and no asynchronous relation: not an aggregate.
            continue;
        }
        aggregates.entry(&data.id.value, || Aggregate {
            id: data.id.value.clone(),
            name: data.name.as_ref().unwrap_or(&data.id).value.clone(),
            owner: data.owner.as_ref().map(|o| o.value.clone()),
            declared: true,
            states: data.states.iter().map(|s| s.value.clone()).collect(),
            events: Vec::new(),
            suggested_events: Vec::new(),
        });
    }
    for relation in model.relations.iter().filter(|r| r.kind.is_async()) {
        let Some(data) = &relation.data else { continue };
        let aggregate = aggregates.entry(&data.value, || Aggregate {
            id: data.value.clone(),
            name: data.value.clone(),
            owner: None,
            declared: false,
            states: Vec::new(),
            events: Vec::new(),
            suggested_events: Vec::new(),
        });
        // The owner, when not declared: the service that publishes its events, else the
        // service that handles the commands about it (it changes the data's state).
        if aggregate.owner.is_none() && relation.kind == RelationKind::Event {
            aggregate.owner = Some(relation.from.value.clone());
        }
    }
    for relation in model.relations_of(RelationKind::Command) {
        let Some(data) = &relation.data else { continue };
        if let Some(&at) = aggregates.index.get(data.value.as_str())
            && aggregates.items[at].owner.is_none()
            && relation.to.len() == 1
        {
            aggregates.items[at].owner = Some(relation.to[0].value.clone());
        }
    }
    // Commands grouped by aggregate once: scanning every command per aggregate is
    // quadratic on a large SRD.
    let mut commands_of: HashMap<&str, Vec<&Command>> = HashMap::new();
    for command in commands {
        if let Some(aggregate) = &command.aggregate {
            commands_of.entry(aggregate).or_default().push(command);
        }
    }
    let mut aggregates = aggregates.into_items();
    for aggregate in &mut aggregates {
        aggregate.events = aggregate_events(model, &aggregate.id, &async_data);
        let about = commands_of.get(aggregate.id.as_str());
        aggregate.suggested_events = suggestions(aggregate, about.map_or(&[], Vec::as_slice));
    }
    aggregates
}

fn aggregate_events(model: &Model, aggregate: &str, async_data: &AsyncData<'_>) -> Vec<SmolStr> {
    let mut events: Vec<SmolStr> = Vec::new();
    let mut seen = BTreeSet::new();
    let lifecycle = model
        .data(aggregate)
        .into_iter()
        .flat_map(|data| data.transitions.iter().map(|t| &t.event.value));
    let related = async_data
        .events
        .get(aggregate)
        .into_iter()
        .flatten()
        .copied();
    for event in lifecycle.chain(related) {
        if seen.insert(event) {
            events.push(event.clone());
        }
    }
    events
}

/// Commands handled by the aggregate's owner suggest the event that should follow them,
/// when the aggregate does not have it yet.
fn suggestions(aggregate: &Aggregate, commands: &[&Command]) -> Vec<SuggestedEvent> {
    let Some(owner) = &aggregate.owner else {
        return Vec::new();
    };
    commands
        .iter()
        .filter(|command| command.handlers.iter().any(|h| h == owner))
        .filter_map(|command| {
            let event = SmolStr::from(suggested_event(&command.name)?);
            let known = aggregate.events.contains(&event) || command.replies.contains(&event);
            (!known).then(|| SuggestedEvent {
                command: command.name.clone(),
                event,
            })
        })
        .collect()
}

fn collect_events(model: &Model, aggregates: &[Aggregate]) -> Vec<Event> {
    let mut events: Ordered<Event> = Ordered::default();
    let new_event = |name: &SmolStr, aggregate: Option<&SmolStr>| Event {
        name: name.clone(),
        aggregate: aggregate.cloned(),
        publisher: None,
        publishers: Vec::new(),
        subscribers: Vec::new(),
        relations: Vec::new(),
    };
    for aggregate in aggregates {
        for event in &aggregate.events {
            events.entry(event, || new_event(event, Some(&aggregate.id)));
        }
    }
    for relation in model.relations_of(RelationKind::Event) {
        let Some(message) = &relation.message else {
            continue;
        };
        let aggregate = relation.data.as_ref().map(|d| &d.value);
        let event = events.entry(&message.value, || new_event(&message.value, aggregate));
        event.relations.push(relation.index);
        // Collected as written, sorted and made unique below.
        event.publishers.push(relation.from.value.clone());
        event
            .subscribers
            .extend(relation.to.iter().map(|t| t.value.clone()));
    }
    let owners: HashMap<&str, &SmolStr> = aggregates
        .iter()
        .filter_map(|a| Some((a.id.as_str(), a.owner.as_ref()?)))
        .collect();
    for event in &mut events.items {
        event.publishers = sorted(std::mem::take(&mut event.publishers));
        event.subscribers = sorted(std::mem::take(&mut event.subscribers));
        // A lifecycle event with no relation yet is published by the aggregate's owner.
        event.publisher = event
            .relations
            .first()
            .map(|&index| model.relations[index].from.value.clone())
            .or_else(|| {
                event
                    .aggregate
                    .as_deref()
                    .and_then(|a| owners.get(a))
                    .map(|&owner| owner.clone())
            });
    }
    events.into_items()
}

fn collect_commands(model: &Model) -> Vec<Command> {
    let mut commands: Ordered<Command> = Ordered::default();
    for relation in model.relations_of(RelationKind::Command) {
        let Some(message) = &relation.message else {
            continue;
        };
        let command = commands.entry(&message.value, || Command {
            name: message.value.clone(),
            aggregate: relation.data.as_ref().map(|d| d.value.clone()),
            senders: Vec::new(),
            handler: relation.to.first().map(|t| t.value.clone()),
            handlers: Vec::new(),
            replies: Vec::new(),
            relations: Vec::new(),
        });
        command.relations.push(relation.index);
        for reply in relation.reply() {
            if !command.replies.contains(&reply.value) {
                command.replies.push(reply.value.clone());
            }
        }
        // Collected as written, sorted and made unique below.
        command.senders.push(relation.from.value.clone());
        command
            .handlers
            .extend(relation.to.iter().map(|t| t.value.clone()));
    }
    for command in &mut commands.items {
        command.senders = sorted(std::mem::take(&mut command.senders));
        command.handlers = sorted(std::mem::take(&mut command.handlers));
    }
    commands.into_items()
}

fn collect_messages(model: &Model) -> Vec<Message> {
    let mut messages: Ordered<Message> = Ordered::default();
    for relation in model.relations_of(RelationKind::Message) {
        let Some(name) = &relation.message else {
            continue;
        };
        let message = messages.entry(&name.value, || Message {
            name: name.value.clone(),
            senders: Vec::new(),
            receivers: Vec::new(),
            relations: Vec::new(),
        });
        message.relations.push(relation.index);
        // Collected as written, sorted and made unique below.
        message.senders.push(relation.from.value.clone());
        message
            .receivers
            .extend(relation.to.iter().map(|t| t.value.clone()));
    }
    for message in &mut messages.items {
        message.senders = sorted(std::mem::take(&mut message.senders));
        message.receivers = sorted(std::mem::take(&mut message.receivers));
    }
    messages.into_items()
}

/// The synchronous calls, in spec order, as the reports list them (the other renderers
/// read the sync relations from the model).
pub fn sync_calls(model: &Model) -> Vec<SyncCall> {
    model
        .relations_of(RelationKind::Sync)
        .map(|relation| SyncCall {
            from: relation.from.value.clone(),
            to: relation.to.iter().map(|t| t.value.clone()).collect(),
            operation: relation.operation.as_ref().map(|o| o.value.clone()),
        })
        .collect()
}
