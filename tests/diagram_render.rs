//! The diagrams, checked by the real tools: every `.dot` through Graphviz
//! (`tools/dot-check.sh`: no error, no warning) and every `.mmd` through Mermaid's own
//! parser (`tools/mermaid-parse.mjs`), for both examples and the fixtures with hostile
//! names. These tests fail (never skip) when the tools are missing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{edasmith, root};

fn specs() -> Vec<PathBuf> {
    [
        "examples/telecom-ko/spec.yaml",
        "examples/ecommerce/spec.yaml",
        "tests/fixtures/diagram/hostile.yaml",
        "tests/fixtures/diagram/large-50.yaml",
        "examples/promotion/before.yaml",
        "examples/promotion/after.yaml",
        "tests/fixtures/diagram/hostile-load.yaml",
    ]
    .iter()
    .map(|path| root().join(path))
    .collect()
}

fn require_tools() {
    const HINT: &str = "run `.ci/install-tools` to install Graphviz, Node and the Mermaid parser";
    let dot = Command::new("dot").arg("-V").output();
    assert!(
        dot.is_ok_and(|o| o.status.success()),
        "Graphviz `dot` is missing: {HINT}"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "`node` is missing: {HINT}"
    );
    assert!(
        root().join("tools/node_modules/mermaid").exists(),
        "tools/node_modules/mermaid is missing: {HINT}"
    );
}

