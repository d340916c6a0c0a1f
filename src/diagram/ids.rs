//! Stable ASCII identifiers for node ids and file names.
//!
//! An id is derived from the element's own name (its `code:` where it has one), never
//! from its position, so adding a service does not renumber the others. Names that
//! romanize to the same ASCII get `_2`, `_3`… in the order they are first asked for.

use std::collections::{BTreeSet, HashMap, HashSet};

use smol_str::SmolStr;

use crate::names::{bounded, stable_words, unique};

/// Longest word part of a node id.
const MAX_ID_CHARS: usize = 40;
/// Longest file stem (file systems stop at 255 bytes; leave room for the view prefix).
const MAX_STEM_CHARS: usize = 60;

/// Hands out unique ids, one per key, each `prefix_words`.
///
/// Ids and names are [`SmolStr`]s: a short one (most are) is held inline, a long one
/// is shared by the graph's node and every edge that ends there.
#[derive(Debug, Default)]
pub struct Ids {
    /// Prefix -> name -> id: nested, so looking a name up (most calls: every edge asks
    /// for both its ends) allocates nothing.
    given: HashMap<&'static str, HashMap<SmolStr, SmolStr>>,
    taken: HashSet<SmolStr>,
}

impl Ids {
    /// The id for `name` in the namespace `prefix` (the same name gets the same id).
    pub fn id(&mut self, prefix: &'static str, name: &str) -> SmolStr {
        if let Some(id) = self.given.get(prefix).and_then(|names| names.get(name)) {
            return id.clone();
        }
        let id = self.fresh(prefix, name);
        self.given
            .entry(prefix)
            .or_default()
            .insert(SmolStr::new(name), id.clone());
        id
    }

    /// The id for a name asked for only once in the namespace `prefix` (the names of
    /// the derivation's events or commands, each listed once): the id [`Ids::id`] would
    /// give it, without remembering which name it was given to. So the name must not be
    /// asked for again in that namespace, by either call: it would get another id. The
    /// events view asks for tens of thousands of them, and a table of names it never
    /// looks up again was the largest part of its ids.
    pub fn fresh(&mut self, prefix: &'static str, name: &str) -> SmolStr {
        let base = format!(
            "{prefix}_{}",
            bounded(&stable_words(name), '_', MAX_ID_CHARS, name)
        );
        self.unique(base)
    }

    /// Makes room for that many more ids in each namespace (`(prefix, count)`), and
    /// for `fresh` more ids given by [`Ids::fresh`]. A whole-system view asks for tens of
    /// thousands: grown by doubling, each table would hold its old copy beside the new
    /// one while it grows, and end up to twice the size it needs.
    pub fn reserve(&mut self, counts: &[(&'static str, usize)], fresh: usize) {
        for &(prefix, count) in counts {
            self.given.entry(prefix).or_default().reserve(count);
        }
        // Every namespace's ids are in one set: room for all of them at once.
        let remembered: usize = counts.iter().map(|&(_, count)| count).sum();
        self.taken.reserve(remembered + fresh);
    }

    /// `base`, or the first of `base_2`, `base_3`… not taken yet (as
    /// [`crate::names::unique`] does, over a set of inline strings).
    fn unique(&mut self, base: String) -> SmolStr {
        let mut candidate = SmolStr::new(&base);
        let mut counter = 2;
        while !self.taken.insert(candidate.clone()) {
            candidate = SmolStr::from(format!("{base}_{counter}"));
            counter += 1;
        }
        candidate
    }
}

/// File stems (`gyeyak`, `terminate-contract`), unique within one set.
#[derive(Debug, Default)]
pub struct Stems {
    taken: BTreeSet<String>,
}

impl Stems {
    pub fn stem(&mut self, id: &str, code: Option<&str>) -> String {
        let source = code.unwrap_or(id);
        let base = bounded(&stable_words(source), '-', MAX_STEM_CHARS, source);
        unique(&mut self.taken, base, '-')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ascii_stable_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.id("s", "계약"), "s_gyeyak");
        assert_eq!(ids.id("s", "gyeyak"), "s_gyeyak_2");
        assert_eq!(ids.id("s", "계약"), "s_gyeyak");
        assert_eq!(ids.id("s", "end"), "s_end");
        assert_eq!(ids.id("e", "end"), "e_end");
        assert_eq!(ids.id("s", "\"--> ;#"), "s_x");
        let long = ids.id("s", &"가".repeat(200));
        assert!(long.len() <= 2 + MAX_ID_CHARS, "{long}");
        assert!(long.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }

    #[test]
    fn stems_use_code_and_stay_short() {
        let mut stems = Stems::default();
        assert_eq!(stems.stem("계약", Some("contract")), "contract");
        assert_eq!(stems.stem("계약", None), "gyeyak");
        assert_eq!(stems.stem("Gyeyak", None), "gyeyak-2");
        assert_eq!(stems.stem("terminate-contract", None), "terminate-contract");
        let long = stems.stem(&"a b ".repeat(100), None);
        assert!(long.len() <= MAX_STEM_CHARS, "{long}");
    }
}
