//! The contracts' message types (every event, command, reply and one-way message, one
//! type per name) and reply enums (one per command that declares replies), and how a
//! service crate names a message in its handlers and ports.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use smol_str::SmolStr;

use super::data::{DataTypes, FieldView};
use super::{CONTRACTS_LIB, phrase};
use crate::analysis::Analysis;
use crate::names::{Case, Idents, stable_words, unraw};

#[derive(Debug, Serialize)]
pub struct MessageType {
    pub ident: SmolStr,
    pub wire: SmolStr,
    pub doc: Vec<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize)]
pub struct ReplyEnum {
    pub ident: SmolStr,
    pub command: SmolStr,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Serialize)]
pub struct Variant {
    pub ident: SmolStr,
    pub wire: SmolStr,
    /// The type, as a path from the contracts' `replies` module.
    pub ty: SmolStr,
}

/// Every message name, in spec order: events, commands and their replies, one-way
/// messages, what saga steps emit.
pub(super) struct Messages<'a> {
    pub types: Vec<MessageType>,
    /// The [`stable_words`] of each name: handler and method identifiers are made of
    /// them.
    words: Vec<Vec<String>>,
    by_name: HashMap<&'a str, usize>,
    /// The message types' namespace, while names are added.
    idents: Idents,
}

/// What a service crate repeats of a message name, in handlers, ports and lifecycles.
pub(super) struct MessageNames<'m> {
    pub words: Cow<'m, [String]>,
    /// Its type, as a path from a service crate.
    pub ty: String,
}

