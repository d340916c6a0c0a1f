//! Propagation figures computed by hand.

use super::*;
use crate::analysis::{Options, analyze_str};

fn table(yaml: &str) -> (Model, LoadTable) {
    let analysis = analyze_str("spec.yaml", yaml, &Options::default());
    assert!(analysis.parsed, "{:?}", analysis.findings);
    let table = analyze(&analysis.model);
    (analysis.model, table)
}

fn load(table: &LoadTable, id: &str) -> Option<f64> {
    table.get(id).unwrap().load
}

#[test]
fn chain_with_rates_multiplies() {
    // web 1,000 -> catalog x3 = 3,000 -> price x2 = 6,000 (+ peak 500 = 6,500)
    let (_, table) = table(
        "services:
  web: { kind: frontend, peak: 1000 }
  catalog: { capacity: 2500 }
  price: { peak: 500 }
relations:
  - { from: web, to: catalog, type: sync, operation: GET /products, rate: 3 }
  - { from: catalog, to: price, type: sync, operation: POST /quotes, rate: 2 }
",
    );
    assert_eq!(load(&table, "web"), Some(1000.0));
    assert_eq!(load(&table, "catalog"), Some(3000.0));
    assert_eq!(load(&table, "price"), Some(6500.0));
    let catalog = table.get("catalog").unwrap();
    assert_eq!(catalog.utilization(), Some(1.2));
    assert!(catalog.overloaded());
    assert_eq!(catalog.reads, Some(1.0));
    assert_eq!(table.get("price").unwrap().reads, Some(0.0));
    assert_eq!(table.get("web").unwrap().reads, None);
    assert_eq!(table.get("price").unwrap().utilization(), None);
    assert_eq!(catalog.level(), Some(Level::Over));
    assert_eq!(table.get("price").unwrap().level(), None);
    assert_eq!(Level::of(0.7), Level::High);
    assert_eq!(Level::of(0.69), Level::Low);
    assert_eq!(Level::of(1.0), Level::High);
}

#[test]
fn a_list_of_targets_calls_each_and_a_diamond_adds_up() {
    // web 100 -> [a, b] x2 each = 200; a -> c x1 = 200, b -> c x3 = 600: c = 800
    let (model, table) = table(
        "services:
  web: { kind: frontend, peak: 100 }
  a: {}
  b: {}
  c: { capacity: 400 }
relations:
  - { from: web, to: [a, b], type: sync, operation: GET /x, rate: 2 }
  - { from: a, to: c, type: sync, operation: GET /c }
  - { from: b, to: c, type: sync, operation: PUT /c, rate: 3 }
",
    );
    assert_eq!(load(&table, "a"), Some(200.0));
    assert_eq!(load(&table, "b"), Some(200.0));
    assert_eq!(load(&table, "c"), Some(800.0));
    let c = table.get("c").unwrap();
    // reads weigh by volume: 200 GET of 800 calls.
    assert_eq!(c.reads, Some(0.25));
    assert_eq!(c.utilization(), Some(2.0));
    let path = table.heaviest_path(c.service);
    assert_eq!(
        table.path_text(&model, &path),
        "web -> b (GET /x) x2 -> c (PUT /c) x3"
    );
    assert_eq!(path.load, Some(600.0));
    let paths = table.top_paths(c.service, 3);
    assert_eq!(paths.len(), 2);
    assert_eq!(paths[1].load, Some(200.0));
    assert_eq!(
        table.path_text(&model, &paths[1]),
        "web -> a (GET /x) x2 -> c (GET /c)"
    );
}

