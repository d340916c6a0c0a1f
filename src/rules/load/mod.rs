//! Load at a spike (the source document's failure case): rules over [`crate::load`].

pub mod capacity_exceeded;
pub mod capacity_undeclared;
pub mod spike_not_isolated;

use crate::rules::Rule;

/// The load rules, in catalog order.
pub fn checks() -> Vec<Rule> {
    vec![
        Rule {
            meta: &capacity_exceeded::META,
            check: Some(capacity_exceeded::check),
        },
        Rule {
            meta: &spike_not_isolated::META,
            check: Some(spike_not_isolated::check),
        },
        Rule {
            meta: &capacity_undeclared::META,
            check: Some(capacity_undeclared::check),
        },
    ]
}
