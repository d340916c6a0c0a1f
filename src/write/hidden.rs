//! New folders built out of sight (for a [`super::BatchWriter`]).
//!
//! A folder that does not exist yet is built in a staging folder at the root of the
//! output (`.edasmith-new.<process>.<k>/<n>`), filled with plain new files, and renamed
//! to its name when the whole batch has succeeded, or removed with the staging folder
//! when it fails. Readers see no folder, then the folder with every file in it, whole;
//! a crash leaves a staging folder, never a half-written file under a real name, and
//! the next batch into the same output removes it.
//!
//! Why a staging folder at the root, not a hidden name beside each new folder: a
//! workspace's `members = ["services/*"]` matches a dot name too, so a leftover beside
//! the crates would be one more crate to `cargo`.
//!
//! Why not put each new file in place as it comes, as in a folder that exists
//! (`link.rs`): a file nobody can see needs no unnamed file and no link. On ext4 an
//! unnamed file joins and leaves the orphan list, which is journalled: measured on this
//! project's VM, 45,000 files in 15,000 new folders took 1.70 s of system time written
//! unnamed and linked, 1.14 s created plainly (`generate` at 5,000 services writes
//! exactly that). Only the top folder of each new tree is staged and renamed: its
//! subfolders are made inside it, under their own names.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::WriteError;

/// How the staging folders of this program are named at the root of an output.
const STAGING_PREFIX: &str = ".edasmith-new.";

/// The new folders of one batch. Never forgotten while the batch runs (unlike the
/// resolved folders): their names do not exist until revealed, so forgetting one
/// would make a second.
#[derive(Debug)]
pub(super) struct NewFolders {
    /// The output folder, canonical.
    root: PathBuf,
    /// Where they are built: made at the first new folder.
    staging: Option<PathBuf>,
    /// Final path (canonical) -> where it is built, in path order.
    folders: BTreeMap<PathBuf, PathBuf>,
}

impl NewFolders {
    pub(super) fn new(root: &Path) -> Self {
        NewFolders {
            root: root.to_path_buf(),
            staging: None,
            folders: BTreeMap::new(),
        }
    }

    /// Where the new folder `path` (final, canonical) is being built, if this batch
    /// made it.
    pub(super) fn get(&self, path: &Path) -> Option<PathBuf> {
        self.folders.get(path).cloned()
    }

    /// Starts building the new folder `path` (final, canonical, under the root) out of
    /// sight: where it is built, or `None` when it cannot be (its parent is on another
    /// file system than the root, so no rename could reveal it): then the caller makes
    /// it in place.
    pub(super) fn make(&mut self, path: &Path) -> Result<Option<PathBuf>, WriteError> {
        if let Some(built) = self.get(path) {
            return Ok(Some(built));
        }
        if !same_file_system(&self.root, path.parent().unwrap_or(&self.root)) {
            return Ok(None);
        }
        let staging = match &self.staging {
            Some(staging) => staging.clone(),
            None => {
                remove_abandoned(&self.root);
                let staging = self.root.join(staging_name());
                fs::create_dir(&staging).map_err(|source| WriteError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
                self.staging = Some(staging.clone());
                staging
            }
        };
        let built = staging.join(self.folders.len().to_string());
        fs::create_dir(&built).map_err(|source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.folders.insert(path.to_path_buf(), built.clone());
        Ok(Some(built))
    }

    /// Renames every new folder to its name, in path order, never over anything that
    /// appeared under the name meanwhile (another process's folder). When one cannot be
    /// revealed, those revealed before it are put back, so the batch fails as a whole:
    /// the error names the folder, and [`NewFolders::remove`] removes them all. (A file
    /// another process wrote into a revealed folder in the microseconds between goes
    /// back with it: the folders are this batch's, and only just appeared.)
    pub(super) fn reveal(&mut self) -> Result<(), WriteError> {
        let mut revealed: Vec<(PathBuf, PathBuf)> = Vec::new();
        while let Some((path, built)) = self.folders.pop_first() {
            if let Err(source) = rename_no_replace(&built, &path) {
                for (path, built) in revealed {
                    let _ = fs::rename(&path, &built);
                    self.folders.insert(path, built);
                }
                self.folders.insert(path.clone(), built);
                return Err(WriteError::Io { path, source });
            }
            revealed.push((path, built));
        }
        if let Some(staging) = self.staging.take() {
            let _ = fs::remove_dir(staging);
        }
        Ok(())
    }

    /// Removes every folder not revealed, with what was written into it.
    pub(super) fn remove(&mut self) {
        self.folders.clear();
        if let Some(staging) = self.staging.take() {
            // Never follows a symlink out (std removes links, not what they name).
            let _ = fs::remove_dir_all(staging);
        }
    }
}

/// A staging folder name no other batch uses: this process, and a count.
fn staging_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{STAGING_PREFIX}{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Removes the staging folders at `root` left by a process that no longer runs (one
/// killed half-way): a live one's, or any whose process cannot be told, stay.
fn remove_abandoned(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(process) = name
            .to_str()
            .and_then(|name| name.strip_prefix(STAGING_PREFIX))
            .and_then(|rest| rest.split('.').next())
            .and_then(|process| process.parse::<u32>().ok())
        else {
            continue;
        };
        if process != std::process::id() && !is_running(process) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn is_running(process: u32) -> bool {
    let Ok(process) = libc::pid_t::try_from(process) else {
        return true;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let alive = unsafe { libc::kill(process, 0) } == 0;
    alive || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(target_os = "linux"))]
fn is_running(_: u32) -> bool {
    true
}

#[cfg(unix)]
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

/// Elsewhere a folder is never staged (no device numbers to compare).
#[cfg(not(unix))]
fn same_file_system(_: &Path, _: &Path) -> bool {
    false
}

/// Renames the folder `from` to `to`, failing if anything is at `to`. Where the system
/// cannot refuse (no `renameat2`, or a file system without it), a plain rename, which
/// replaces only an empty folder.
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let from_c = CString::new(from.as_os_str().as_bytes())?;
        let to_c = CString::new(to.as_os_str().as_bytes())?;
        // SAFETY: both are NUL-terminated strings that outlive the call.
        let renamed = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from_c.as_ptr(),
                libc::AT_FDCWD,
                to_c.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if renamed == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(error);
        }
    }
    fs::rename(from, to)
}

/// Creates the file at `built` (in a new folder), exclusively: nothing else should be
/// there, and a file that is is never written through.
pub(super) fn create_file(built: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(built)
}

/// Writes `bytes` to a new file at `built`.
pub(super) fn write_file(built: &Path, bytes: &[u8]) -> io::Result<()> {
    create_file(built)?.write_all(bytes)
}
