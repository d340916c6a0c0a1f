//! The spec format on disk: finding the files, reading them safely, and turning YAML
//! into [`raw`] types with a span on every node.
//!
//! Nothing here knows what a saga is; [`crate::model`] resolves the raw spec.

pub mod raw;
pub mod schema;
pub mod structure;
mod yaml_error;

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diagnostic::Finding;
use crate::source::{FileId, SourceMap, Span};
use raw::RawSpec;

/// Guards against inputs that would cost unbounded time or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest spec file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest number of YAML nodes in one file (aliases count as what they expand to).
    pub max_nodes: usize,
    /// Deepest nesting of YAML collections: the format needs about 6.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_nodes: 20_000_000,
            max_depth: 64,
        }
    }
}

/// The spec files that loaded, their sources, and what went wrong in the others.
#[derive(Debug, Default)]
pub struct LoadedSpec {
    pub sources: SourceMap,
    pub files: Vec<(FileId, RawSpec)>,
    /// Findings that stop the analysis (syntax errors, unreadable text): when not empty,
    /// no model can be built.
    pub findings: Vec<Finding>,
}

/// Failures to even read the input: usage or I/O errors (exit 2), not spec findings.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{} contains no .yaml or .yml files", path.display())]
    NoSpecFiles { path: PathBuf },
}

/// Loads every spec named on the command line. A folder contributes its `*.yaml` and
/// `*.yml` files (not recursively), sorted by name, so the merged model is the same on
/// every machine.
pub fn load(paths: &[PathBuf], limits: &Limits) -> Result<LoadedSpec, LoadError> {
    let mut loaded = LoadedSpec::default();
    for path in expand_paths(paths)? {
        load_file(&path, limits, &mut loaded)?;
    }
    Ok(loaded)
}

/// Parses one spec given as text: the entry point for tests, fuzzing and editors (which
/// hold unsaved text). Parsed as a file read from disk is.
pub fn load_str(path: impl Into<PathBuf>, text: &str, limits: &Limits) -> LoadedSpec {
    let mut loaded = LoadedSpec::default();
    let file = loaded.sources.add(path, text.to_owned());
    parse(file, limits, &mut loaded);
    loaded
}

fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        if !metadata.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut in_dir = yaml_files_in(path)?;
        if in_dir.is_empty() {
            return Err(LoadError::NoSpecFiles { path: path.clone() });
        }
        in_dir.sort();
        files.extend(in_dir);
    }
    Ok(files)
}

fn yaml_files_in(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io_error = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml && path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

fn load_file(path: &Path, limits: &Limits, loaded: &mut LoadedSpec) -> Result<(), LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::File::open(path).map_err(io_error)?;
    // Spans are 32-bit byte offsets: no limit reaches past 4 GiB.
    let limits = &Limits {
        max_file_bytes: limits.max_file_bytes.min(u64::from(u32::MAX)),
        ..*limits
    };
    // Read one byte past the limit rather than trusting metadata: a pipe or a growing
    // file has no reliable size, and an unbounded read could exhaust memory.
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        let file = loaded.sources.add(path, String::new());
        loaded.findings.push(structure::FILE_TOO_LARGE.finding(
            Span::new(file, 0..0),
            format!("the file is larger than the limit of {} bytes", limits.max_file_bytes),
        ).with_help("split the spec into one file per team in a folder, or raise the limit with --max-file-size"));
        return Ok(());
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let file = loaded.sources.add(path, text);
            parse(file, limits, loaded);
        }
        Err(error) => {
            // Up to the first invalid byte the lossy text is the file's: the finding
            // points at the replacement character standing for that byte.
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let file = loaded.sources.add(path, text);
            let end = at + char::REPLACEMENT_CHARACTER.len_utf8();
            loaded.findings.push(
                structure::INVALID_UTF8
                    .finding(Span::new(file, at..end), "the file is not valid UTF-8")
                    .with_help("save the file as UTF-8 (spec files may use any language, encoded as UTF-8)"),
            );
        }
    }
    Ok(())
}

/// Parses a file of `loaded.sources` into `loaded.files`, or says why it cannot be.
fn parse(file: FileId, limits: &Limits, loaded: &mut LoadedSpec) {
    let source = loaded.sources.file(file);
    let text = source.text();
    if has_no_content(text) {
        loaded.findings.push(
            structure::EMPTY_SPEC
                .finding(Span::new(file, 0..0), "the spec file is empty")
                .with_help("start from `edasmith init`, or remove the file from the spec folder"),
        );
        return;
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: limits.max_nodes,
            max_events: limits.max_nodes.saturating_mul(2),
            max_depth: limits.max_depth,
            max_total_scalar_bytes: usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX),
        },
    };
    match serde_saphyr::from_str_with_options::<RawSpec>(text, options) {
        Ok(spec) => loaded.files.push((file, spec)),
        Err(error) => {
            let finding = yaml_error::to_finding(file, source, &error);
            loaded.findings.push(finding);
        }
    }
}

/// Only white space, comments and document markers: nothing a spec could mean.
fn has_no_content(text: &str) -> bool {
    // Lines end in `\n`, `\r\n` or a lone `\r`, as in the line index.
    text.trim_start_matches('\u{feff}')
        .split(['\n', '\r'])
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#') || line == "---" || line == "...")
}

#[cfg(test)]
mod tests {
    use super::{Limits, load_str};

    fn rules(text: &str) -> Vec<&'static str> {
        let loaded = load_str("spec.yaml", text, &Limits::default());
        loaded.findings.iter().map(|finding| finding.rule).collect()
    }

    #[test]
    fn a_file_of_comments_is_empty_however_its_lines_end() {
        for empty in [
            "",
            "\u{feff}",
            "\u{feff}# a comment\n",
            "# a\r# b\r",
            "---\r\n...\r\n",
        ] {
            assert_eq!(rules(empty), ["empty-spec"], "{empty:?}");
        }
        // A comment, then content, on lines that end in a lone CR.
        assert!(rules("# a comment\rsystem: shop\r").is_empty());
    }
}
