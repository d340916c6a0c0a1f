//! The event that should follow a command: `TerminateContract` -> `ContractTerminated`,
//! `계약해지` -> `계약해지됨`.
//!
//! A command is an imperative (verb first in English); the domain event that records its
//! success states the same change as a fact (object first, past participle last).

use crate::names::is_hangul;

/// Verbs whose past participle is not formed by a rule.
const IRREGULAR: &[(&str, &str)] = &[
    ("begin", "begun"),
    ("bind", "bound"),
    ("build", "built"),
    ("buy", "bought"),
    ("choose", "chosen"),
    ("do", "done"),
    ("draw", "drawn"),
    ("find", "found"),
    ("forget", "forgotten"),
    ("freeze", "frozen"),
    ("get", "got"),
    ("give", "given"),
    ("hold", "held"),
    ("keep", "kept"),
    ("lay", "laid"),
    ("lend", "lent"),
    ("make", "made"),
    ("pay", "paid"),
    ("put", "put"),
    ("read", "read"),
    ("rebuild", "rebuilt"),
    ("repay", "repaid"),
    ("resend", "resent"),
    ("reset", "reset"),
    ("run", "run"),
    ("sell", "sold"),
    ("send", "sent"),
    ("set", "set"),
    ("shut", "shut"),
    ("spend", "spent"),
    ("split", "split"),
    ("take", "taken"),
    ("undo", "undone"),
    ("withdraw", "withdrawn"),
    ("write", "written"),
];

/// Verbs that double their last consonant (`stop` -> `stopped`); short verbs mostly.
const DOUBLING: &[&str] = &[
    "ship", "stop", "plan", "drop", "tag", "ban", "admit", "commit", "submit", "permit",
    "transfer", "refer", "prefer", "cancel", "label", "travel", "signal", "model",
];

/// Endings that mark a Korean noun of action; `됨` after them states the fact.
const KOREAN_REQUEST_ENDINGS: &[&str] = &["처리요청", "하기", "하다", "요청"];

/// The event name a command suggests, or `None` when the name is already a fact or has
/// no recognisable verb.
pub fn suggested_event(command: &str) -> Option<String> {
    if command.chars().any(is_hangul) {
        return Some(korean_event(command));
    }
    english_event(command)
}

fn korean_event(command: &str) -> String {
    let stem = KOREAN_REQUEST_ENDINGS
        .iter()
        .find_map(|ending| command.strip_suffix(ending).filter(|stem| !stem.is_empty()))
        .unwrap_or(command);
    if stem.ends_with('됨') {
        stem.to_owned()
    } else {
        format!("{stem}됨")
    }
}

/// Splits `TerminateContract`, `terminate_contract` or `terminate-contract` into its
/// verb and object, and writes the event in the same style.
fn english_event(command: &str) -> Option<String> {
    let separator = ['_', '-'].into_iter().find(|&sep| command.contains(sep));
    let words: Vec<String> = match separator {
        Some(sep) => command
            .split(sep)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect(),
        None => split_camel(command),
    };
    let (verb, object) = words.split_first()?;
    if object.is_empty() {
        return None;
    }
    let participle = past_participle(&verb.to_ascii_lowercase());
    let mut out: Vec<String> = object.to_vec();
    out.push(participle);
    Some(match separator {
        Some(sep) => out
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(&sep.to_string()),
        None => out.iter().map(|w| capitalize(w)).collect(),
    })
}

fn split_camel(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn past_participle(verb: &str) -> String {
    if let Some((_, participle)) = IRREGULAR.iter().find(|(base, _)| *base == verb) {
        return (*participle).to_owned();
    }
    if DOUBLING.contains(&verb) {
        let last = verb.chars().last().unwrap_or_default();
        return format!("{verb}{last}ed");
    }
    if verb.ends_with('e') {
        return format!("{verb}d");
    }
    if let Some(stem) = verb.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ied");
    }
    format!("{verb}ed")
}

#[cfg(test)]
mod tests {
    use super::suggested_event;

    #[test]
    fn english_commands_suggest_their_fact() {
        assert_eq!(
            suggested_event("TerminateContract").unwrap(),
            "ContractTerminated"
        );
        assert_eq!(
            suggested_event("SettleFinalBill").unwrap(),
            "FinalBillSettled"
        );
        assert_eq!(suggested_event("PayOrder").unwrap(), "OrderPaid");
        assert_eq!(suggested_event("ShipOrder").unwrap(), "OrderShipped");
        assert_eq!(suggested_event("ApplyDiscount").unwrap(), "DiscountApplied");
        assert_eq!(suggested_event("ReserveStock").unwrap(), "StockReserved");
        assert_eq!(suggested_event("reserve_stock").unwrap(), "stock_reserved");
        assert_eq!(suggested_event("cancel-order").unwrap(), "order-cancelled");
    }

    #[test]
    fn a_lone_verb_suggests_nothing() {
        assert_eq!(suggested_event("Terminate"), None);
    }

    #[test]
    fn korean_commands_suggest_the_doem_form() {
        assert_eq!(suggested_event("계약해지").unwrap(), "계약해지됨");
        assert_eq!(suggested_event("해지").unwrap(), "해지됨");
        assert_eq!(suggested_event("수납처리요청").unwrap(), "수납됨");
        assert_eq!(suggested_event("정산하기").unwrap(), "정산됨");
    }
}
