//! A saga: its forward steps, and for each step that can fail the compensation path
//! that runs (in order) when it does.
//!
//! Mermaid gets a sequence diagram (commands and replies for an orchestration, events
//! for a choreography, a highlighted `break` block per failing step); DOT gets the steps
//! as a chain with the compensations drawn back beneath them.

use std::collections::{BTreeSet, HashMap};

use smol_str::SmolStr;

use super::graph::{
    Arrow, Direction, EdgeKind, Graph, GraphKind, Label, NodeKind, Participant, Sequence,
    SequenceItem,
};
use super::ids::Ids;
use crate::derive::{Derived, Event};
use crate::model::{Model, OnFailure, Relation, RelationKind, Saga, SagaStyle, Step};
use crate::saga::{CompensationPath, compensation_paths};

pub fn title(saga: &Saga) -> String {
    let style = match saga.style {
        SagaStyle::Orchestration => "orchestration",
        SagaStyle::Choreography => "choreography",
    };
    if saga.label() == saga.id.as_str() {
        format!("saga: {} ({style})", saga.id.value)
    } else {
        format!("saga: {} ({}, {style})", saga.label(), saga.id.value)
    }
}

fn step_text(step: &Step, with_undo: bool) -> String {
    let mut text = format!("{}. {}", step.number, step.action.value);
    if step.pivot {
        text.push_str(" [pivot]");
    }
    if let Some(compensation) = step
        .compensation
        .as_ref()
        .filter(|_| with_undo && !step.read_only)
    {
        text.push_str(&format!(" [undo: {}]", compensation.value));
    }
    if step.read_only {
        text.push_str(" [read-only]");
    }
    match step.on_failure {
        OnFailure::Retry => text.push_str(" [retry]"),
        OnFailure::BatchCancel => text.push_str(" [batch-cancel]"),
        OnFailure::Compensate => {}
    }
    text
}

fn service_label(model: &Model, id: &str) -> Label {
    match model.service(id) {
        Some(service) if service.label() != id => Label::new(service.label()).with(id),
        _ => Label::new(id),
    }
}

/// What sequence diagrams look up, indexed once for all sagas: scanning every relation
/// for each step of each saga would grow with sagas times relations.
pub struct Lookup<'m> {
    model: &'m Model,
    /// Command relations by (sender, message), in spec order.
    commands: HashMap<(&'m str, &'m str), Vec<&'m Relation>>,
    /// Domain events by name: the first of each name.
    events: HashMap<&'m str, &'m Event>,
}

impl<'m> Lookup<'m> {
    pub fn new(model: &'m Model, derived: &'m Derived) -> Self {
        let mut commands: HashMap<(&str, &str), Vec<&Relation>> = HashMap::new();
        for relation in model.relations_of(RelationKind::Command) {
            if let Some(message) = relation.message_name() {
                commands
                    .entry((relation.from.as_str(), message))
                    .or_default()
                    .push(relation);
            }
        }
        let mut events = HashMap::new();
        for event in &derived.events {
            events.entry(event.name.as_str()).or_insert(event);
        }
        Lookup {
            model,
            commands,
            events,
        }
    }
}

/// The sequence diagram.
pub fn sequence(lookup: &Lookup<'_>, saga: &Saga) -> Sequence {
    let model = lookup.model;
    let mut ids = Ids::default();
    let mut sequence = Sequence {
        title: title(saga),
        ..Sequence::default()
    };
    let participant = |sequence: &mut Sequence, ids: &mut Ids, service: &str| -> String {
        let id = ids.id("p", service);
        if !sequence.participants.iter().any(|p| p.id == id) {
            sequence.participants.push(Participant {
                id: id.to_string(),
                label: service_label(model, service),
            });
        }
        id.to_string()
    };
    let orchestrator = match saga.style {
        SagaStyle::Orchestration => saga
            .orchestrator
            .as_ref()
            .map(|o| participant(&mut sequence, &mut ids, o.as_str())),
        SagaStyle::Choreography => None,
    };
    for step in &saga.steps {
        participant(&mut sequence, &mut ids, step.service.as_str());
    }
    let paths = compensation_paths(saga);
    for (index, step) in saga.steps.iter().enumerate() {
        let service = participant(&mut sequence, &mut ids, step.service.as_str());
        let text = Label::wide(&step_text(step, true));
        // The failure branch goes right after the step (and its reply): a step that
        // fails emits nothing.
        let mut failure = paths
            .iter()
            .find(|p| p.failed_step == step.number)
            .map(|path| SequenceItem::Failure {
                label: Label::wide(&format!("step {} fails: compensate", step.number)),
                items: failure_items(saga, path, &service, orchestrator.as_deref(), &mut |s| {
                    participant(&mut sequence, &mut ids, s)
                }),
            });
        match &orchestrator {
            Some(orchestrator) if *orchestrator != service => {
                sequence.items.push(SequenceItem::Message {
                    from: orchestrator.clone(),
                    to: service.clone(),
                    label: text,
                    arrow: Arrow::Request,
                });
                let replies = replies(lookup, saga, step);
                if !replies.is_empty() {
                    sequence.items.push(SequenceItem::Message {
                        from: service.clone(),
                        to: orchestrator.clone(),
                        label: Label::wide(&replies.join(" | ")),
                        arrow: Arrow::Reply,
                    });
                }
                sequence.items.extend(failure.take());
            }
            _ => {
                // A local step of the orchestrator, or a choreography step.
                sequence.items.push(SequenceItem::Note {
                    over: vec![service.clone()],
                    label: text,
                });
                sequence.items.extend(failure.take());
                if let Some(event) = &step.emits {
                    let targets: Vec<SmolStr> = match saga.steps.get(index + 1) {
                        Some(next) => vec![next.service.value.clone()],
                        None => lookup
                            .events
                            .get(event.as_str())
                            .map(|e| e.subscribers.clone())
                            .unwrap_or_default(),
                    };
                    for target in targets {
                        let to = participant(&mut sequence, &mut ids, &target);
                        sequence.items.push(SequenceItem::Message {
                            from: service.clone(),
                            to,
                            label: Label::wide(&event.value),
                            arrow: Arrow::Async,
                        });
                    }
                }
            }
        }
        // Only when not pushed yet (a step with no reply).
        sequence.items.extend(failure.take());
    }
    sequence
}

