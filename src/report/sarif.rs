//! SARIF 2.1.0 (`analyze --format sarif`), for code scanning: GitHub, GitLab and Azure
//! DevOps show the findings on the lines of the pull request.

use serde_json::{Value, json};

use super::paths::{ReportPath, ReportPaths, RepositoryRoot};
use crate::analysis::Analysis;
use crate::diagnostic::{Finding, RuleMeta, Severity};
use crate::rules;
use crate::source::Location;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/edasmith/edasmith";

/// The analysis as a SARIF log with one run. A file's URI is relative to `root`, or a
/// `file://` URI for a file outside it ([`ReportPath`]).
pub fn render(analysis: &Analysis, root: &RepositoryRoot) -> String {
    let mut paths = ReportPaths::new(root, &analysis.sources);
    let catalog = rules::all();
    let rules: Vec<Value> = catalog
        .iter()
        .map(|rule| rule_descriptor(rule.meta))
        .collect();
    let results: Vec<Value> = analysis
        .findings
        .iter()
        .map(|finding| {
            let index = catalog
                .iter()
                .position(|rule| rule.meta.name == finding.rule);
            let at = analysis.sources.locate(finding.span);
            result(finding, index, paths.of(finding.span.file), at)
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "edasmith",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            // Our columns count Unicode characters (Korean text included), not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": "The repository root." } } },
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.name,
        "name": pascal(meta.name),
        "shortDescription": { "text": meta.summary() },
        "fullDescription": { "text": meta.documentation() },
        "help": { "text": meta.documentation(), "markdown": meta.documentation() },
        "defaultConfiguration": { "level": level(meta.severity) },
    })
}

fn pascal(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn result(finding: &Finding, rule_index: Option<usize>, path: &ReportPath, at: Location) -> Value {
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut region = json!({ "startLine": at.line, "startColumn": at.column });
    if at.length > 0 {
        region["endColumn"] = json!(at.column + at.length);
    }
    let artifact = match path {
        ReportPath::InRepository(_) => json!({ "uri": path.uri(), "uriBaseId": "SRCROOT" }),
        // An absolute URI with a base is an error (SARIF1004): the base would be ignored.
        ReportPath::Outside(_) => json!({ "uri": path.uri() }),
    };
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": region,
            }
        }],
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    result
}
