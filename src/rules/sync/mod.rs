//! Synchronous-call rules: a blocking call makes the caller's availability depend on
//! the callee's (eda-notes, "Better availability through asynchronous messaging").

mod graph;
pub mod sync_chain_availability;
pub mod sync_cycle;

use crate::rules::Rule;

/// The sync rules, in catalog order.
pub fn checks() -> Vec<Rule> {
    vec![
        Rule {
            meta: &sync_cycle::META,
            check: Some(sync_cycle::check),
        },
        Rule {
            meta: &sync_chain_availability::META,
            check: Some(sync_chain_availability::check),
        },
    ]
}
