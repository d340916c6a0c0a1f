use super::View;
use super::concerns::by_service;
use crate::analysis::{Analysis, Options, analyze_str};

fn analyze(spec: &str) -> Analysis {
    analyze_str("spec.yaml", spec, &Options::default())
}

const SPEC: &str = r#"
edasmith: 1
system: shop
services:
  a: {}
  b: {}
  c: {}
data:
  A:
    owner: a
    fields: { "Item ID": string, ref: int, count: int }
    states: [open, closed]
    transitions:
      - { event: Moved, to: open }
      - { event: Closed, from: open, to: closed }
  B:
    owner: b
    fields: { item_id: string, ref: int, note: string }
relations:
  - { from: a, to: c, type: event, message: Moved, data: A, payload: ["Item ID", ref] }
  - { from: b, to: c, type: event, message: Moved, data: B, payload: [item_id, ref, gone] }
  - { from: c, to: a, type: command, message: Close, data: A, reply: [Closed, CloseRefused] }
sagas:
  settle:
    style: choreography
    steps:
      - { service: c, action: Start, emits: Moved }
      - { service: a, action: Middle, emits: Closed }
      - { service: c, action: Finish }
"#;

#[test]
fn a_message_carried_twice_merges_its_fields_by_name_with_distinct_identifiers() {
    let view = View::new(&analyze(SPEC));
    let moved = (view.contracts.messages.iter())
        .find(|m| m.wire == "Moved")
        .unwrap();
    let fields: Vec<(&str, &str, bool, &str)> = (moved.fields.iter())
        .map(|f| (f.ident.as_str(), f.wire.as_str(), f.rename, f.ty.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("item_id", "Item ID", true, "String"),
            ("r#ref", "ref", false, "i64"),
            ("item_id_2", "item_id", true, "String"),
            ("gone", "gone", false, "String"),
        ]
    );
    assert_eq!(
        moved.fields[3].doc.as_deref(),
        Some("`gone` is not a field of `B`.")
    );
}

#[test]
fn a_lifecycle_event_copies_only_its_own_datas_fields() {
    let view = View::new(&analyze(SPEC));
    let a = view.services.iter().find(|s| s.id == "a").unwrap();
    let lifecycle = a.aggregates[0].lifecycle.as_ref().unwrap();
    let copies: Vec<Vec<&str>> = (lifecycle.events.iter())
        .map(|e| e.copies.iter().map(|c| c.ident.as_str()).collect())
        .collect();
    // `Moved` carries `A`'s `Item ID` and `ref`, and `B`'s `item_id`: only the first two
    // are the aggregate's. `Closed` is carried by no relation: it has all of `A`'s.
    assert_eq!(
        copies,
        [vec!["item_id", "r#ref"], vec!["item_id", "r#ref", "count"]]
    );
    assert!(!lifecycle.copy_catch_all);
    assert!(!lifecycle.complete);
}

#[test]
fn service_crates_are_named_without_the_system() {
    let view = View::new(&analyze(SPEC));
    assert_eq!(view.contracts.package, "shop-contracts");
    assert_eq!(view.contracts.lib, "shop_contracts");
    let names: Vec<(&str, &str, &str)> = (view.services.iter())
        .map(|s| (s.package.as_str(), s.lib.as_str(), s.dir.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("shop-a", "shop_a", "services/a"),
            ("shop-b", "shop_b", "services/b"),
            ("shop-c", "shop_c", "services/c"),
        ]
    );
    let c = &view.services[2];
    assert_eq!(
        c.reply_handlers[0].ty,
        "contracts::generated::replies::CloseReply"
    );
    assert_eq!(c.choreographies[0].methods.len(), 2);
}

#[test]
fn a_service_named_twice_by_an_element_lists_it_once() {
    let analysis = analyze(SPEC);
    let concerns = by_service(&analysis);
    let c = analysis.model.service_position("c").unwrap();
    // `c` has two steps of the one saga.
    assert_eq!(concerns[c].sagas, [0]);
    assert_eq!(concerns[c].sent_commands.len(), 1);
    let a = analysis.model.service_position("a").unwrap();
    assert_eq!(concerns[a].handled_commands.len(), 1);
    assert!(concerns[a].sent_commands.is_empty());
}
