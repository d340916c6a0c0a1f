use crate::declare_rule;
use crate::model::Name;
use crate::report::Finding;
use crate::rules::Context;

declare_rule! {
    /// An event, command or message relation that names no message.
    ///
    /// ## What it does
    /// Reports an asynchronous relation (`event`, `command`, `message`) without
    /// `message:`, at its `type`.
    ///
    /// ## Why is this bad?
    /// The method's third step is to define the asynchronous messages between services
    /// (eda-notes, "Finding the relations between services", 서비스 연관 관계 파악). An
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
    for relation in relations.filter(|r| r.kind.is_async() && r.message.is_none()) {
        let kind = relation.kind.as_str();
        let to: Vec<&str> = relation.to.iter().map(Name::as_str).collect();
        out.push(
            META.finding(
                relation.kind_span,
                format!(
                    "{kind} relation from `{}` to `{}` names no message",
                    relation.from.value,
                    to.join("`, `")
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
