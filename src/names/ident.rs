//! Rust identifiers and Cargo package names from user names.
//!
//! Rules (stable: the same spec gives the same identifiers on every run):
//! - words come from [`super::stable_words`] (Hangul romanized, camel case split, other
//!   scripts as code points);
//! - a leading digit gets a `_` prefix (`1st step` -> `_1st_step`, `_1stStep`): valid and
//!   accepted by the naming lints;
//! - a keyword becomes a raw identifier (`type` -> `r#type`); the few that cannot be raw
//!   get a suffix (`self` -> `self_`, `Self` -> `SelfValue`);
//! - two names that convert to the same identifier in one namespace are told apart in
//!   the order they are allocated (spec order): `order_placed`, `order_placed_2`;
//!   `OrderPlaced`, `OrderPlaced2` (`_2` after a trailing digit: `Step1_2`).

use std::collections::BTreeSet;

use super::{push_capitalized, stable_words};

/// Strict and reserved keywords of Rust 2024 (weak keywords such as `union` are fine).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names the Rust prelude brings into every module: a generated type with one of these
/// names would shadow it (`String` as a data id would break every `String` field).
/// Sorted, for a binary search.
pub const PRELUDE_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The case of an identifier namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, functions, modules.
    Snake,
    /// `PascalCase`: types, traits, variants.
    Pascal,
}

/// Joins words in a case, before keyword escaping and clash resolution.
pub fn join_words<S: AsRef<str>>(words: &[S], case: Case) -> String {
    let mut ident = String::with_capacity(words.iter().map(|w| w.as_ref().len() + 1).sum());
    for word in words.iter().map(AsRef::as_ref).filter(|w| !w.is_empty()) {
        match case {
            Case::Snake => {
                if !ident.is_empty() {
                    ident.push('_');
                }
                ident.push_str(word);
            }
            Case::Pascal => push_capitalized(&mut ident, word),
        }
    }
    if ident.is_empty() {
        ident = match case {
            Case::Snake => "x".to_owned(),
            Case::Pascal => "X".to_owned(),
        };
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    ident
}

/// A valid Rust identifier for a joined name: raw where a keyword allows it, else a suffix.
pub fn escape_keyword(ident: &str) -> String {
    if NOT_RAW.contains(&ident) {
        if ident == "Self" {
            "SelfValue".to_owned()
        } else {
            format!("{ident}_")
        }
    } else if is_keyword(ident) {
        format!("r#{ident}")
    } else {
        ident.to_owned()
    }
}

/// The identifier without a raw prefix: what it is called, and what may be combined.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// One namespace of identifiers (a module's types, a struct's fields): hands out valid,
/// distinct identifiers in allocation order.
#[derive(Debug, Clone)]
pub struct Idents {
    case: Case,
    used: BTreeSet<String>,
    /// Taken from the start and never handed out: looked up here rather than copied
    /// into `used`, as a namespace is made for each module and each struct.
    preset: &'static [&'static str],
}

impl Idents {
    pub fn new(case: Case) -> Self {
        Idents {
            case,
            used: BTreeSet::new(),
            preset: &[],
        }
    }

    /// A namespace of type names (a module's structs, enums and traits): the prelude's
    /// names are taken, so `String` becomes `String2`.
    pub fn types() -> Self {
        Idents {
            preset: PRELUDE_TYPES,
            ..Idents::new(Case::Pascal)
        }
    }

    fn is_taken(&self, ident: &str) -> bool {
        self.used.contains(ident) || self.preset.binary_search(&ident).is_ok()
    }

    /// Marks an identifier as taken (a fixed name the template uses).
    pub fn reserve(&mut self, ident: &str) {
        self.used.insert(unraw(ident).to_owned());
    }

    /// The identifier of a user name (any language).
    pub fn name(&mut self, name: &str) -> String {
        self.words(&stable_words(name))
    }

