//! Which derived elements and sagas concern each service, computed in one pass.
//!
//! Each service crate lists what it owns, handles, sends and takes part in. Filtering
//! every derived list for each service made `generate` quadratic in the number of
//! services; this index is built once and read per service.

use super::sorted::values_of;
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

/// The lists of [`Concerns`].
#[derive(Debug, Clone, Copy)]
enum List {
    OwnedAggregates,
    HandledCommands,
    SubscribedEvents,
    ReceivedMessages,
    SentCommands,
    PublishedEvents,
    SentMessages,
    Sagas,
}

impl Concerns {
    fn list(&mut self, list: List) -> &mut Vec<usize> {
        match list {
            List::OwnedAggregates => &mut self.owned_aggregates,
            List::HandledCommands => &mut self.handled_commands,
            List::SubscribedEvents => &mut self.subscribed_events,
            List::ReceivedMessages => &mut self.received_messages,
            List::SentCommands => &mut self.sent_commands,
            List::PublishedEvents => &mut self.published_events,
            List::SentMessages => &mut self.sent_messages,
            List::Sagas => &mut self.sagas,
        }
    }
}

/// What concerns every service: (service, (list, element)) pairs sorted by service,
/// each service's in the order they were met. Flat, because a [`Concerns`] for each of
/// thousands of services is a hash map entry and eight small lists each.
#[derive(Debug, Default)]
pub(super) struct ConcernsIndex(Vec<(u32, (List, u32))>);

impl ConcernsIndex {
    /// Indexes `analysis`; `service_at` says where a service id is in `model.services`
    /// (an id that names no service concerns no crate).
    pub fn new(analysis: &Analysis, service_at: impl Fn(&str) -> Option<usize>) -> Self {
        let derived = &analysis.derived;
        let mut pairs = Vec::new();
        let mut note = |service: &str, list: List, at: usize| {
            if let Some(service) = service_at(service) {
                pairs.push((service as u32, (list, at as u32)));
            }
        };
        for (at, aggregate) in derived.aggregates.iter().enumerate() {
            if let Some(owner) = &aggregate.owner {
                note(owner, List::OwnedAggregates, at);
            }
        }
        for (at, command) in derived.commands.iter().enumerate() {
            for handler in &command.handlers {
                note(handler, List::HandledCommands, at);
            }
            for sender in &command.senders {
                note(sender, List::SentCommands, at);
            }
        }
        for (at, event) in derived.events.iter().enumerate() {
            for subscriber in &event.subscribers {
                note(subscriber, List::SubscribedEvents, at);
            }
            for publisher in event.publisher.iter().chain(&event.publishers) {
                note(publisher, List::PublishedEvents, at);
            }
        }
        for (at, message) in derived.messages.iter().enumerate() {
            for receiver in &message.receivers {
                note(receiver, List::ReceivedMessages, at);
            }
            for sender in &message.senders {
                note(sender, List::SentMessages, at);
            }
        }
        for (at, saga) in analysis.model.sagas.iter().enumerate() {
            match saga.style {
                SagaStyle::Orchestration => {
                    if let Some(orchestrator) = &saga.orchestrator {
                        note(&orchestrator.value, List::Sagas, at);
                    }
                }
                SagaStyle::Choreography => {
                    for step in &saga.steps {
                        note(&step.service.value, List::Sagas, at);
                    }
                }
            }
        }
        // Stable: each service's pairs stay in the order met, so each list ascends.
        pairs.sort_by_key(|&(service, _)| service);
        pairs.shrink_to_fit();
        ConcernsIndex(pairs)
    }

    /// What concerns the service at `service` in `model.services`.
    pub fn of(&self, service: usize) -> Concerns {
        let mut concerns = Concerns::default();
        for (list, at) in values_of(&self.0, service) {
            let indices = concerns.list(list);
            // An element that names a service twice is listed once: elements are met in
            // ascending order, so comparing with the last one is enough.
            if indices.last() != Some(&(at as usize)) {
                indices.push(at as usize);
            }
        }
        concerns
    }
}
