use std::collections::HashSet;

use super::listing;
use crate::declare_rule;
use crate::model::{Name, Relation, RelationKind};
use crate::report::Finding;
use crate::rules::Context;

declare_rule! {
    /// A command sent to more than one service.
    ///
    /// ## What it does
    /// Reports a `command` relation whose `to` lists several services, and a command name
    /// that different relations send to different services (at the first relation to
    /// each extra handler).
    ///
    /// ## Why is this bad?
    /// Command-reply is one-to-one: the requesting and the replying service form a pair
    /// (eda-notes, "Messaging types", 메시징 유형). A command asks one service to do one
    /// thing and answer; with two handlers the sender gets two replies that may disagree,
    /// and a saga cannot know which to compensate. Announcing something to many services
    /// is an `event`.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: [billing, customer], type: command,
    ///       message: MarkTerminated, reply: Marked }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: command, message: SettleFinalBill,
    ///       reply: FinalBillSettled }
    ///   - { from: contract, to: customer, type: command, message: MarkCustomerTerminated,
    ///       reply: CustomerMarkedTerminated }
    /// ```
    pub static META = ("command-multiple-handlers", Error);
}

/// Reports lists of handlers, then handlers added by other relations.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    for relation in model.relations_of(RelationKind::Command) {
        if let [_, second, ..] = relation.to.as_slice() {
            out.push(several_handlers(relation, second));
        }
    }
    for command in &context.derived.commands {
        let relations: Vec<&Relation> = command
            .relations
            .iter()
            .filter_map(|&index| model.relations.get(index))
            .collect();
        let Some((first, rest)) = relations.split_first() else {
            continue;
        };
        // Handlers already named (a list is reported above, once).
        let mut handlers: HashSet<&str> = first.to.iter().map(Name::as_str).collect();
        for relation in rest {
            let [handler] = relation.to.as_slice() else {
                continue;
            };
            if handlers.insert(handler.as_str()) {
                out.push(other_handler(&command.name, first, handler));
            }
        }
    }
}

fn command_name(relation: &Relation) -> &str {
    relation.message_name().unwrap_or("(unnamed)")
}

fn several_handlers(relation: &Relation, second: &Name) -> Finding {
    let name = command_name(relation);
    META.finding(
        second.span,
        format!(
            "command `{name}` is sent to {}; a command has one handler",
            listing(relation.to.iter().map(Name::as_str))
        ),
    )
    .with_help(format!(
        "send `{name}` to one service (one command per handler, each with its reply); to \
         announce a change to several services, publish an `event`"
    ))
}

fn other_handler(name: &str, first: &Relation, handler: &Name) -> Finding {
    let first_handlers = listing(first.to.iter().map(Name::as_str));
    META.finding(
        handler.span,
        format!(
            "command `{name}` is sent to `{}` here and to {first_handlers} elsewhere; a \
             command has one handler",
            handler.value
        ),
    )
    .with_help(format!(
        "one service handles `{name}`: rename the command `{}` handles, or send both to \
         {first_handlers}",
        handler.value
    ))
    .with_related(
        first.span,
        format!("`{name}` sent to {first_handlers} here"),
    )
}