    /// The identifier of a name given as words (`["publish"] + words of a message`).
    pub fn words<S: AsRef<str>>(&mut self, words: &[S]) -> String {
        let base = join_words(words, self.case);
        // The common case, a free identifier that is no keyword, needs no copy.
        if !is_keyword(&base) && !self.is_taken(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let mut candidate = escape_keyword(&base);
        let mut n = 2;
        while self.is_taken(unraw(&candidate)) {
            let separator = match self.case {
                Case::Pascal if !base.ends_with(|c: char| c.is_ascii_digit()) => "",
                _ => "_",
            };
            candidate = escape_keyword(&format!("{base}{separator}{n}"));
            n += 1;
        }
        self.used.insert(unraw(&candidate).to_owned());
        candidate
    }
}

/// A valid Cargo package name from words: kebab case, ASCII, starting with a letter
/// (`eda-` is put before a leading digit).
pub fn package_name(words: &[String]) -> String {
    let name: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    let whole = name.join("-");
    // Package names become folder names: keep them well under the 255-byte limit.
    let mut name = super::bounded(std::slice::from_ref(&whole), '-', 64, &whole);
    if name.is_empty() {
        name = "x".to_owned();
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "eda-");
    }
    name
}

/// Why a string is not a valid Cargo package name, or `None`.
pub fn invalid_package_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("empty")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with an ASCII letter")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("only ASCII letters, digits, `-` and `_`")
    } else if is_keyword(&name.replace('-', "_")) {
        Some("a Rust keyword")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_suffixed() {
        let mut snake = Idents::new(Case::Snake);
        assert_eq!(snake.name("type"), "r#type");
        assert_eq!(snake.name("match"), "r#match");
        assert_eq!(snake.name("self"), "self_");
        assert_eq!(snake.name("crate"), "crate_");
        let mut pascal = Idents::new(Case::Pascal);
        assert_eq!(pascal.name("Self"), "SelfValue");
        assert_eq!(pascal.name("type"), "Type");
    }

    #[test]
    fn leading_digits_hyphens_and_korean() {
        let mut snake = Idents::new(Case::Snake);
        assert_eq!(snake.name("1st-step"), "_1st_step");
        assert_eq!(snake.name("계약번호"), "gyeyakbeonho");
        let mut pascal = Idents::new(Case::Pascal);
        assert_eq!(pascal.name("2nd-try"), "_2ndTry");
        assert_eq!(pascal.name("계약 해지됨"), "GyeyakHaejidoem");
    }

    #[test]
    fn clashes_get_suffixes_in_allocation_order() {
        let mut pascal = Idents::new(Case::Pascal);
        assert_eq!(pascal.name("OrderPlaced"), "OrderPlaced");
        assert_eq!(pascal.name("order-placed"), "OrderPlaced2");
        assert_eq!(pascal.name("order_placed"), "OrderPlaced3");
        assert_eq!(pascal.name("Step1"), "Step1");
        assert_eq!(pascal.name("step 1"), "Step1_2");
        let mut snake = Idents::new(Case::Snake);
        snake.reserve("data");
        assert_eq!(snake.name("Data"), "data_2");
        assert_eq!(snake.name("type"), "r#type");
        assert_eq!(snake.name("Type"), "type_2");
    }

    #[test]
    fn prelude_types_are_sorted_for_the_binary_search() {
        assert!(PRELUDE_TYPES.is_sorted());
    }

    #[test]
    fn type_names_never_shadow_the_prelude() {
        let mut types = Idents::types();
        assert_eq!(types.name("string"), "String2");
        assert_eq!(types.name("Result"), "Result2");
        assert_eq!(types.name("Order"), "Order");
    }

    #[test]
    fn package_names_are_valid() {
        let words = |s: &str| stable_words(s);
        assert_eq!(package_name(&words("3g telecom")), "eda-3g-telecom");
        assert_eq!(
            package_name(&words("통신 고객관리")),
            "tongsin-gogaekgwanri"
        );
        for name in ["eda-3g-telecom", "shop-order"] {
            assert_eq!(invalid_package_name(name), None);
        }
        assert!(invalid_package_name("1x").is_some());
        assert!(invalid_package_name("a/b").is_some());
        assert!(invalid_package_name("self").is_some());
    }
}
