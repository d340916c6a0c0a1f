//! Outputs checked by their real consumers: the SARIF Multitool, a JSON Schema
//! validator. A missing validator fails the test: run `.ci/install-tools`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{edasmith, edasmith_in, root, text};

/// Runs a validator; panics with a clear message when it is not installed.
fn validator(program: &str, args: &[&str]) -> Output {
    let path = root().join(program);
    assert!(path.exists(), "{program} is missing: run .ci/install-tools");
    Command::new(&path)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): run .ci/install-tools"))
}

fn yaml_files(folder: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            path.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

/// The spec files of every example folder (a plain file beside the folders, such as a
/// README, is no example).
fn examples() -> Vec<String> {
    let mut specs: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            path.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    specs.sort();
    assert!(specs.len() >= 2);
    specs
}

#[test]
fn sarif_of_examples_and_fixtures_passes_the_sarif_multitool() {
    let dir = scratch("sarif");
    let mut logs = Vec::new();
    let specs: Vec<String> = examples()
        .into_iter()
        .chain(yaml_files("tests/fixtures/structure"))
        .chain(yaml_files("tests/fixtures/rules"))
        .collect();
    for (index, spec) in specs.iter().enumerate() {
        let output = edasmith(&["analyze", spec, "--format", "sarif"]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{spec}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
        assert_eq!(log["version"], "2.1.0");
        let path = dir.join(format!("{index:03}.sarif"));
        std::fs::write(&path, &output.stdout).unwrap();
        logs.push(path.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = logs.iter().map(String::as_str).collect();
    let result = validator("tools/sarif-validate.sh", &args);
    assert!(
        result.status.success(),
        "the SARIF Multitool rejected a log:\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn sarif_results_point_at_the_file_from_the_repository_root() {
    let output = edasmith(&[
        "analyze",
        "tests/fixtures/misspelt-service.yaml",
        "--format",
        "sarif",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "unknown-reference");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "tests/fixtures/misspelt-service.yaml"
    );
    assert_eq!(location["region"]["startLine"], 7);
    assert_eq!(location["region"]["startColumn"], 9);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "unknown-reference");
    assert!(
        rules[index]["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does")
    );
}

#[test]
fn github_format_annotates_each_finding() {
    let output = edasmith(&[
        "analyze",
        "tests/fixtures/misspelt-service.yaml",
        "--format",
        "github",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.trim_end(),
        "::error file=tests/fixtures/misspelt-service.yaml,line=7,col=9,title=unknown-reference::\
         the relation's `to` names service `biling`, which does not exist%0Ahelp: did you mean `billing`?"
    );
}

/// A fresh git repository (`git init` in a scratch folder) holding the misspelt-service
/// fixture at `service/specs/food.yaml`; returns the repository's `service/` folder.
fn repository_with_a_spec(name: &str) -> PathBuf {
    let repo = scratch(name);
    let init = Command::new("git")
        .args(["init", "--quiet"])
        .current_dir(&repo)
        .output()
        .expect("git is installed");
    assert!(init.status.success(), "git init: {}", text(&init.stderr));
    let service = repo.join("service");
    std::fs::create_dir_all(service.join("specs")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/misspelt-service.yaml"),
        service.join("specs/food.yaml"),
    )
    .unwrap();
    service
}

/// Runs `analyze SPEC --format sarif` in `dir` (one finding expected), has the SARIF
/// Multitool validate the log (written to `log`), and returns the finding's
/// `artifactLocation`.
fn sarif_artifact(dir: &Path, spec: &str, log: &Path) -> serde_json::Value {
    let output = edasmith_in(dir, &["analyze", spec, "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    std::fs::write(log, &output.stdout).unwrap();
    let result = validator("tools/sarif-validate.sh", &[&log.to_string_lossy()]);
    assert!(
        result.status.success(),
        "the SARIF Multitool rejected {}:\n{}{}",
        log.display(),
        text(&result.stdout),
        text(&result.stderr)
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].clone()
}

#[test]
fn github_and_sarif_name_the_file_from_the_repository_root_when_run_from_a_subfolder() {
    let service = repository_with_a_spec("subfolder");
    let spec = "specs/food.yaml";

    let github = edasmith_in(&service, &["analyze", spec, "--format", "github"]);
    assert_eq!(github.status.code(), Some(1), "{}", text(&github.stderr));
    assert!(
        text(&github.stdout).starts_with(
            "::error file=service/specs/food.yaml,line=7,col=9,title=unknown-reference::"
        ),
        "{}",
        text(&github.stdout)
    );

    assert_eq!(
        sarif_artifact(&service, spec, &service.join("../food.sarif")),
        serde_json::json!({ "uri": "service/specs/food.yaml", "uriBaseId": "SRCROOT" })
    );

    // The human report is read in the folder the command ran from: the path as typed.
    let human = edasmith_in(&service, &["analyze", spec]);
    assert!(
        text(&human.stderr).contains("--> specs/food.yaml:7:9"),
        "{}",
        text(&human.stderr)
    );
}

#[test]
fn a_spec_outside_the_repository_is_a_file_uri_the_sarif_multitool_accepts() {
    let service = repository_with_a_spec("outside-repository");
    let elsewhere = scratch("outside-spec").canonicalize().unwrap();
    let folder = elsewhere.to_str().unwrap();
    // So that the expected URI below needs no encoding of the folder.
    assert!(
        folder
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c)),
        "{folder}"
    );
    let spec = elsewhere.join("my specs 음식.yaml");
    std::fs::copy(root().join("tests/fixtures/misspelt-service.yaml"), &spec).unwrap();
    let spec = spec.to_str().unwrap();

    // Absolute, so no `uriBaseId` (SARIF1004); UTF-8 bytes percent-encoded (RFC 8089).
    assert_eq!(
        sarif_artifact(&service, spec, &elsewhere.join("outside.sarif")),
        serde_json::json!({
            "uri": format!("file://{folder}/my%20specs%20%EC%9D%8C%EC%8B%9D.yaml")
        })
    );

    // GitHub annotates only files of the repository: no `file`, the place in the message.
    let github = edasmith_in(&service, &["analyze", spec, "--format", "github"]);
    assert_eq!(github.status.code(), Some(1), "{}", text(&github.stderr));
    assert!(
        text(&github.stdout).starts_with(&format!(
            "::error title=unknown-reference::{folder}/my specs 음식.yaml:7:9: the relation's"
        )),
        "{}",
        text(&github.stdout)
    );
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let output = edasmith(&["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join("edasmith.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        committed,
        "edasmith.schema.json is stale: run `cargo run -- schema > edasmith.schema.json`"
    );
}

/// Fixtures whose defects are the schema's business (shape, keys, enums, ranges).
const SCHEMA_INVALID: &[&str] = &[
    "tests/fixtures/rules/all-defects.yaml",
    "tests/fixtures/structure/duplicate-key.yaml",
    "tests/fixtures/structure/invalid-value-kind.yaml",
    "tests/fixtures/structure/invalid-value-numbers.yaml",
    "tests/fixtures/structure/missing-key.yaml",
    "tests/fixtures/structure/unknown-key-top.yaml",
    "tests/fixtures/structure/unknown-key.yaml",
    "tests/fixtures/structure/unknown-rule.yaml",
    "tests/fixtures/structure/wrong-type-alias.yaml",
    "tests/fixtures/structure/wrong-type-list.yaml",
    "tests/fixtures/structure/wrong-type.yaml",
    "tests/fixtures/structure/yaml-syntax.yaml",
];

#[test]
fn the_schema_accepts_valid_specs_and_rejects_broken_ones() {
    let schema = "edasmith.schema.json";
    let all: Vec<String> = examples()
        .into_iter()
        .chain(yaml_files("tests/fixtures/structure"))
        .chain(yaml_files("tests/fixtures/rules"))
        .collect();
    for spec in &all {
        let expect_valid = !SCHEMA_INVALID.contains(&spec.as_str());
        let output = validator(
            "tools/.venv/bin/python",
            &["tools/schema-validate.py", schema, spec],
        );
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.success(),
            expect_valid,
            "{spec}: expected valid={expect_valid}:\n{text}"
        );
    }
}

/// A scratch folder of this suite.
fn scratch(name: &str) -> PathBuf {
    common::scratch("ecosystem", name)
}
