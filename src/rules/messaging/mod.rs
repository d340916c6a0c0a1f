//! Messaging types (docs/method.md#messaging-types): an `event` has one
//! publisher, the owner of its data; a `command` has one handler and a reply; a
//! `message` is one-way; every asynchronous relation names what it carries.

pub mod async_without_message;
pub mod command_multiple_handlers;
pub mod command_without_reply;
pub mod event_multiple_publishers;
pub mod event_publisher_not_owner;
pub mod message_with_reply;

use std::collections::{HashMap, HashSet};

use crate::derive::{Derived, Event};
use crate::model::Model;

/// `a`, `b` and `c`, each in backticks.
pub(crate) fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The owner of each aggregate, by aggregate id, where the owner is a known service (a
/// misspelt owner is `unknown-reference`'s finding, not an ownership conflict).
pub(crate) fn owners<'d>(model: &Model, derived: &'d Derived) -> HashMap<&'d str, &'d str> {
    derived
        .aggregates
        .iter()
        .filter_map(|a| Some((a.id.as_str(), a.owner.as_deref()?)))
        .filter(|(_, owner)| model.service(owner).is_some())
        .collect()
}

/// The known services that publish an event, in the order of its relations.
pub(crate) fn known_publishers<'m>(model: &'m Model, event: &Event) -> Vec<&'m str> {
    let mut seen = HashSet::new();
    event
        .relations
        .iter()
        .filter_map(|&i| model.relations.get(i))
        .map(|relation| relation.from.as_str())
        .filter(|from| model.service(from).is_some() && seen.insert(*from))
        .collect()
}

/// The one service entitled to publish an event: its aggregate's owner when the owner
/// publishes it, else its first (known) publisher. Every other publisher is reported
/// once, by `event-multiple-publishers`; `event-publisher-not-owner` reports the keeper
/// when it is not the owner, so that each wrong publication gets exactly one finding.
pub(crate) fn keeper<'m>(publishers: &[&'m str], owner: Option<&str>) -> Option<&'m str> {
    match owner.and_then(|owner| publishers.iter().find(|p| **p == owner)) {
        Some(owner) => Some(owner),
        None => publishers.first().copied(),
    }
}

/// The owner of the event's aggregate, if known.
pub(crate) fn event_owner<'d>(event: &Event, owners: &HashMap<&str, &'d str>) -> Option<&'d str> {
    event
        .aggregate
        .as_deref()
        .and_then(|a| owners.get(a))
        .copied()
}
