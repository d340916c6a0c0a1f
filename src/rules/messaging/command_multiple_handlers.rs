use std::collections::{HashMap, HashSet};

use super::listing;
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Model, Name, Relation, RelationKind};
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
    /// (docs/method.md#messaging-types). A command asks one service to do one
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

/// The handlers a command has met so far, and the relation that named the first.
struct Handlers<'m> {
    first: &'m Relation,
    first_handlers: Vec<&'m str>,
    seen: HashSet<&'m str>,
}

/// Reports lists of handlers, and handlers added by later relations, in one pass.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let mut by_command: HashMap<&str, Handlers<'_>> = HashMap::new();
    for relation in model.relations_of(RelationKind::Command) {
        let handlers = known_handlers(model, relation);
        if let [_, second, ..] = handlers.as_slice() {
            out.push(several_handlers(relation, &handlers, second));
        }
        let (Some(name), Some(first_handler)) = (relation.message_name(), handlers.first()) else {
            continue;
        };
        let Some(state) = by_command.get_mut(name) else {
            by_command.insert(
                name,
                Handlers {
                    first: relation,
                    first_handlers: handlers.iter().map(|h| h.as_str()).collect(),
                    seen: handlers.iter().map(|h| h.as_str()).collect(),
                },
            );
            continue;
        };
        if handlers.len() > 1 {
            // Already reported as a list; remember its handlers, report nothing twice.
            state.seen.extend(handlers.iter().map(|h| h.as_str()));
        } else if state.seen.insert(first_handler.as_str()) {
            out.push(other_handler(name, state, first_handler));
        }
    }
}

/// The relation's distinct handlers that are known services (a misspelt one is
/// `unknown-reference`'s finding, not a second handler).
fn known_handlers<'m>(model: &Model, relation: &'m Relation) -> Vec<&'m Name> {
    let mut seen = HashSet::new();
    relation
        .to
        .iter()
        .filter(|to| model.service(to.as_str()).is_some() && seen.insert(to.as_str()))
        .collect()
}

fn command_name(relation: &Relation) -> &str {
    relation.message_name().unwrap_or("(unnamed)")
}

fn several_handlers(relation: &Relation, handlers: &[&Name], second: &Name) -> Finding {
    let name = command_name(relation);
    META.finding(
        second.span,
        format!(
            "command `{name}` is sent to {}; a command has one handler",
            listing(handlers.iter().map(|h| h.as_str()))
        ),
    )
    .with_help(format!(
        "send `{name}` to one service (one command per handler, each with its reply); to \
         announce a change to several services, publish an `event`"
    ))
}

fn other_handler(name: &str, state: &Handlers<'_>, handler: &Name) -> Finding {
    let first_handlers = listing(state.first_handlers.iter().copied());
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
        state.first.span,
        format!("`{name}` sent to {first_handlers} here"),
    )
}
