//! Which derived elements and sagas concern each service, computed in one pass.
//!
//! Each service crate lists what it owns, handles, sends and takes part in. Filtering
//! every derived list for each service made `generate` quadratic in the number of
//! services; this index is built once and read per service.

use std::collections::HashMap;

use smol_str::SmolStr;

use crate::analysis::Analysis;
use crate::model::SagaStyle;

/// Indices into `derived.aggregates`, `.commands`, `.events`, `.messages` and
/// `model.sagas`. Every list is in ascending order without repeats: the order the
/// service crate lists them in, which decides how clashing identifiers are numbered.
#[derive(Debug, Default)]
pub(super) struct Concerns {
    pub owned_aggregates: Vec<usize>,
    pub handled_commands: Vec<usize>,
    pub subscribed_events: Vec<usize>,
    pub received_messages: Vec<usize>,
    /// Commands it sends: also those whose replies it handles.
    pub sent_commands: Vec<usize>,
    /// Events it publishes, as the aggregate's publisher or as one of the publishers.
    pub published_events: Vec<usize>,
    pub sent_messages: Vec<usize>,
    /// Sagas it orchestrates and choreographies it has a step in, in one list: both
    /// kinds share the service's saga identifiers, allocated in spec order.
    pub sagas: Vec<usize>,
}

/// Service id -> what concerns it. A service missing from the map is concerned by
/// nothing.
pub(super) fn by_service(analysis: &Analysis) -> HashMap<SmolStr, Concerns> {
    let derived = &analysis.derived;
    let mut index: HashMap<SmolStr, Concerns> = HashMap::new();
    for (at, aggregate) in derived.aggregates.iter().enumerate() {
        if let Some(owner) = &aggregate.owner {
            note(&mut index, owner, at, |c| &mut c.owned_aggregates);
        }
    }
    for (at, command) in derived.commands.iter().enumerate() {
        for handler in &command.handlers {
            note(&mut index, handler, at, |c| &mut c.handled_commands);
        }
        for sender in &command.senders {
            note(&mut index, sender, at, |c| &mut c.sent_commands);
        }
    }
    for (at, event) in derived.events.iter().enumerate() {
        for subscriber in &event.subscribers {
            note(&mut index, subscriber, at, |c| &mut c.subscribed_events);
        }
        for publisher in event.publisher.iter().chain(&event.publishers) {
            note(&mut index, publisher, at, |c| &mut c.published_events);
        }
    }
    for (at, message) in derived.messages.iter().enumerate() {
        for receiver in &message.receivers {
            note(&mut index, receiver, at, |c| &mut c.received_messages);
        }
        for sender in &message.senders {
            note(&mut index, sender, at, |c| &mut c.sent_messages);
        }
    }
    for (at, saga) in analysis.model.sagas.iter().enumerate() {
        match saga.style {
            SagaStyle::Orchestration => {
                if let Some(orchestrator) = &saga.orchestrator {
                    note(&mut index, &orchestrator.value, at, |c| &mut c.sagas);
                }
            }
            SagaStyle::Choreography => {
                for step in &saga.steps {
                    note(&mut index, &step.service.value, at, |c| &mut c.sagas);
                }
            }
        }
    }
    index
}

/// Records that element `at` concerns `service`, in the list `list` picks. Elements are
/// visited in ascending order, so a list only grows at its end: a service named twice by
/// one element is recorded once by comparing with the last index.
fn note(
    index: &mut HashMap<SmolStr, Concerns>,
    service: &SmolStr,
    at: usize,
    list: impl FnOnce(&mut Concerns) -> &mut Vec<usize>,
) {
    let indices = list(index.entry(service.clone()).or_default());
    if indices.last() != Some(&at) {
        indices.push(at);
    }
}
