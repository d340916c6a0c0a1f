//! The promotion example before and after isolating the spike: the figures of the
//! format page's formulas, computed by hand in the comments of the example files.

use std::path::PathBuf;

use edasmith::analysis::{Analysis, Options, analyze_paths};
use edasmith::report;

fn analyze(name: &str) -> Analysis {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
    analyze_paths(&[path], &Options::default()).expect("the example loads")
}

fn load(analysis: &Analysis, id: &str) -> Option<f64> {
    analysis.load.get(id).expect("a service").load
}

#[test]
fn before_the_spike_overloads_catalog_product_and_order() {
    let analysis = analyze("examples/promotion/before.yaml");
    // web 2,000; order = 2,000 x 0.25; product = 2,000 x 1 + 500 x 2;
    // catalog = 2,000 x 4 + 3,000 x 1.
    assert_eq!(load(&analysis, "web"), Some(2000.0));
    assert_eq!(load(&analysis, "order"), Some(500.0));
    assert_eq!(load(&analysis, "product"), Some(3000.0));
    assert_eq!(load(&analysis, "catalog"), Some(11000.0));
    assert_eq!(load(&analysis, "inventory"), Some(500.0));
    assert_eq!(load(&analysis, "app"), Some(0.0));
    let catalog = analysis.load.get("catalog").unwrap();
    assert_eq!(catalog.utilization(), Some(1.1));
    assert_eq!(catalog.reads, Some(1.0));
    assert_eq!(
        analysis.load.get("order").unwrap().utilization(),
        Some(1.25)
    );
    assert_eq!(analysis.load.get("order").unwrap().reads, Some(0.0));
    assert_eq!(
        analysis.load.get("notification").unwrap().queued,
        Some(500.0)
    );

    let findings: Vec<(&str, u32)> = analysis
        .findings
        .iter()
        .map(|finding| (finding.rule, analysis.sources.locate(finding.span).line))
        .collect();
    assert_eq!(
        findings,
        [
            ("spike-not-isolated", 21),
            ("capacity-exceeded", 23),
            ("capacity-exceeded", 24),
            ("capacity-exceeded", 25),
        ]
    );
    let catalog = &analysis.findings[1];
    assert!(
        catalog.message.contains("11,000 req/s"),
        "{}",
        catalog.message
    );
    assert!(
        catalog.message.contains("10,000 req/s (110%)"),
        "{}",
        catalog.message
    );
    assert!(
        catalog
            .message
            .contains("heaviest path: web -> catalog (GET /products) x4 (8,000 req/s)"),
        "{}",
        catalog.message
    );
    let help = catalog.help.as_deref().unwrap();
    for remedy in [
        "own first-come entry page",
        "asynchronous",
        "cache the read",
    ] {
        assert!(help.contains(remedy), "{help}");
    }
}

#[test]
fn after_isolating_the_spike_the_example_is_clean() {
    let analysis = analyze("examples/promotion/after.yaml");
    assert!(
        analysis.findings.is_empty(),
        "{}",
        report::human::render_findings(&analysis, false)
    );
    // entry = 2,000 x 2 + 2,000 x 1; reads = 4,000 / 6,000; order queues 6,000 x 0.05.
    assert_eq!(load(&analysis, "entry"), Some(6000.0));
    let entry = analysis.load.get("entry").unwrap();
    assert_eq!(entry.utilization(), Some(0.75));
    assert_eq!(entry.reads, Some(4000.0 / 6000.0));
    let order = analysis.load.get("order").unwrap();
    assert_eq!(order.load, Some(0.0));
    assert_eq!(order.queued, Some(300.0));
    for id in ["catalog", "product", "inventory", "payment"] {
        assert_eq!(load(&analysis, id), Some(0.0), "{id}");
    }
}

#[test]
fn the_json_report_has_a_load_row_per_service_in_spec_order() {
    let analysis = analyze("examples/promotion/before.yaml");
    let json: serde_json::Value = serde_json::from_str(&report::json::render(&analysis)).unwrap();
    let rows = json["load"].as_array().expect("a load array");
    let services: Vec<&str> = rows
        .iter()
        .map(|row| row["service"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        [
            "web",
            "app",
            "catalog",
            "product",
            "order",
            "inventory",
            "payment",
            "notification"
        ]
    );
    assert_eq!(
        rows[2],
        serde_json::json!({
            "service": "catalog", "peak": 0, "load": 11000, "capacity": 10000,
            "utilization": 1.1, "queued": 0, "reads": 1, "unbounded": false,
            "paths": [
                { "path": "web -> catalog (GET /products) x4", "services": ["web", "catalog"], "load": 8000 },
                { "path": "web -> product (GET /products/{id}) -> catalog (GET /products/{id}/price)",
                  "services": ["web", "product", "catalog"], "load": 3000 }
            ]
        })
    );
    assert_eq!(
        rows[0],
        serde_json::json!({
            "service": "web", "peak": 2000, "load": 2000, "capacity": null,
            "utilization": null, "queued": 0, "reads": null, "unbounded": false
        })
    );
    // `load` comes after the findings and before the summary.
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    let position = |key: &str| keys.iter().position(|k| *k == key).unwrap();
    assert!(position("findings") < position("load") && position("load") < position("summary"));
}

#[test]
fn the_json_report_has_no_load_without_a_peak() {
    let analysis = analyze("examples/ecommerce/spec.yaml");
    let json: serde_json::Value = serde_json::from_str(&report::json::render(&analysis)).unwrap();
    assert!(json.get("load").is_none());
}
