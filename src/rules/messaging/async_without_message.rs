use super::listing;
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Name, Relation};
use crate::rules::Context;

declare_rule! {
    /// An event, command or message relation that names no message.
    ///
    /// ## What it does
    /// Reports an asynchronous relation (`event`, `command`, `message`) without
    /// `message:` (or with a blank one), at its `type`.
    ///
    /// ## Why is this bad?
    /// The method's third step is to define the asynchronous messages between services
    /// (docs/method.md#aggregates-from-asynchronous-relations). An
    /// asynchronous edge without a message is an arrow with nothing on it: no event to
    /// derive, no topic or channel to generate, nothing to check publishers, handlers
    /// and replies against.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, data: Contract }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated, data: Contract }
    /// ```
    pub static META = ("async-without-message", Error);
}

/// Reports every asynchronous relation without a message.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let relations = context.model.relations.iter();
    // A blank `message: ""` names nothing either.
    let unnamed = |r: &&Relation| r.message_name().is_none_or(|m| m.trim().is_empty());
    for relation in relations.filter(|r| r.kind.is_async()).filter(unnamed) {
        let kind = relation.kind.as_str();
        let to = match listing(relation.to.iter().map(Name::as_str)) {
            to if to.is_empty() => "no service".to_owned(),
            to => to,
        };
        out.push(
            META.finding(
                relation.kind_span,
                format!(
                    "{kind} relation from `{}` to {to} names no message",
                    relation.from.value,
                ),
            )
            .with_help(format!(
                "add `message:` with the {} it carries",
                match kind {
                    "event" => "domain event (a fact: `ContractTerminated`, `계약해지됨`)",
                    "command" => "command (an imperative: `SettleFinalBill`, `최종요금수납`)",
                    _ => "message (e.g. `SendSettlementSms`)",
                }
            )),
        );
    }
}
