//! Applies the spec's `rules:` map and `--deny warnings` to the findings.

use crate::model::RuleLevel;
use crate::report::{Finding, Severity};

/// Sets each finding's severity from the `rules:` map, drops the rules turned off, and
/// with `deny_warnings` makes warnings errors.
pub fn apply(findings: Vec<Finding>, levels: &[RuleLevel], deny_warnings: bool) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut finding| {
            if let Some(level) = levels.iter().rev().find(|level| level.rule == finding.rule) {
                finding.severity = level.level?;
            }
            if deny_warnings && finding.severity == Severity::Warning {
                finding.severity = Severity::Error;
            }
            Some(finding)
        })
        .collect()
}
