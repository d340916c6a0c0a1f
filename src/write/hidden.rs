//! New folders built out of sight (for a [`super::BatchWriter`]).
//!
//! A folder that does not exist yet is made under a hidden name beside where it goes
//! (`.name.<process>.<n>.new`), filled with plain new files, and renamed to its name
//! when the whole batch has succeeded, or removed when it fails. Readers see no folder,
//! then the folder with every file in it, whole; a crash leaves a hidden folder, never
//! a half-written file under a real name.
//!
//! Why not put each new file in place as it comes, as in a folder that exists
//! (`link.rs`): a file nobody can see needs no unnamed file and no link. On ext4 an
//! unnamed file joins and leaves the orphan list, which is journalled: measured on this
//! project's VM, 45,000 files in 15,000 new folders took 1.70 s of system time written
//! unnamed and linked, 1.14 s created plainly (`generate` at 5,000 services writes
//! exactly that). Only the top folder of each new tree is hidden and renamed: its
//! subfolders are made inside it, under their own names.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::WriteError;

/// The hidden folders of one batch, by the relative path they will have. Never
/// forgotten while the batch runs (unlike the resolved folders): their names do not
/// exist until revealed, so forgetting one would make a second.
#[derive(Debug, Default)]
pub(super) struct NewFolders {
    /// Relative path -> (where it goes, canonical; where it is built).
    folders: BTreeMap<PathBuf, (PathBuf, PathBuf)>,
}

impl NewFolders {
    /// Where the new folder `relative` is being built, if this batch made it: its
    /// final path and its hidden path.
    pub(super) fn get(&self, relative: &Path) -> Option<(PathBuf, PathBuf)> {
        self.folders.get(relative).cloned()
    }

    /// Makes the hidden folder that becomes `path` (`relative` in the output folder):
    /// its hidden path.
    pub(super) fn make(&mut self, relative: &Path, path: &Path) -> Result<PathBuf, WriteError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = path.file_name().ok_or(WriteError::Empty)?.to_string_lossy();
        let hidden = path.with_file_name(format!(
            ".{name}.{}.{}.new",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir(&hidden).map_err(|source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.folders
            .insert(relative.to_path_buf(), (path.to_path_buf(), hidden.clone()));
        Ok(hidden)
    }

    /// Renames every hidden folder to its name, in path order. A folder that appeared
    /// under the name meanwhile (another process's) is not replaced, unless empty: the
    /// rename fails, the error names it, and the folders not revealed yet stay hidden
    /// for [`NewFolders::remove`].
    pub(super) fn reveal(&mut self) -> Result<(), WriteError> {
        while let Some((relative, (path, hidden))) = self.folders.pop_first() {
            if let Err(source) = fs::rename(&hidden, &path) {
                self.folders.insert(relative, (path.clone(), hidden));
                return Err(WriteError::Io { path, source });
            }
        }
        Ok(())
    }

    /// Removes every folder not revealed, with what was written into it.
    pub(super) fn remove(&mut self) {
        while let Some((_, (_, hidden))) = self.folders.pop_first() {
            // Never follows a symlink out (std removes links, not what they name).
            let _ = fs::remove_dir_all(&hidden);
        }
    }
}

/// Creates the file at `hidden` (in a hidden folder), exclusively: nothing else
/// should be there, and a file that is is never written through.
pub(super) fn create_file(hidden: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(hidden)
}

/// Writes `bytes` to a new file at `hidden`.
pub(super) fn write_file(hidden: &Path, bytes: &[u8]) -> io::Result<()> {
    create_file(hidden)?.write_all(bytes)
}
