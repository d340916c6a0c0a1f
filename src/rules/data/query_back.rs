use std::collections::{HashMap, HashSet};

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Name, Relation, RelationKind};
use crate::rules::Context;

declare_rule! {
    /// A service consumes a publisher's event and also calls that publisher synchronously.
    ///
    /// ## What it does
    /// Reports a `sync` relation from a service to a service whose events it consumes,
    /// once per (consumer, publisher) pair, at the called service.
    ///
    /// ## Why is this bad?
    /// The event should carry the information its consumers need, so that no consumer has
    /// to query the publishing service again
    /// (docs/method.md#events-carry-what-consumers-need). A synchronous call back makes the
    /// consumer wait for the publisher, and availability drops: every service in a
    /// synchronous chain must be up at once
    /// (docs/method.md#events-carry-what-consumers-need).
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated, data: Contract }
    ///   - { from: billing, to: contract, type: sync, operation: "GET /contracts/{id}" }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated, data: Contract,
    ///       payload: [contract_id, terminated_at], needs: { billing: [contract_id, terminated_at] } }
    /// ```
    pub static META = ("query-back", Info);
}

/// Reports the first synchronous call of each consumer to each of its publishers.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    // (consumer, publisher) -> the first event relation between them.
    let mut consumed: HashMap<(&str, &str), &Relation> = HashMap::new();
    for relation in model.relations_of(RelationKind::Event) {
        for consumer in &relation.to {
            consumed
                .entry((consumer.as_str(), relation.from.as_str()))
                .or_insert(relation);
        }
    }
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    for call in model.relations_of(RelationKind::Sync) {
        for callee in &call.to {
            let key = (call.from.as_str(), callee.as_str());
            if key.0 == key.1 {
                continue;
            }
            if let Some(event) = consumed.get(&key)
                && reported.insert(key)
            {
                out.push(query_back(call, callee, event));
            }
        }
    }
}

fn query_back(call: &Relation, callee: &Name, event: &Relation) -> Finding {
    let consumer = &call.from.value;
    let message = event.message_name().unwrap_or("(unnamed)");
    let operation = call
        .operation
        .as_ref()
        .map(|o| format!(" (`{}`)", o.value))
        .unwrap_or_default();
    let finding = META
        .finding(
            callee.span,
            format!(
                "`{consumer}` consumes `{message}` from `{}` and also calls `{}` \
                 synchronously{operation}",
                callee.value, callee.value
            ),
        )
        .with_help(format!(
            "carry the data `{consumer}` reads in `{message}` (`payload`, `needs`) instead of \
             calling `{}` back",
            callee.value
        ));
    match &event.message {
        Some(name) => finding.with_related(name.span, format!("`{message}` consumed here")),
        None => finding,
    }
}
