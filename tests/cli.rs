//! The binary as a user runs it: exit codes, where output goes, bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn edasmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edasmith"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run edasmith")
}

fn code(output: &Output) -> i32 {
    output
        .status
        .code()
        .expect("exited normally, not by a signal")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch folder under target/, unique per test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn both_examples_analyze_clean() {
    for example in [
        "examples/telecom-ko/spec.yaml",
        "examples/ecommerce/spec.yaml",
    ] {
        let output = edasmith(&["analyze", example]);
        assert_eq!(code(&output), 0, "{example}:\n{}", stderr(&output));
        assert!(
            stdout(&output).contains("Aggregates"),
            "the derived model goes to stdout"
        );
        assert!(
            stderr(&output).contains("no findings"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_misspelt_service_points_at_its_line_and_suggests_the_right_name() {
    let output = edasmith(&["analyze", "tests/fixtures/misspelt-service.yaml"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    assert!(
        err.contains("tests/fixtures/misspelt-service.yaml:7:9"),
        "{err}"
    );
    assert!(err.contains("error[unknown-reference]"), "{err}");
    assert!(err.contains("`biling`"), "{err}");
    assert!(err.contains("did you mean `billing`?"), "{err}");
    assert!(
        err.contains("7 |     to: biling"),
        "the snippet shows the source line:\n{err}"
    );
}

#[test]
fn the_json_report_has_the_format_pages_shape() {
    let output = edasmith(&[
        "analyze",
        "examples/telecom-ko/spec.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 0);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(report["system"], "통신 고객관리");
    let contract = &report["aggregates"][0];
    assert_eq!(contract["id"], "계약");
    assert_eq!(contract["owner"], "contract");
    assert_eq!(contract["states"][0], "사용중");
    assert!(
        contract["events"]
            .as_array()
            .unwrap()
            .contains(&"계약해지됨".into())
    );
    let terminated = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "계약해지됨")
        .unwrap();
    assert_eq!(terminated["aggregate"], "계약");
    assert_eq!(terminated["publisher"], "contract");
    assert_eq!(
        terminated["subscribers"],
        serde_json::json!(["billing", "customer"])
    );
    let saga = &report["sagas"][0];
    assert_eq!(saga["id"], "terminate-contract");
    assert_eq!(saga["compensation_paths"][0]["failed_step"], 2);
    assert_eq!(
        saga["compensation_paths"][0]["compensations"],
        serde_json::json!(["계약복원"])
    );
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["warnings"], 0);
    assert!(report["findings"].as_array().unwrap().is_empty());
}

#[test]
fn json_findings_carry_rule_severity_and_location() {
    let output = edasmith(&[
        "analyze",
        "tests/fixtures/misspelt-service.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "unknown-reference");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "tests/fixtures/misspelt-service.yaml");
    assert_eq!(finding["line"], 7);
    assert_eq!(finding["column"], 9);
    assert_eq!(finding["help"], "did you mean `billing`?");
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn a_folder_merges_its_yaml_files_and_ignores_the_rest() {
    let output = edasmith(&["analyze", "tests/fixtures/folder-team"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("in 2 files"),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("ContractTerminated  [Contract]  contract -> billing"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_same_id_in_two_files_names_both_places() {
    let output = edasmith(&["analyze", "tests/fixtures/folder-duplicate"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    assert!(err.contains("error[duplicate-id]"), "{err}");
    assert!(err.contains("folder-duplicate/b-billing.yaml:2:3"), "{err}");
    assert!(
        err.contains("already defined at tests/fixtures/folder-duplicate/a-contract.yaml:4:3"),
        "{err}"
    );
}

#[test]
fn io_and_usage_errors_exit_2() {
    let missing = edasmith(&["analyze", "no/such/spec.yaml"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("cannot read no/such/spec.yaml"),
        "{}",
        stderr(&missing)
    );

    let empty_dir = scratch("empty-dir");
    let no_yaml = edasmith(&["analyze", empty_dir.to_str().unwrap()]);
    assert_eq!(code(&no_yaml), 2);
    assert!(stderr(&no_yaml).contains("contains no .yaml or .yml files"));

    assert_eq!(code(&edasmith(&["analyze"])), 2);
    assert_eq!(
        code(&edasmith(&["analyze", "x.yaml", "--format", "xml"])),
        2
    );
    assert_eq!(code(&edasmith(&["frobnicate"])), 2);
    assert_eq!(code(&edasmith(&["--help"])), 0);
    assert_eq!(code(&edasmith(&["--version"])), 0);
}

#[test]
fn deny_warnings_makes_warnings_fail() {
    let dir = scratch("deny");
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "services:\n  order: {}\n  payment: {}\nrelations:\n  - { from: order, to: payment, type: command, message: AuthorizePayment, reply: PaymentAuthorized, data: Payment }\n",
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let plain = edasmith(&["analyze", spec]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    assert!(
        stderr(&plain).contains("warning[undeclared-data]"),
        "{}",
        stderr(&plain)
    );
    let denied = edasmith(&["analyze", spec, "--deny", "warnings"]);
    assert_eq!(code(&denied), 1);
    assert!(stderr(&denied).contains("error[undeclared-data]"));
}

#[test]
fn the_rules_map_changes_severity_or_turns_a_rule_off() {
    let dir = scratch("rules-map");
    let body = "services:\n  order: {}\n  payment: {}\nrelations:\n  - { from: order, to: payment, type: command, message: AuthorizePayment, reply: PaymentAuthorized, data: Payment }\n";
    let raised = dir.join("raised.yaml");
    std::fs::write(&raised, format!("{body}rules:\n  undeclared-data: error\n")).unwrap();
    let output = edasmith(&["analyze", raised.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("error[undeclared-data]"));
    let off = dir.join("off.yaml");
    std::fs::write(&off, format!("{body}rules:\n  undeclared-data: off\n")).unwrap();
    let output = edasmith(&["analyze", off.to_str().unwrap()]);
    assert_eq!(code(&output), 0);
    assert!(
        !stderr(&output).contains("undeclared-data"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn explain_prints_a_rules_documentation() {
    let output = edasmith(&["explain", "unknown-key"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    for heading in [
        "# unknown-key (error)",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ] {
        assert!(text.contains(heading), "missing {heading:?} in:\n{text}");
    }
    let list = stdout(&edasmith(&["explain", "--list"]));
    assert!(
        list.lines()
            .any(|line| line.starts_with("unknown-reference") && line.contains("error")),
        "{list}"
    );
    let unknown = edasmith(&["explain", "unknown-referenc"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("did you mean `unknown-reference`?"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let piped = edasmith(&["analyze", "tests/fixtures/misspelt-service.yaml"]);
    assert!(
        !stderr(&piped).contains('\u{1b}'),
        "no escape codes into a pipe"
    );
    let forced = edasmith(&[
        "analyze",
        "tests/fixtures/misspelt-service.yaml",
        "--color",
        "always",
    ]);
    assert!(
        stderr(&forced).contains("\u{1b}["),
        "--color always colours"
    );
}

/// A spec large enough that its JSON report overflows a pipe buffer.
fn large_spec(services: usize) -> String {
    let mut spec = String::from("system: large\nservices:\n");
    for i in 0..services {
        spec.push_str(&format!("  s{i}: {{ name: Service {i} }}\n"));
    }
    spec.push_str("relations:\n");
    for i in 1..services {
        spec.push_str(&format!(
            "  - {{ from: s{}, to: s{i}, type: sync, operation: GET /items/{i} }}\n",
            i - 1
        ));
    }
    spec
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = scratch("pipe");
    let spec = dir.join("large.yaml");
    std::fs::write(&spec, large_spec(3000)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edasmith"))
        .args(["analyze", spec.to_str().unwrap(), "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head` exiting at once
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).is_empty(),
        "nothing on stderr: {}",
        stderr(&output)
    );
}

/// Bad input of every kind: exit 1 with a located message, never a panic (101). (How
/// fast is the benchmark's business: `cargo bench --bench scale`.)
#[test]
fn bad_input_gets_a_clear_error_never_a_panic() {
    let dir = scratch("bad-input");
    let deep = format!("system: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let deep_map = format!(
        "services:\n{}",
        (0..2000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>()
    );
    let bomb = "services:\n  a: &a { description: x }\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n  h: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let huge_line = format!("system: \"{}\n", "x".repeat(50 * 1024 * 1024));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.yaml", Vec::new(), "empty-spec"),
        (
            "blank.yaml",
            b"  \n# only a comment\n".to_vec(),
            "empty-spec",
        ),
        ("latin1.yaml", b"system: caf\xe9\n".to_vec(), "invalid-utf8"),
        (
            "binary.yaml",
            vec![0, 159, 146, 150, 0, 1, 2],
            "invalid-utf8",
        ),
        (
            "malformed.yaml",
            b"services:\n  web: { name: \"x }\n".to_vec(),
            "yaml-syntax",
        ),
        (
            "wrong-shape.yaml",
            b"services: {web: [}\n".to_vec(),
            "wrong-type",
        ),
        ("scalar.yaml", b"just text\n".to_vec(), "wrong-type"),
        ("deep.yaml", deep.into_bytes(), "error["),
        ("deep-map.yaml", deep_map.into_bytes(), "error["),
        ("bomb.yaml", bomb.as_bytes().to_vec(), "error["),
        ("huge.yaml", huge_line.into_bytes(), "yaml-syntax"),
        (
            "dup.yaml",
            b"system: a\nsystem: b\n".to_vec(),
            "duplicate-key",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = edasmith(&["analyze", path.to_str().unwrap()]);
        assert_eq!(code(&output), 1, "{name}: {}", stderr(&output));
        let err = stderr(&output);
        assert!(
            err.contains(expected),
            "{name}: expected {expected:?} in:\n{err}"
        );
        assert!(
            err.contains(&format!("{name}:")),
            "{name}: the message names the file and line:\n{err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = scratch("size-limit");
    let path = dir.join("big.yaml");
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(file, "system: big").unwrap();
    writeln!(file, "# {}", "x".repeat(2000)).unwrap();
    drop(file);
    let output = edasmith(&["analyze", path.to_str().unwrap(), "--max-file-size", "1000"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("error[file-too-large]"),
        "{}",
        stderr(&output)
    );
    let raised = edasmith(&[
        "analyze",
        path.to_str().unwrap(),
        "--max-file-size",
        "100000",
    ]);
    assert_eq!(code(&raised), 0, "{}", stderr(&raised));
}

#[test]
fn init_writes_a_starter_that_analyzes_clean_and_never_overwrites() {
    let dir = scratch("init");
    let spec = dir.join("edasmith.yaml");
    let output = edasmith(&["init", spec.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        dir.join("edasmith.schema.json").exists(),
        "the schema lands beside the spec for editors"
    );
    let analyzed = edasmith(&["analyze", spec.to_str().unwrap(), "--deny", "warnings"]);
    assert_eq!(
        code(&analyzed),
        0,
        "the starter must analyze clean:\n{}",
        stderr(&analyzed)
    );
    assert!(
        stderr(&analyzed).contains("no findings"),
        "{}",
        stderr(&analyzed)
    );
    std::fs::write(&spec, "system: mine\n").unwrap();
    let again = edasmith(&["init", spec.to_str().unwrap()]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&spec).unwrap(),
        "system: mine\n",
        "the user's file is untouched"
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef edasmith"),
        ("fish", "complete -c edasmith"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = edasmith(&["completions", shell]);
        assert_eq!(code(&output), 0, "{shell}");
        assert!(stdout(&output).contains(marker), "{shell}: no {marker:?}");
    }
}

#[test]
fn quiet_prints_only_findings() {
    let clean = edasmith(&["-q", "analyze", "examples/ecommerce/spec.yaml"]);
    assert_eq!(code(&clean), 0);
    assert!(
        stdout(&clean).is_empty() && stderr(&clean).is_empty(),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );
    let broken = edasmith(&["analyze", "--quiet", "tests/fixtures/misspelt-service.yaml"]);
    assert_eq!(code(&broken), 1);
    assert!(stdout(&broken).is_empty());
    assert!(stderr(&broken).contains("error[unknown-reference]"));
}

#[test]
fn every_command_has_help_with_an_example() {
    for command in [
        "analyze",
        "explain",
        "schema",
        "init",
        "completions",
        "diagram",
        "export",
    ] {
        let output = edasmith(&[command, "--help"]);
        assert_eq!(code(&output), 0, "{command}");
        assert!(
            stdout(&output).contains("Example"),
            "{command} --help has no example:\n{}",
            stdout(&output)
        );
    }
}
