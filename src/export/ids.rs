//! AsyncAPI keys: ASCII ids for channels, operations and components, derived from the
//! user's names by [`crate::names`] and made unique deterministically.
//!
//! AsyncAPI requires component, channel and operation keys to match
//! `^[a-zA-Z0-9.\-_]+$`. [`key`] always yields lowercase ASCII letters and digits joined by
//! `-` (never `.`, so a key is also one segment of a channel address), and
//! [`unique_keys`] resolves names that map to the same key.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::{bounded, stable_words};

/// Longest key: keys name the document files too, and file names stop at 255 bytes.
const MAX_KEY_BYTES: usize = 80;

/// The key of a name: its stable kebab case, bounded in length. Never empty, never fails:
/// `계약해지됨` -> `gyeyakhaejidoem`, `Order/Placed#1$` -> `order-placed-1`,
/// `合同` -> `u5408-u540c`.
pub fn key(name: &str) -> String {
    bounded(&stable_words(name), '-', MAX_KEY_BYTES, name)
}

/// Whether `text` is a valid AsyncAPI component, channel or operation key.
pub fn is_valid_key(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// One key per name, all distinct. `bases[i]` is the wanted key of name `i` and `names[i]`
/// its original spelling. Names that share a base are ordered by their original spelling
/// (bytes): the first keeps the base, the others get `-2`, `-3`, … skipping any key another
/// name wants, so the result depends only on the set of names, not on their order in
/// the spec. The same name given twice gets the same key.
pub fn unique_keys(items: &[(String, String)]) -> Vec<String> {
    let wanted: BTreeSet<&str> = items.iter().map(|(base, _)| base.as_str()).collect();
    let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (base, name) in items {
        groups.entry(base).or_default().insert(name);
    }
    let mut taken: BTreeSet<String> = wanted.iter().map(|base| (*base).to_owned()).collect();
    let mut assigned: BTreeMap<(&str, &str), String> = BTreeMap::new();
    for (base, names) in &groups {
        let mut names = names.iter();
        if let Some(first) = names.next() {
            assigned.insert((base, first), (*base).to_owned());
        }
        let mut counter = 2usize;
        for name in names {
            let id = loop {
                let candidate = format!("{base}-{counter}");
                counter += 1;
                if !taken.contains(&candidate) {
                    break candidate;
                }
            };
            taken.insert(id.clone());
            assigned.insert((base, name), id);
        }
    }
    items
        .iter()
        .map(|(base, name)| assigned[&(base.as_str(), name.as_str())].clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        let items: Vec<(String, String)> = names
            .iter()
            .map(|name| (key(name), (*name).to_owned()))
            .collect();
        unique_keys(&items)
    }

    #[test]
    fn keys_are_ascii_kebab_case_whatever_the_name() {
        assert_eq!(key("ContractTerminated"), "contract-terminated");
        assert_eq!(key("계약해지됨"), "gyeyakhaejidoem");
        assert_eq!(key("Order/Placed#1$"), "order-placed-1");
        assert_eq!(key("say \"hi\" 'there'"), "say-hi-there");
        assert_eq!(key("1st-event"), "1st-event");
        assert_eq!(key("合同"), "u5408-u540c");
        assert_eq!(key("$#/"), "x");
        assert_eq!(key(""), "x");
        for name in [
            "ContractTerminated",
            "계약 해지됨",
            "a.b/c#d$e",
            "合同",
            "..",
            "🎉",
        ] {
            let k = key(name);
            assert!(is_valid_key(&k), "{name} -> {k}");
            assert!(!k.contains('.'), "a key is one address segment: {k}");
        }
    }

    #[test]
    fn names_that_share_a_key_are_told_apart_by_their_spelling() {
        assert_eq!(
            keys(&["order_placed_1", "Order/Placed#1$", "Order Placed 1"]),
            // By bytes: ' ' < '/' < 'o'.
            ["order-placed-1-3", "order-placed-1-2", "order-placed-1"]
        );
        // Romanized Korean meeting its own romanization.
        assert_eq!(
            keys(&["gyeyakhaejidoem", "계약해지됨"]),
            ["gyeyakhaejidoem", "gyeyakhaejidoem-2"]
        );
    }

    #[test]
    fn suffixes_never_take_a_key_another_name_wants() {
        assert_eq!(keys(&["a 2", "A", "a"]), ["a-2", "a", "a-3"]);
    }

    #[test]
    fn the_same_name_twice_gets_one_key_and_order_does_not_matter() {
        assert_eq!(keys(&["A", "a", "A"]), ["a", "a-2", "a"]);
        assert_eq!(keys(&["a", "A"]), ["a-2", "a"]);
    }
}
