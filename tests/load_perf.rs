//! The load analysis and its rules stay linear: a 5,000-service spec with peaks on its
//! frontends takes milliseconds (the bound is generous: debug builds, busy CI).

use std::fmt::Write;
use std::time::Instant;

use edasmith::analysis::{Options, analyze_str};
use edasmith::derive;
use edasmith::load;
use edasmith::rules::{Context, load as load_rules};

#[test]
fn five_thousand_services_take_milliseconds() {
    let services = 5000;
    let mut yaml = String::from("services:\n");
    for f in 0..100 {
        let peak = if f % 2 == 0 { ", peak: 100" } else { "" };
        let _ = writeln!(yaml, "  f{f}: {{ kind: frontend{peak} }}");
    }
    for s in 0..services {
        let _ = writeln!(
            yaml,
            "  s{s}: {{ database: db{s}, capacity: {} }}",
            100 + s * 7 % 900
        );
    }
    yaml.push_str("relations:\n");
    for f in 0..100 {
        let _ = writeln!(
            yaml,
            "  - {{ from: f{f}, to: [s{}, s{}], type: sync, operation: GET /x }}",
            f * 37 % services,
            f * 53 % services
        );
    }
    // A dense layered graph: each service calls three later ones (one relation, a list).
    for s in 0..services {
        let targets: Vec<String> = [1, 7, 31]
            .iter()
            .filter(|&&step| s + step < services)
            .map(|step| format!("s{}", s + step))
            .collect();
        if !targets.is_empty() {
            let _ = writeln!(
                yaml,
                "  - {{ from: s{s}, to: [{}], type: sync, operation: GET /y, rate: 0.3 }}",
                targets.join(", ")
            );
        }
    }
    let analysis = analyze_str("big.yaml", &yaml, &Options::default());
    assert!(analysis.parsed);
    let model = &analysis.model;
    let derived = derive::derive(model);
    let context = Context {
        model,
        derived: &derived,
    };
    let started = Instant::now();
    let table = load::analyze(model);
    let mut findings = Vec::new();
    load_rules::check(&context, &mut findings);
    let rows = load::json_rows(model, &table);
    let text = load::render::render_human(model, &table, false);
    let elapsed = started.elapsed();
    assert_eq!(rows.len(), services + 100);
    assert!(!text.is_empty() && !findings.is_empty());
    // Milliseconds in a release build; the bound leaves room for debug builds on a busy
    // machine while still catching anything quadratic (25 million path steps).
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
    eprintln!("load analysis, rules and rendering of {services} services: {elapsed:?}");
}