impl<'a> Messages<'a> {
    pub fn new(analysis: &'a Analysis, data: &DataTypes) -> Messages<'a> {
        let (model, derived) = (&analysis.model, &analysis.derived);
        let mut messages = Messages {
            types: Vec::new(),
            words: Vec::new(),
            by_name: HashMap::new(),
            idents: Idents::types(),
        };
        // Each role a name has adds a line to its type's doc comment.
        for event in &derived.events {
            let aggregate = event
                .aggregate
                .as_deref()
                .map_or(String::new(), |a| format!(" of aggregate `{a}`"));
            let role = format!(
                "Domain event{aggregate}: published by {}; consumed by {}.",
                list(event.publisher.as_slice()),
                list(&event.subscribers)
            );
            messages.role(&event.name, role);
        }
        for command in &derived.commands {
            let role = format!(
                "Command: sent by {}; handled by {}.",
                list(&command.senders),
                list(&command.handlers)
            );
            messages.role(&command.name, role);
            for reply in &command.replies {
                let role = format!(
                    "Reply to `{}`: sent by {}; consumed by {}.",
                    command.name,
                    list(&command.handlers),
                    list(&command.senders)
                );
                messages.role(reply, role);
            }
        }
        for message in &derived.messages {
            let role = format!(
                "One-way message: sent by {}; received by {}.",
                list(&message.senders),
                list(&message.receivers)
            );
            messages.role(&message.name, role);
        }
        for step in model.sagas.iter().flat_map(|saga| &saga.steps) {
            if let Some(emits) = &step.emits {
                messages.at_or_add(&emits.value);
            }
        }
        // Fields: those of the relations that carry the message, in spec order.
        let mut carried = vec![false; messages.types.len()];
        for relation in model.relations.iter().filter(|r| r.kind.is_async()) {
            let Some(at) = (relation.message.as_ref()).and_then(|m| messages.at(&m.value)) else {
                continue;
            };
            carried[at] = true;
            let Some(of) = (relation.data.as_ref()).and_then(|d| model.data_position(&d.value))
            else {
                continue;
            };
            let fields = match relation.payload() {
                Some(payload) => payload.iter().map(|f| data.field(of, &f.value)).collect(),
                None => data.types[of].fields.clone(),
            };
            merge_fields(&mut messages.types[at].fields, fields);
        }
        // Else, for an event of a lifecycle, the fields of the first data whose
        // lifecycle it is in.
        let mut from_lifecycle = carried;
        for (of, lifecycle) in model.data.iter().enumerate() {
            for transition in &lifecycle.transitions {
                if let Some(at) = messages.at(&transition.event.value)
                    && !std::mem::replace(&mut from_lifecycle[at], true)
                {
                    let fields = data.types[of].fields.clone();
                    merge_fields(&mut messages.types[at].fields, fields);
                }
            }
        }
        messages
    }

    /// The position of a message name in `types`.
    pub fn at(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// What a service crate repeats of a message name (for a name that is no message,
    /// which does not pass the analysis, its own words and a placeholder type).
    pub fn names_of(&self, name: &str) -> MessageNames<'_> {
        match self.at(name) {
            Some(at) => MessageNames {
                words: Cow::Borrowed(&self.words[at]),
                ty: message_path(&self.types[at].ident),
            },
            None => MessageNames {
                words: Cow::Owned(stable_words(name)),
                ty: message_path("X"),
            },
        }
    }

    /// The type of a message name, as a path from a service crate.
    pub fn ty(&self, name: &str) -> String {
        message_path(self.at(name).map_or("X", |at| &self.types[at].ident))
    }

    fn role(&mut self, name: &'a str, role: String) {
        let at = self.at_or_add(name);
        let doc = &mut self.types[at].doc;
        if doc.len() == 1 {
            doc.push(String::new());
        }
        doc.push(role);
    }

    /// The position of a name, added when new: identifiers are handed out in the
    /// order names are first met.
    fn at_or_add(&mut self, name: &'a str) -> usize {
        if let Some(at) = self.at(name) {
            return at;
        }
        let words = stable_words(name);
        self.types.push(MessageType {
            ident: self.idents.words(&words).into(),
            wire: name.into(),
            doc: vec![format!("`{name}`")],
            fields: Vec::new(),
        });
        self.words.push(words);
        self.by_name.insert(name, self.types.len() - 1);
        self.types.len() - 1
    }
}

/// The message type of an identifier, as a path from a service crate.
fn message_path(ident: &str) -> String {
    format!("{CONTRACTS_LIB}::generated::messages::{ident}")
}

/// Adds `fields` to a message's `merged` fields: a field already there (by name) is
/// skipped, an identifier already taken is made unique.
fn merge_fields(merged: &mut Vec<FieldView>, fields: Vec<FieldView>) {
    let mut used: BTreeSet<SmolStr> = merged.iter().map(|f| f.ident.clone()).collect();
    for mut field in fields {
        if merged.iter().any(|f| f.wire == field.wire) {
            continue;
        }
        if used.contains(&field.ident) {
            let mut idents = Idents::new(Case::Snake);
            for taken in &used {
                idents.reserve(taken);
            }
            field.ident = idents.name(&field.wire).into();
            field.rename = unraw(&field.ident) != field.wire;
        }
        used.insert(field.ident.clone());
        merged.push(field);
    }
}

/// Names for a doc comment: `` `a`, `b` ``, or `nobody yet`.
fn list(names: &[SmolStr]) -> String {
    if names.is_empty() {
        return "nobody yet".to_owned();
    }
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.join(", ")
}

/// The reply enums, in command order.
pub(super) struct Replies<'a> {
    pub enums: Vec<ReplyEnum>,
    by_command: HashMap<&'a str, usize>,
}

impl<'a> Replies<'a> {
    pub fn new(analysis: &'a Analysis, messages: &Messages) -> Replies<'a> {
        let mut idents = Idents::types();
        let mut replies = Replies {
            enums: Vec::new(),
            by_command: HashMap::new(),
        };
        for command in &analysis.derived.commands {
            if command.replies.is_empty() {
                continue;
            }
            let words = messages.names_of(&command.name).words;
            let variants = (command.replies.iter())
                .filter_map(|reply| {
                    let ident = &messages.types[messages.at(reply)?].ident;
                    Some(Variant {
                        ident: ident.clone(),
                        wire: reply.clone(),
                        ty: format!("super::messages::{ident}").into(),
                    })
                })
                .collect();
            replies
                .by_command
                .insert(&command.name, replies.enums.len());
            replies.enums.push(ReplyEnum {
                ident: idents.words(&phrase(&[], &words, &["reply"])).into(),
                command: command.name.clone(),
                variants,
            });
        }
        replies
    }

    /// The reply enum of a command, as a path from a service crate.
    pub fn ty(&self, command: &str) -> Option<String> {
        let ident = &self.enums[*self.by_command.get(command)?].ident;
        Some(format!("{CONTRACTS_LIB}::generated::replies::{ident}"))
    }
}
