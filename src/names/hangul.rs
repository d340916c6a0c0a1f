//! Revised Romanization of Korean, syllable by syllable.
//!
//! Per-syllable (not the full rules with sound changes across syllables) so that the
//! result is predictable from the spelling alone: `계약` -> `gyeyak`, `수납` -> `sunap`.
//! Identifiers must be stable more than they must be euphonious.

const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const MEDIALS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

const FIRST_SYLLABLE: u32 = 0xAC00;
const LAST_SYLLABLE: u32 = 0xD7A3;

/// Whether `c` is a precomposed Hangul syllable (가..힣): what reads as Korean.
pub fn is_hangul(c: char) -> bool {
    (FIRST_SYLLABLE..=LAST_SYLLABLE).contains(&u32::from(c))
}

/// The index of a syllable's final consonant (0 = none, 20 = ㅆ), or `None` for any
/// other character.
pub fn final_consonant(c: char) -> Option<u32> {
    is_hangul(c).then(|| (u32::from(c) - FIRST_SYLLABLE) % 28)
}

/// The romanization of one precomposed Hangul syllable, or `None` for any other character.
pub(super) fn romanize_syllable(c: char) -> Option<String> {
    if !is_hangul(c) {
        return None;
    }
    let code = u32::from(c);
    let index = (code - FIRST_SYLLABLE) as usize;
    let (initial, medial, last) = (index / (21 * 28), (index % (21 * 28)) / 28, index % 28);
    Some([INITIALS[initial], MEDIALS[medial], FINALS[last]].concat())
}

/// Romanizes every Hangul syllable of `text`, leaving other characters as they are.
pub fn romanize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match romanize_syllable(c) {
            Some(roman) => out.push_str(&roman),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::romanize;

    #[test]
    fn romanizes_the_method_vocabulary() {
        assert_eq!(romanize("계약"), "gyeyak");
        assert_eq!(romanize("수납"), "sunap");
        assert_eq!(romanize("고객"), "gogaek");
        assert_eq!(romanize("알림"), "alrim");
        assert_eq!(romanize("해지됨"), "haejidoem");
        assert_eq!(romanize("주문"), "jumun");
        assert_eq!(romanize("결제"), "gyeolje");
    }

    #[test]
    fn leaves_other_text_alone() {
        assert_eq!(romanize("SMS 발송"), "SMS balsong");
    }
}
