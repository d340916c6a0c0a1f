//! Where things come from: the loaded spec files and positions inside them.
//!
//! Every model node keeps a [`Span`] so that a finding made long after
//! deserialization still points at the exact YAML node the user wrote.

use std::borrow::Cow;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Index of a file in the [`SourceMap`].
pub type FileId = u32;

/// A position in one spec file: 1-based line and column (in characters), and the
/// length of the node in characters (0 when unknown) for underlining.
///
/// Packed into 8 bytes: every name in the model keeps a span, and a large spec has
/// hundreds of thousands of them; as four `u32`s, spans were two fifths of every name
/// and of every relation. Two layouts share the `u64` (see [`TALL`] and [`LONG`]): one
/// for the many short lines of a YAML file, one for the few long lines of a spec
/// written as JSON (which is YAML; a generated one is often a single line). A span
/// that fits neither (file 65,536 or later, a node longer than 2,047 characters, a
/// column past 8,191 on a line past 255) is kept whole in a table for the process,
/// and the span holds its place there: a position is never clamped. Spans are made
/// while files are parsed, away from the [`SourceMap`], which is why that table is not
/// in it.
#[derive(Clone, Copy, Default)]
pub struct Span(u64);

const FILE_BITS: u32 = 16;
const LEN_BITS: u32 = 11;
/// Set in a span kept whole in [`WIDE_SPANS`]; the other bits are its index there.
const WIDE: u64 = 1 << 63;
/// Set in a span packed in the [`LONG`] layout.
const LONG_LAYOUT: u64 = 1 << 62;

/// How a packed span splits the 62 bits below its flags: file, line, column and
/// length, from the top.
struct Layout {
    line_bits: u32,
    column_bits: u32,
}

/// Lines up to 4,194,303, columns up to 8,191.
const TALL: Layout = Layout {
    line_bits: 22,
    column_bits: 13,
};

/// Lines up to 255, columns up to 134,217,727 (a 64 MiB file on one line).
const LONG: Layout = Layout {
    line_bits: 8,
    column_bits: 27,
};

impl Layout {
    fn pack(&self, parts: Parts) -> Option<u64> {
        let fits = fits(parts.file, FILE_BITS)
            && fits(parts.line, self.line_bits)
            && fits(parts.column, self.column_bits)
            && fits(parts.len, LEN_BITS);
        fits.then(|| {
            u64::from(parts.file) << (self.line_bits + self.column_bits + LEN_BITS)
                | u64::from(parts.line) << (self.column_bits + LEN_BITS)
                | u64::from(parts.column) << LEN_BITS
                | u64::from(parts.len)
        })
    }

    fn unpack(&self, packed: u64) -> Parts {
        let field = |shift: u32, bits: u32| ((packed >> shift) & ((1 << bits) - 1)) as u32;
        Parts {
            file: field(self.line_bits + self.column_bits + LEN_BITS, FILE_BITS),
            line: field(self.column_bits + LEN_BITS, self.line_bits),
            column: field(LEN_BITS, self.column_bits),
            len: field(0, LEN_BITS),
        }
    }
}

/// The parts of a span, unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Parts {
    file: FileId,
    line: u32,
    column: u32,
    len: u32,
}

/// Spans too large to pack, for the life of the process: an entry for each such span
/// made (and one more when it is moved to its file, see [`Span::set_file`]).
static WIDE_SPANS: Mutex<Vec<Parts>> = Mutex::new(Vec::new());

fn wide_spans() -> std::sync::MutexGuard<'static, Vec<Parts>> {
    // The table is only ever pushed to: a panic elsewhere cannot leave it half-changed.
    WIDE_SPANS.lock().unwrap_or_else(PoisonError::into_inner)
}

fn fits(value: u32, bits: u32) -> bool {
    value < 1 << bits
}

impl Span {
    pub fn new(file: FileId, line: u32, column: u32, len: u32) -> Self {
        let parts = Parts {
            file,
            line,
            column,
            len,
        };
        if let Some(packed) = TALL.pack(parts) {
            return Span(packed);
        }
        if let Some(packed) = LONG.pack(parts) {
            return Span(LONG_LAYOUT | packed);
        }
        let mut wide = wide_spans();
        wide.push(parts);
        Span(WIDE | (wide.len() - 1) as u64)
    }

