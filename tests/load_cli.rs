//! `edasmith load` end to end: the table, `--peak` what-ifs, usage errors, JSON.

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{edasmith, root, text};

/// Each line's runs of spaces made one, so that checks do not depend on column widths.
fn squeeze(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

const BEFORE: &str = "examples/promotion/before.yaml";
const AFTER: &str = "examples/promotion/after.yaml";

#[test]
fn the_table_shows_the_figures_sorted_by_utilization() {
    let output = edasmith(&["load", BEFORE]);
    let stdout = text(&output.stdout);
    // Over capacity in the spec: exit 1, as `analyze` would.
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colour when piped: {stdout}");
    insta::assert_snapshot!("load_before", stdout);
    let order: Vec<&str> = stdout
        .lines()
        .skip(3)
        .take(3)
        .map(|line| line.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(order, ["order", "product", "catalog"]);
    assert!(squeeze(&stdout).contains("catalog 11,000 / 10,000 req/s ███████████ 110% 0 100%"));
}

#[test]
fn the_isolated_spike_holds() {
    let output = edasmith(&["load", AFTER]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    insta::assert_snapshot!("load_after", stdout);
    assert!(!stdout.contains("over capacity"));
}

#[test]
fn peak_overrides_and_adds() {
    // promo 4,000 -> entry 12,000 (150 %); web 500 -> catalog 500 x 4 + product 750 = 2,750.
    let output = edasmith(&["load", AFTER, "--peak", "promo=4000", "--peak", "web=500"]);
    let stdout = squeeze(&text(&output.stdout));
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("peak req/s: web 500, promo 4,000"),
        "{stdout}"
    );
    assert!(stdout.contains("entry 12,000 / 8,000 req/s"), "{stdout}");
    assert!(stdout.contains("150%"), "{stdout}");
    assert!(stdout.contains("catalog 2,750 / 10,000 req/s"), "{stdout}");
    assert!(stdout.contains("entry: promo -> entry (GET /promotions/{id}) x2 (8,000 req/s)"));
    // A smaller spike holds: exit 0. Display names work too; `_` groups digits.
    let output = edasmith(&["load", AFTER, "--peak", "Promotion page=1_000"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(
        squeeze(&text(&output.stdout)).contains("entry 3,000 / 8,000 req/s ███▊ 37.5% 0 66.7%")
    );
}

#[test]
fn an_unknown_service_is_a_usage_error_with_a_suggestion() {
    let output = edasmith(&["load", AFTER, "--peak", "promp=4000"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no service `promp`"), "{stderr}");
    assert!(stderr.contains("did you mean `promo`?"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_malformed_peak_is_a_usage_error() {
    for bad in [
        "promo",
        "promo=abc",
        "promo=-5",
        "promo=NaN",
        "promo=inf",
        "=5",
    ] {
        let output = edasmith(&["load", AFTER, "--peak", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(text(&output.stderr).contains("--peak"), "{bad}");
    }
}

#[test]
fn json_prints_the_load_array() {
    let output = edasmith(&["load", BEFORE, "--format", "json", "--peak", "web=1000"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["load"]);
    let catalog = &json["load"][2];
    // web 1,000: product = 1,000 + 250 x 2 = 1,500; catalog = 4,000 + 1,500.
    assert_eq!(catalog["service"], "catalog");
    assert_eq!(catalog["load"], 5500);
    assert_eq!(catalog["utilization"], 0.55);
    assert_eq!(catalog["reads"], 1);
    for row in json["load"].as_array().unwrap() {
        for key in [
            "service",
            "load",
            "capacity",
            "utilization",
            "queued",
            "reads",
        ] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
    }
}

#[test]
fn a_spec_with_other_errors_prints_them_instead() {
    let dir = std::env::temp_dir().join(format!("edasmith-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec: PathBuf = dir.join("broken.yaml");
    std::fs::write(
        &spec,
        "services:\n  web: { kind: frontend, peak: 10 }\nrelations:\n  - { from: web, to: ghost, type: sync }\n",
    )
    .unwrap();
    let output = edasmith(&["load", spec.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr).contains("unknown-reference"),
        "{}",
        text(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn colour_is_used_when_asked() {
    let output = Command::new(env!("CARGO_BIN_EXE_edasmith"))
        .args(["load", BEFORE, "--color", "always"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        text(&output.stdout).contains("\x1b[31m")
            || text(&output.stdout).contains("\x1b[1m\x1b[31m")
    );
}

#[test]
fn explain_documents_the_load_rules() {
    for rule in ["capacity-exceeded", "spike-not-isolated"] {
        let output = edasmith(&["explain", rule]);
        assert_eq!(output.status.code(), Some(0));
        let stdout = text(&output.stdout);
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "docs/method.md#load-at-a-spike",
        ] {
            assert!(stdout.contains(heading), "{rule}: {heading}");
        }
    }
}

#[test]
fn the_example_readme_shows_the_current_output() {
    let readme = std::fs::read_to_string(root().join("examples/promotion/README.md")).unwrap();
    for spec in [BEFORE, AFTER] {
        let stdout = text(&edasmith(&["load", spec]).stdout);
        assert!(
            readme.contains(stdout.trim_end()),
            "examples/promotion/README.md is stale for {spec}:\n{stdout}"
        );
    }
}
