//! Names: display labels in any language, and the stable ASCII identifiers that
//! targets need (crate and file names, AsyncAPI keys, diagram node ids).
//!
//! This module is the one place that turns a user's name into an identifier, so a
//! Korean `계약` becomes `gyeyak` the same way in every output.

mod hangul;
mod ident;

pub use hangul::{final_consonant, is_hangul, romanize};
pub use ident::{
    Case, Idents, escape_keyword, invalid_package_name, is_keyword, join_words, package_name, unraw,
};

/// The ASCII words of a name: Hangul romanized per syllable, camel case split,
/// everything that is not a letter or digit a separator. `ContractTerminated` ->
/// `[contract, terminated]`; `계약 해지` -> `[gyeyak, haeji]`.
///
/// Returns `None` when a character can be neither kept nor romanized (Chinese, emoji…):
/// the caller then needs an explicit `code:`.
pub fn ascii_words(name: &str) -> Option<Vec<String>> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    let mut untranslatable = false;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            let next_is_lower = chars.peek().is_some_and(char::is_ascii_lowercase);
            let starts_word = c.is_ascii_uppercase()
                && previous.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next_is_lower)
                });
            if starts_word && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else if let Some(roman) = hangul::romanize_syllable(c) {
            if previous.is_some_and(|p| hangul::romanize_syllable(p).is_none())
                && !current.is_empty()
            {
                words.push(std::mem::take(&mut current));
            }
            current.push_str(roman.as_str());
        } else {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            untranslatable |= c.is_alphanumeric();
        }
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    if untranslatable || words.is_empty() {
        None
    } else {
        Some(words)
    }
}

/// Like [`ascii_words`], but never fails: a name with characters that have no ASCII
/// form falls back to their code points (`合同` -> `[u5408, u540c]`), stable across runs.
/// Elements that can carry `code:` get a `name-not-ascii` warning instead of silence.
pub fn stable_words(name: &str) -> Vec<String> {
    if let Some(words) = ascii_words(name) {
        return words;
    }
    let words: Vec<String> = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase().to_string()
            } else {
                format!("u{:x}", u32::from(c))
            }
        })
        .collect();
    if words.is_empty() {
        vec!["x".to_owned()]
    } else {
        words
    }
}

/// The [`stable_words`] of a name in kebab case: never empty, never fails (AsyncAPI
/// keys; what `name-not-ascii` says outputs will call a name).
pub fn stable_kebab_case(name: &str) -> String {
    stable_words(name).join("-")
}

/// Joins words; when the result is longer than `max` bytes, keeps a prefix and adds a
/// hash of the whole name, so two long names sharing a prefix still differ. File names
/// stop at 255 bytes on most file systems, and a 200-syllable Korean name romanizes to
/// far more than that.
pub fn bounded(words: &[String], separator: char, max: usize, whole: &str) -> String {
    let joined = words.join(&separator.to_string());
    if joined.len() <= max {
        return joined;
    }
    // Words are ASCII, so any byte index is a char boundary.
    let keep = max.saturating_sub(9).max(1).min(joined.len());
    let prefix = joined[..keep].trim_end_matches(separator);
    format!("{prefix}{separator}{:08x}", fnv1a(whole))
}

/// FNV-1a, 32 bits: tiny, stable across platforms and releases (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// `snake_case` identifier of a name (see [`ascii_words`]).
pub fn snake_case(name: &str) -> Option<String> {
    ascii_words(name).map(|words| words.join("_"))
}

/// `kebab-case` identifier of a name (crate names, file names, AsyncAPI keys).
pub fn kebab_case(name: &str) -> Option<String> {
    ascii_words(name).map(|words| words.join("-"))
}

/// `PascalCase` identifier of a name (Rust types).
pub fn pascal_case(name: &str) -> Option<String> {
    ascii_words(name).map(|words| {
        let mut ident = String::new();
        for word in &words {
            push_capitalized(&mut ident, word);
        }
        ident
    })
}

/// Appends `word` with its first letter in upper case.
pub(super) fn push_capitalized(out: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.push(first.to_ascii_uppercase());
        out.push_str(chars.as_str());
    }
}

/// `base`, or the first of `base{separator}2`, `base{separator}3`, … not yet in `taken`,
/// which then holds it: names that meet on one identifier are told apart in the order
/// they are asked for.
pub fn unique(
    taken: &mut std::collections::BTreeSet<String>,
    base: String,
    separator: char,
) -> String {
    let mut candidate = base.clone();
    let mut counter = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}{separator}{counter}");
        counter += 1;
    }
    candidate
}

