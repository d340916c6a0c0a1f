//! Where things come from: the spec files of one analysis, their text, and byte ranges
//! in them.
//!
//! Every model node keeps a [`Span`] (a file and a byte range) so that a finding made
//! long after parsing still points at the exact YAML node the user wrote. Lines and
//! columns are only computed when a finding is printed, from the file's line index, as
//! rustc and ruff do.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A file in the [`SourceMap`] it was added to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

/// A byte range in one file. Offsets are `u32`: spec files are far below 4 GiB (an
/// offset past that is kept as `u32::MAX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        Span {
            file,
            start: offset(range.start),
            end: offset(range.end).max(offset(range.start)),
        }
    }

    /// The bytes the span covers.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

/// Where a span is, as findings print it: 1-based line and column, and the length, in
/// characters (Unicode scalar values).
#[derive(Clone, Copy, Debug)]
pub struct Location<'a> {
    pub file: &'a SourceFile,
    pub line: u32,
    pub column: u32,
    pub length: u32,
}

/// One spec file: the path as the user named it (or a name for text given in memory),
/// its text, and where its lines start.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    /// Byte offset where each line starts: findings in a large file must not rescan the
    /// text from the top each time. Line breaks are YAML's: `\n`, `\r\n` and a lone `\r`.
    line_starts: Vec<u32>,
}

impl SourceFile {
    fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        for (at, &byte) in bytes.iter().enumerate() {
            let breaks = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            if breaks {
                line_starts.push(u32::try_from(at + 1).unwrap_or(u32::MAX));
            }
        }
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The path as printed in findings: forward slashes, as the user wrote it.
    pub fn display_path(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// The 0-based index of the line holding `offset`.
    fn line_index(&self, offset: u32) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The text of line `index` (0-based) before `offset`, from the first column: a byte
    /// order mark opening the file is no column (YAML parsers skip it).
    fn line_prefix(&self, index: usize, offset: u32) -> &str {
        let start = self
            .line_starts
            .get(index)
            .map_or(0, |&start| start as usize);
        let end = floor_char_boundary(&self.text, offset as usize).max(start);
        let prefix = self.text.get(start..end).unwrap_or("");
        if index == 0 {
            prefix.strip_prefix('\u{feff}').unwrap_or(prefix)
        } else {
            prefix
        }
    }

    /// The line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: u32) -> LineColumn {
        let index = self.line_index(offset);
        LineColumn {
            line: count(index + 1),
            column: count(self.line_prefix(index, offset).chars().count() + 1),
        }
    }

    /// The line and column of a byte offset with the column in UTF-16 code units, as
    /// editors count (the Language Server Protocol's default): a character outside the
    /// Basic Multilingual Plane, such as most emoji, is two. An LSP position is this one
    /// minus one in both.
    pub fn line_column_utf16(&self, offset: u32) -> LineColumn {
        let index = self.line_index(offset);
        let units: usize = self
            .line_prefix(index, offset)
            .chars()
            .map(char::len_utf16)
            .sum();
        LineColumn {
            line: count(index + 1),
            column: count(units + 1),
        }
    }

    /// The byte offset of a line and column (in characters): the inverse of
    /// [`line_column`](Self::line_column), for positions known only that way. A column
    /// past the line's end is its end; a line past the file's, the file's end.
    pub fn offset(&self, position: LineColumn) -> u32 {
        let index = (position.line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(index) else {
            return count(self.text.len());
        };
        let end = self.line_starts.get(index + 1).copied();
        let line = &self.text[start as usize..end.map_or(self.text.len(), |end| end as usize)];
        let bom = if index == 0 && line.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let content = line.trim_end_matches(['\n', '\r']);
        let skip = (position.column as usize).saturating_sub(1);
        let within = line[bom..]
            .char_indices()
            .nth(skip)
            .map_or(content.len(), |(at, _)| bom + at);
        count(start as usize + within)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)? as usize;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&end| end as usize);
        let text = self.text.get(start..end)?.trim_end_matches(['\n', '\r']);
        // A byte order mark is no character of the line (nor of its columns).
        Some(if index == 0 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        })
    }

    /// Where a span is in this file.
    pub fn locate(&self, span: Span) -> Location<'_> {
        let LineColumn { line, column } = self.line_column(span.start);
        let start = floor_char_boundary(&self.text, span.start as usize);
        let end = floor_char_boundary(&self.text, span.end as usize).max(start);
        Location {
            file: self,
            line,
            column,
            length: count(self.text[start..end].chars().count()),
        }
    }
}

