use smol_str::SmolStr;

use super::listing;
use crate::declare_rule;
use crate::derive::suggested_event;
use crate::diagnostic::Finding;
use crate::rules::Context;

declare_rule! {
    /// A command that declares no reply.
    ///
    /// ## What it does
    /// Reports each `command` (by message name) none of whose relations declares a
    /// `reply`, at its first relation's message.
    ///
    /// ## Why is this bad?
    /// Command-reply pairs the requesting and the replying service: the requester does not
    /// wait, but processes the reply asynchronously (docs/method.md#messaging-types); the
    /// orchestration saga relies on it to go on or compensate. A command without a reply
    /// leaves the sender unable to tell success from failure. If no reply is expected, it
    /// is a one-way `message` (SMS, e-mail).
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: command, message: SettleFinalBill }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: command, message: SettleFinalBill,
    ///       reply: [FinalBillSettled, FinalBillSettlementFailed] }
    /// ```
    pub static META = ("command-without-reply", Error);
}

/// Reports each command with no reply once.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    for command in context
        .derived
        .commands
        .iter()
        .filter(|c| c.replies.is_empty() && !c.name.trim().is_empty())
    {
        let Some(message) = command
            .relations
            .first()
            .and_then(|&index| model.relations.get(index))
            .and_then(|relation| relation.message.as_ref())
        else {
            continue;
        };
        let example = match suggested_event(&command.name) {
            Some(event) => format!(" (e.g. `{event}` and a failure event)"),
            None => String::new(),
        };
        out.push(
            META.finding(
                message.span,
                format!(
                    "command `{}` from {} to {} has no reply",
                    command.name,
                    listing(command.senders.iter().map(SmolStr::as_str)),
                    listing(command.handlers.iter().map(SmolStr::as_str)),
                ),
            )
            .with_help(format!(
                "declare `reply:` with the events that report its outcome{example}; if no \
                 reply is expected, make it `type: message`"
            )),
        );
    }
}
