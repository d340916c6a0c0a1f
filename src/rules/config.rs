//! The spec's `rules:` map and `--deny warnings`: which rule reports at which severity.

use crate::diagnostic::{Finding, Severity};
use crate::model::Name;
use crate::spec::structure;

/// A severity override from the `rules:` map.
#[derive(Debug, Clone)]
pub struct RuleLevel {
    pub rule: &'static str,
    /// `None` turns the rule off.
    pub level: Option<Severity>,
}

/// Reads the `rules:` map (rule name -> level, as written), reporting names the catalog
/// does not have and levels that do not exist.
pub fn read(entries: &[(Name, Name)]) -> (Vec<RuleLevel>, Vec<Finding>) {
    let mut levels = Vec::new();
    let mut findings = Vec::new();
    for (rule, level) in entries {
        let Some(meta) = super::find(&rule.value) else {
            findings.push(
                structure::UNKNOWN_RULE
                    .finding(rule.span, format!("unknown rule `{}`", rule.value))
                    .with_help(super::unknown_rule_help(&rule.value)),
            );
            continue;
        };
        let parsed = match level.value.as_str() {
            "error" => Some(Some(Severity::Error)),
            "warning" => Some(Some(Severity::Warning)),
            "info" => Some(Some(Severity::Info)),
            "off" => Some(None),
            _ => None,
        };
        match parsed {
            Some(level) => levels.push(RuleLevel {
                rule: meta.name,
                level,
            }),
            None => findings.push(
                structure::UNKNOWN_RULE
                    .finding(
                        level.span,
                        format!("unknown level `{}` for rule `{}`", level.value, meta.name),
                    )
                    .with_help("a rule's level is one of error, warning, info, off"),
            ),
        }
    }
    (levels, findings)
}

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
