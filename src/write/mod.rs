//! Safe output writing: every file edasmith generates goes through here.
//!
//! [`OutputDir`] confines every access to one folder: a relative path is refused when it
//! is absolute, contains `..`, or resolves (through a symlink) to outside the folder; a
//! symlink that stays inside is followed. Every file is written atomically, so a reader
//! never sees half a file and a failed run leaves the old file in place: a file that
//! replaces another is written to a temporary file in the same folder, then renamed
//! over it; a file that does not exist yet is written unnamed and linked under its name
//! at once (`link.rs`, Linux), which cannot replace a file that appeared meanwhile. A
//! [`BatchWriter`] builds a folder that does not exist yet out of sight and
//! reveals it, whole, when the batch succeeds (`hidden.rs`).
//!
//! No fsync, for any writer: everything written here is derived from the spec, so a
//! crash that loses a file is repaired by running again (`generate --check` notices),
//! while syncing each of the hundreds of files `generate` writes costs seconds. The
//! rename still gives readers the old file or the new one.
//!
//! A file that already holds exactly the bytes to write is left alone: its modification
//! time stays, so `cargo` does not rebuild a generated crate and `git` sees no change
//! when nothing changed, and a second run over the same output costs reads, not writes.
//!
//! The checks are made on the file system as it is when a folder is first resolved (a
//! resolved folder is remembered for the life of the [`OutputDir`]); a folder swapped
//! for a symlink after that by another process is not defended against (the output
//! folder is the user's, not an attacker's).

mod batch;
mod hidden;
mod link;
mod list;
mod path;
mod stream;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use batch::{BatchWriter, Written};
pub use link::Created;
use link::Linked;

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
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a file on disk is, compared with what it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Missing,
    Stale,
    UpToDate,
    /// On disk, written by an earlier run, and no longer produced. [`OutputDir::status`]
    /// never says so: only the caller knows what it produces (`codegen::update`).
    Obsolete,
}

/// Whether staging replaces a file that differs, or only creates a missing one (a file
/// the team owns once it exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Replace,
    CreateOnly,
}

/// How a file that does not exist yet is put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Written unnamed and linked under its name at once (`link.rs`): no temporary name,
    /// no rename, and never over a file that appeared since it was checked. Where the
    /// system cannot, [`Strategy::Rename`] is used instead.
    Link,
    /// Written to a temporary file beside it, renamed into place on commit.
    Rename,
}

/// A folder that generated files are written into, and never out of.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// Canonical (symlinks resolved), so containment is a prefix check. A folder that
    /// does not exist yet is its deepest existing ancestor, canonical, plus the rest.
    root: PathBuf,
    /// Folders already resolved (and created, when writing), by their relative path:
    /// thousands of files share a few folders, and resolving one costs a `stat`, a
    /// `realpath` and maybe a `mkdir` per component. Shared by clones, so the threads
    /// of a [`BatchWriter`] resolve each folder once.
    resolved: Arc<Mutex<HashMap<PathBuf, path::Folder>>>,
    /// Held while a folder that is not in `resolved` yet is being resolved.
    resolving: Arc<Mutex<()>>,
    /// Whether new files are linked ([`Strategy::Link`]); cleared for good the first time
    /// the system says it cannot, so later files do not try again.
    linking: Arc<AtomicBool>,
    /// A batch's: new folders are built hidden, and revealed when it succeeds
    /// (`hidden.rs`).
    new_folders: Option<Arc<Mutex<hidden::NewFolders>>>,
}

impl OutputDir {
    /// Opens the folder, creating it (and its parents) when missing.
    pub fn create(root: impl AsRef<Path>) -> Result<Self, WriteError> {
        let root = root.as_ref();
        fs::create_dir_all(root).map_err(io_error(root))?;
        Self::open(root)
    }

    /// Opens the folder without creating it: the first write does. Reading a folder
    /// that does not exist finds nothing (`generate --check` writes nothing).
    pub fn open(root: impl AsRef<Path>) -> Result<Self, WriteError> {
        let root = root.as_ref();
        let canonical = path::canonical_or_planned(root)?;
        if canonical.exists() && !canonical.is_dir() {
            return Err(WriteError::NotAFolder {
                path: root.to_path_buf(),
                blocker: canonical,
            });
        }
        Ok(OutputDir {
            root: canonical,
            resolved: Arc::default(),
            resolving: Arc::default(),
            linking: Arc::new(AtomicBool::new(true)),
            new_folders: None,
        })
    }