#[test]
fn async_relations_queue_instead_of_passing_load_on() {
    // promo 20,000 -> entry x1 = 20,000; entry -> order command x0.05 = 1,000 queued
    let (_, table) = table(
        "services:
  promo: { kind: frontend, peak: 20000 }
  entry: { capacity: 25000 }
  order: { capacity: 1500 }
relations:
  - { from: promo, to: entry, type: sync, operation: POST /entries }
  - { from: entry, to: order, type: command, message: CreateOrder, reply: OrderCreated, rate: 0.05 }
",
    );
    assert_eq!(load(&table, "entry"), Some(20000.0));
    assert_eq!(load(&table, "order"), Some(0.0));
    assert_eq!(table.get("order").unwrap().queued, Some(1000.0));
    assert!(!table.get("order").unwrap().overloaded());
    assert!(!table.get("entry").unwrap().overloaded());
}

#[test]
fn a_sync_cycle_that_load_reaches_is_unbounded_and_so_is_downstream() {
    let (model, table) = table(
        "services:
  web: { kind: frontend, peak: 10 }
  a: { capacity: 100 }
  b: {}
  c: {}
  idle1: {}
  idle2: {}
relations:
  - { from: web, to: a, type: sync }
  - { from: a, to: b, type: sync }
  - { from: b, to: a, type: sync }
  - { from: b, to: c, type: sync }
  - { from: c, to: web, type: event, message: Seen }
  - { from: idle1, to: idle2, type: sync }
  - { from: idle2, to: idle1, type: sync }
",
    );
    assert_eq!(load(&table, "web"), Some(10.0));
    assert_eq!(load(&table, "a"), None);
    assert_eq!(load(&table, "b"), None);
    assert_eq!(load(&table, "c"), None);
    assert_eq!(table.get("web").unwrap().queued, None);
    // No load reaches this cycle: nothing goes round it.
    assert_eq!(load(&table, "idle1"), Some(0.0));
    assert_eq!(load(&table, "idle2"), Some(0.0));
    let a = table.get("a").unwrap();
    assert!(a.overloaded());
    assert_eq!(a.utilization(), Some(f64::INFINITY));
    let text = table.path_text(&model, &table.heaviest_path(a.service));
    assert_eq!(text, "web -> a");
    let c = table.get("c").unwrap();
    assert_eq!(
        table.path_text(&model, &table.heaviest_path(c.service)),
        "web -> a -> b -> c"
    );
}

#[test]
fn a_service_calling_itself_is_a_cycle() {
    let (_, table) = table(
        "services:
  web: { kind: frontend, peak: 1 }
  a: {}
relations:
  - { from: web, to: a, type: sync }
  - { from: a, to: a, type: sync, rate: 0.5 }
",
    );
    assert_eq!(load(&table, "a"), None);
}

#[test]
fn invalid_and_huge_values_do_not_panic() {
    let (_, table) = table(
        "services:
  web: { kind: frontend, peak: 1.0e308 }
  a: { capacity: -3 }
  b: { peak: .nan, capacity: .inf }
relations:
  - { from: web, to: a, type: sync, rate: 10 }
  - { from: a, to: b, type: sync, rate: -1 }
  - { from: ghost, to: [a, nobody], type: sync }
",
    );
    // 1e309 overflows: unbounded, not infinity.
    assert_eq!(load(&table, "a"), None);
    assert_eq!(table.get("a").unwrap().capacity, None);
    assert_eq!(table.get("b").unwrap().peak, 0.0);
    assert_eq!(table.get("b").unwrap().capacity, None);
    assert_eq!(load(&table, "b"), None);
}

#[test]
fn peaks_can_be_overridden_and_added() {
    let analysis = analyze_str(
        "spec.yaml",
        "services:
  web: { kind: frontend, peak: 100 }
  app: { kind: frontend }
  a: {}
relations:
  - { from: web, to: a, type: sync }
  - { from: app, to: a, type: sync, rate: 2 }
",
        &Options::default(),
    );
    let table = analyze_with(&analysis.model, &[(0, 300.0), (1, 50.0), (2, f64::NAN)]);
    assert_eq!(load(&table, "a"), Some(400.0));
}

