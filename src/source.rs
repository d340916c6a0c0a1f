//! Where things come from: the loaded spec files and positions inside them.
//!
//! Every model node keeps a [`Span`] so that a finding made long after
//! deserialization still points at the exact YAML node the user wrote.

use std::path::PathBuf;

/// Index of a file in the [`SourceMap`].
pub type FileId = u32;

/// A position in one spec file: 1-based line and column (in characters), and the
/// length of the node in characters (0 when unknown) for underlining.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

impl Span {
    pub fn new(file: FileId, line: u32, column: u32, len: u32) -> Self {
        Span {
            file,
            line,
            column,
            len,
        }
    }

    /// Builds a span from serde-saphyr's location of a node.
    pub fn from_location(file: FileId, location: serde_saphyr::Location) -> Self {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            file,
            line: clamp(location.line()),
            column: clamp(location.column()),
            len: clamp(location.span().len()),
        }
    }

    /// True when the loader could not tell where the node is (line 0).
    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// One loaded spec file: the path as the user named it, and its text (kept for snippets).
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset where each line starts: snippets of many findings in a large file
    /// must not rescan the text from the top each time.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// The path as printed in findings: forward slashes, as the user wrote it.
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text.get(start..end)?;
        Some(line.trim_end_matches(['\n', '\r']))
    }
}

/// All files of one analysis, in the stable order they were loaded.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        // Counted first: the index is kept for the whole run, and growing it by doubling
        // would leave up to half of it unused.
        let lines = text.bytes().filter(|&byte| byte == b'\n').count() + 1;
        let mut line_starts = Vec::with_capacity(lines);
        line_starts.push(0);
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        self.files.push(SourceFile {
            path,
            text,
            line_starts,
        });
        FileId::try_from(self.files.len() - 1).unwrap_or(FileId::MAX)
    }

    /// The id the next added file will get.
    pub fn next_id(&self) -> FileId {
        FileId::try_from(self.files.len()).unwrap_or(FileId::MAX)
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(usize::try_from(id).ok()?)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn display_path(&self, id: FileId) -> String {
        self.file(id)
            .map(SourceFile::display_path)
            .unwrap_or_default()
    }
}