    /// The same folder for a batch: a folder that does not exist yet is built in a
    /// staging folder and revealed by [`OutputDir::reveal_new_folders`]. It resolves
    /// folders on its own: the others must not find a hidden one.
    pub(super) fn hiding_new_folders(&self) -> OutputDir {
        OutputDir {
            resolved: Arc::default(),
            resolving: Arc::default(),
            new_folders: Some(Arc::new(Mutex::new(hidden::NewFolders::new(&self.root)))),
            ..self.clone()
        }
    }

    /// Renames the hidden new folders to their names (see [`hidden::NewFolders::reveal`]).
    pub(super) fn reveal_new_folders(&self) -> Result<(), WriteError> {
        match &self.new_folders {
            Some(folders) => folders.lock().unwrap_or_else(|e| e.into_inner()).reveal(),
            None => Ok(()),
        }
    }

    /// Removes the hidden new folders not revealed, and what is in them.
    pub(super) fn remove_new_folders(&self) {
        if let Some(folders) = &self.new_folders {
            folders.lock().unwrap_or_else(|e| e.into_inner()).remove();
        }
    }

    /// The same folder, putting new files in place by `strategy` (by default
    /// [`Strategy::Link`] where the system can).
    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.linking = Arc::new(AtomicBool::new(strategy == Strategy::Link));
        self
    }

    fn strategy(&self) -> Strategy {
        if self.linking.load(Ordering::Relaxed) {
            Strategy::Link
        } else {
            Strategy::Rename
        }
    }

    /// The folder, with symlinks resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `bytes` to `relative` inside the folder, atomically, creating parent
    /// folders; a file that already holds `bytes` is left untouched. Returns the path.
    pub fn write(&self, relative: impl AsRef<Path>, bytes: &[u8]) -> Result<PathBuf, WriteError> {
        self.stage(relative, bytes)?.commit()
    }

    /// The first half of [`OutputDir::write`]: the bytes in a temporary file beside the
    /// target, not yet in place ([`Pending::commit`] renames it over the target, dropping
    /// it removes it); or, for a file that did not exist, already in place under its name
    /// ([`Staged::Created`]: dropping it removes it again).
    pub fn stage(&self, relative: impl AsRef<Path>, bytes: &[u8]) -> Result<Staged, WriteError> {
        self.stage_as(relative, bytes, Policy::Replace)
            .map(|(_, staged)| staged)
    }

    /// [`OutputDir::stage`] under a policy, also saying what the file on disk was.
    pub fn stage_as(
        &self,
        relative: impl AsRef<Path>,
        bytes: &[u8],
        policy: Policy,
    ) -> Result<(FileStatus, Staged), WriteError> {
        let relative = relative.as_ref();
        match self.stage_once(relative, bytes, policy) {
            Err(WriteError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                // A remembered folder was removed since: resolve (and create) it again.
                self.forget_folders();
                self.stage_once(relative, bytes, policy)
            }
            staged => staged,
        }
    }

    fn stage_once(
        &self,
        relative: &Path,
        bytes: &[u8],
        policy: Policy,
    ) -> Result<(FileStatus, Staged), WriteError> {
        let strategy = self.strategy();
        // Linking cannot replace anything, so a folder this run made needs no look:
        // only a file that appeared since would be there, and the link then fails.
        let target = self.target_to_write(relative, strategy == Strategy::Link)?;
        if let Some(built) = &target.hidden {
            return stage_in_new_folder(relative, target.path, built, bytes, policy);
        }
        let status = match decide(
            relative,
            &target.path,
            target.metadata.as_ref(),
            bytes,
            policy,
        )? {
            Decision::Leave(status) => return Ok((status, Staged::Unchanged(target.path))),
            Decision::Write(status) => status,
        };
        if status == FileStatus::Missing && strategy == Strategy::Link {
            let folder = target.folder.as_deref().unwrap_or(self.root.as_path());
            match link::create_linked(folder, &target.path, bytes)
                .map_err(io_error(&target.path))?
            {
                Linked::Created(created) => return Ok((status, Staged::Created(created))),
                Linked::Exists => return self.stage_over_newcomer(relative, bytes, policy),
                Linked::Unsupported => self.linking.store(false, Ordering::Relaxed),
            }
        }
        Ok((
            status,
            Staged::Pending(Pending::create(target.path, bytes)?),
        ))
    }

    /// Stages a file whose name was taken between the check and the link (by another
    /// process, or by an earlier file of the same name): it is looked at as any file
    /// already there, and replaced, if at all, only by a rename on commit.
    fn stage_over_newcomer(
        &self,
        relative: &Path,
        bytes: &[u8],
        policy: Policy,
    ) -> Result<(FileStatus, Staged), WriteError> {
        let target = self.target(relative, true)?;
        match decide(
            relative,
            &target.path,
            target.metadata.as_ref(),
            bytes,
            policy,
        )? {
            Decision::Leave(status) => Ok((status, Staged::Unchanged(target.path))),
            Decision::Write(status) => Ok((
                status,
                Staged::Pending(Pending::create(target.path, bytes)?),
            )),
        }
    }

    /// The bytes of a file inside the folder.
    pub fn read(&self, relative: impl AsRef<Path>) -> Result<Vec<u8>, WriteError> {
        let path = self.target(relative.as_ref(), false)?.path;
        fs::read(&path).map_err(io_error(&path))
    }

    /// Whether the file holds exactly `contents`: up to date, stale or missing.
    pub fn status(
        &self,
        relative: impl AsRef<Path>,
        contents: &[u8],
    ) -> Result<FileStatus, WriteError> {
        let target = self.target(relative.as_ref(), false)?;
        if target.folder.is_none() {
            return Ok(FileStatus::Missing);
        }
        match fs::read(&target.path) {
            Ok(existing) if existing == contents => Ok(FileStatus::UpToDate),
            Ok(_) => Ok(FileStatus::Stale),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(FileStatus::Missing),
            Err(error) => Err(io_error(&target.path)(error)),
        }
    }

    /// Whether the file exists (user files are written only when missing).
    pub fn exists(&self, relative: impl AsRef<Path>) -> Result<bool, WriteError> {
        let target = self.target(relative.as_ref(), false)?;
        Ok(target.folder.is_some() && target.path.exists())
    }

    /// Removes a file inside the folder (a symlink itself, never what it points at).
    pub fn remove(&self, relative: impl AsRef<Path>) -> Result<(), WriteError> {
        let path = self.target(relative.as_ref(), false)?.path;
        fs::remove_file(&path).map_err(io_error(&path))
    }
}

