use std::collections::{HashMap, HashSet};

use super::{event_owner, keeper, known_publishers, owners};
use crate::declare_rule;
use crate::derive::Event;
use crate::diagnostic::Finding;
use crate::model::RelationKind;
use crate::rules::Context;

declare_rule! {
    /// An event about data published by a service that does not own that data.
    ///
    /// ## What it does
    /// For each `event` relation, finds the data it is about (its `data`, else the data
    /// whose lifecycle declares the event) and that data's owner (`owner:`, else the
    /// first service that publishes its events), and reports a publisher other than the
    /// owner. Reported once per (publisher, event); when the owner publishes the event
    /// too, the other publishers are `event-multiple-publishers`' findings.
    ///
    /// ## Why is this bad?
    /// One microservice owns its own database: database per service
    /// (docs/method.md#database-per-service). A domain event is something that happened in
    /// an aggregate (docs/method.md#domain-events-not-row-changes), so only the service
    /// that owns the aggregate's data can know it happened. Another service announcing it
    /// either reads or writes data it does not own, or names its own change after the wrong
    /// aggregate.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   Contract: { owner: contract, fields: { contract_id: string } }
    /// relations:
    ///   - { from: billing, to: customer, type: event, message: ContractTerminated, data: Contract }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: customer, type: event, message: ContractTerminated, data: Contract }
    /// ```
    pub static META = ("event-publisher-not-owner", Error);
}

/// Reports at the relation's `from`.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let owners = owners(context.model, context.derived);
    let events: HashMap<&str, &Event> = context
        .derived
        .events
        .iter()
        .map(|e| (e.name.as_str(), e))
        .collect();
    // The publisher kept for each event that several services publish.
    let kept: HashMap<&str, &str> = context
        .derived
        .events
        .iter()
        .filter(|e| e.publishers.len() > 1)
        .filter_map(|e| {
            let publishers = known_publishers(context.model, e);
            let kept = keeper(&publishers, event_owner(e, &owners))?;
            (publishers.len() > 1).then_some((e.name.as_str(), kept))
        })
        .collect();
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    for relation in context.model.relations_of(RelationKind::Event) {
        let Some(message) = &relation.message else {
            continue;
        };
        let event = events.get(message.as_str()).copied();
        let about = match &relation.data {
            Some(data) => Some(data.as_str()),
            None => event.and_then(|e| e.aggregate.as_deref()),
        };
        let Some((data, owner)) = about.and_then(|d| Some((d, *owners.get(d)?))) else {
            continue;
        };
        let publisher = relation.from.as_str();
        // One of several publishers other than the one kept: `event-multiple-publishers`.
        let extra = kept
            .get(message.as_str())
            .is_some_and(|&kept| kept != publisher);
        let unknown = context.model.service(publisher).is_none();
        if publisher == owner || extra || unknown || !reported.insert((publisher, message.as_str()))
        {
            continue;
        }
        out.push(
            META.finding(
                relation.from.span,
                format!(
                    "`{publisher}` publishes `{}` about `{data}`, but `{owner}` owns `{data}`",
                    message.value
                ),
            )
            .with_help(format!(
                "database per service: let `{owner}` publish `{}`; if `{publisher}` must \
                 change `{data}`, it sends `{owner}` a command",
                message.value
            )),
        );
    }
}
