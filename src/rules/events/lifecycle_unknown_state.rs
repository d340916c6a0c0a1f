use std::collections::HashSet;

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Data, Name};
use crate::names::did_you_mean_or;
use crate::rules::Context;

declare_rule! {
    /// A lifecycle transition names a state that `states` does not declare.
    ///
    /// ## What it does
    /// When a data declares `states`, checks that every transition's `from` and `to` is
    /// one of them, and suggests the closest declared state.
    ///
    /// ## Why is this bad?
    /// An aggregate publishes a domain event at every state transition
    /// (docs/method.md#domain-events-not-row-changes). A misspelt state splits one state in
    /// two: the lifecycle, its diagram and the derived events no longer say which
    /// transitions really follow each other.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   계약:
    ///     states: [사용중, 일시정지, 해지]
    ///     transitions:
    ///       - { event: 신규계약처리됨, to: 사용중 }
    ///       - { event: 계약해지됨, from: 사용 중, to: 해지 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       - { event: 계약해지됨, from: 사용중, to: 해지 }
    /// ```
    pub static META = ("lifecycle-unknown-state", Error);
}

/// Reports every `from`/`to` outside the declared states (only when states are declared).
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for data in context.model.data.iter().filter(|d| !d.states.is_empty()) {
        let states: HashSet<&str> = data.states.iter().map(Name::as_str).collect();
        for transition in &data.transitions {
            let named = transition.from.iter().chain([&transition.to]);
            for state in named.filter(|s| !states.contains(s.as_str())) {
                out.push(unknown_state(data, &transition.event, state));
            }
        }
    }
}

fn unknown_state(data: &Data, event: &Name, state: &Name) -> Finding {
    let declared: Vec<&str> = data.states.iter().map(Name::as_str).collect();
    let help = did_you_mean_or(&state.value, declared.iter().copied(), || {
        format!(
            "declare `{}` in the states of `{}` ({}), or fix the name",
            state.value,
            data.id.value,
            declared.join(", ")
        )
    });
    META.finding(
        state.span,
        format!(
            "transition `{}` of `{}` names state `{}`, which `states` does not declare",
            event.value, data.id.value, state.value
        ),
    )
    .with_help(help)
}
