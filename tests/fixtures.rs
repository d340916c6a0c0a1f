//! Fixture specs with their expected findings written next to the offending line:
//!
//! ```yaml
//! relatons: []   # expect: unknown-key
//! ```
//!
//! Every fixture under `tests/fixtures/structure/` and `tests/fixtures/rules/` is
//! analyzed; the findings must be exactly the expected (line, rule) pairs: each defect
//! reported once, at its own line, and nothing else firing. A line may expect several
//! rules: `# expect: rule-a, rule-b`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use edasmith::analysis::{Options, analyze_str};
use edasmith::rules;

fn fixtures(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// (line, rule) pairs from `# expect:` comments.
fn expected(text: &str) -> BTreeSet<(u32, String)> {
    let mut expected = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        let Some((_, rules)) = line.split_once("# expect:") else {
            continue;
        };
        for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            expected.insert((index as u32 + 1, rule.to_owned()));
        }
    }
    expected
}

fn check_folder(folder: &str) {
    let mut failures = Vec::new();
    for path in fixtures(folder) {
        let text = fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let analysis = analyze_str(&name, &text, &Options::default());
        let actual: BTreeSet<(u32, String)> = analysis
            .findings
            .iter()
            .map(|f| (analysis.sources.locate(f.span).line, f.rule.to_owned()))
            .collect();
        let expected = expected(&text);
        if actual != expected || actual.len() != analysis.findings.len() {
            let messages: Vec<String> = analysis
                .findings
                .iter()
                .map(|f| {
                    let at = analysis.sources.locate(f.span);
                    format!(
                        "    {}:{}:{} {} [{}] {}",
                        name,
                        at.line,
                        at.column,
                        f.severity.as_str(),
                        f.rule,
                        f.message
                    )
                })
                .collect();
            failures.push(format!(
                "{name}\n  missing: {:?}\n  unexpected: {:?}\n  findings:\n{}",
                expected.difference(&actual).collect::<Vec<_>>(),
                actual.difference(&expected).collect::<Vec<_>>(),
                messages.join("\n"),
            ));
        }
        let overrides = text.lines().any(|line| line.starts_with("rules:"));
        for finding in &analysis.findings {
            let meta = rules::find(finding.rule)
                .unwrap_or_else(|| panic!("{name}: rule {} is not in the catalog", finding.rule));
            if !overrides {
                assert_eq!(
                    finding.severity, meta.severity,
                    "{name}: {} reported at a severity other than its default",
                    finding.rule
                );
            }
            assert!(
                text.get(finding.span.range()).is_some(),
                "{name}: {} points outside the file",
                finding.rule
            );
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures whose findings differ from their `# expect:` comments:\n{}",
        failures.join("\n")
    );
}

#[test]
fn structural_fixtures_report_exactly_what_they_expect() {
    check_folder("structure");
}

#[test]
fn rule_fixtures_report_exactly_what_they_expect() {
    check_folder("rules");
}

/// Every rule in the catalog has a fixture that makes it fire (structural rules that
/// need files on disk, such as invalid UTF-8, are covered by the CLI tests instead).
#[test]
fn every_rule_has_a_fixture_that_fires() {
    let mut fired = BTreeSet::new();
    for folder in ["structure", "rules"] {
        for path in fixtures(folder) {
            fired.extend(
                expected(&fs::read_to_string(path).unwrap())
                    .into_iter()
                    .map(|(_, rule)| rule),
            );
        }
    }
    // These need bytes or sizes a YAML fixture cannot hold; tests/cli.rs covers them.
    // (Typed loading rejects alias bombs and deep nesting as wrong types before the
    // budget is reached; limit-exceeded is the net behind that.) duplicate-id needs two
    // files: tests/cli.rs runs a spec folder for it.
    let on_disk_only = [
        "invalid-utf8",
        "file-too-large",
        "empty-spec",
        "limit-exceeded",
        "duplicate-id",
    ];
    let missing: Vec<&str> = rules::all()
        .iter()
        .map(|rule| rule.meta.name)
        .filter(|name| !fired.contains(*name) && !on_disk_only.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no firing fixture: {missing:?}"
    );
}
