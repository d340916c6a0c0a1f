//! `edasmith generate` for real: the examples and a spec full of hostile names become
//! workspaces that build with no warnings and pass their own tests; the generation gap
//! holds (user files survive, generated ones are restored, `--check` sees the drift);
//! nothing is written for a spec with errors.
//!
//! The generated workspaces share one target folder under `target/codegen/` so that
//! serde is built once. Cargo runs `--offline`: the generated crates need only serde
//! and serde_json, which edasmith itself depends on, so they are in the local cache.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use edasmith::analysis::{Options, analyze_paths};
use edasmith::codegen::{self, Templates};

mod common;
use common::tree;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn work_dir(name: &str) -> PathBuf {
    let dir = root().join("target/codegen").join(name);
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// A new folder of template overrides, `name` under the work folder: (file name, text).
fn templates_dir(name: &str, overrides: &[(&str, &str)]) -> PathBuf {
    let templates = work_dir(name);
    fs::create_dir_all(&templates).unwrap();
    for (file, text) in overrides {
        fs::write(templates.join(file), text).unwrap();
    }
    templates
}

fn edasmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edasmith"))
        .args(args)
        .output()
        .expect("run edasmith")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn generate(spec: &str, out: &Path, extra: &[&str]) -> Output {
    let spec = root().join(spec);
    let mut args = vec![
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    edasmith(&args)
}

/// Runs cargo in a generated workspace, with warnings denied; fails (never skips) when
/// cargo is missing.
fn cargo(workspace: &Path, command: &str) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let args: &[&str] = if command == "fmt" {
        &["fmt"]
    } else {
        &[command, "--offline", "--quiet"]
    };
    let output = Command::new(&cargo)
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", root().join("target/codegen/target"))
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("RUSTDOCFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cargo}` (is cargo installed?): {e}"));
    assert!(
        output.status.success(),
        "`cargo {command}` failed in {}:\n{}\n{}",
        workspace.display(),
        text(&output.stdout),
        text(&output.stderr)
    );
}

