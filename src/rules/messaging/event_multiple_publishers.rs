use std::collections::HashSet;

use super::{event_owner, keeper, known_publishers, listing, owners};
use crate::declare_rule;
use crate::derive::Event;
use crate::diagnostic::Finding;
use crate::model::Model;
use crate::rules::Context;

declare_rule! {
    /// One event published by more than one service.
    ///
    /// ## What it does
    /// Reports every service that publishes an event another service publishes too, at
    /// the message of its first relation. The service kept is the owner of the event's
    /// aggregate when it publishes the event, else the first publisher. (When a single
    /// service publishes an event of data it does not own, that is
    /// `event-publisher-not-owner`.)
    ///
    /// ## Why is this bad?
    /// Event pub/sub is one-to-many: one publisher, many subscribers
    /// (docs/method.md#messaging-types). A domain event is something that happened in an
    /// aggregate (docs/method.md#domain-events-not-row-changes), and an aggregate lives in
    /// the one service that owns its data (database per service). Two publishers of
    /// `ContractTerminated` mean two services claim to change the contract: consumers
    /// cannot tell which one is the truth, and the event's meaning drifts between them.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated }
    ///   - { from: customer, to: billing, type: event, message: ContractTerminated }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: [billing, customer], type: event, message: ContractTerminated }
    ///   - { from: customer, to: billing, type: event, message: CustomerTerminated }
    /// ```
    pub static META = ("event-multiple-publishers", Error);
}

/// Reports each publisher other than the event's keeper once.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let owners = owners(context.model, context.derived);
    for event in context
        .derived
        .events
        .iter()
        .filter(|e| e.publishers.len() > 1)
    {
        let publishers = known_publishers(context.model, event);
        let owner = event_owner(event, &owners);
        if let (true, Some(keeper)) = (publishers.len() > 1, keeper(&publishers, owner)) {
            report_event(context.model, event, &publishers, keeper, owner, out);
        }
    }
}

fn report_event(
    model: &Model,
    event: &Event,
    publishers: &[&str],
    keeper: &str,
    owner: Option<&str>,
    out: &mut Vec<Finding>,
) {
    // The help names the owner even when it does not publish the event (yet).
    let entitled = owner.unwrap_or(keeper);
    let relations = event
        .relations
        .iter()
        .filter_map(|&index| model.relations.get(index));
    let kept = relations
        .clone()
        .find(|r| r.from.as_str() == keeper)
        .and_then(|r| r.message.as_ref());
    let mut seen: HashSet<&str> = HashSet::from([keeper]);
    for relation in relations {
        let Some(message) = &relation.message else {
            continue;
        };
        // A misspelt publisher is `unknown-reference`'s finding, not a second publisher.
        if model.service(relation.from.as_str()).is_none() || !seen.insert(relation.from.as_str()) {
            continue;
        }
        let finding = META
            .finding(
                message.span,
                format!(
                    "event `{}` is published by {}; `{}` publishes it besides `{keeper}`",
                    event.name,
                    listing(publishers.iter().copied()),
                    relation.from.value
                ),
            )
            .with_help(format!(
                "an event belongs to the aggregate that owns the data: let only `{entitled}` \
                 publish `{}`; `{}` publishes an event of its own data, or sends `{entitled}` \
                 a command",
                event.name, relation.from.value
            ));
        out.push(match kept {
            Some(kept) => finding.with_related(
                kept.span,
                format!("`{keeper}` publishes `{}` here", event.name),
            ),
            None => finding,
        });
    }
}