fn failure_items(
    saga: &Saga,
    path: &CompensationPath,
    failed: &str,
    orchestrator: Option<&str>,
    participant: &mut dyn FnMut(&str) -> String,
) -> Vec<SequenceItem> {
    let mut items = Vec::new();
    let mut previous = failed.to_owned();
    for (compensation, number) in path.compensations.iter().zip(&path.compensated_steps) {
        let Some(step) = saga.steps.iter().find(|s| s.number == *number) else {
            continue;
        };
        let to = participant(step.service.as_str());
        // Orchestration: the orchestrator sends each compensation. Choreography: each
        // service reacts to the previous one.
        let from = orchestrator.map_or(previous.clone(), str::to_owned);
        items.push(SequenceItem::Message {
            from,
            to: to.clone(),
            label: Label::wide(&format!("{compensation} (undo step {number})")),
            arrow: Arrow::Compensation,
        });
        previous = to;
    }
    items
}

/// The replies of the command relation that backs an orchestration step (the first in
/// spec order).
fn replies<'m>(lookup: &Lookup<'m>, saga: &Saga, step: &Step) -> Vec<&'m str> {
    let Some(orchestrator) = &saga.orchestrator else {
        return Vec::new();
    };
    lookup
        .commands
        .get(&(orchestrator.as_str(), step.action.as_str()))
        .and_then(|relations| {
            relations
                .iter()
                .find(|r| r.to.iter().any(|t| t.value == step.service.value))
        })
        .map(|r| r.reply().iter().map(|reply| reply.as_str()).collect())
        .unwrap_or_default()
}

/// The chain: forward steps left to right, each compensation beneath its step, red
/// edges from each failing step back through its compensation path.
pub fn chain(model: &Model, saga: &Saga) -> Graph {
    let mut graph = Graph::new(GraphKind::Flow, title(saga), Direction::LeftRight);
    let paths = compensation_paths(saga);
    for step in &saga.steps {
        let kind = if step.pivot {
            NodeKind::Pivot
        } else if step.on_failure == OnFailure::Retry {
            NodeKind::RetryStep
        } else {
            NodeKind::Step
        };
        // The compensation has its own node beneath the step.
        let mut label = Label::new(&step_text(step, false));
        label.append(&service_label(model, step.service.as_str()));
        graph.node(step_id(step.number), label, kind, None);
    }
    for pair in saga.steps.windows(2) {
        graph.edge(
            step_id(pair[0].number),
            step_id(pair[1].number),
            Label::default(),
            EdgeKind::Forward,
        );
    }
    let compensated: BTreeSet<usize> = paths
        .iter()
        .flat_map(|p| p.compensated_steps.iter().copied())
        .collect();
    for step in saga
        .steps
        .iter()
        .filter(|s| compensated.contains(&s.number))
    {
        if let Some(compensation) = &step.compensation {
            graph.node(
                compensation_id(step.number),
                Label::new(&format!("undo {}: {}", step.number, compensation.value)),
                NodeKind::Compensation,
                None,
            );
            graph.side_by_side.push((
                step_id(step.number).into(),
                compensation_id(step.number).into(),
            ));
        }
    }
    let mut links: BTreeSet<(usize, usize)> = BTreeSet::new();
    for path in &paths {
        if let Some(first) = path.compensated_steps.first() {
            graph.edge(
                step_id(path.failed_step),
                compensation_id(*first),
                Label::new("fails"),
                EdgeKind::Fails,
            );
        }
        for pair in path.compensated_steps.windows(2) {
            links.insert((pair[0], pair[1]));
        }
    }
    for (from, to) in links.into_iter().rev() {
        graph.edge(
            compensation_id(from),
            compensation_id(to),
            Label::default(),
            EdgeKind::Compensates,
        );
    }
    graph
}

pub(super) fn step_id(number: usize) -> String {
    format!("step{number}")
}

pub(super) fn compensation_id(number: usize) -> String {
    format!("undo{number}")
}
