use super::{event_sites, naming, transition_event_name};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::rules::Context;

declare_rule! {
    /// An event named after a row change (`…Updated`, `…변경됨`), not a domain change.
    ///
    /// ## What it does
    /// Checks the names of lifecycle transitions and event relations for the words of
    /// change-data-capture: `…Updated`, `…Modified`, `…Changed`, `…Inserted`,
    /// `…Upserted`, `…Deleted`, `…Saved`, storage words (`Row`, `Record`, `Table`) with a
    /// write, and the Korean `…수정됨`, `…변경됨`, `…삭제됨`, `…저장됨`, `…갱신됨`.
    ///
    /// ## Why is this bad?
    /// The method's pitfalls (docs/method.md#domain-events-not-row-changes): do not treat
    /// an aggregate's state transitions as database CDC; a domain change is of another
    /// order than the create/update/delete of a table's DML. `ContractUpdated` tells a
    /// consumer that a row changed, not what happened: every consumer must compare old and
    /// new values to guess whether the contract was suspended, terminated or merely
    /// corrected.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   Contract:
    ///     states: [active, terminated]
    ///     transitions:
    ///       - { event: ContractCreated, to: active }
    ///       - { event: ContractUpdated, from: active, to: terminated }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       - { event: ContractTerminated, from: active, to: terminated }   # 계약해지됨
    /// ```
    pub static META = ("cdc-style-event-name", Warning);
}

/// Reports each event name once, at its first place.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for site in event_sites(context.model) {
        let Some(word) = naming::cdc_style(site.name.as_str()) else {
            continue;
        };
        let help = match site.transition {
            Some((data, transition)) => format!(
                "name the domain change that moves `{}` to `{}`, e.g. `{}`, not the row update",
                data.id.value,
                transition.to.value,
                transition_event_name(&data.id.value, &transition.to.value)
            ),
            None => "name the domain change the event records (a state transition such as \
                     `ContractTerminated`, `계약해지됨`), not the row update"
                .to_owned(),
        };
        out.push(
            META.finding(
                site.name.span,
                format!(
                    "event `{}` describes a row change (`{word}`), not a domain change",
                    site.name.value
                ),
            )
            .with_help(help),
        );
    }
}
