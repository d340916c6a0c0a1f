//! Load at a spike (the source document's failure case): rules over [`crate::load`].

pub mod capacity_exceeded;
pub mod capacity_undeclared;
pub mod spike_not_isolated;

use crate::diagnostic::Finding;
use crate::rules::{Context, Rule};

/// The load rules, in catalog order. They read the analysis's one load table
/// (`Context::load`); the first rule's check reports the findings of all three.
pub fn checks() -> Vec<Rule> {
    vec![
        Rule {
            meta: &capacity_exceeded::META,
            check: Some(check),
        },
        Rule {
            meta: &spike_not_isolated::META,
            check: None,
        },
        Rule {
            meta: &capacity_undeclared::META,
            check: None,
        },
    ]
}

/// Whether a finding's rule is one of the load rules.
pub fn is_load_rule(rule: &str) -> bool {
    [
        &capacity_exceeded::META,
        &spike_not_isolated::META,
        &capacity_undeclared::META,
    ]
    .iter()
    .any(|meta| meta.name == rule)
}

/// Runs every load rule on the analysis's load table.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let table = context.load;
    out.extend(capacity_exceeded::findings(context.model, table));
    out.extend(spike_not_isolated::findings(context.model, table));
    out.extend(capacity_undeclared::findings(context.model, table));
}
