//! The rule catalog: every finding edasmith can report has a rule here, with a stable
//! kebab-case name, a default severity and the text `edasmith explain RULE` prints.
//!
//! A rule is one file: [`declare_rule!`] gives it its documentation (which *is* the
//! explain text) and metadata; a `check` function inspects the model. Structural rules
//! (syntax, unknown keys, references) are reported by the loader and the model builder,
//! so they have metadata ([`crate::spec::structure`]) and no check.

pub mod config;
pub mod data;
pub mod events;
pub mod load;
pub mod messaging;
pub mod name_not_ascii;
pub mod saga;
pub mod sync;

use crate::derive::Derived;
use crate::diagnostic::{Finding, RuleMeta};
use crate::model::Model;
use crate::spec::structure;

/// Everything a rule may look at. Rules read; they never change the model.
pub struct Context<'a> {
    pub model: &'a Model,
    pub derived: &'a Derived,
    /// The load at the spike, computed once for the load rules and the report.
    pub load: &'a crate::load::LoadTable,
}

/// A rule that inspects the model and reports what it finds.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Option<Check>,
}

/// A rule's check: reads the context, appends its findings.
pub type Check = fn(&Context<'_>, &mut Vec<Finding>);

impl Rule {
    const fn checked(meta: &'static RuleMeta, check: Check) -> Self {
        Rule {
            meta,
            check: Some(check),
        }
    }
}

/// Every rule edasmith knows, in the order `explain --list` prints them.
pub fn all() -> Vec<Rule> {
    let mut rules: Vec<Rule> = structure::ALL
        .iter()
        .map(|&meta| Rule { meta, check: None })
        .collect();
    rules.extend(checks());
    rules
}

/// `checked!(group::rule_name)`: the rule module's `META` and `check`.
macro_rules! checked {
    ($($module:ident)::+) => {
        Rule::checked(&$($module)::+::META, $($module)::+::check)
    };
}

/// The rules that check a built model (everything but the structural ones), in
/// catalog order: one line per rule.
fn checks() -> Vec<Rule> {
    let mut rules = vec![
        checked!(name_not_ascii),
        checked!(messaging::event_multiple_publishers),
        checked!(messaging::event_publisher_not_owner),
        checked!(messaging::command_without_reply),
        checked!(messaging::command_multiple_handlers),
        checked!(messaging::message_with_reply),
        checked!(messaging::async_without_message),
        checked!(events::cdc_style_event_name),
        checked!(events::api_style_event_name),
        checked!(events::event_not_past_tense),
        checked!(events::lifecycle_unknown_state),
        checked!(events::lifecycle_unreachable_state),
        checked!(events::event_outside_lifecycle),
        checked!(data::payload_missing_needed_field),
        checked!(data::query_back),
        checked!(data::shared_database),
        checked!(sync::sync_cycle),
        checked!(sync::sync_chain_availability),
        checked!(saga::missing_compensation),
        checked!(saga::step_not_retriable),
        checked!(saga::multiple_pivots),
        checked!(saga::pivot_inconsistent),
        checked!(saga::unknown_orchestrator),
        checked!(saga::step_unbacked),
        checked!(saga::compensation_unbacked),
        checked!(saga::style_mismatch),
    ];
    // The load rules share the one load table of the analysis (`Context::load`).
    rules.extend(load::checks());
    rules
}

/// Looks a rule up by name.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    all()
        .into_iter()
        .map(|rule| rule.meta)
        .find(|meta| meta.name == name)
}

/// The help for a rule name the catalog does not have (the `rules:` map, `explain`).
pub fn unknown_rule_help(name: &str) -> String {
    crate::names::did_you_mean_or(name, all().iter().map(|rule| rule.meta.name), || {
        "`edasmith explain --list` lists every rule".to_owned()
    })
}

/// Runs every check over the model, in catalog order.
pub fn check_all(context: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in all() {
        if let Some(check) = rule.check {
            check(context, &mut findings);
        }
    }
    findings
}
