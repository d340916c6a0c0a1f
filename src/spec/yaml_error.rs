//! Turns serde-saphyr's errors into findings: the right rule, the location, and a hint.

use crate::diagnostic::{Finding, RuleMeta};
use crate::names::did_you_mean_or;
use crate::source::{FileId, LineColumn, SourceFile, Span};
use crate::spec::raw::bytes_of;
use crate::spec::structure;

pub(super) fn to_finding(
    file: FileId,
    source: &SourceFile,
    error: &serde_saphyr::Error,
) -> Finding {
    let span = error
        .location()
        .map(|location| Span::new(file, bytes(source, location)))
        .unwrap_or_else(|| Span::new(file, 0..0));
    let message = plain_message(error);
    let (meta, help) = classify(&message);
    meta.finding(span, message).with_optional_help(help)
}

/// The bytes an error points at. A syntax error is located by line, column and length
/// in characters only.
fn bytes(source: &SourceFile, location: serde_saphyr::Location) -> std::ops::Range<usize> {
    if let Some(bytes) = bytes_of(location) {
        return bytes;
    }
    let clamp = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
    let start = source.offset(LineColumn {
        line: clamp(location.line()),
        column: clamp(location.column()),
    }) as usize;
    let length = match location.span() {
        serde_saphyr::Span::UNKNOWN => 0,
        span => usize::try_from(span.len()).unwrap_or(0),
    };
    let rest = source.text().get(start..).unwrap_or("");
    let end = rest
        .char_indices()
        .nth(length)
        .map_or(rest.len(), |(at, _)| at);
    start..start + end
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

fn classify(message: &str) -> (&'static RuleMeta, Option<String>) {
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

#[cfg(test)]
mod tests {
    use crate::spec::{Limits, load_str};

    #[test]
    fn an_error_located_by_line_and_column_points_at_its_character() {
        // serde-saphyr locates a character it cannot scan by line and column only.
        let loaded = load_str(
            "spec.yaml",
            "# 계약\nsystem: 계약 x\0y\n",
            &Limits::default(),
        );
        let [finding] = &loaded.findings[..] else {
            panic!("{:?}", loaded.findings);
        };
        assert_eq!(finding.rule, "yaml-syntax");
        let text = loaded.sources.file(finding.span.file).text();
        assert_eq!(&text[finding.span.range()], "\0");
    }
}