/// The closest candidate to a misspelt name, if one is close enough to be a typo.
///
/// Candidates whose length differs by more than the allowed distance are skipped
/// before any distance is computed, so a spec with thousands of ids stays fast.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_len = input.chars().count();
    let max_distance = (input_len / 3).max(1);
    let folded = input.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| candidate.chars().count().abs_diff(input_len) <= max_distance)
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&folded, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|&(distance, _)| distance <= max_distance)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, candidate)| candidate)
}

/// The help for a name that matches no candidate: "did you mean `best`?" when one is
/// close enough to be a typo, else `otherwise()` (how to declare it, or what exists).
pub fn did_you_mean_or<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match did_you_mean(input, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None => otherwise(),
    }
}

/// Why an id cannot be used, or `None` when it is fine. Ids end up in file names and
/// paths, so separators, `..` and control characters are refused everywhere.
pub fn invalid_id_reason(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("an id may not be empty")
    } else if id.trim() != id {
        Some("an id may not start or end with white space")
    } else if id.contains(['/', '\\']) {
        Some("an id may not contain a path separator (`/` or `\\`)")
    } else if id.contains("..") {
        Some("an id may not contain `..`")
    } else if id.chars().any(char::is_control) {
        Some("an id may not contain control characters")
    } else if id.chars().count() > MAX_ID_CHARS {
        Some("an id may be at most 200 characters long")
    } else {
        None
    }
}

/// Longest id accepted: ids become file names, and most file systems stop at 255 bytes.
pub const MAX_ID_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_camel_case_acronyms_and_separators() {
        assert_eq!(
            ascii_words("ContractTerminated").unwrap(),
            ["contract", "terminated"]
        );
        assert_eq!(
            ascii_words("HTTPServer2Go").unwrap(),
            ["http", "server2", "go"]
        );
        assert_eq!(
            ascii_words("terminate-contract").unwrap(),
            ["terminate", "contract"]
        );
        assert_eq!(
            ascii_words("order_line items").unwrap(),
            ["order", "line", "items"]
        );
    }

    #[test]
    fn korean_names_become_romanized_words() {
        assert_eq!(snake_case("계약").unwrap(), "gyeyak");
        assert_eq!(kebab_case("계약 해지").unwrap(), "gyeyak-haeji");
        assert_eq!(pascal_case("수납완료").unwrap(), "Sunapwanryo");
        assert_eq!(kebab_case("SMS발송").unwrap(), "sms-balsong");
    }

    #[test]
    fn names_with_no_ascii_form_are_refused() {
        assert_eq!(ascii_words("合同"), None);
        assert_eq!(ascii_words("---"), None);
    }

    #[test]
    fn stable_words_fall_back_to_code_points() {
        assert_eq!(stable_words("合同"), ["u5408", "u540c"]);
        assert_eq!(stable_words("계약"), ["gyeyak"]);
        assert_eq!(stable_words("---"), ["x"]);
    }

    #[test]
    fn bounded_names_stay_short_and_distinct() {
        let long_a = "계약".repeat(150);
        let long_b = format!("{}가", "계약".repeat(150));
        let a = bounded(&stable_words(&long_a), '-', 80, &long_a);
        let b = bounded(&stable_words(&long_b), '-', 80, &long_b);
        assert!(a.len() <= 80 && b.len() <= 80, "{a} {b}");
        assert_ne!(a, b, "a shared prefix must not make two names one");
        assert_eq!(
            bounded(
                &stable_words("terminate-contract"),
                '-',
                80,
                "terminate-contract"
            ),
            "terminate-contract"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_and_rejects_strangers() {
        let ids = ["billing", "customer", "contract"];
        assert_eq!(did_you_mean("biling", ids), Some("billing"));
        assert_eq!(did_you_mean("Custmer", ids), Some("customer"));
        assert_eq!(did_you_mean("warehouse", ids), None);
        assert_eq!(
            did_you_mean("relatons", ["services", "relations", "sagas"]),
            Some("relations")
        );
    }

    #[test]
    fn ids_that_could_escape_a_folder_are_invalid() {
        assert!(invalid_id_reason("../etc").is_some());
        assert!(invalid_id_reason("a/b").is_some());
        assert!(invalid_id_reason(" contract").is_some());
        assert!(invalid_id_reason("con\u{7}tract").is_some());
        assert!(invalid_id_reason("").is_some());
        assert_eq!(invalid_id_reason("계약"), None);
        assert_eq!(invalid_id_reason("terminate-contract"), None);
    }
}
