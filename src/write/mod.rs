//! The output folder: every file edasmith writes goes through [`OutputDir`].
//!
//! A command renders all its files in memory, then hands them to [`OutputDir::sync`]:
//! a rendering error writes nothing, and every path is checked (confined to the
//! folder: `path.rs`) before the first write. [`OutputDir::plan`] looks without
//! writing (`generate --check`). A file that already holds the bytes is left alone, so
//! a rerun changes no modification time (`cargo` rebuilds nothing, `git` sees
//! nothing); any other is written to a temporary file beside it and renamed over it,
//! so a reader sees the old file or the new one, never half of one. Nothing is synced
//! to disk: every output is derived from the spec, and running again repairs a file a
//! crash lost. The checks see the folder as it is during the run: a folder swapped for
//! a symlink meanwhile by another process is not defended against (the output folder
//! is the user's, not an attacker's).

mod path;
#[cfg(test)]
mod tests;

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Why a file could not be written (or read, listed, removed).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write `{}`: an output path must be relative", path.display())]
    Absolute { path: PathBuf },
    #[error("refusing to write `{}`: an output path may not contain `..`", path.display())]
    ParentDir { path: PathBuf },
    #[error("refusing to write an empty output path")]
    Empty,
    #[error(
        "refusing to write `{}`: it resolves to `{}`, outside the output folder `{}`",
        path.display(), resolved.display(), root.display()
    )]
    Escapes {
        path: PathBuf,
        resolved: PathBuf,
        root: PathBuf,
    },
    #[error("cannot write `{}`: `{}` is not a folder", path.display(), blocker.display())]
    NotAFolder { path: PathBuf, blocker: PathBuf },
    #[error("cannot write `{}`: a folder stands where the file goes", .0.display())]
    IsAFolder(PathBuf),
    #[error("cannot write `{}`: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What is on disk where a file goes, compared with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Missing,
    Stale,
    UpToDate,
}

/// Whether a file that is there already is replaced when it differs, or left alone (a
/// file the team owns once it exists: only a missing one is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Replace,
    CreateOnly,
}

/// One file to write, its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: Vec<u8>,
    pub policy: Policy,
}

impl File {
    /// A file that replaces what is there when it differs.
    pub fn new(path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        File {
            path: path.into(),
            contents: contents.into(),
            policy: Policy::Replace,
        }
    }
}

/// A folder files are written into, and never out of.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// Canonical (symlinks resolved), so containment is a prefix check. A folder that
    /// does not exist yet is its deepest existing ancestor, canonical, plus the rest.
    root: PathBuf,
}

impl OutputDir {
    /// Opens the folder, creating it (and its parents) when missing.
    pub fn create(root: impl AsRef<Path>) -> Result<Self, WriteError> {
        let root = root.as_ref();
        fs::create_dir_all(root).map_err(io_error(root))?;
        Self::open(root)
    }

