use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Name, RelationKind};
use crate::rules::Context;

declare_rule! {
    /// A one-way `message` that declares a reply.
    ///
    /// ## What it does
    /// Reports `reply` on a relation of `type: message`.
    ///
    /// ## Why is this bad?
    /// A message is one-way: it is published only to pass something on (SMS, e-mail), and
    /// no reply comes back from the receiving service (docs/method.md#messaging-types). A
    /// request whose sender waits for an answer is a command-reply pair; calling it a
    /// message hides the dependency on the answer.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: billing, to: notification, type: message, message: SendSettlementSms,
    ///       reply: SettlementSmsSent }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: billing, to: notification, type: command, message: SendSettlementSms,
    ///       reply: SettlementSmsSent }
    /// ```
    pub static META = ("message-with-reply", Error);
}

/// Reports at the `reply` value.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for relation in context.model.relations_of(RelationKind::Message) {
        if relation.reply().is_empty() {
            continue;
        }
        let name = relation.message_name().unwrap_or("(unnamed)");
        let replies: Vec<&str> = relation.reply().iter().map(Name::as_str).collect();
        out.push(
            META.finding(
                relation.reply_span().unwrap_or(relation.span),
                format!(
                    "one-way message `{name}` from `{}` declares a reply ({})",
                    relation.from.value,
                    replies.join(", ")
                ),
            )
            .with_help(format!(
                "if `{}` expects an answer, make it `type: command`; otherwise remove `reply`",
                relation.from.value
            )),
        );
    }
}
