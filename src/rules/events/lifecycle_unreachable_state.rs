use std::collections::{HashMap, HashSet};

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Data, Name};
use crate::rules::Context;

declare_rule! {
    /// A declared state that no transition leads to.
    ///
    /// ## What it does
    /// Follows the lifecycle from the creating transitions (those without `from`; when
    /// there is none, from the first declared state) through every transition, and
    /// reports the declared states never reached. A lifecycle that names an undeclared
    /// state is left to `lifecycle-unknown-state` until the name is fixed.
    ///
    /// ## Why is this bad?
    /// An aggregate publishes a domain event at every state transition
    /// (docs/method.md#domain-events-not-row-changes): a state that nothing leads to has no
    /// event, so no consumer can ever learn that the aggregate reached it. Either a
    /// transition (and its event) is missing, or the state is dead.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   Contract:
    ///     states: [active, suspended, terminated]
    ///     transitions:
    ///       - { event: ContractOpened, to: active }
    ///       - { event: ContractTerminated, from: active, to: terminated }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       - { event: ContractSuspended, from: active, to: suspended }
    /// ```
    pub static META = ("lifecycle-unreachable-state", Warning);
}

/// Reports each unreached declared state once, in declared order.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let lifecycles = context.model.data.iter();
    for data in lifecycles.filter(|d| !d.states.is_empty() && !d.transitions.is_empty()) {
        if names_unknown_state(data) {
            // A misspelt state cuts the path behind it: `lifecycle-unknown-state` reports
            // the cause, and every state behind it would only repeat it.
            continue;
        }
        let reached = reachable(data);
        let mut reported = HashSet::new();
        for state in &data.states {
            if !reached.contains(state.as_str()) && reported.insert(state.as_str()) {
                out.push(unreachable(data, state));
            }
        }
    }
}

fn names_unknown_state(data: &Data) -> bool {
    let states: HashSet<&str> = data.states.iter().map(Name::as_str).collect();
    data.transitions.iter().any(|t| {
        !states.contains(t.to.as_str()) || t.from.iter().any(|f| !states.contains(f.as_str()))
    })
}

/// The states reached from the creating transitions, breadth first.
fn reachable(data: &Data) -> HashSet<&str> {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut queue: Vec<&str> = Vec::new();
    for transition in &data.transitions {
        if transition.from.is_empty() {
            queue.push(transition.to.as_str());
        }
        for from in &transition.from {
            next.entry(from.as_str())
                .or_default()
                .push(transition.to.as_str());
        }
    }
    if queue.is_empty() {
        // No creating transition: by convention the first declared state is the initial one.
        queue.extend(data.states.first().map(Name::as_str));
    }
    let mut reached: HashSet<&str> = queue.iter().copied().collect();
    while let Some(state) = queue.pop() {
        for &to in next.get(state).into_iter().flatten() {
            if reached.insert(to) {
                queue.push(to);
            }
        }
    }
    reached
}

fn unreachable(data: &Data, state: &Name) -> Finding {
    META.finding(
        state.span,
        format!(
            "state `{}` of `{}` is never reached: no transition leads to it",
            state.value, data.id.value
        ),
    )
    .with_help(format!(
        "add the transition (and its domain event) that moves `{}` to `{}`, or remove the state",
        data.id.value, state.value
    ))
}
