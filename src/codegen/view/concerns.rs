//! Which derived elements and sagas concern each service, gathered in one pass over
//! the derivations: filtering every derived list for each service would make
//! `generate` quadratic in the number of services.

use crate::analysis::Analysis;
use crate::model::SagaStyle;

/// Indices into `derived.aggregates`, `.commands`, `.events`, `.messages` and
/// `model.sagas`. Every list is in ascending order without repeats: the order the
/// service crate lists them in, which decides how clashing identifiers are numbered.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
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

/// What concerns each service, in the order of `model.services` (an id that names no
/// service concerns no crate).
pub(super) fn by_service(analysis: &Analysis) -> Vec<Concerns> {
    let (model, derived) = (&analysis.model, &analysis.derived);
    let mut all = vec![Concerns::default(); model.services.len()];
    let mut note = |service: &str, list: fn(&mut Concerns) -> &mut Vec<usize>, at: usize| {
        if let Some(service) = model.service_position(service) {
            let list = list(&mut all[service]);
            // Elements are met in ascending order: one that names a service twice is
            // the last one listed.
            if list.last() != Some(&at) {
                list.push(at);
            }
        }
    };
    for (at, aggregate) in derived.aggregates.iter().enumerate() {
        if let Some(owner) = &aggregate.owner {
            note(owner, |c| &mut c.owned_aggregates, at);
        }
    }
    for (at, command) in derived.commands.iter().enumerate() {
        for handler in &command.handlers {
            note(handler, |c| &mut c.handled_commands, at);
        }
        for sender in &command.senders {
            note(sender, |c| &mut c.sent_commands, at);
        }
    }
    for (at, event) in derived.events.iter().enumerate() {
        for subscriber in &event.subscribers {
            note(subscriber, |c| &mut c.subscribed_events, at);
        }
        for publisher in event.publisher.iter().chain(&event.publishers) {
            note(publisher, |c| &mut c.published_events, at);
        }
    }
    for (at, message) in derived.messages.iter().enumerate() {
        for receiver in &message.receivers {
            note(receiver, |c| &mut c.received_messages, at);
        }
        for sender in &message.senders {
            note(sender, |c| &mut c.sent_messages, at);
        }
    }
    for (at, saga) in model.sagas.iter().enumerate() {
        match saga.style {
            SagaStyle::Orchestration => {
                if let Some(orchestrator) = &saga.orchestrator {
                    note(&orchestrator.value, |c| &mut c.sagas, at);
                }
            }
            SagaStyle::Choreography => {
                for step in &saga.steps {
                    note(&step.service.value, |c| &mut c.sagas, at);
                }
            }
        }
    }
    all
}
