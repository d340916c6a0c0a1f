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

/// The promotion before the fix: over capacity (error findings), drawn all the same.
fn promotion_before() -> Analysis {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/promotion/before.yaml");
    analyze_paths(&[path], &Options::default()).unwrap()
}

#[test]
fn promotion_before_load_mermaid_and_dot() {
    let a = promotion_before();
    insta::assert_snapshot!(one(&a, View::Load, Format::Mermaid, None));
    insta::assert_snapshot!(one(&a, View::Load, Format::Dot, None));
}

#[test]
fn load_labels_show_the_load_tables_figures() {
    use edasmith::load::{format_number, format_percent};
    for example in [
        "examples/promotion/before.yaml",
        "examples/promotion/after.yaml",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
        let a = analyze_paths(&[path], &Options::default()).unwrap();
        for format in [Format::Mermaid, Format::Dot] {
            let text = one(&a, View::Load, format, None);
            for row in &a.load.services {
                let load = row.load.expect("no cycle in the examples");
                let figure = match (row.capacity, row.utilization()) {
                    (Some(capacity), Some(utilization)) => format!(
                        "{} / {} req/s ({})",
                        format_number(load),
                        format_number(capacity),
                        format_percent(utilization)
                    ),
                    _ if row.peak > 0.0 => format!("peak {} req/s", format_number(row.peak)),
                    _ => continue,
                };
                // Mermaid writes `%` as an entity (it starts a comment).
                let figure = match format {
                    Format::Mermaid => figure.replace('%', "#37;"),
                    Format::Dot => figure,
                };
                assert!(
                    text.contains(&figure),
                    "{example}: {figure} missing:\n{text}"
                );
            }
            for edge in &a.load.edges {
                let flow = format_number(edge.flow.unwrap());
                assert!(text.contains(&flow), "{example}: flow {flow} missing");
            }
        }
    }
    // The numbers worked out by hand in examples/promotion/README.md.
    let a = promotion_before();
    let dot = one(&a, View::Load, Format::Dot, None);
    for figure in [
        "Catalog\\ncatalog\\n11,000 / 10,000 req/s (110%)",
        "Product detail\\nproduct\\n3,000 / 2,500 req/s (120%)",
        "Orders\\norder\\n500 / 400 req/s (125%)",
        "Payments\\npayment\\n500 / 800 req/s (62.5%)",
        "Storefront\\nweb\\npeak 2,000 req/s",
        "GET /products\\n8,000 req/s (x4)",
        "SendOrderConfirmation\\nqueues 500 msg/s",
    ] {
        assert!(dot.contains(figure), "{figure} missing:\n{dot}");
    }
    // Over capacity is told without colour too: a doubled border.
    let catalog = dot.lines().find(|l| l.contains("\"s_catalog\" [")).unwrap();
    assert!(catalog.contains("peripheries=2"), "{catalog}");
}
