//! Turns serde-saphyr's errors into findings: the right rule, the location, and a hint.

use crate::names::did_you_mean_or;
use crate::report::Finding;
use crate::rules::structure;
use crate::source::{FileId, Span};
use crate::spec::raw::Position;

pub(super) fn to_finding(file_id: FileId, error: &serde_saphyr::Error) -> Finding {
    let span = error
        .location()
        .map(|location| Position::from_location(location).span(file_id))
        .unwrap_or_else(|| Span::new(file_id, 1, 1, 0));
    let message = plain_message(error);
    let (meta, help) = classify(&message);
    meta.finding(span, message).with_optional_help(help)
}

/// The error's message without the ` at line L, column C` suffix: the location is
/// rendered by the report, once, in the same way for every finding.
fn plain_message(error: &serde_saphyr::Error) -> String {
    let options = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let mut message = error.render_with_options(options);
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    message
}

fn classify(message: &str) -> (&'static crate::rules::RuleMeta, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return (&structure::UNKNOWN_KEY, suggestion(rest, "key"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        return (&structure::INVALID_VALUE, suggestion(rest, "value"));
    }
    if message.starts_with("duplicate mapping key") {
        let help = "each key may appear once in a mapping: merge the two entries or rename one";
        return (&structure::DUPLICATE_KEY, Some(help.to_owned()));
    }
    if message.contains("budget") || message.contains("limit") || message.contains("recursion") {
        let help = "the file exceeds a safety limit (alias expansion, nesting depth or node count); \
                    write the spec out plainly";
        return (&structure::LIMIT_EXCEEDED, Some(help.to_owned()));
    }
    if message.starts_with("missing field") {
        return (
            &structure::MISSING_KEY,
            Some("add the key; `edasmith explain missing-key` shows the format".to_owned()),
        );
    }
    if message.starts_with("invalid ")
        || message.starts_with("expected ")
        || message.contains("cannot deserialize")
    {
        return (&structure::WRONG_TYPE, Some(wrong_type_help(message)));
    }
    (
        &structure::YAML_SYNTAX,
        Some("fix the YAML syntax at this place".to_owned()),
    )
}

fn wrong_type_help(message: &str) -> String {
    if message.contains("mapping start") {
        "a mapping is expected here: write `key: value` pairs, or `{}` for an element with no keys"
            .to_owned()
    } else if message.contains("sequence") {
        "a list is expected here: write `[a, b]` or one `- item` per line".to_owned()
    } else {
        "the value has the wrong type for this key; see `edasmith schema` for the format".to_owned()
    }
}

/// From "`relatons`, expected one of edasmith, system, …", suggest the closest expected name.
fn suggestion(rest: &str, what: &str) -> Option<String> {
    let (found, expected) = rest.split_once('`')?;
    let expected = expected
        .split_once("expected one of ")
        .map(|(_, list)| list)
        .or_else(|| expected.split_once("expected ").map(|(_, one)| one))?;
    let candidates: Vec<&str> = expected
        .split(',')
        .map(|name| name.trim().trim_matches('`'))
        .filter(|n| !n.is_empty())
        .collect();
    Some(did_you_mean_or(found, candidates.iter().copied(), || {
        format!("the {what}s allowed here are: {}", candidates.join(", "))
    }))
}