    fn parts(self) -> Parts {
        if self.0 & WIDE != 0 {
            let index = usize::try_from(self.0 & !WIDE).unwrap_or(usize::MAX);
            // Only `new` makes a wide span, after pushing its parts.
            return wide_spans().get(index).copied().unwrap_or(Parts {
                file: 0,
                line: 0,
                column: 0,
                len: 0,
            });
        }
        if self.0 & LONG_LAYOUT != 0 {
            return LONG.unpack(self.0);
        }
        TALL.unpack(self.0)
    }

    /// Where the span starts: file, line and column, unpacked once (for sorting).
    pub fn start(self) -> (FileId, u32, u32) {
        let Parts {
            file, line, column, ..
        } = self.parts();
        (file, line, column)
    }

    /// The file the span is in.
    pub fn file(self) -> FileId {
        self.parts().file
    }

    /// The 1-based line (0: unknown).
    pub fn line(self) -> u32 {
        self.parts().line
    }

    /// The 1-based column, in characters.
    pub fn column(self) -> u32 {
        self.parts().column
    }

    /// The node's length in characters (0: unknown).
    pub fn length(self) -> u32 {
        self.parts().len
    }

    /// The same position, in `file`. A span kept whole is kept again, as a new entry:
    /// changing its entry in place would move every copy of the span too.
    pub fn set_file(&mut self, file: FileId) {
        let Parts {
            line, column, len, ..
        } = self.parts();
        *self = Span::new(file, line, column, len);
    }

    /// True when the loader could not tell where the node is (line 0).
    pub fn is_known(&self) -> bool {
        self.line() > 0
    }
}

// Compared, hashed and printed by their parts: the same position can be packed, or be
// kept whole twice, under two different numbers.
impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.parts() == other.parts()
    }
}

impl Eq for Span {}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Span {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Parts {
            file,
            line,
            column,
            len,
        } = self.parts();
        f.debug_struct("Span")
            .field("file", &file)
            .field("line", &line)
            .field("column", &column)
            .field("len", &len)
            .finish()
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
    fn a_span_keeps_every_part_packed_or_whole() {
        let most = |bits: u32| (1u32 << bits) - 1;
        let tall_most = (most(FILE_BITS), most(22), most(13), most(LEN_BITS));
        let long_most = (most(FILE_BITS), most(8), most(27), most(LEN_BITS));
        let cases = [
            ((0, 0, 0, 0), "tall"),
            ((1, 2, 3, 4), "tall"),
            (tall_most, "tall"),
            ((0, 1, 1 << 13, 1), "long"),
            (long_most, "long"),
            ((1 << FILE_BITS, 1, 1, 1), "wide"),
            ((0, 1 << 22, 1, 1), "wide"),
            ((0, 1 << 8, 1 << 13, 1), "wide"),
            ((0, 1, 1 << 27, 1), "wide"),
            ((0, 1, 1, 1 << LEN_BITS), "wide"),
            ((u32::MAX, u32::MAX, u32::MAX, u32::MAX), "wide"),
        ];
        for ((file, line, column, len), layout) in cases {
            let span = Span::new(file, line, column, len);
            let made = match (span.0 & WIDE != 0, span.0 & LONG_LAYOUT != 0) {
                (true, _) => "wide",
                (false, true) => "long",
                (false, false) => "tall",
            };
            assert_eq!(made, layout, "{span:?}");
            let parts = (span.file(), span.line(), span.column(), span.length());
            assert_eq!(parts, (file, line, column, len));
            let mut moved = span;
            moved.set_file(7);
            let moved_parts = (moved.file(), moved.line(), moved.column(), moved.length());
            assert_eq!(moved_parts, (7, line, column, len));
            assert_eq!(
                span.file(),
                file,
                "moving a copy leaves the span where it was"
            );
        }
        assert_eq!(std::mem::size_of::<Span>(), 8);
    }

    #[test]
    fn spans_compare_by_position_whatever_their_layout() {
        let spans = [
            Span::new(0, 1, 5, 2),
            Span::new(0, 1, 1 << 13, 1),
            Span::new(0, 2, 1, 1),
            Span::new(0, 1 << 8, 1 << 13, 1),
            Span::new(1, 1, 1, 0),
            Span::new(1 << FILE_BITS, 1, 1, 0),
        ];
        for pair in spans.windows(2) {
            assert!(pair[0] < pair[1], "{:?} < {:?}", pair[0], pair[1]);
        }
        // The same position kept whole twice is one position.
        let wide = || Span::new(0, 1 << 8, 1 << 13, 1);
        assert_eq!(wide(), wide());
        assert_ne!(wide(), Span::new(0, 1 << 8, 1 << 13, 2));
        assert_eq!(Span::default(), Span::new(0, 0, 0, 0));
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
