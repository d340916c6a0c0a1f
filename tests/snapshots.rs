//! What a user sees for the bundled examples, as reviewed snapshots (`cargo insta review`).

use std::path::PathBuf;

use edasmith::analysis::{Analysis, Options, analyze_paths};
use edasmith::report::{human, json};

fn analyze(path: &str) -> Analysis {
    analyze_paths(&[PathBuf::from(path)], &Options::default()).expect("the example loads")
}

#[test]
fn telecom_ko_human() {
    let analysis = analyze("examples/telecom-ko/spec.yaml");
    insta::assert_snapshot!("telecom_ko_model", human::render_model(&analysis));
    insta::assert_snapshot!(
        "telecom_ko_findings",
        human::render_findings(&analysis, false)
    );
}

#[test]
fn telecom_ko_json() {
    insta::assert_snapshot!(
        "telecom_ko_json",
        json::render(&analyze("examples/telecom-ko/spec.yaml"))
    );
}

#[test]
fn ecommerce_human() {
    let analysis = analyze("examples/ecommerce/spec.yaml");
    insta::assert_snapshot!("ecommerce_model", human::render_model(&analysis));
    insta::assert_snapshot!(
        "ecommerce_findings",
        human::render_findings(&analysis, false)
    );
}

#[test]
fn ecommerce_json() {
    insta::assert_snapshot!(
        "ecommerce_json",
        json::render(&analyze("examples/ecommerce/spec.yaml"))
    );
}

#[test]
fn misspelt_service_human() {
    let analysis = analyze("tests/fixtures/misspelt-service.yaml");
    insta::assert_snapshot!(
        "misspelt_service_findings",
        human::render_findings(&analysis, false)
    );
}
