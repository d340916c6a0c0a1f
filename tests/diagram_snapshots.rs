//! The text of a few views, pinned: a change to a writer shows up as a snapshot diff
//! (`cargo insta review`).

use std::path::Path;

use edasmith::analysis::{Analysis, Options, analyze_paths};
use edasmith::diagram::{Format, View, render};

fn analysis(example: &str) -> Analysis {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
    let analysis = analyze_paths(&[path], &Options::default()).unwrap();
    assert!(!analysis.has_errors());
    analysis
}

fn one(analysis: &Analysis, view: View, format: Format, name: Option<&str>) -> String {
    let diagrams = render(analysis, view, format, name).unwrap();
    assert_eq!(diagrams.len(), 1);
    diagrams[0].text.clone()
}

#[test]
fn telecom_srd_mermaid() {
    let a = analysis("examples/telecom-ko/spec.yaml");
    insta::assert_snapshot!(one(&a, View::Srd, Format::Mermaid, None));
}

#[test]
fn telecom_srd_dot() {
    let a = analysis("examples/telecom-ko/spec.yaml");
    insta::assert_snapshot!(one(&a, View::Srd, Format::Dot, None));
}

#[test]
fn telecom_saga_mermaid() {
    let a = analysis("examples/telecom-ko/spec.yaml");
    insta::assert_snapshot!(one(
        &a,
        View::Saga,
        Format::Mermaid,
        Some("terminate-contract")
    ));
}

#[test]
fn ecommerce_saga_dot() {
    let a = analysis("examples/ecommerce/spec.yaml");
    insta::assert_snapshot!(one(&a, View::Saga, Format::Dot, Some("place-order")));
}

#[test]
fn ecommerce_choreography_saga_mermaid() {
    let a = analysis("examples/ecommerce/spec.yaml");
    insta::assert_snapshot!(one(&a, View::Saga, Format::Mermaid, Some("return-order")));
}

#[test]
fn ecommerce_lifecycle_mermaid() {
    let a = analysis("examples/ecommerce/spec.yaml");
    insta::assert_snapshot!(one(&a, View::Lifecycle, Format::Mermaid, Some("Order")));
}

#[test]
fn ecommerce_events_mermaid() {
    let a = analysis("examples/ecommerce/spec.yaml");
    insta::assert_snapshot!(one(&a, View::Events, Format::Mermaid, None));
}

#[test]
fn hostile_lifecycle_mermaid_and_dot() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagram/hostile.yaml");
    let a = analyze_paths(&[path], &Options::default()).unwrap();
    insta::assert_snapshot!(one(&a, View::Lifecycle, Format::Mermaid, Some("end")));
    insta::assert_snapshot!(one(&a, View::Lifecycle, Format::Dot, Some("end")));
}