fn files_with(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

fn check_with_tools(dots: &[PathBuf], mermaids: &[PathBuf]) {
    require_tools();
    assert!(!dots.is_empty() && !mermaids.is_empty());
    let output = Command::new(root().join("tools/dot-check.sh"))
        .args(dots)
        .output()
        .expect("cannot run tools/dot-check.sh");
    assert!(
        output.status.success(),
        "Graphviz rejected a diagram:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let output = Command::new("node")
        .arg(root().join("tools/mermaid-parse.mjs"))
        .args(mermaids)
        .output()
        .expect("cannot run node tools/mermaid-parse.mjs");
    assert!(
        output.status.success(),
        "Mermaid rejected a diagram:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn write_all(spec: &Path, out: &Path) {
    let output = edasmith(&[
        "diagram",
        spec.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "diagram --out-dir failed for {}:\n{}",
        spec.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_diagram_passes_graphviz_and_mermaid() {
    require_tools();
    let mut dots = Vec::new();
    let mut mermaids = Vec::new();
    for (index, spec) in specs().iter().enumerate() {
        let out = scratch(&format!("all-{index}"));
        write_all(spec, &out);
        let page = fs::read_to_string(out.join("DIAGRAMS.md")).unwrap();
        let mmd = files_with(&out, "mmd");
        let dot = files_with(&out, "dot");
        for file in mmd.iter().chain(&dot) {
            let name = file.file_name().unwrap().to_str().unwrap();
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
                "file name not plain ASCII: {name}"
            );
            assert!(
                page.contains(&format!("]({name})")),
                "DIAGRAMS.md does not link {name}"
            );
        }
        // The page embeds every Mermaid diagram verbatim.
        for file in &mmd {
            let text = fs::read_to_string(file).unwrap();
            assert!(page.contains(&format!("```mermaid\n{text}```")));
        }
        assert_eq!(mmd.len(), dot.len());
        // The load view is drawn exactly when a service declares a peak.
        let with_peak = fs::read_to_string(spec).unwrap().contains("peak:");
        assert_eq!(
            out.join("load.dot").exists() && out.join("load.mmd").exists(),
            with_peak,
            "load view of {}",
            spec.display()
        );
        assert_eq!(page.contains("## Load at the spike"), with_peak);
        dots.extend(dot);
        mermaids.extend(mmd);
    }
    check_with_tools(&dots, &mermaids);
}

/// Each diagram a view prints to stdout passes the real tools. A view with several
/// diagrams (a lifecycle per aggregate, a diagram per saga) prints one at a time, by
/// `--name`: without it, the command says which names there are (exit 2), since no
/// renderer reads several diagrams concatenated.
#[test]
fn stdout_views_pass_the_tools_too() {
    let out = scratch("stdout");
    let spec = root().join("examples/telecom-ko/spec.yaml");
    let spec = spec.to_str().unwrap();
    let mut dots = Vec::new();
    let mut mermaids = Vec::new();
    for view in ["srd", "events", "lifecycle", "saga"] {
        let output = edasmith(&["diagram", spec, "--view", view]);
        let names: Vec<String> = match output.status.code() {
            Some(0) => vec![String::new()],
            Some(2) => {
                let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                assert!(output.stdout.is_empty(), "{view}: printed although refused");
                let listed = stderr.split("(one of: ").nth(1).expect(&stderr);
                let listed = listed.split(')').next().unwrap();
                listed.split(", ").map(str::to_owned).collect()
            }
            other => panic!("{view}: exit {other:?}"),
        };
        for (index, name) in names.iter().enumerate() {
            for format in ["mermaid", "dot"] {
                let mut args = vec!["diagram", spec, "--format", format, "--view", view];
                if !name.is_empty() {
                    args.extend(["--name", name]);
                }
                let output = edasmith(&args);
                assert!(output.status.success(), "{args:?}");
                let extension = if format == "dot" { "dot" } else { "mmd" };
                let path = out.join(format!("{view}-{index}.{extension}"));
                fs::write(&path, &output.stdout).unwrap();
                if format == "dot" {
                    dots.push(path)
                } else {
                    mermaids.push(path)
                }
            }
        }
    }
    let lifecycles = (mermaids.iter())
        .filter(|p| p.to_string_lossy().contains("lifecycle-"))
        .count();
    assert_eq!(lifecycles, 3, "one lifecycle diagram per aggregate");
    check_with_tools(&dots, &mermaids);
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn output_is_deterministic() {
    for (index, spec) in specs().iter().enumerate() {
        let a = scratch(&format!("det-a-{index}"));
        let b = scratch(&format!("det-b-{index}"));
        write_all(spec, &a);
        write_all(spec, &b);
        let (a, b) = (tree(&a), tree(&b));
        assert!(a.len() > 2);
        assert_eq!(a, b, "two runs differ for {}", spec.display());
    }
}

#[test]
fn a_spec_with_errors_writes_nothing_and_exits_1() {
    let dir = scratch("errors");
    let spec = dir.join("broken.yaml");
    fs::write(
        &spec,
        "services:\n  a: {}\nrelations:\n  - { from: a, to: nowhere, type: sync }\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = edasmith(&[
        "diagram",
        spec.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown-reference"), "{stderr}");
    assert!(!out.exists(), "nothing may be written");
    let output = edasmith(&["diagram", spec.to_str().unwrap(), "--format", "dot"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2_with_a_suggestion() {
    let spec = root().join("examples/telecom-ko/spec.yaml");
    let spec = spec.to_str().unwrap();
    let output = edasmith(&[
        "diagram",
        spec,
        "--format",
        "mermaid",
        "--view",
        "saga",
        "--name",
        "terminate-contrct",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did you mean `terminate-contract`"),
        "{stderr}"
    );

    let output = edasmith(&["diagram", spec, "--format", "mermaid", "--name", "계약"]);
    assert_eq!(output.status.code(), Some(2), "--name with the srd view");

    // Without --format, Mermaid.
    let output = edasmith(&["diagram", spec]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("flowchart LR"));

    // No peak, no load view: asked for by name, a usage error that says what to declare.
    for args in [
        &["--format", "dot"][..],
        &[
            "--out-dir",
            scratch("no-peak").join("out").to_str().unwrap(),
        ][..],
    ] {
        let output = edasmith(&[&["diagram", spec, "--view", "load"][..], args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("needs a `peak`"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn load_view_on_stdout_passes_the_tools_and_over_capacity_does_not_block_it() {
    let out = scratch("load-stdout");
    let mut dots = Vec::new();
    let mut mermaids = Vec::new();
    for spec in [
        "examples/promotion/before.yaml",
        "examples/promotion/after.yaml",
        "tests/fixtures/diagram/hostile-load.yaml",
    ] {
        let path = root().join(spec);
        for (format, extension) in [("mermaid", "mmd"), ("dot", "dot")] {
            let output = edasmith(&[
                "diagram",
                path.to_str().unwrap(),
                "--view",
                "load",
                "--format",
                format,
            ]);
            // before.yaml has capacity-exceeded errors: reported, and drawn all the same.
            assert!(
                output.status.success(),
                "{spec} {format}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let file = out.join(format!(
                "{}.{extension}",
                path.file_stem().unwrap().to_str().unwrap()
            ));
            fs::write(&file, &output.stdout).unwrap();
            if format == "dot" {
                dots.push(file);
            } else {
                mermaids.push(file);
            }
        }
    }
    let before = fs::read_to_string(out.join("before.dot")).unwrap();
    assert!(before.contains("11,000 / 10,000 req/s (110%)"), "{before}");
    check_with_tools(&dots, &mermaids);
}

#[test]
fn name_selects_one_diagram_and_output_writes_a_file() {
    let dir = scratch("name");
    let spec = root().join("examples/telecom-ko/spec.yaml");
    let file = dir.join("contract.mmd");
    let output = edasmith(&[
        "diagram",
        spec.to_str().unwrap(),
        "--format",
        "mermaid",
        "--view",
        "lifecycle",
        "--name",
        "계약",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("%% lifecycle: 계약\nstateDiagram-v2\n"),
        "{text}"
    );
    assert!(text.contains("[*] --> st_sayongjung : 신규계약처리됨"));

    // The data's `code:` selects it too.
    let output = edasmith(&[
        "diagram",
        spec.to_str().unwrap(),
        "--format",
        "dot",
        "--view",
        "lifecycle",
        "--name",
        "contract",
    ]);
    assert!(output.status.success());
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .starts_with("digraph \"lifecycle: 계약\"")
    );
}

/// A scratch folder of this suite.
fn scratch(name: &str) -> PathBuf {
    common::scratch("diagram", name)
}