/// Stages a file in a folder this batch is building out of sight (`hidden.rs`), at
/// `built`: written at once, since nobody sees it before the batch reveals the folder.
/// A file there already (the same path handed over twice) is decided on as any file
/// on disk: left alone when equal or the team's, else replaced.
fn stage_in_new_folder(
    relative: &Path,
    path: PathBuf,
    built: &Path,
    bytes: &[u8],
    policy: Policy,
) -> Result<(FileStatus, Staged), WriteError> {
    match hidden::write_file(built, bytes) {
        Ok(()) => return Ok((FileStatus::Missing, Staged::InNewFolder(path))),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(io_error(&path)(error)),
    }
    let there = fs::symlink_metadata(built).ok();
    let decided = decide(relative, built, there.as_ref(), bytes, policy);
    // A folder in the way is named where the user will look for it, not where it is built.
    let status = match decided.map_err(|error| match error {
        WriteError::NotAFolder { path: relative, .. } => WriteError::NotAFolder {
            path: relative,
            blocker: path.clone(),
        },
        other => other,
    })? {
        Decision::Leave(status) => status,
        Decision::Write(status) => {
            // Removed, not written through: whatever it is, it is this batch's.
            fs::remove_file(built)
                .and_then(|()| hidden::write_file(built, bytes))
                .map_err(io_error(&path))?;
            status
        }
    };
    Ok((status, Staged::InNewFolder(path)))
}

/// What staging does about the file on disk, and what it was.
enum Decision {
    Leave(FileStatus),
    Write(FileStatus),
}

/// Compares what is at `path` (its metadata, not followed) with `bytes` under `policy`.
fn decide(
    relative: &Path,
    path: &Path,
    metadata: Option<&fs::Metadata>,
    bytes: &[u8],
    policy: Policy,
) -> Result<Decision, WriteError> {
    match metadata {
        // The team's file, whatever it is (a link to theirs, a folder), is theirs; a
        // link to nothing is no file, as `exists` says in `--check`.
        Some(_) if policy == Policy::CreateOnly && path.exists() => {
            Ok(Decision::Leave(FileStatus::UpToDate))
        }
        Some(metadata) if metadata.is_dir() => Err(WriteError::NotAFolder {
            path: relative.to_path_buf(),
            blocker: path.to_path_buf(),
        }),
        Some(metadata) if metadata.is_file() && holds(path, metadata, bytes) => {
            Ok(Decision::Leave(FileStatus::UpToDate))
        }
        Some(_) => Ok(Decision::Write(FileStatus::Stale)),
        None => Ok(Decision::Write(FileStatus::Missing)),
    }
}

