//! `edasmith export asyncapi`: documents the official AsyncAPI parser accepts, for the
//! examples and for hostile names; deterministic; nothing written when the spec is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use edasmith::analysis::{Options, analyze_paths};
use edasmith::export::{self, ids};
use serde_json::Value;

mod common;
use common::{edasmith, root};

const SPECS: [&str; 3] = [
    "examples/telecom-ko/spec.yaml",
    "examples/ecommerce/spec.yaml",
    "tests/fixtures/export/hostile.yaml",
];

/// Exports `spec` into a fresh folder; returns the files written, sorted.
fn export(spec: &str, name: &str) -> Vec<PathBuf> {
    let dir = scratch(name);
    let out_dir = dir.to_str().expect("UTF-8 target dir");
    let output = edasmith(&["export", "asyncapi", spec, "--out-dir", out_dir]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{spec}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed: Vec<PathBuf> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the out dir exists")
        .map(|entry| entry.expect("dir entry").path())
        .collect();
    files.sort();
    let mut sorted_listed = listed.clone();
    sorted_listed.sort();
    assert_eq!(
        sorted_listed, files,
        "stdout lists exactly the files written"
    );
    files
}

fn file_names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn parse(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).expect("read a document");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Runs the official parser on every file. Fails (never skips) without the tools.
fn validate(files: &[PathBuf]) {
    let parser = root().join("tools/node_modules/@asyncapi/parser");
    assert!(
        parser.exists(),
        "{} is missing: run `.ci/install-tools` to install the AsyncAPI validator",
        parser.display()
    );
    let output = Command::new("node")
        .arg("tools/asyncapi-validate.mjs")
        .args(files)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `node` ({e}): run `.ci/install-tools` (needs Node >= 20.19)")
        });
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the AsyncAPI parser rejects a document:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in files {
        assert!(
            report.contains(&format!("ok {}", file.display())),
            "no verdict for {}:\n{report}",
            file.display()
        );
    }
}

#[test]
fn every_document_passes_the_official_asyncapi_parser() {
    let mut files = Vec::new();
    for (at, spec) in SPECS.iter().enumerate() {
        let written = export(spec, &format!("validate-{at}"));
        assert!(!written.is_empty(), "{spec}");
        files.extend(written);
    }
    validate(&files);
}

#[test]
fn documents_go_to_services_and_to_whoever_sends_or_receives_async_messages() {
    let telecom = export(SPECS[0], "who-telecom");
    assert_eq!(
        file_names(&telecom),
        [
            "billing.asyncapi.yaml",
            "contract.asyncapi.yaml",
            "customer.asyncapi.yaml",
            // external, but it receives a one-way message
            "notification.asyncapi.yaml",
        ],
        "the frontend `web` only calls synchronously: no document"
    );
    let shop = export(SPECS[1], "who-shop");
    assert!(
        file_names(&shop).contains(&"catalog.asyncapi.yaml".to_owned()),
        "a service with no async message still gets its (empty) document"
    );
    let catalog = parse(&shop[0]);
    assert_eq!(catalog["info"]["title"], "Catalog");
    assert!(catalog.get("channels").is_none());
}

#[test]
fn a_command_and_its_replies_are_one_operation_with_a_reply_on_both_sides() {
    let files = export(SPECS[0], "command-reply");
    let by_name: BTreeMap<String, Value> = file_names(&files)
        .into_iter()
        .zip(files.iter().map(|f| parse(f)))
        .collect();
    let contract = &by_name["contract.asyncapi.yaml"];
    let billing = &by_name["billing.asyncapi.yaml"];
    let send = &contract["operations"]["send-choejongyogeumsunap"];
    let handle = &billing["operations"]["receive-choejongyogeumsunap"];
    assert_eq!(send["action"], "send");
    assert_eq!(handle["action"], "receive");
    for operation in [send, handle] {
        assert_eq!(
            operation["reply"]["channel"]["$ref"],
            "#/channels/choejongyogeumsunap-reply"
        );
        assert_eq!(
            operation["reply"]["messages"],
            serde_json::json!([
                { "$ref": "#/channels/choejongyogeumsunap-reply/messages/choejongyogeumsunapdoem" },
                { "$ref": "#/channels/choejongyogeumsunap-reply/messages/choejongyogeumsunapsilpae" },
            ])
        );
    }
    for document in [contract, billing] {
        let messages = &document["components"]["messages"];
        for message in ["choejongyogeumsunap", "choejongyogeumsunapsilpae"] {
            assert_eq!(
                messages[message]["correlationId"]["$ref"],
                "#/components/correlationIds/correlation-id"
            );
            assert_eq!(messages[message]["headers"]["required"][0], "correlationId");
        }
        assert_eq!(
            document["components"]["correlationIds"]["correlation-id"]["location"],
            "$message.header#/correlationId"
        );
        // Korean names stay as titles; keys are ASCII.
        assert_eq!(messages["choejongyogeumsunap"]["title"], "최종요금수납");
    }
    // A one-way message has no reply.
    let sms = &billing["operations"]["send-haejijeongsanmunjabalsong"];
    assert_eq!(sms["action"], "send");
    assert!(sms.get("reply").is_none());
    // An event: the publisher sends, a subscriber receives, on the same address.
    let event = "gyeyakhaejidoem";
    assert_eq!(
        contract["operations"][format!("send-{event}")]["action"],
        "send"
    );
    assert_eq!(
        billing["operations"][format!("receive-{event}")]["action"],
        "receive"
    );
    assert_eq!(
        contract["channels"][event]["address"],
        "tongsin-gogaekgwanri.contract.gyeyakhaejidoem"
    );
    assert_eq!(contract["channels"][event], billing["channels"][event]);
}

