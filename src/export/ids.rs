//! AsyncAPI keys: ASCII ids for channels, operations and components, derived from the
//! user's names by [`crate::names`] and made unique deterministically.
//!
//! AsyncAPI requires component, channel and operation keys to match
//! `^[a-zA-Z0-9.\-_]+$`. [`key`] always yields lowercase ASCII letters and digits joined by
//! `-` (never `.`, so a key is also one segment of a channel address), and
//! [`unique_keys`] resolves names that map to the same key.

use std::collections::HashSet;

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

/// One key per name, all distinct. `items[i]` is the wanted key of name `i` and its
/// original spelling (or anything ordered as the spelling is). Names that share a base
/// are ordered by their original spelling (bytes): the first keeps the base, the others
/// get `-2`, `-3`, … skipping any key another name wants, so the result depends only on
/// the set of names, not on their order in the spec. The same name given twice gets the
/// same key. The wanted keys become the keys where they can (no copy of each).
pub fn unique_keys<N: Ord>(items: Vec<(String, N)>) -> Vec<String> {
    let choices = choose_keys(&items);
    let mut keys: Vec<String> = items
        .into_iter()
        .zip(&choices)
        .map(|((base, _), choice)| match choice {
            Choice::Base => base,
            Choice::Suffixed(counter) => suffixed(&base, *counter),
            Choice::SameAs(_) => String::new(),
        })
        .collect();
    for (at, choice) in choices.iter().enumerate() {
        if let Choice::SameAs(first) = choice {
            keys[at] = keys[*first].clone();
        }
    }
    keys
}

/// How a name's key is made from its wanted key (its base).
#[derive(Clone, Copy)]
enum Choice {
    Base,
    /// `<base>-<counter>`.
    Suffixed(usize),
    /// The key of an earlier item with the same base and spelling (itself not `SameAs`).
    SameAs(usize),
}

fn suffixed(base: &str, counter: usize) -> String {
    format!("{base}-{counter}")
}

/// Chooses each item's key ([`unique_keys`]) without building any key but the suffixed.
fn choose_keys<N: Ord>(items: &[(String, N)]) -> Vec<Choice> {
    let base = |at: usize| items[at].0.as_str();
    let spelling = |at: usize| &items[at].1;
    // Sorted by base, then spelling: each base's names in one run, in spelling order.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        base(a)
            .cmp(base(b))
            .then_with(|| spelling(a).cmp(spelling(b)))
    });
    let wanted = |key: &str| order.binary_search_by(|&at| base(at).cmp(key)).is_ok();
    let mut taken_suffixes: HashSet<String> = HashSet::new();
    let mut choices = vec![Choice::Base; items.len()];
    for run in order.chunk_by(|&a, &b| base(a) == base(b)) {
        let mut counter = 2usize;
        // The first item of the current spelling.
        let mut first = run[0];
        for &at in &run[1..] {
            if spelling(at) == spelling(first) {
                choices[at] = Choice::SameAs(first);
                continue;
            }
            first = at;
            choices[at] = loop {
                let tried = counter;
                counter += 1;
                let candidate = suffixed(base(at), tried);
                if !wanted(&candidate) && taken_suffixes.insert(candidate) {
                    break Choice::Suffixed(tried);
                }
            };
        }
    }
    choices
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        let items: Vec<(String, String)> = names
            .iter()
            .map(|name| (key(name), (*name).to_owned()))
            .collect();
        unique_keys(items)
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