/// A count or offset as the `u32` spans and locations hold.
fn count(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The largest char boundary of `text` at or before `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// All files of one analysis, in the stable order they were added.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file's text, read from disk or held by an editor: both are parsed alike.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: String) -> FileId {
        self.files.push(SourceFile::new(path.into(), text));
        FileId(count(self.files.len() - 1))
    }

    /// The file an id of this map names.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Where a span of one of this map's files is.
    pub fn locate(&self, span: Span) -> Location<'_> {
        self.file(span.file).locate(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("spec.yaml"), text.to_owned())
    }

    fn at(line: u32, column: u32) -> LineColumn {
        LineColumn { line, column }
    }

    #[test]
    fn a_line_is_shown_without_the_byte_order_mark() {
        let file = file("\u{feff}system: x\n\u{feff}b\n");
        assert_eq!(file.line(1), Some("system: x"));
        // Only the file's first character is a mark; elsewhere it is text.
        assert_eq!(file.line(2), Some("\u{feff}b"));
    }

    #[test]
    fn columns_count_characters_and_lines_every_yaml_break() {
        let text = "a: 계약\r\nb: x\rc: y\n\nd";
        let file = file(text);
        let offset_of = |needle: &str| count(text.find(needle).unwrap());
        assert_eq!(file.line_column(0), at(1, 1));
        assert_eq!(file.line_column(offset_of("약")), at(1, 5));
        assert_eq!(file.line_column(offset_of("\r\n")), at(1, 6));
        assert_eq!(file.line_column(offset_of("b")), at(2, 1));
        assert_eq!(file.line_column(offset_of("c")), at(3, 1));
        assert_eq!(file.line_column(offset_of("d")), at(5, 1));
        assert_eq!(file.line_column(count(text.len())), at(5, 2));
        let lines: Vec<Option<&str>> = (0..=6).map(|n| file.line(n)).collect();
        assert_eq!(
            lines,
            [
                None,
                Some("a: 계약"),
                Some("b: x"),
                Some("c: y"),
                Some(""),
                Some("d"),
                None
            ]
        );
    }

    #[test]
    fn utf16_columns_count_two_units_for_characters_beyond_the_bmp() {
        let text = "x: 👍계 y\n👍z";
        let file = file(text);
        let offset_of = |needle: &str| count(text.find(needle).unwrap());
        assert_eq!(file.line_column_utf16(offset_of("👍")), at(1, 4));
        assert_eq!(file.line_column_utf16(offset_of("계")), at(1, 6));
        assert_eq!(file.line_column(offset_of("계")), at(1, 5));
        assert_eq!(file.line_column_utf16(offset_of("y")), at(1, 8));
        assert_eq!(file.line_column_utf16(offset_of("z")), at(2, 3));
    }

    #[test]
    fn a_byte_order_mark_is_no_column_and_offsets_invert_columns() {
        let text = "\u{feff}a: 계약\nb: c\n";
        let file = file(text);
        let a = count(text.find('a').unwrap());
        assert_eq!(file.line_column(a), at(1, 1));
        for offset in text.char_indices().map(|(at, _)| count(at)).skip(1) {
            assert_eq!(file.offset(file.line_column(offset)), offset, "{offset}");
        }
        assert_eq!(file.offset(at(1, 40)), count(text.find('\n').unwrap()));
        assert_eq!(file.offset(at(9, 1)), count(text.len()));
    }

    #[test]
    fn a_location_measures_the_node_in_characters() {
        let mut sources = SourceMap::default();
        let first = sources.add("first.yaml", "a: 1\n".to_owned());
        let text = "name: 계약 해지\n";
        let second = sources.add("dir\\second.yaml", text.to_owned());
        let start = text.find('계').unwrap();
        let location = sources.locate(Span::new(second, start..text.len() - 1));
        assert_eq!((location.line, location.column, location.length), (1, 7, 5));
        assert_eq!(location.file.display_path(), "dir/second.yaml");
        let empty = sources.locate(Span::new(first, 0..0));
        assert_eq!((empty.line, empty.column, empty.length), (1, 1, 0));
        // A span cut inside a character still locates (at that character).
        let cut = sources.locate(Span::new(second, start + 1..start + 4));
        assert_eq!((cut.column, cut.length), (7, 1));
    }
}
