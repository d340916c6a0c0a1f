//! Messaging types (eda-notes, "Messaging types", 메시징 유형): an `event` has one
//! publisher, the owner of its data; a `command` has one handler and a reply; a
//! `message` is one-way; every asynchronous relation names what it carries.

pub mod async_without_message;
pub mod command_multiple_handlers;
pub mod command_without_reply;
pub mod event_multiple_publishers;
pub mod event_publisher_not_owner;
pub mod message_with_reply;

/// `a`, `b` and `c`, each in backticks.
pub(crate) fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

use std::collections::HashMap;

use crate::derive::{Derived, Event};
use crate::model::Model;

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

/// The one service entitled to publish an event: its aggregate's owner when the owner
/// publishes it, else its first publisher. Every other publisher is reported once, by
/// `event-multiple-publishers`; `event-publisher-not-owner` reports the keeper when it is
/// not the owner, so that each wrong publication gets exactly one finding.
pub(crate) fn keeper<'d>(event: &'d Event, owners: &HashMap<&str, &'d str>) -> Option<&'d str> {
    let owner = event
        .aggregate
        .as_deref()
        .and_then(|a| owners.get(a))
        .copied();
    match owner {
        Some(owner) if event.publishers.iter().any(|p| p == owner) => Some(owner),
        _ => event.publisher.as_deref(),
    }
}
