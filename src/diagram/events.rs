//! Domain events: commands -> the aggregates that handle them -> their domain events ->
//! the services that subscribe. Aggregates sit in a group per owning service, so a
//! command visibly goes to its handler.

use std::collections::{BTreeMap, HashSet};

use smol_str::SmolStr;

use super::graph::{Direction, EdgeKind, Graph, GraphKind, GroupKind, Label, NodeKind};
use super::ids::Ids;
use super::srd::node_id;
use crate::derive::Derived;
use crate::model::Model;

pub fn build(model: &Model, derived: &Derived) -> Graph {
    let mut graph = Graph::new(
        GraphKind::Flow,
        format!("Domain events: {}", model.system_name()),
        Direction::LeftRight,
    );
    // At most: every aggregate, command, event and service, and a handler or publisher
    // edge per command and event plus one per subscriber.
    graph.reserve(
        derived.aggregates.len()
            + derived.commands.len()
            + derived.events.len()
            + model.services.len()
            + super::legend::MOST_NODES,
        derived.commands.len()
            + (derived.events.iter())
                .map(|event| 1 + event.subscribers.len())
                .sum::<usize>()
            + super::legend::MOST_EDGES,
    );
    let mut ids = Ids::default();
    // Commands and events are listed once each by name: their ids are not remembered.
    let owners = (derived.aggregates.iter())
        .filter(|aggregate| aggregate.owner.is_some())
        .count();
    ids.reserve(
        &[
            ("a", derived.aggregates.len()),
            ("owner", owners),
            ("s", model.services.len()),
        ],
        derived.commands.len() + derived.events.len(),
    );
    let mut owner_groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut owner_group = |graph: &mut Graph, ids: &mut Ids, owner: &str| -> usize {
        *owner_groups.entry(owner.to_owned()).or_insert_with(|| {
            let label = model.service(owner).map_or(owner, |s| s.label());
            let mut text = Label::new(label);
            if label != owner {
                text.push(owner);
            }
            graph.group(ids.id("owner", owner), text, GroupKind::Owner)
        })
    };

    // Aggregate id -> its node id and owner (a command's handler is named only when it
    // is not the owner).
    let mut aggregate_ids: BTreeMap<&str, (SmolStr, Option<&str>)> = BTreeMap::new();
    for aggregate in &derived.aggregates {
        let id = ids.id("a", aggregate_key(model, &aggregate.id));
        let group = aggregate
            .owner
            .as_deref()
            .map(|owner| owner_group(&mut graph, &mut ids, owner));
        let mut label = Label::new(&aggregate.name);
        if aggregate.name != aggregate.id {
            label.push(&aggregate.id);
        }
        graph.node(id.clone(), label, NodeKind::Aggregate, group);
        aggregate_ids.insert(&aggregate.id, (id, aggregate.owner.as_deref()));
    }

    // Services drawn as subscribers or handlers, once each (a set: a large spec has
    // thousands, each looked up for every event it subscribes to).
    let mut services: HashSet<SmolStr> = HashSet::with_capacity(model.services.len());
    let mut service = |graph: &mut Graph, ids: &mut Ids, name: &str| -> SmolStr {
        let id = node_id(model, ids, name);
        if !services.contains(&id) {
            services.insert(id.clone());
            let (label, kind) = match model.service(name) {
                Some(s) => {
                    let mut label = Label::new(s.label());
                    if s.label() != name {
                        label.push(name);
                    }
                    let kind = match s.kind {
                        crate::model::ServiceKind::Frontend => NodeKind::Frontend,
                        crate::model::ServiceKind::External => NodeKind::External,
                        crate::model::ServiceKind::Service => NodeKind::Service,
                    };
                    (label, kind)
                }
                None => (Label::new(name), NodeKind::Service),
            };
            graph.node(id.clone(), label, kind, None);
        }
        id
    };

    for command in &derived.commands {
        let id = ids.fresh("c", &command.name);
        let mut label = Label::new(&command.name);
        if !command.senders.is_empty() {
            label.push(&format!("from: {}", command.senders.join(", ")));
        }
        graph.node(id.clone(), label, NodeKind::Command, None);
        let aggregate = command
            .aggregate
            .as_deref()
            .and_then(|a| aggregate_ids.get(a));
        match (aggregate, &command.handler) {
            (Some((aggregate, owner)), _) => {
                let text = command.handler.as_deref().map_or(Label::default(), |h| {
                    // The group already says who owns the aggregate; name the handler
                    // only when it is another service.
                    if *owner == Some(h) {
                        Label::default()
                    } else {
                        Label::new(&format!("handled by {h}"))
                    }
                });
                graph.edge(id, aggregate.clone(), text, EdgeKind::Handles);
            }
            (None, Some(handler)) => {
                let handler = service(&mut graph, &mut ids, handler);
                graph.edge(id, handler, Label::default(), EdgeKind::Handles);
            }
            (None, None) => {}
        }
    }

    for event in &derived.events {
        let id = ids.fresh("e", &event.name);
        graph.node(id.clone(), Label::new(&event.name), NodeKind::Event, None);
        let source = event
            .aggregate
            .as_deref()
            .and_then(|a| aggregate_ids.get(a).map(|(id, _)| id.clone()))
            .or_else(|| {
                event
                    .publisher
                    .as_deref()
                    .map(|p| service(&mut graph, &mut ids, p))
            });
        if let Some(source) = source {
            graph.edge(source, id.clone(), Label::default(), EdgeKind::Publishes);
        }
        for subscriber in &event.subscribers {
            let to = service(&mut graph, &mut ids, subscriber);
            graph.edge(id.clone(), to, Label::default(), EdgeKind::Subscribes);
        }
    }
    super::legend::add(&mut graph, &mut ids);
    graph
}

/// Aggregates are data: their ASCII name is the data's `code:` where declared.
pub(super) fn aggregate_key<'a>(model: &'a Model, id: &'a str) -> &'a str {
    model.data(id).map_or(id, |data| data.code_or_id())
}