/// Whether the regular file at `path` holds exactly `bytes` (the size is compared first,
/// so a changed file of another size costs no read).
fn holds(path: &Path, metadata: &fs::Metadata, bytes: &[u8]) -> bool {
    if metadata.len() != bytes.len() as u64 {
        return false;
    }
    // Read through `take` with room for one byte more than expected: `fs::read` asks the
    // file its size again (a `statx` per file on a rerun), and a file grown since the
    // check shows as longer rather than cut to size.
    let mut existing = Vec::with_capacity(bytes.len() + 1);
    fs::File::open(path)
        .and_then(|file| file.take(bytes.len() as u64 + 1).read_to_end(&mut existing))
        .is_ok_and(|_| existing == bytes)
}

/// What [`OutputDir::stage`] did.
#[derive(Debug)]
pub enum Staged {
    /// The file already held the bytes: nothing to do.
    Unchanged(PathBuf),
    /// The bytes wait in a temporary file.
    Pending(Pending),
    /// The file did not exist and is in place already, whole.
    Created(Created),
    /// The file is whole in a new folder, hidden until the batch reveals it.
    InNewFolder(PathBuf),
}

impl Staged {
    /// Puts the file in place for good: the path.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        match self {
            Staged::Unchanged(path) | Staged::InNewFolder(path) => Ok(path),
            Staged::Pending(pending) => pending.commit(),
            Staged::Created(created) => Ok(created.keep()),
        }
    }
}

/// Bytes written to a temporary file beside their target, waiting to be renamed over
/// it. Dropped without [`Pending::commit`], the temporary file is removed.
#[derive(Debug)]
pub struct Pending {
    target: PathBuf,
    /// Names the temporary file ([`Pending::temp`]); the name is derived when needed
    /// rather than kept, since a batch holds tens of thousands of pending files.
    number: u64,
    committed: bool,
}

impl Pending {
    /// Writes `bytes` to a fresh temporary file beside `target`.
    fn create(target: PathBuf, bytes: &[u8]) -> Result<Pending, WriteError> {
        let (pending, mut file) = Pending::create_empty(target)?;
        match file.write_all(bytes) {
            Ok(()) => Ok(pending),
            Err(source) => Err(WriteError::Io {
                path: pending.target.clone(),
                source,
            }),
        }
    }

    /// A fresh, empty temporary file beside `target`, open for writing. It is created
    /// exclusively, so it never writes through a link.
    fn create_empty(target: PathBuf) -> Result<(Pending, fs::File), WriteError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        target.file_name().ok_or(WriteError::Empty)?;
        // From here on, dropping the pending file removes the temporary file.
        let pending = Pending {
            target,
            number: COUNTER.fetch_add(1, Ordering::Relaxed),
            committed: false,
        };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(pending.temp())
        {
            Ok(file) => Ok((pending, file)),
            Err(source) => Err(WriteError::Io {
                path: pending.target.clone(),
                source,
            }),
        }
    }

    /// The temporary file: hidden, beside the target, unique to this process and file.
    fn temp(&self) -> PathBuf {
        // The process id is read once: glibc makes every `getpid` a system call.
        static PROCESS: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        let name = self
            .target
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let temp = format!(
            ".{name}.{}.{}.tmp",
            PROCESS.get_or_init(std::process::id),
            self.number
        );
        match self.target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.join(temp),
            _ => PathBuf::from(temp),
        }
    }

    /// Renames the temporary file over the target (not synced: see the module doc).
    pub fn commit(mut self) -> Result<PathBuf, WriteError> {
        fs::rename(self.temp(), &self.target).map_err(io_error(&self.target))?;
        self.committed = true;
        Ok(std::mem::take(&mut self.target))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(self.temp());
        }
    }
}

/// Writes a file atomically: a fresh temporary file beside it, renamed over it (not
/// synced: see the module doc).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    Pending::create(path.to_path_buf(), bytes)?
        .commit()
        .map(drop)
}
