use std::collections::{HashMap, HashSet};

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Data, RelationKind};
use crate::rules::Context;

declare_rule! {
    /// An event about an aggregate whose lifecycle has no transition with that event.
    ///
    /// ## What it does
    /// For each `event` relation whose `data` declares `transitions`, checks that one of
    /// them publishes the relation's message. Reported once per (data, event).
    ///
    /// ## Why is this bad?
    /// A domain event is something that happened in an aggregate, published at a state
    /// transition (docs/method.md#domain-events-not-row-changes). An event outside the
    /// lifecycle is either a transition the lifecycle forgot, or not a domain event of
    /// that aggregate at all (a notification, a row change, another aggregate's event).
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   Contract:
    ///     states: [active, terminated]
    ///     transitions:
    ///       - { event: ContractOpened, to: active }
    ///       - { event: ContractTerminated, from: active, to: terminated }
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractSuspended, data: Contract }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     states: [active, suspended, terminated]
    ///     transitions:
    ///       - { event: ContractSuspended, from: active, to: suspended }
    /// ```
    pub static META = ("event-outside-lifecycle", Info);
}

/// Reports each (data, event) pair once, at its first relation.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let lifecycles: HashMap<&str, (&Data, HashSet<&str>)> = model
        .data
        .iter()
        .filter(|data| !data.transitions.is_empty())
        .map(|data| {
            let events = data.transitions.iter().map(|t| t.event.as_str()).collect();
            (data.id.as_str(), (data, events))
        })
        .collect();
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    for relation in model.relations_of(RelationKind::Event) {
        let (Some(message), Some(about)) = (&relation.message, &relation.data) else {
            continue;
        };
        let Some((data, events)) = lifecycles.get(about.as_str()) else {
            continue;
        };
        if events.contains(message.as_str()) || !reported.insert((about.as_str(), message.as_str()))
        {
            continue;
        }
        out.push(
            META.finding(
                message.span,
                format!(
                    "event `{}` is about `{}`, but no transition of its lifecycle publishes it",
                    message.value, data.id.value
                ),
            )
            .with_help(format!(
                "add a transition `{{ event: {}, from: …, to: … }}` to `{}`, or relate the \
                 event to the data it really concerns",
                message.value, data.id.value
            )),
        );
    }
}