    /// Opens the folder without creating it (`sync` does): a missing one holds nothing.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, WriteError> {
        let root = root.as_ref();
        let canonical = path::canonical_or_planned(root)?;
        if canonical.exists() && !canonical.is_dir() {
            return Err(WriteError::NotAFolder {
                path: root.to_path_buf(),
                blocker: canonical,
            });
        }
        Ok(OutputDir { root: canonical })
    }

    /// The folder, with symlinks resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What each file is on disk, in order, writing nothing. Fails on the first path
    /// that is refused or cannot be looked at.
    pub fn plan(&self, files: &[File]) -> Result<Vec<FileStatus>, WriteError> {
        Ok(self
            .targets(files)?
            .into_iter()
            .map(|(status, _)| status)
            .collect())
    }

    /// Writes each file missing or stale (as its policy allows), after looking at all
    /// of them: a refused path changes nothing. Returns what each file was, in order.
    pub fn sync(&self, files: &[File]) -> Result<Vec<FileStatus>, WriteError> {
        let targets = self.targets(files)?;
        let to_write: Vec<_> = (files.iter().zip(&targets))
            .filter(|(_, (status, _))| *status != FileStatus::UpToDate)
            .collect();
        on_every_core(&to_write, |files| {
            let mut made = None;
            for (file, (_, path)) in files {
                // Files come grouped by folder: a folder is made once per run of its files.
                let folder = path.parent().unwrap_or(&self.root);
                if made != Some(folder) {
                    fs::create_dir_all(folder).map_err(io_error(path))?;
                    made = Some(folder);
                }
                write_atomic(path, &file.contents)?;
            }
            Ok(Vec::<()>::new())
        })?;
        Ok(targets.into_iter().map(|(status, _)| status).collect())
    }

    /// What is where each file goes, and where.
    fn targets(&self, files: &[File]) -> Result<Vec<(FileStatus, PathBuf)>, WriteError> {
        on_every_core(files, |files| {
            let mut folders = path::Folders::new(self);
            let mut target = |file: &File| {
                let target = folders.target(&file.path)?;
                Ok((status(file, &target)?, target.0))
            };
            files.iter().map(&mut target).collect()
        })
    }

    /// The bytes of a file inside the folder.
    pub fn read(&self, relative: &str) -> Result<Vec<u8>, WriteError> {
        let (path, _) = path::Folders::new(self).target(relative)?;
        fs::read(&path).map_err(io_error(&path))
    }

    /// Removes a file inside the folder (a symlink itself, never what it points at).
    pub fn remove(&self, relative: &str) -> Result<(), WriteError> {
        let (path, _) = path::Folders::new(self).target(relative)?;
        fs::remove_file(&path).map_err(io_error(&path))
    }

    /// The regular files under a relative folder, recursively (into the folders for
    /// which `descend` holds), as relative paths with `/`, sorted. Symlinks below the
    /// folder are neither followed nor listed; a missing folder has no files.
    pub fn files_under(
        &self,
        relative: &str,
        descend: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, WriteError> {
        let Some(full) = path::Folders::new(self).folder(relative)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        let mut pending = vec![(full, relative.to_owned())];
        while let Some((full, dir)) = pending.pop() {
            for (name, kind) in entries(&full)? {
                let path = format!("{dir}/{name}");
                if kind.is_dir() && descend(&path) {
                    pending.push((full.join(&name), path));
                } else if kind.is_file() {
                    found.push(path);
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Runs `work` on each core over a run of `items` (a file costs the system more than
/// edasmith: thousands of files are written, or compared, in a fraction of the time),
/// the runs' results in order; the error of the earliest run that failed.
fn on_every_core<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&[T]) -> Result<Vec<R>, WriteError> + Sync,
) -> Result<Vec<R>, WriteError> {
    let mut results = Vec::with_capacity(items.len());
    for run in crate::parallel::in_runs(items, work) {
        results.extend(run?);
    }
    Ok(results)
}

/// What is where `file` goes (`metadata`, not followed), for its policy.
fn status(file: &File, (path, metadata): &path::Target) -> Result<FileStatus, WriteError> {
    use FileStatus::{Missing, Stale, UpToDate};
    let Some(metadata) = metadata else {
        return Ok(Missing);
    };
    // The team's file, whatever it is (a link, a folder), is theirs; a dangling link is none.
    if file.policy == Policy::CreateOnly && path.exists() {
        return Ok(UpToDate);
    }
    if metadata.is_dir() {
        return Err(WriteError::IsAFolder(file.path.clone().into()));
    }
    // The size first: a file of another size costs no read. Anything but a regular
    // file (a link, a fifo) is replaced, not read.
    let holds = metadata.is_file()
        && metadata.len() == file.contents.len() as u64
        && holds_bytes(path, &file.contents).unwrap_or(false);
    Ok(if holds { UpToDate } else { Stale })
}

/// Whether the file at `path` holds exactly `expected`, compared a piece at a time: a
/// copy of each large generated file beside the rendered workspace is memory for nothing.
fn holds_bytes(path: &Path, expected: &[u8]) -> io::Result<bool> {
    let mut file = fs::File::open(path)?;
    let mut buffer = vec![0; 64 * 1024];
    for piece in expected.chunks(buffer.len()) {
        let read = &mut buffer[..piece.len()];
        file.read_exact(read)?;
        if read != piece {
            return Ok(false);
        }
    }
    Ok(file.read(&mut buffer)? == 0)
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path` (a link
/// there is replaced, not written through). A failure leaves `path` as it was and
/// removes the temporary file. Also for a file outside any output folder (`diagram -o`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    // A temporary file is private (0600) by default; the file it becomes is an
    // ordinary one, readable as the umask allows.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder.tempfile_in(folder).map_err(io_error(path))?;
    temp.write_all(bytes).map_err(io_error(path))?;
    temp.persist(path)
        .map_err(|error| io_error(path)(error.error))?;
    Ok(())
}

/// The entries of a folder with their own type (a symlink is a symlink, not what it
/// points at). Names that are not UTF-8 are skipped: edasmith never writes one.
fn entries(folder: &Path) -> Result<Vec<(String, fs::FileType)>, WriteError> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let entry = entry.map_err(io_error(folder))?;
        let kind = entry.file_type().map_err(io_error(folder))?;
        if let Ok(name) = entry.file_name().into_string() {
            entries.push((name, kind));
        }
    }
    Ok(entries)
}
