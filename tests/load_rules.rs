//! The load rules on cases a fixture cannot hold because another rule fires with them
//! (a shared database, a synchronous cycle).

use edasmith::analysis::{Options, analyze_str};
use edasmith::diagnostic::Finding;

/// The findings of `rule`, each with its line.
fn findings(rule: &str, yaml: &str) -> Vec<(u32, Finding)> {
    let analysis = analyze_str("spec.yaml", yaml, &Options::default());
    analysis
        .findings
        .iter()
        .filter(|finding| finding.rule == rule)
        .map(|finding| (analysis.sources.locate(finding.span).line, finding.clone()))
        .collect()
}

#[test]
fn a_spike_on_the_regular_users_database_is_not_isolated() {
    let found = findings(
        "spike-not-isolated",
        "services:
  web: { kind: frontend }
  flash: { kind: frontend, peak: 800 }
  catalog: { database: catalog-db }
  stock: { database: catalog-db }
relations:
  - { from: web, to: catalog, type: sync, operation: GET /products }
  - { from: flash, to: stock, type: sync, operation: GET /stock }
",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(
        found[0].1.message.contains(
            "reaches `stock` (path: flash -> stock (GET /stock)), whose database `catalog-db` \
             the regular entry point `web` also reaches through `catalog`"
        ),
        "{}",
        found[0].1.message
    );
}

#[test]
fn a_spike_page_called_from_the_main_page_is_not_isolated() {
    let found = findings(
        "spike-not-isolated",
        "services:
  web: { kind: frontend }
  promo: { kind: frontend, peak: 800 }
relations:
  - { from: web, to: promo, type: sync, operation: GET /banner }
",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .1
            .message
            .contains("is itself reached by calls from the regular entry point `web`")
    );
}

#[test]
fn an_async_hop_isolates_the_spike() {
    let found = findings(
        "spike-not-isolated",
        "services:
  web: { kind: frontend }
  promo: { kind: frontend, peak: 800 }
  entry: { database: entry-db }
  order: { database: order-db }
data:
  Order: { owner: order, fields: { order_id: uuid } }
relations:
  - { from: web, to: order, type: sync, operation: POST /orders }
  - { from: promo, to: entry, type: sync, operation: POST /entries }
  - { from: entry, to: order, type: command, message: PlaceOrder, data: Order,
      reply: [OrderPlaced, OrderRejected] }
",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn an_unbounded_load_exceeds_any_capacity() {
    let found = findings(
        "capacity-exceeded",
        "services:
  web: { kind: frontend, peak: 10 }
  a: { capacity: 1000000 }
  b: {}
relations:
  - { from: web, to: a, type: sync }
  - { from: a, to: b, type: sync }
  - { from: b, to: a, type: sync }
",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(
        found[0].1.message.contains("no finite load"),
        "{}",
        found[0].1.message
    );
    assert!(
        found[0].1.message.contains("heaviest path: web -> a"),
        "{}",
        found[0].1.message
    );
}

#[test]
fn a_capacity_of_zero_with_load_is_exceeded_and_without_is_not() {
    let yaml = "services:
  web: { kind: frontend, peak: 10 }
  a: { capacity: 0 }
  b: { capacity: 0 }
relations:
  - { from: web, to: a, type: sync }
";
    let found = findings("capacity-exceeded", yaml);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(
        found[0].1.message.contains("(∞%)"),
        "{}",
        found[0].1.message
    );
}

#[test]
fn no_peak_no_load_findings() {
    let yaml = "services:
  web: { kind: frontend }
  a: { capacity: 1 }
relations:
  - { from: web, to: a, type: sync, rate: 100 }
";
    assert!(findings("capacity-exceeded", yaml).is_empty());
    assert!(findings("spike-not-isolated", yaml).is_empty());
}
