//! The minijinja templates: embedded in the binary, each overridable by file name.

use std::fs;
use std::path::Path;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

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
    env.add_filter("rust_str", rust_str);
    env.add_filter("line", line);
    env.add_filter("doc", doc);
    env.add_filter("names", names);
    env
}

/// Text safe inside a `//` comment: control characters (a newline would end the
/// comment, a bare CR is refused in doc comments) become spaces.
fn line(value: String) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A `///` doc comment block, each line indented: from a string or a list of lines.
fn doc(value: Value, indent: String) -> Result<String, minijinja::Error> {
    let lines: Vec<String> = if let Some(text) = value.as_str() {
        text.lines().map(str::to_owned).collect()
    } else if value.is_undefined() || value.is_none() {
        Vec::new()
    } else {
        value
            .try_iter()?
            .map(|line| {
                line.as_str()
                    .map_or_else(|| line.to_string(), str::to_owned)
            })
            .collect()
    };
    let mut out = String::new();
    for text in lines {
        let text = line(text);
        let text = text.trim_end();
        out.push_str(&indent);
        out.push_str("///");
        if !text.is_empty() {
            out.push(' ');
            out.push_str(text);
        }
        out.push('\n');
    }
    Ok(out)
}

/// A list of names for a comment: `` `a`, `b` ``, or `nobody yet`.
fn names(value: Value) -> Result<String, minijinja::Error> {
    let names: Vec<String> = value
        .try_iter()?
        .map(|name| {
            format!(
                "`{}`",
                line(
                    name.as_str()
                        .map_or_else(|| name.to_string(), str::to_owned)
                )
            )
        })
        .collect();
    Ok(if names.is_empty() {
        "nobody yet".to_owned()
    } else {
        names.join(", ")
    })
}

/// A Rust string literal: `"계약해지됨"`, quotes and control characters escaped.
fn rust_str(value: String) -> String {
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
}