#[test]
fn components_are_visited_callers_first_on_a_long_chain() {
    // Services declared callee-first, so spec order is the reverse of call order.
    let count = 5000;
    let mut yaml = String::from("services:\n");
    for i in (0..count).rev() {
        let peak = if i == 0 { ", peak: 1" } else { "" };
        yaml.push_str(&format!("  s{i}: {{ capacity: 10{peak} }}\n"));
    }
    yaml.push_str("relations:\n");
    for i in 0..count - 1 {
        yaml.push_str(&format!(
            "  - {{ from: s{i}, to: s{}, type: sync }}\n",
            i + 1
        ));
    }
    let (model, table) = table(&yaml);
    let started = std::time::Instant::now();
    let again = analyze(&model);
    let elapsed = started.elapsed();
    assert_eq!(load(&table, "s4999"), Some(1.0));
    let path = again.heaviest_path(0);
    assert_eq!(path.edges.len(), MAX_PATH_EDGES);
    assert_eq!(path.skipped + path.edges.len(), count - 1);
    let text = again.path_text(&model, &path);
    assert!(
        text.starts_with("s0 -> … (4,986 services) -> s4987 -> s4988 ->"),
        "{text}"
    );
    assert!(text.ends_with("-> s4999"), "{text}");
    assert!(elapsed.as_millis() < 500, "took {elapsed:?}");
}

#[test]
fn numbers_are_formatted_for_people() {
    assert_eq!(format_number(11000.0), "11,000");
    assert_eq!(format_number(1234567.5), "1,234,567.5");
    assert_eq!(format_number(0.25), "0.25");
    assert_eq!(format_number(999.0), "999");
    assert_eq!(format_number(f64::INFINITY), "∞");
    assert_eq!(format_percent(1.1), "110%");
    assert_eq!(format_percent(0.855), "85.5%");
    assert_eq!(format_percent(0.5), "50%");
    assert!(is_read("GET /products"));
    assert!(is_read("head /x"));
    assert!(!is_read("POST /orders"));
    assert!(!is_read(""));
}

#[test]
fn json_numbers_are_integers_when_whole() {
    let json = serde_json::to_string(&[
        JsonNumber(9000.0),
        JsonNumber(1.1),
        JsonNumber(0.1 * 3.0),
        JsonNumber(f64::NAN),
    ])
    .unwrap();
    assert_eq!(json, "[9000,1.1,0.3,null]");
}

#[test]
fn edges_carry_their_flow_for_a_diagram() {
    let (model, table) = table(
        "services:
  web: { kind: frontend, peak: 100 }
  a: {}
  b: {}
  c: {}
relations:
  - { from: web, to: [a, b], type: sync, operation: GET /x, rate: 2 }
  - { from: a, to: c, type: event, message: ASeen, rate: 0.5 }
  - { from: b, to: b, type: sync, operation: POST /loop }
  - { from: b, to: c, type: sync, operation: GET /c }
",
    );
    let flows: Vec<(&str, &str, Option<f64>)> = table
        .edges
        .iter()
        .map(|edge| {
            (
                model.services[edge.from].id.as_str(),
                model.services[edge.to].id.as_str(),
                edge.flow,
            )
        })
        .collect();
    assert_eq!(
        flows,
        [
            ("web", "a", Some(200.0)),
            ("web", "b", Some(200.0)),
            ("a", "c", Some(100.0)),
            ("b", "b", None),
            ("b", "c", None),
        ]
    );
    // b calls itself: unbounded. Unbounded calls outweigh any finite volume, so the read
    // share counts them only: b's one unbounded call is a POST, c's a GET.
    assert_eq!(table.get("b").unwrap().reads, Some(0.0));
    assert_eq!(table.get("c").unwrap().reads, Some(1.0));
    assert_eq!(table.get("c").unwrap().queued, Some(100.0));
    assert_eq!(table.get("c").unwrap().load, None);
}
