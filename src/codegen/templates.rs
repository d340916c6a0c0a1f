//! The minijinja templates: embedded in the binary, each overridable by file name.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// Every template, by file name.
pub const EMBEDDED: &[(&str, &str)] = embedded![
    "workspace.Cargo.toml.jinja",
    "gitignore.jinja",
    "workspace.README.md.jinja",
    "contracts.Cargo.toml.jinja",
    "contracts.lib.rs.jinja",
    "contracts.generated.rs.jinja",
    "contracts.tests.rs.jinja",
    "service.Cargo.toml.jinja",
    "service.lib.rs.jinja",
    "service.handlers_impl.rs.jinja",
    "service.generated.rs.jinja",
    "service.aggregates.rs.jinja",
    "service.handlers.rs.jinja",
    "service.ports.rs.jinja",
    "service.sagas.rs.jinja",
    "service.tests.rs.jinja",
];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the templates folder `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("`{file}` is not a template edasmith uses (known: {known})")]
    Unknown { file: String, known: String },
    #[error("template error: {0:#}")]
    Render(#[from] minijinja::Error),
}

/// The template set: embedded, with overrides.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The embedded templates.
    pub fn embedded() -> Result<Self, TemplateError> {
        let mut env = environment();
        for (name, source) in EMBEDDED {
            env.add_template(name, source)?;
        }
        Ok(Templates { env })
    }

    /// The embedded templates, each replaced by a file of the same name in `dir`.
    /// A file that names no template is refused (a misspelt override would be ignored).
    pub fn with_overrides(dir: &Path) -> Result<Self, TemplateError> {
        let mut templates = Templates::embedded()?;
        let io = |source| TemplateError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut entries: Vec<_> = fs::read_dir(dir)
            .map_err(io)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.path().is_file() || name.starts_with('.') {
                continue;
            }
            if !EMBEDDED.iter().any(|(known, _)| *known == name) {
                return Err(TemplateError::Unknown {
                    file: name,
                    known: EMBEDDED
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            let source = fs::read_to_string(entry.path()).map_err(|source| TemplateError::Io {
                path: entry.path().display().to_string(),
                source,
            })?;
            templates.env.add_template_owned(name, source)?;
        }
        Ok(templates)
    }

    pub fn render(&self, name: &str, context: Value) -> Result<String, TemplateError> {
        Ok(self.env.get_template(name)?.render(context)?)
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(format_value);
    env.add_filter("rust_str", rust_str);
    env.add_filter("line", line);
    env.add_filter("doc", doc);
    env.add_filter("names", names);
    env
}

/// Writes a value into the output: nothing is escaped, so a string is copied as it is,
/// without the `Display` machinery of the default formatter (most of what templates
/// print are strings).
fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) => Ok(out.write_str(text)?),
        None => minijinja::escape_formatter(out, state, value),
    }
}

/// Text safe inside a `//` comment: control characters (a newline would end the
/// comment, a bare CR is refused in doc comments) become spaces.
fn line(value: Cow<'_, str>) -> String {
    comment_safe(&value).into_owned()
}

/// What [`line`] makes of a text, borrowed when the text has no control character
/// (nearly always): the filters below call it for every line and name.
fn comment_safe(text: &str) -> Cow<'_, str> {
    if text.contains(char::is_control) {
        Cow::Owned(
            text.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// A `///` doc comment block, each line indented: from a string or a list of lines.
fn doc(value: Value, indent: Cow<'_, str>) -> Result<String, minijinja::Error> {
    let mut out = String::new();
    let mut push_line = |text: &str| {
        let text = comment_safe(text);
        let text = text.trim_end();
        out.push_str(&indent);
        out.push_str("///");
        if !text.is_empty() {
            out.push(' ');
            out.push_str(text);
        }
        out.push('\n');
    };
    if let Some(text) = value.as_str() {
        text.lines().for_each(push_line);
    } else if !(value.is_undefined() || value.is_none()) {
        for item in value.try_iter()? {
            match item.as_str() {
                Some(text) => push_line(text),
                None => push_line(&item.to_string()),
            }
        }
    }
    Ok(out)
}

/// A list of names for a comment: `` `a`, `b` ``, or `nobody yet`.
fn names(value: Value) -> Result<String, minijinja::Error> {
    let mut list = String::new();
    for name in value.try_iter()? {
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push('`');
        match name.as_str() {
            Some(text) => list.push_str(&comment_safe(text)),
            None => list.push_str(&comment_safe(&name.to_string())),
        }
        list.push('`');
    }
    Ok(if list.is_empty() {
        "nobody yet".to_owned()
    } else {
        list
    })
}

/// A Rust string literal: `"계약해지됨"`, quotes and control characters escaped.
fn rust_str(value: Cow<'_, str>) -> String {
    // Printable ASCII but quotes and backslashes is written as it is: no need for
    // the `Debug` escaping, which goes character by character.
    if value
        .bytes()
        .all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
    {
        let mut literal = String::with_capacity(value.len() + 2);
        literal.push('"');
        literal.push_str(&value);
        literal.push('"');
        return literal;
    }
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn string_literals_escape_what_rust_needs() {
        assert_eq!(
            super::rust_str("계약\"해지\n".into()),
            "\"계약\\\"해지\\n\""
        );
    }

    #[test]
    fn string_literals_match_debug_for_every_printable_ascii_character() {
        for byte in b' '..=b'~' {
            let text = format!("a{}b", char::from(byte));
            assert_eq!(super::rust_str(text.as_str().into()), format!("{text:?}"));
        }
    }

    #[test]
    fn comment_lines_turn_control_characters_into_spaces() {
        assert_eq!(super::line("a\tb\r\nc".into()), "a b  c");
        assert_eq!(super::line("plain".into()), "plain");
    }
}