fn generate_build_and_test(spec: &str, name: &str) -> PathBuf {
    let out = work_dir(name);
    let output = generate(spec, &out, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    cargo(&out, "build");
    cargo(&out, "test");
    out
}

#[test]
fn the_english_example_builds_and_passes_its_tests() {
    generate_build_and_test("examples/ecommerce/spec.yaml", "ecommerce");
}

#[test]
fn hostile_names_yield_a_workspace_that_builds() {
    let out = generate_build_and_test("tests/fixtures/codegen/hostile.yaml", "hostile");
    // Crate names: ASCII kebab case, a leading digit prefixed, clashes numbered.
    let manifest = fs::read_to_string(out.join("services/contracts-2/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"eda-3g-tongsin-net-contracts-2\""));
    assert!(out.join("services/order-2/Cargo.toml").exists());
    let manifests = fs::read_dir(out.join("services"))
        .unwrap()
        .map(|entry| entry.unwrap().path().join("Cargo.toml"))
        .chain([out.join("contracts/Cargo.toml")]);
    for manifest in manifests {
        let text = fs::read_to_string(&manifest).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap();
        assert_eq!(edasmith::names::invalid_package_name(name), None, "{name}");
    }
    let contracts = fs::read_to_string(out.join("contracts/src/generated/mod.rs")).unwrap();
    for expected in [
        "pub r#type: String,",
        "pub self_: i64,",
        "pub _1st: super::scalar::Decimal,",
        "pub a_b_2: String,",
        "#[serde(rename = \"계약번호\")]",
        "pub parent: Option<Box<super::data::Type>>,",
        "pub struct Item2 {",
        "pub struct OrderPlaced2 {",
        "pub struct String2 {",
        "pub list: Vec<super::data::String2>,",
    ] {
        assert!(contracts.contains(expected), "missing `{expected}`");
    }
}

/// The Korean example, then the generation gap on it: a user file survives, a
/// generated file is restored, and `--check` reports the drift before that.
#[test]
fn the_korean_example_builds_and_keeps_the_generation_gap() {
    let out = generate_build_and_test("examples/telecom-ko/spec.yaml", "telecom-ko");
    let spec = "examples/telecom-ko/spec.yaml";

    let check = generate(spec, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    let user = out.join("services/contract/src/handlers.rs");
    let generated = out.join("services/contract/src/generated/aggregates.rs");
    let pristine = fs::read_to_string(&generated).unwrap();
    assert!(pristine.starts_with("// @generated by edasmith — do not edit\n"));
    let mut edited_user = fs::read_to_string(&user).unwrap();
    edited_user.push_str("\n// the team's own code\n");
    fs::write(&user, &edited_user).unwrap();
    fs::write(
        &generated,
        pristine.replace("pub fn apply", "pub fn apply_edited"),
    )
    .unwrap();
    fs::remove_file(out.join("contracts/src/generated/tests.rs")).unwrap();
    // What an earlier run generated and the spec no longer has, and a file of the team's.
    let old = out.join("services/contract/src/generated/old.rs");
    fs::write(&old, "// @generated by edasmith — do not edit\n").unwrap();
    let notes = out.join("services/contract/src/generated/notes.md");
    fs::write(&notes, "our notes\n").unwrap();

    let check = generate(spec, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let listed = text(&check.stdout);
    assert!(
        listed.contains("stale: services/contract/src/generated/aggregates.rs"),
        "{listed}"
    );
    assert!(
        listed.contains("missing: contracts/src/generated/tests.rs"),
        "{listed}"
    );
    assert!(
        listed.contains("obsolete: services/contract/src/generated/old.rs"),
        "{listed}"
    );
    assert!(!listed.contains("handlers.rs"), "{listed}");
    assert!(!listed.contains("notes.md"), "{listed}");
    // Each stale file comes with what a run would change in it, as a unified diff.
    let header = "--- a/services/contract/src/generated/aggregates.rs\n\
                  +++ b/services/contract/src/generated/aggregates.rs\n";
    assert!(listed.contains(header), "{listed}");
    let edited = listed
        .lines()
        .filter(|line| line.starts_with("-") && line.contains("pub fn apply_edited"));
    let restored = listed
        .lines()
        .filter(|line| line.starts_with("+") && line.contains("pub fn apply"));
    assert_eq!(
        (edited.count(), restored.count() > 0),
        (1, true),
        "{listed}"
    );
    assert_eq!(
        fs::read_to_string(&generated).unwrap(),
        pristine.replace("pub fn apply", "pub fn apply_edited")
    );

    let again = generate(spec, &out, &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(fs::read_to_string(&user).unwrap(), edited_user);
    assert_eq!(fs::read_to_string(&generated).unwrap(), pristine);
    assert!(!old.exists());
    assert!(notes.exists());
    assert_eq!(generate(spec, &out, &["--check"]).status.code(), Some(0));

    // A file of the team's that they deleted does not fail the check.
    fs::remove_file(out.join("README.md")).unwrap();
    let check = generate(spec, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(0));
    assert!(text(&check.stderr).contains("note: README.md is missing"));

    // `cargo fmt` on the workspace leaves the generated code alone (`#[rustfmt::skip]`).
    cargo(&out, "fmt");
    let check = generate(spec, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
}

#[test]
fn nothing_is_written_for_a_spec_with_errors() {
    let out = work_dir("errors");
    let spec = out.with_extension("yaml");
    fs::create_dir_all(spec.parent().unwrap()).unwrap();
    fs::write(&spec, "services:\n  a: {}\nrelatons: []\n").unwrap();
    let output = edasmith(&[
        "generate",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("unknown-key"),
        "{}",
        text(&output.stderr)
    );
    assert!(!out.exists());
}

#[test]
fn generation_is_deterministic() {
    let render = |spec: &str| {
        let analysis = analyze_paths(&[root().join(spec)], &Options::default()).unwrap();
        codegen::render(&Arc::new(analysis), &Templates::embedded().unwrap()).unwrap()
    };
    for spec in [
        "examples/telecom-ko/spec.yaml",
        "tests/fixtures/codegen/hostile.yaml",
    ] {
        let first: Vec<(String, String)> = render(spec)
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
        let second: Vec<(String, String)> = render(spec)
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
        assert_eq!(first, second, "{spec}");
    }
}

/// The files come in a fixed order (the workspace's, the contracts', then each service
/// crate's in spec order), and a failing rendering reports the first failing file,
/// however the crates are shared out between threads.
#[test]
fn files_come_in_order_and_the_first_failing_file_is_reported() {
    let analysis = analyze_paths(
        &[root().join("examples/ecommerce/spec.yaml")],
        &Options::default(),
    )
    .unwrap();
    let paths: Vec<String> = codegen::render(&analysis, &Templates::embedded().unwrap())
        .unwrap()
        .into_iter()
        .map(|file| file.path)
        .collect();
    assert_eq!(
        paths[..8],
        [
            "Cargo.toml",
            ".gitignore",
            "README.md",
            "contracts/Cargo.toml",
            "contracts/src/lib.rs",
            "contracts/src/generated/mod.rs",
            "contracts/src/generated/tests.rs",
            "services/catalog/Cargo.toml",
        ]
    );
    let crates: Vec<&str> = (paths.iter())
        .filter_map(|path| path.strip_suffix("/src/generated/tests.rs"))
        .collect();
    assert_eq!(
        crates,
        [
            "contracts",
            "services/catalog",
            "services/order",
            "services/customer",
            "services/inventory",
            "services/payment",
            "services/shipping",
        ]
    );
    assert_eq!(paths.len(), 7 + 6 * 9);

    let failing = |name: &str, overrides: &[(&str, &str)]| {
        let dir = templates_dir(name, overrides);
        let templates = Templates::with_overrides(&dir).unwrap();
        codegen::render(&analysis, &templates)
            .expect_err("the rendering fails")
            .to_string()
    };
    let fail_at = |service: &str, function: &str| {
        format!("{{% if service.id == \"{service}\" %}}{{{{ {function}() }}}}{{% endif %}}")
    };
    let error = failing(
        "first-failing-templates",
        &[
            ("service.tests.rs.jinja", &fail_at("order", "order_fails")),
            (
                "service.lib.rs.jinja",
                &fail_at("shipping", "shipping_fails"),
            ),
        ],
    );
    assert!(error.contains("order_fails"), "{error}");
    let error = failing(
        "last-failing-templates",
        &[(
            "service.lib.rs.jinja",
            &fail_at("shipping", "shipping_fails"),
        )],
    );
    assert!(error.contains("shipping_fails"), "{error}");
    let error = failing(
        "contracts-failing-templates",
        &[
            ("contracts.tests.rs.jinja", "{{ contracts_fail() }}"),
            ("service.lib.rs.jinja", &fail_at("catalog", "catalog_fails")),
        ],
    );
    assert!(error.contains("contracts_fail"), "{error}");
}

#[test]
fn templates_can_be_overridden_by_file_name() {
    let templates = templates_dir(
        "templates",
        &[(
            "service.lib.rs.jinja",
            "//! Our own lib for {{ service.id }}.\npub mod generated;\npub mod handlers;\n",
        )],
    );
    let out = work_dir("overridden");
    let output = generate(
        "examples/telecom-ko/spec.yaml",
        &out,
        &["--templates", templates.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lib = fs::read_to_string(out.join("services/billing/src/lib.rs")).unwrap();
    assert_eq!(
        lib,
        "//! Our own lib for billing.\npub mod generated;\npub mod handlers;\n"
    );

    fs::write(templates.join("servce.lib.rs.jinja"), "typo").unwrap();
    let output = generate(
        "examples/telecom-ko/spec.yaml",
        &work_dir("overridden-typo"),
        &["--templates", templates.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("servce.lib.rs.jinja"));
}

/// A template that reads deep into a listed service crate (the workspace README lists
/// them) sees what the crate's own templates see.
#[test]
fn a_listed_service_crate_reads_like_the_crate_itself() {
    let summary = "{{ s.id }} {{ s.dir }} {{ s.aggregates | map(attribute='ident') | join(',') }} \
        {{ s.commands | map(attribute='method') | join(',') }} {{ s.outbound | length }}\n";
    let templates = templates_dir(
        "listing-templates",
        &[
            (
                "workspace.README.md.jinja",
                &format!("{{% for s in services %}}{summary}{{% endfor %}}"),
            ),
            (
                "service.lib.rs.jinja",
                &format!("{{% set s = service %}}{summary}"),
            ),
        ],
    );
    let out = work_dir("listing");
    let output = generate(
        "examples/ecommerce/spec.yaml",
        &out,
        &["--templates", templates.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let listed = fs::read_to_string(out.join("README.md")).unwrap();
    let mut each = String::new();
    for line in listed.lines() {
        let dir = line.split(' ').nth(1).unwrap();
        each.push_str(&fs::read_to_string(out.join(dir).join("src/lib.rs")).unwrap());
    }
    assert_eq!(listed, each);
    assert!(
        listed.contains("inventory services/inventory StockReservation handle_reserve_stock"),
        "{listed}"
    );
}

#[test]
fn a_template_that_fails_half_way_changes_no_file() {
    let out = work_dir("half-way");
    let spec = "examples/ecommerce/spec.yaml";
    assert!(generate(spec, &out, &[]).status.success());
    // The user edits a file of theirs and a generated one goes stale.
    let lib = out.join("contracts/src/lib.rs");
    fs::write(&lib, "// ours\n").unwrap();
    let stale = out.join("contracts/src/generated/mod.rs");
    fs::write(&stale, "// @generated by edasmith — do not edit\nstale\n").unwrap();
    let before = tree(&out);

    // The tests template is rendered last for each service, after the others were
    // rendered: a runtime error there must not leave them in place.
    let templates = templates_dir(
        "half-way-templates",
        &[("service.tests.rs.jinja", "{{ no_such_function() }}\n")],
    );
    let output = generate(spec, &out, &["--templates", templates.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("no_such_function"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(
        tree(&out),
        before,
        "a file changed, or a temporary file was left"
    );
}

/// A large contracts file that cannot be written (a folder is in its place): the
/// writer's error is reported, writing and checking.
#[test]
fn a_large_contracts_file_that_cannot_be_written_is_reported() {
    let spec = "examples/ecommerce/spec.yaml";
    let templates = templates_dir(
        "large-contracts-templates",
        &[(
            "contracts.generated.rs.jinja",
            "{% for i in range(50000) %}line {{ i }}\n{% endfor %}",
        )],
    );
    let overrides = templates.to_str().unwrap();
    let out = work_dir("large-contracts-blocked");
    fs::create_dir_all(out.join("contracts/src/generated/mod.rs")).unwrap();
    for extra in [
        &["--templates", overrides][..],
        &["--templates", overrides, "--check"],
    ] {
        let output = generate(spec, &out, extra);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("contracts/src/generated/mod.rs"),
            "{extra:?}: {stderr}"
        );
        assert!(
            stderr.contains("a folder stands where the file goes"),
            "{extra:?}: {stderr}"
        );
    }
    assert!(!out.join("Cargo.toml").exists(), "a file was put in place");
}

/// A contracts template that fails after hundreds of kilobytes: its error is reported,
/// writing or checking, and no file is put in place.
#[test]
fn a_contracts_file_that_fails_half_way_is_reported_and_changes_no_file() {
    let spec = "examples/ecommerce/spec.yaml";
    for template in ["contracts.generated.rs.jinja", "contracts.tests.rs.jinja"] {
        let out = work_dir(&format!("contracts-half-way-{template}"));
        assert!(generate(spec, &out, &[]).status.success());
        let stale = out.join("contracts/src/generated/mod.rs");
        fs::write(&stale, "// @generated by edasmith — do not edit\nstale\n").unwrap();
        let before = tree(&out);

        let templates = templates_dir(
            &format!("contracts-half-way-templates-{template}"),
            &[(
                template,
                "{% for i in range(50000) %}line {{ i }}\n{% endfor %}{{ no_such_function() }}\n",
            )],
        );
        let overrides = templates.to_str().unwrap();
        for extra in [
            &["--templates", overrides][..],
            &["--templates", overrides, "--check"],
        ] {
            let output = generate(spec, &out, extra);
            assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
            assert!(
                text(&output.stderr).contains("no_such_function"),
                "{template} {extra:?}: {}",
                text(&output.stderr)
            );
            assert_eq!(tree(&out), before, "{template} {extra:?}: a file changed");
        }

        let fresh = work_dir(&format!("contracts-half-way-fresh-{template}"));
        let output = generate(spec, &fresh, &["--templates", overrides]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert!(
            !fresh.join("contracts/src/generated/mod.rs").exists()
                && !fresh.join("contracts/src/generated/tests.rs").exists(),
            "a half-rendered contracts file was put in place"
        );
    }
}

#[test]
fn snapshots_of_generated_files() {
    let analysis = analyze_paths(
        &[root().join("examples/telecom-ko/spec.yaml")],
        &Options::default(),
    )
    .unwrap();
    let files = codegen::render(&Arc::new(analysis), &Templates::embedded().unwrap()).unwrap();
    let file = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
            .clone()
    };
    insta::assert_snapshot!(
        "telecom_contract_aggregates",
        file("services/contract/src/generated/aggregates.rs")
    );
    insta::assert_snapshot!(
        "telecom_contract_sagas",
        file("services/contract/src/generated/sagas.rs")
    );
    insta::assert_snapshot!("telecom_contracts", file("contracts/src/generated/mod.rs"));
}

#[test]
fn check_writes_nothing_and_lists_what_is_missing() {
    let out = work_dir("check-only");
    let check = generate("examples/ecommerce/spec.yaml", &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("missing: services/order/src/generated/sagas.rs"));
    assert!(!out.exists());
}