fn is_key(text: &str) -> bool {
    ids::is_valid_key(text)
}

#[test]
fn hostile_names_give_valid_distinct_keys_and_one_address_per_channel() {
    let files = export(SPECS[2], "hostile-keys");
    let names = file_names(&files);
    assert_eq!(
        names,
        [
            "1st-service.asyncapi.yaml",
            "alrim.asyncapi.yaml",
            "gyeyak-2.asyncapi.yaml",
            "gyeyak.asyncapi.yaml",
            "hwamyeon.asyncapi.yaml",
            "idle.asyncapi.yaml",
            "weird-svc.asyncapi.yaml",
        ]
    );
    // Across documents, a channel key means one address, an address one channel key.
    let mut address_of: BTreeMap<String, String> = BTreeMap::new();
    let mut key_of: BTreeMap<String, String> = BTreeMap::new();
    for file in &files {
        let document = parse(file);
        let objects = [
            document.get("channels"),
            document.get("operations"),
            document["components"].get("messages"),
            document["components"].get("schemas"),
        ];
        for keys in objects.into_iter().flatten() {
            for key in keys.as_object().unwrap().keys() {
                assert!(is_key(key), "{}: key `{key}`", file.display());
            }
        }
        let Some(channels) = document.get("channels").and_then(Value::as_object) else {
            continue;
        };
        let mut addresses = BTreeSet::new();
        for (key, channel) in channels {
            let address = channel["address"].as_str().unwrap().to_owned();
            assert!(
                addresses.insert(address.clone()),
                "duplicate address {address}"
            );
            assert!(
                address
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b)),
                "{address}"
            );
            assert_eq!(
                address_of.entry(key.clone()).or_insert(address.clone()),
                &address
            );
            assert_eq!(key_of.entry(address).or_insert(key.clone()), key);
        }
    }
    // Names that split to the same words got distinct keys, kept apart by spelling.
    let gyeyak_2 = parse(&files[2]);
    assert_eq!(
        gyeyak_2["channels"]["order-placed-1-2"]["title"],
        "Order/Placed#1$"
    );
    assert_eq!(
        gyeyak_2["channels"]["order-placed-1-3"]["title"],
        "order_placed_1"
    );
    assert_eq!(
        gyeyak_2["components"]["messages"]["done-ok"]["name"],
        "\"Done\" 'ok'"
    );
    // A field called `$ref` cannot be a property name: it is a pattern.
    let schema = &gyeyak_2["components"]["schemas"]["gyeyak-2"];
    assert_eq!(schema["patternProperties"]["^\\$ref$"]["type"], "string");
    assert!(schema["properties"].get("$ref").is_none());
}

#[test]
fn two_runs_write_the_same_bytes() {
    for (at, spec) in SPECS.iter().enumerate() {
        let first = export(spec, &format!("determinism-{at}-a"));
        let second = export(spec, &format!("determinism-{at}-b"));
        assert_eq!(file_names(&first), file_names(&second));
        for (a, b) in first.iter().zip(&second) {
            assert!(
                std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
                "{} differs between runs",
                a.display()
            );
        }
    }
}

#[test]
fn the_yaml_reads_back_as_the_document_built() {
    for spec in SPECS {
        let analysis = analyze_paths(&[PathBuf::from(spec)], &Options::default()).unwrap();
        let catalog = export::Catalog::new(&analysis.model, &analysis.derived);
        for document in catalog.documents(&export::Options::default()) {
            let yaml = document.to_yaml().unwrap();
            let back: Value = serde_saphyr::from_str(&yaml).unwrap();
            // The same document through another serializer: what the YAML should say.
            let built = serde_json::to_value(&document).unwrap();
            assert_eq!(back, built, "{spec}: {}", document.file_name);
        }
    }
}

#[test]
fn a_spec_with_errors_prints_them_and_writes_nothing() {
    let dir = scratch("errors");
    let output = edasmith(&[
        "export",
        "asyncapi",
        "tests/fixtures/misspelt-service.yaml",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[unknown-reference]"), "{stderr}");
    assert!(stderr.contains("misspelt-service.yaml:7:9"), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(!dir.exists(), "nothing is written, not even the folder");
}

#[test]
fn a_missing_spec_is_a_usage_error() {
    let dir = scratch("missing");
    let output = edasmith(&[
        "export",
        "asyncapi",
        "no/such/spec.yaml",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.exists());
}

#[test]
fn telecom_documents_snapshot() {
    let files = export(SPECS[0], "snapshot");
    for name in ["contract", "billing"] {
        let file = files
            .iter()
            .find(|f| f.ends_with(format!("{name}.asyncapi.yaml")))
            .unwrap();
        insta::assert_snapshot!(
            format!("telecom_ko_{name}_asyncapi"),
            std::fs::read_to_string(file).unwrap()
        );
    }
}

/// A scratch folder of this suite.
fn scratch(name: &str) -> PathBuf {
    common::unused_path("export", name)
}
