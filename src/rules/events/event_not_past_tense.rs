use super::{event_sites, naming};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::rules::Context;

declare_rule! {
    /// An event name that does not state a fact (not in the past tense).
    ///
    /// ## What it does
    /// Checks that each lifecycle transition and event relation names a fact: in English
    /// a past participle last (`OrderPaid`, `StockReserved`, `order_paid`, or followed by
    /// a preposition: `ItemAddedToCart`); in Korean `…됨`, `…했음`, `…완료` (or an outcome
    /// such as `…실패`). A trailing `Event` or version (`V2`) is ignored. Names already
    /// reported by `api-style-event-name` are left to it.
    ///
    /// ## Why is this bad?
    /// A domain event is something that happened in an aggregate
    /// (docs/method.md#domain-events-not-row-changes): ContractTerminated (계약해지됨),
    /// ContractSuspended (계약일시정지됨). An imperative name (`TerminateContract`) is a command:
    /// it asks for a change that may still fail; consumers of an event must be able to rely
    /// on the change having happened.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: TerminateContract }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated }
    /// ```
    pub static META = ("event-not-past-tense", Info);
}

/// Reports each event name once, at its first place.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for site in event_sites(context.model) {
        let name = site.name.as_str();
        // One finding per problem: an API-style name is reported as such.
        if naming::states_a_fact(name) != Some(false) || naming::api_style(name).is_some() {
            continue;
        }
        out.push(
            META.finding(
                site.name.span,
                format!("event `{name}` does not state a fact (past tense)"),
            )
            .with_help(
                "name what happened, object first and past participle last \
                 (`ContractTerminated`, `order_paid`, `계약해지됨`)",
            ),
        );
    }
}
