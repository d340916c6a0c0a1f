//! The path a code host is given for a spec file (`--format sarif` and `--format
//! github`): one decision, so the two formats always name a file alike.
//!
//! Code hosts resolve a result's path against the repository's checkout, whatever
//! folder the command ran from; so a file inside the repository is named relative to the
//! repository root, and a file outside it by its absolute path (SARIF: a `file://` URI).
//! The human and JSON reports keep the path as the user typed it: a person reads those,
//! in the folder they ran the command from.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io;
use std::path::{Component, Path, PathBuf, Prefix};

use crate::source::{FileId, SourceMap};

/// The folder that report paths are relative to.
#[derive(Debug, Clone)]
pub struct RepositoryRoot {
    dir: PathBuf,
}

impl RepositoryRoot {
    /// The repository holding the current folder: the nearest ancestor (the folder
    /// itself included) with a `.git` (a folder, or a file in a worktree or submodule),
    /// else the current folder itself.
    pub fn of_current_dir() -> io::Result<Self> {
        let current = std::env::current_dir()?.canonicalize()?;
        let dir = current
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .map_or_else(|| current.clone(), Path::to_path_buf);
        Ok(RepositoryRoot { dir })
    }

    /// `dir` as the root, as it is on disk (canonical) when it exists.
    pub fn at(dir: &Path) -> Self {
        RepositoryRoot {
            dir: dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    /// Where `file` (as the user named it, relative to the current folder or absolute)
    /// is for a code host.
    pub fn place(&self, file: &Path) -> ReportPath {
        // Canonical, as the root is: `specs/../x.yaml`, or a root reached through a
        // symbolic link, still compare equal.
        let absolute = file
            .canonicalize()
            .or_else(|_| std::path::absolute(file))
            .unwrap_or_else(|_| file.to_path_buf());
        match absolute.strip_prefix(&self.dir) {
            Ok(relative) => ReportPath::InRepository(relative.to_path_buf()),
            Err(_) if absolute.is_absolute() => ReportPath::Outside(absolute),
            // Not a file on disk and no current folder to resolve it against (a name
            // given to text held in memory): the name is the best guess.
            Err(_) => ReportPath::InRepository(absolute),
        }
    }
}

/// A spec file as a code host is told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPath {
    /// Inside the repository: the path relative to its root.
    InRepository(PathBuf),
    /// Outside the repository: the absolute path. No code host can show the file.
    Outside(PathBuf),
}

impl ReportPath {
    /// A URI reference (RFC 3986): relative to the root for a file in the repository,
    /// else a `file://` URI (RFC 8089). Every byte but an unreserved character and the
    /// `/` separators is percent-encoded, non-ASCII included: GitHub's SARIF upload
    /// checks the `uri-reference` format, which allows no raw non-ASCII.
    pub fn uri(&self) -> String {
        match self {
            ReportPath::InRepository(relative) => {
                let mut uri = String::new();
                for segment in relative.components() {
                    if !uri.is_empty() {
                        uri.push('/');
                    }
                    percent_encode(&mut uri, segment.as_os_str());
                }
                uri
            }
            ReportPath::Outside(absolute) => file_uri(absolute),
        }
    }

    /// The path as text, with `/` separators: relative to the root in the repository,
    /// else absolute.
    pub fn text(&self) -> String {
        match self {
            ReportPath::InRepository(relative) => relative
                .components()
                .map(|segment| segment.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            ReportPath::Outside(absolute) => absolute.to_string_lossy().into_owned(),
        }
    }
}

/// Each file's [`ReportPath`], worked out once per file: a large spec has thousands of
/// findings in a few files, and each lookup asks the file system.
pub struct ReportPaths<'a> {
    root: &'a RepositoryRoot,
    sources: &'a SourceMap,
    known: HashMap<FileId, ReportPath>,
}

impl<'a> ReportPaths<'a> {
    pub fn new(root: &'a RepositoryRoot, sources: &'a SourceMap) -> Self {
        ReportPaths {
            root,
            sources,
            known: HashMap::new(),
        }
    }

    pub fn of(&mut self, file: FileId) -> &ReportPath {
        self.known
            .entry(file)
            .or_insert_with(|| self.root.place(self.sources.file(file).path()))
    }
}

/// `file://` and the absolute path: `file:///srv/x.yaml`, `file:///C:/x.yaml`,
/// `file://server/share/x.yaml`.
fn file_uri(absolute: &Path) -> String {
    let mut uri = String::from("file://");
    for component in absolute.components() {
        match component {
            Component::Prefix(prefix) => match prefix.kind() {
                Prefix::Disk(drive) | Prefix::VerbatimDisk(drive) => {
                    uri.push('/');
                    uri.push(char::from(drive));
                    uri.push(':');
                }
                Prefix::UNC(server, share) | Prefix::VerbatimUNC(server, share) => {
                    percent_encode(&mut uri, server);
                    uri.push('/');
                    percent_encode(&mut uri, share);
                }
                _ => percent_encode(&mut uri, prefix.as_os_str()),
            },
            Component::RootDir => uri.push('/'),
            Component::CurDir | Component::ParentDir | Component::Normal(_) => {
                if !uri.ends_with('/') {
                    uri.push('/');
                }
                percent_encode(&mut uri, component.as_os_str());
            }
        }
    }
    uri
}

/// Appends one path segment, percent-encoded byte by byte (UTF-8 for Unicode names; a
/// Unix name that is not UTF-8 keeps its bytes).
fn percent_encode(uri: &mut String, segment: &OsStr) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in segment.as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            uri.push(char::from(byte));
        } else {
            uri.push('%');
            uri.push(char::from(HEX[usize::from(byte >> 4)]));
            uri.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_the_repository_is_relative_and_percent_encoded() {
        let path = ReportPath::InRepository(PathBuf::from("specs/주문 #1/a:b%.yaml"));
        assert_eq!(path.uri(), "specs/%EC%A3%BC%EB%AC%B8%20%231/a%3Ab%25.yaml");
        assert_eq!(path.text(), "specs/주문 #1/a:b%.yaml");
    }

    #[test]
    fn a_file_outside_is_a_file_uri() {
        let path = ReportPath::Outside(PathBuf::from("/tmp/my specs/음식.yaml"));
        assert_eq!(path.uri(), "file:///tmp/my%20specs/%EC%9D%8C%EC%8B%9D.yaml");
        assert_eq!(path.text(), "/tmp/my specs/음식.yaml");
    }

    #[test]
    fn place_is_relative_to_the_root_or_absolute_outside_it() {
        let scratch = std::env::temp_dir().join(format!("edasmith-paths-{}", std::process::id()));
        let inside = scratch.join("repo/specs");
        let outside = scratch.join("elsewhere");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(inside.join("a.yaml"), "").unwrap();
        std::fs::write(outside.join("b.yaml"), "").unwrap();
        let root = RepositoryRoot::at(&scratch.join("repo"));

        let dotted = inside.join("../specs/a.yaml");
        assert_eq!(
            root.place(&dotted),
            ReportPath::InRepository(PathBuf::from("specs/a.yaml"))
        );
        let b = outside.join("b.yaml");
        assert_eq!(
            root.place(&b),
            ReportPath::Outside(b.canonicalize().unwrap())
        );
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
