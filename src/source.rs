//! Where things come from: the loaded spec files and positions inside them.
//!
//! Every model node keeps a [`Span`] so that a finding made long after
//! deserialization still points at the exact YAML node the user wrote.

use std::borrow::Cow;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

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

/// One loaded spec file: the path as the user named it, and where its lines are.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The text, for a spec given in memory. A file read from disk does not keep it:
    /// once parsed it is only needed for the snippets of findings, a few lines read back
    /// from the file, while holding it would add the spec's size to every command's
    /// peak memory.
    text: Option<String>,
    /// Byte offset where each line starts: snippets of many findings in a large file
    /// must not rescan the text from the top each time.
    line_starts: Vec<usize>,
    /// The file as it was read, when the text was not kept.
    on_disk: Option<OnDisk>,
}

/// What a spec file was when it was read: a line is read back only from the same file.
#[derive(Debug)]
pub struct OnDisk {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl OnDisk {
    /// Stamps a file from the metadata taken when it was opened for reading.
    pub fn new(metadata: &fs::Metadata) -> Self {
        OnDisk {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        }
    }

    /// The bytes `start..end` of the file, if it is still the file that was read. The
    /// file is opened for each line and closed again: a spec folder may hold thousands
    /// of files with findings, and kept open they would use up the process's handles
    /// while the outputs are written.
    fn read(&self, path: &Path, start: usize, end: usize) -> Option<Vec<u8>> {
        let mut file = fs::File::open(path).ok()?;
        let metadata = file.metadata().ok()?;
        if metadata.len() != self.len || metadata.modified().ok() != self.modified {
            return None;
        }
        let mut bytes = vec![0; end.checked_sub(start)?];
        file.seek(SeekFrom::Start(u64::try_from(start).ok()?))
            .ok()?;
        file.read_exact(&mut bytes).ok()?;
        Some(bytes)
    }
}

impl SourceFile {
    /// The path as printed in findings: forward slashes, as the user wrote it.
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// The text of a 1-based line, without its line break; read back from the file when
    /// its text was not kept (`None` if the file changed since).
    pub fn line(&self, line: u32) -> Option<Cow<'_, str>> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = match self.line_starts.get(index + 1) {
            Some(&next) => next,
            None => self.len(),
        };
        let line = match (&self.text, &self.on_disk) {
            (Some(text), _) => Cow::Borrowed(text.get(start..end)?),
            (None, Some(on_disk)) => {
                let bytes = on_disk.read(&self.path, start, end)?;
                Cow::Owned(String::from_utf8(bytes).ok()?)
            }
            (None, None) => return None,
        };
        Some(match line {
            Cow::Borrowed(line) => Cow::Borrowed(line.trim_end_matches(['\n', '\r'])),
            Cow::Owned(line) => Cow::Owned(line.trim_end_matches(['\n', '\r']).to_owned()),
        })
    }

    fn len(&self) -> usize {
        match (&self.text, &self.on_disk) {
            (Some(text), _) => text.len(),
            (None, Some(on_disk)) => usize::try_from(on_disk.len).unwrap_or(usize::MAX),
            (None, None) => 0,
        }
    }
}

/// All files of one analysis, in the stable order they were loaded.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a spec given in memory: its text is kept for snippets.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let line_starts = line_starts(&text);
        self.push(SourceFile {
            path,
            text: Some(text),
            line_starts,
            on_disk: None,
        })
    }

    /// Adds a file read from disk, whose text is dropped: snippet lines are read back
    /// from the file ([`SourceFile::line`]).
    pub fn add_from_disk(&mut self, path: PathBuf, text: &str, on_disk: OnDisk) -> FileId {
        self.push(SourceFile {
            path,
            text: None,
            line_starts: line_starts(text),
            on_disk: Some(on_disk),
        })
    }

    fn push(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
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

/// Where each line of `text` starts. Counted first: the index is kept for the whole
/// run, and growing it by doubling would leave up to half of it unused.
fn line_starts(text: &str) -> Vec<usize> {
    let lines = text.bytes().filter(|&byte| byte == b'\n').count() + 1;
    let mut starts = Vec::with_capacity(lines);
    starts.push(0);
    starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("edasmith-source-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn lines_of_a_file_from_disk_are_read_back_as_they_were() {
        let text = "services:\r\n  계약: { name: 계약 }\n\nlast line without break";
        let path = scratch_file("read-back.yaml", text);
        let mut sources = SourceMap::default();
        let on_disk = OnDisk::new(&fs::metadata(&path).unwrap());
        let id = sources.add_from_disk(path, text, on_disk);
        let file = sources.file(id).unwrap();
        let lines: Vec<Option<String>> =
            (0..=5).map(|n| file.line(n).map(Cow::into_owned)).collect();
        let expected = [
            None,
            Some("services:"),
            Some("  계약: { name: 계약 }"),
            Some(""),
            Some("last line without break"),
            None,
        ]
        .map(|line| line.map(str::to_owned));
        assert_eq!(lines, expected);
    }

    #[test]
    fn a_file_changed_since_it_was_read_shows_no_line_rather_than_a_wrong_one() {
        let text = "a: 1\nb: 2\n";
        let path = scratch_file("changed.yaml", text);
        let mut sources = SourceMap::default();
        let on_disk = OnDisk::new(&fs::metadata(&path).unwrap());
        let id = sources.add_from_disk(path.clone(), text, on_disk);
        fs::write(&path, "x: 10\ny: 20\nz: 30\n").unwrap();
        assert_eq!(sources.file(id).unwrap().line(2), None);
    }

    #[test]
    fn a_spec_given_in_memory_keeps_its_text() {
        let mut sources = SourceMap::default();
        let id = sources.add(PathBuf::from("<stdin>"), "one\ntwo\n".to_owned());
        assert_eq!(sources.file(id).unwrap().line(2).as_deref(), Some("two"));
    }
}
