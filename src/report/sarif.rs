//! SARIF 2.1.0 (`analyze --format sarif`), for code scanning: GitHub, GitLab and Azure
//! DevOps show the findings on the lines of the pull request.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::analysis::Analysis;
use crate::diagnostic::{Finding, RuleMeta, Severity};
use crate::rules;
use crate::source::SourceMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/edasmith/edasmith";

/// The analysis as a SARIF log with one run. Paths are relative to `root` (the
/// repository root, see [`repository_root`]) so code scanning can find the files.
pub fn render(analysis: &Analysis, root: &Path) -> String {
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
            result(finding, index, &analysis.sources, root)
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

fn result(finding: &Finding, rule_index: Option<usize>, sources: &SourceMap, root: &Path) -> Value {
    let mut text = finding.message.clone();
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let at = sources.locate(finding.span);
    let mut region = json!({ "startLine": at.line, "startColumn": at.column });
    if at.length > 0 {
        region["endColumn"] = json!(at.column + at.length);
    }
    let uri = relative_uri(at.file.path(), root);
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri, "uriBaseId": "SRCROOT" },
                "region": region,
            }
        }],
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    result
}

/// The file's path relative to the repository root, with `/` separators and
/// percent-encoding where a URI needs it (spaces, `%`, `#`, `?`); non-ASCII stays as is
/// (IRIs allow it, and code hosts show it).
fn relative_uri(path: &Path, root: &Path) -> String {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let relative = absolute
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(absolute);
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut uri = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' ' => uri.push_str("%20"),
            '%' => uri.push_str("%25"),
            '#' => uri.push_str("%23"),
            '?' => uri.push_str("%3F"),
            _ => uri.push(c),
        }
    }
    uri
}

/// The root of the repository holding the current directory: the nearest ancestor with
/// a `.git`, else the current directory itself.
pub fn repository_root() -> PathBuf {
    let current = std::env::current_dir()
        .and_then(|dir| dir.canonicalize())
        .unwrap_or_else(|_| PathBuf::from("."));
    current
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(current)
}
